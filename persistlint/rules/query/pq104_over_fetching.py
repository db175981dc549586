"""## What it does
Checks for whole ORM rows of a wide model (more than 10 mapped columns,
mixins and inherited columns included) loaded where the function uses at
most three of their attributes, or returns the rows from a list endpoint
(a handler the web framework registers; SQLAlchemy rows):
`select(M)`, `session.query(M)`, Django `M.objects.all()/filter()` without
`load_only`/`defer`/`only`/`values`/`values_list`. Also checks raw SQL
`SELECT *` run through `execute`, `text()` or a cursor.

## Why is this bad?
Every column of every row crosses the network and is turned into Python
objects, including large text and JSON columns nobody reads; covering
indexes cannot be used.

## Example
```python
import sqlite3


def emails(conn: sqlite3.Connection):
    return conn.execute("SELECT * FROM users").fetchall()
```

## Use instead
```python
import sqlite3


def emails(conn: sqlite3.Connection):
    return conn.execute("SELECT id, email FROM users").fetchall()
```

For ORM rows: `select(M).options(load_only(M.a, M.b))`, `select(M.a, M.b)`,
`session.query(M.a, M.b)`, `M.objects.only("a", "b")` or
`values_list("a", "b")`. Rows passed on whole (to a serializer, another
function) are not reported: their use is not known here.

## Severity
MEDIUM for a model of more than 15 columns when many rows are loaded
(`.all()`, `.scalars()`, iteration, a list endpoint), and for `SELECT *`
with many rows; LOW otherwise.

## References
- [SQLAlchemy: limiting which columns load with column deferral](https://docs.sqlalchemy.org/en/20/orm/queryguide/columns.html)
- [Django: QuerySet.only() and defer()](https://docs.djangoproject.com/en/stable/ref/models/querysets/#only)
- [Use The Index, Luke: select only the columns you need](https://use-the-index-luke.com/sql/clustering/index-only-scan-covering-index)
"""

from astroid import nodes

from persistlint.context.infer import own_nodes
from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import bindings, dbcalls, inside, loops, models
from persistlint.context import sql as _sql

WIDE, VERY_WIDE, FEW_ATTRIBUTES = 10, 15, 3
MANY_ROW_METHODS = frozenset({"all", "scalars", "fetchall", "fetch", "fetchmany", "__iter__"})
CHAIN_CONTINUES = frozenset({"scalars", "unique", "all", "first", "one", "one_or_none", "scalar_one",
                             "scalar_one_or_none", "scalar", "fetchall", "fetchone", "fetchmany",
                             "mappings"})


@rule("PQ104", "over-fetching", effort=Effort.S, nodes=(nodes.Call,),
      principle="Load the columns you use, not whole rows.")
def check(node: nodes.Call, ctx):
    found = dbcalls.db_call(node, ctx)
    if found is not None and (found.api == "dbapi" or found.sql):
        yield from _select_star(node, found, ctx)
        return
    yield from _wide_rows(node, ctx)


# ------------------------------------------------------------------ raw SQL

def _select_star(call: nodes.Call, found, ctx):
    if not _sql.selects_star(found.sql):
        return
    many = _many_raw_rows(call, ctx)
    yield Finding.at(
        call, Severity.MEDIUM if many else Severity.LOW,
        f"SELECT * loads every column{' of many rows' if many else ''}: {loops.short(call)}",
        "name the columns the code reads in the SELECT list",
        evidence=found.evidence,
    )


def _many_raw_rows(call: nodes.Call, ctx) -> bool:
    method = dbcalls.split(dbcalls.qualname(call, ctx) or "")[1]
    if method in {"fetch", "execute_fetchall"}:
        return True
    outer = _outermost(call, ctx)
    if isinstance(outer, nodes.Call) and outer is not call \
            and dbcalls.split(dbcalls.qualname(outer, ctx) or "")[1] in MANY_ROW_METHODS:
        return True
    if _iterated(outer):
        return True
    holder = bindings.assigned_name(outer, through_await=False)
    receiver = call.func.expr if isinstance(call.func, nodes.Attribute) else None
    function = ctx.function_of(call)
    if function is None:
        return False
    for other in own_nodes(function, nodes.Call):
        func = other.func
        if isinstance(func, nodes.Attribute) and func.attrname in MANY_ROW_METHODS \
                and isinstance(func.expr, nodes.Name) \
                and (func.expr.name == holder or (isinstance(receiver, nodes.Name) and func.expr.name == receiver.name)):
            return True
    return holder is not None and any(
        isinstance(loop.iter, nodes.Name) and loop.iter.name == holder
        for loop in own_nodes(function, (nodes.For, nodes.AsyncFor)))


# ------------------------------------------------------------------ ORM rows

def _wide_rows(call: nodes.Call, ctx):
    outer = _outermost(call, ctx)
    if outer is not call and _is_query_part(outer, ctx):
        return  # judged once, at the outermost call of the chain
    rows = _loaded_rows(call, ctx)
    if rows is None or not _in_chain(rows.origin, call):
        return  # rows of a query named elsewhere: judged at that query
    statement = rows.statement
    if not statement.model or not statement.whole_rows or statement.limits_columns:
        return
    if rows.api == "django" and dbcalls.cached_relation_read(call, ctx) is not None:
        return  # ``self.lines.all()``: a prefetch cache may answer it; only() would query again
    if outer is not call and dbcalls.describe(outer, ctx).limits_columns:
        return  # `.only(...)` later in the chain, on a queryset inference lost track of
    columns = models.column_count(statement.model, ctx)
    if columns is None or columns <= WIDE:
        return
    use = _row_use(outer, ctx)
    if use is None:
        return
    attributes, many, returned = use
    if attributes - models.column_names(statement.model, ctx):
        return  # relationships or properties read: which columns they need is not known here
    handler = ctx.execution(call)
    list_endpoint = returned and many and rows.api != "django" and _registered_handler(handler)
    if not list_endpoint and not (attributes and len(attributes) <= FEW_ATTRIBUTES):
        return
    if returned and not list_endpoint:
        return  # the rows escape to a caller, which may read the other columns
    many = many or list_endpoint
    severity = Severity.MEDIUM if columns > VERY_WIDE and many else Severity.LOW
    model = statement.model.rpartition(".")[2]
    if list_endpoint:
        issue = f"Over-fetching: all {columns} columns of {model} are loaded for each row the list endpoint returns"
    else:
        issue = (f"Over-fetching: {columns} columns of {model} are loaded to read "
                 f"{', '.join(sorted(attributes))}")
    names = sorted(attributes) if attributes else ["a", "b"]
    if rows.api == "django":
        fix = f"only({', '.join(repr(n) for n in names)}) or values_list(...) on the queryset"
    else:
        fix = f"options(load_only({', '.join(f'{model}.{n}' for n in names)})) or select({', '.join(f'{model}.{n}' for n in names)})"
    yield Finding.at(call, severity, issue, fix, evidence=min(rows.evidence, handler.evidence)
                     if list_endpoint else rows.evidence)


def _registered_handler(execution) -> bool:
    """A function a web framework registers itself (not a helper reached
    from one, whose return value may be narrowed by its caller)."""
    return execution.is_request_handler and not execution.via.startswith("called from")


def _in_chain(origin: nodes.NodeNG, call: nodes.Call) -> bool:
    """Whether ``origin`` is ``call`` or part of its method chain (not
    reached through a name)."""
    node = call
    while node is not None:
        if node is origin:
            return True
        if isinstance(node, nodes.Await):
            node = node.value
        elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute):
            node = node.func.expr
        else:
            return False
    return False


def _is_query_part(expr: nodes.NodeNG, ctx) -> bool:
    return isinstance(expr, nodes.Call) and (
        dbcalls.db_call(expr, ctx) is not None or dbcalls.row_source(expr, ctx) is not None)


def _loaded_rows(call: nodes.Call, ctx) -> dbcalls.Rows | None:
    """The rows a (runner or queryset) call loads."""
    found = dbcalls.db_call(call, ctx)
    if found is not None and found.kind == dbcalls.READ and found.api == "sqlalchemy" \
            and found.statement is not None and found.statement is not call:
        statement = dbcalls.describe(found.statement, ctx)
        return dbcalls.Rows(call, "sqlalchemy", found.evidence, statement.model, statement)
    rows = dbcalls.row_source(call, ctx)
    if rows is not None:
        return rows
    if found is not None and found.kind == dbcalls.READ and found.api in {"sqlalchemy", "django"} \
            and found.statement is call:
        statement = dbcalls.describe(call, ctx)
        return dbcalls.Rows(call, found.api, found.evidence, statement.model, statement)
    return None


def _outermost(call: nodes.NodeNG, ctx) -> nodes.NodeNG:
    """The end of the accessor chain on a result: ``session.execute(...)``
    -> ``session.execute(...).scalars().all()``."""
    node = call
    while True:
        parent = node.parent
        if isinstance(parent, nodes.Await):
            node, parent = parent, parent.parent
        if isinstance(parent, nodes.Attribute) and isinstance(parent.parent, nodes.Call) \
                and parent.parent.func is parent:
            node = parent.parent
            continue
        return node


def _iterated(expr: nodes.NodeNG) -> bool:
    parent = expr.parent
    return isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) and parent.iter is expr


def _row_use(outer: nodes.NodeNG, ctx) -> tuple[set[str], bool, bool] | None:
    """(attributes read from the rows, many rows, returned whole), or None
    when the rows are used in ways not seen here."""
    function = ctx.function_of(outer)
    if function is None or isinstance(function, nodes.Lambda):
        return None
    method = dbcalls.split(dbcalls.qualname(outer, ctx) or "")[1] if isinstance(outer, nodes.Call) else ""
    single = method in dbcalls.SINGLE_ENTITY_ENDS
    if _iterated(outer):
        loop = outer.parent
        return _loop_use(loop, function)
    if isinstance(outer.parent, nodes.Return):
        return set(), not single, True
    holder = bindings.assigned_name(outer, through_await=False)
    if holder is None:
        return None
    attributes: set[str] = set()
    many, returned = not single, False
    statement = outer.statement()
    for name in _uses_after(holder, statement, function):
        if isinstance(name, nodes.AssignName):
            break  # rebound: later uses see another value
        accessed = _outermost(name, ctx)
        if accessed is not name:  # ``result.scalars().all()``: the rows again
            if not _only_accessors(accessed, name, ctx):
                return None
            found = _row_use(accessed, ctx)
            if found is None:
                return None
            attributes |= found[0]
            many, returned = many or found[1], returned or found[2]
            continue
        parent = name.parent
        if single and isinstance(parent, nodes.Attribute) and parent.expr is name \
                and not (isinstance(parent.parent, nodes.Call) and parent.parent.func is parent):
            attributes.add(parent.attrname)
        elif isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) and parent.iter is name:
            found = _loop_use(parent, function)
            if found is None:
                return None
            attributes |= found[0]
            many = True
        elif isinstance(parent, nodes.Return):
            returned = True
        elif isinstance(parent, (nodes.If, nodes.UnaryOp, nodes.Compare)):
            continue
        else:
            return None
    return attributes, many, returned


def _uses_after(holder: str, statement: nodes.NodeNG, function) -> list[nodes.NodeNG]:
    """Uses and rebindings of ``holder`` after ``statement``, in source order
    (a use on a rebinding's own line comes first: it is evaluated first)."""
    found = [n for n in own_nodes(function, (nodes.Name, nodes.AssignName))
             if n.name == holder and (n.lineno or 0) >= (statement.lineno or 0)
             and not inside(n, statement)]
    return sorted(found, key=lambda n: (n.lineno or 0, isinstance(n, nodes.AssignName), n.col_offset or 0))


def _only_accessors(outer: nodes.NodeNG, name: nodes.Name, ctx) -> bool:
    node = outer
    while node is not name:
        if isinstance(node, nodes.Await):
            node = node.value
            continue
        if not (isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute)
                and node.func.attrname in CHAIN_CONTINUES):
            return False
        node = node.func.expr
    return True


def _loop_use(loop: nodes.NodeNG, function) -> tuple[set[str], bool, bool] | None:
    if not isinstance(loop.target, nodes.AssignName):
        return None
    variable = loop.target.name
    scope = loop.parent if isinstance(loop, nodes.Comprehension) else loop
    attributes = set()
    for name in scope.nodes_of_class(nodes.Name):
        if name.name != variable:
            continue
        parent = name.parent
        if isinstance(parent, nodes.Attribute) and parent.expr is name \
                and not (isinstance(parent.parent, nodes.Call) and parent.parent.func is parent):
            attributes.add(parent.attrname)
        else:
            return None  # the row itself goes somewhere
    return attributes, True, False
