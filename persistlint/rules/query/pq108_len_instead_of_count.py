"""## What it does
Checks for query rows loaded only to be counted or tested for existence:
`len(query.all())`, `len(session.scalars(...).all())`, `len(cursor.fetchall())`,
`len(queryset)`, and `if queryset:` / `if rows:` when the rows are not used
otherwise.

## Why is this bad?
Every row is transferred and turned into an object just to produce one
number. The database counts (or stops at the first match) without sending
the rows.

## Example
```python
from django.db import models


class Ticket(models.Model):
    pass


def open_tickets():
    return len(Ticket.objects.filter(closed=False))
```

## Use instead
```python
from django.db import models


class Ticket(models.Model):
    pass


def open_tickets():
    return Ticket.objects.filter(closed=False).count()
```

Rows that are also iterated, returned or passed on after the count are not
reported.

## Severity
MEDIUM.

## References
- [Django: QuerySet.count() and exists()](https://docs.djangoproject.com/en/stable/ref/models/querysets/#count)
- [SQLAlchemy: counting rows with func.count()](https://docs.sqlalchemy.org/en/20/tutorial/data_select.html#tutorial-group-by-w-aggregates)
"""

from astroid import nodes

from persistlint.context.infer import own_nodes
from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import bindings, dbcalls, loops, summaries

CONDITIONS = (nodes.If, nodes.While, nodes.IfExp)


@rule("PQ108", "len-instead-of-count", effort=Effort.S, nodes=(nodes.Call, nodes.Name),
      principle="Let the database count: never load rows only to count them.")
def check(node, ctx):
    if isinstance(node, nodes.Call):
        yield from _counted(node, ctx)
    else:
        yield from _truth_tested(node, ctx)


def _counted(call: nodes.Call, ctx):
    if len(call.args) != 1 or dbcalls.qualname(call, ctx) != "builtins.len":
        return
    argument = call.args[0]
    rows = _rows(argument, ctx)
    if rows is None:
        return
    if isinstance(argument, nodes.Name) and _used_elsewhere(argument, ctx):
        return
    yield Finding.at(call, Severity.MEDIUM,
                     f"Rows loaded only to be counted: {loops.short(call)} fetches every "
                     f"{_what(rows)} row to count them",
                     _count_fix(rows), evidence=rows.evidence)


def _truth_tested(name: nodes.Name, ctx):
    parent = name.parent
    if isinstance(parent, nodes.UnaryOp) and parent.op == "not":
        name_parent = parent.parent
        tested = parent
    else:
        name_parent, tested = parent, name
    if not (isinstance(name_parent, CONDITIONS) and name_parent.test is tested):
        return
    rows = _rows(name, ctx)
    if rows is None or _used_elsewhere(name, ctx):
        return
    yield Finding.at(name, Severity.MEDIUM,
                     f"Rows loaded only to test for existence: {name.name} fetches every "
                     f"{_what(rows)} row to check that one exists",
                     _exists_fix(rows), evidence=rows.evidence)


def _rows(expr: nodes.NodeNG, ctx) -> dbcalls.Rows | None:
    if isinstance(expr, nodes.Call):
        method = dbcalls.split(dbcalls.qualname(expr, ctx) or "")[1]
        if method == "fetchall" and isinstance(expr.func, nodes.Attribute):
            return dbcalls.Rows(expr, "dbapi", dbcalls.resolve(expr, ctx).evidence, None,
                             dbcalls.describe(None, ctx))
    rows = dbcalls.row_source(expr, ctx)
    if rows is None:
        rows = _fetchall_rows(expr, ctx)
    return rows or _project_rows(expr, ctx)


def _project_rows(expr: nodes.NodeNG, ctx) -> dbcalls.Rows | None:
    """``len(await repo.list_all())``: a project function whose summary
    says it returns all rows of a query."""
    call = expr.value if isinstance(expr, nodes.Await) else expr
    if not isinstance(call, nodes.Call):
        return None
    found = dbcalls.resolve(call, ctx)
    for summary in summaries.summaries_of_method(found.qualname if found else None, ctx, call):
        if summary.returns_rows:
            model = None if summary.returns_rows == "rows" else summary.returns_rows
            return dbcalls.Rows(call, "project", found.evidence, model, dbcalls.describe(None, ctx))
    return None


def _fetchall_rows(expr: nodes.NodeNG, ctx) -> dbcalls.Rows | None:
    if isinstance(expr, nodes.Name):
        for value in bindings.assigned_values(expr):
            if isinstance(value, (nodes.Call, nodes.Await)):
                inner = value.value if isinstance(value, nodes.Await) else value
                if isinstance(inner, nodes.Call) and dbcalls.split(dbcalls.qualname(inner, ctx) or "")[1] == "fetchall":
                    return _rows(inner, ctx)
    return None


def _used_elsewhere(name: nodes.Name, ctx) -> bool:
    """Whether the rows bound to ``name`` are used beyond this count/test."""
    function = ctx.function_of(name) or name.root()
    body = own_nodes(function, nodes.Name) if isinstance(function, nodes.FunctionDef) \
        else function.nodes_of_class(nodes.Name)
    return any(other is not name and other.name == name.name for other in body)


def _what(rows: dbcalls.Rows) -> str:
    return rows.model.rpartition(".")[2] if rows.model else "matching"


def _count_fix(rows: dbcalls.Rows) -> str:
    if rows.api == "project":
        name = loops.short(rows.origin.func, 30)
        return f"add a count query next to {name}() (select(func.count()) with the same filter) and call that"
    if rows.api == "django":
        return "use .count() on the queryset"
    if rows.api == "dbapi":
        return "SELECT count(*) with the same WHERE clause"
    return "select(func.count()).select_from(...) with the same filter (or query.count())"


def _exists_fix(rows: dbcalls.Rows) -> str:
    if rows.api == "django":
        return "use .exists() on the queryset"
    return "select(exists().where(...)) or add .limit(1) and fetch first()"
