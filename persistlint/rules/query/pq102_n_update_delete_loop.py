"""## What it does
Checks for one UPDATE or DELETE statement per item of a loop:
`session.execute(update(M)...)`/`delete(M)`, `query(...).update()/.delete()`,
Django `queryset.update()/.delete()`, raw SQL whose first statement is an
UPDATE or DELETE, and project functions that issue one
(`await repo.update(item.id, ...)`), when the statement changes with the
loop variable. Also the rows of a SQLAlchemy query loaded only to set the
same value on each (`for j in journals: j.submitted_by = deleted_user`):
the next flush sends one UPDATE per row.

## Why is this bad?
N statements cost N round-trips and N index lookups; the same change fits
in one statement over the whole set of ids, or one `executemany` batch.

## Example
```python
from sqlalchemy import update
from sqlalchemy.orm import Session


def close_all(session: Session, ticket_ids):
    for ticket_id in ticket_ids:
        session.execute(update(Ticket).where(Ticket.id == ticket_id).values(open=False))
```

## Use instead
```python
from sqlalchemy import update
from sqlalchemy.orm import Session


def close_all(session: Session, ticket_ids):
    session.execute(update(Ticket).where(Ticket.id.in_(ticket_ids)).values(open=False))
```

Statements that already select a set of rows (`id__in=...`, `M.id.in_(...)`),
batched loops that stop on the result (`while` deleting 1000 rows at a
time until none is left) and statements that do not depend on the loop
variable are not reported.

## Severity
HIGH; MEDIUM when the loop provably runs at most 10 times: a literal of at
most 10 items (or a name bound to one), `range(n)` with n <= 10, an Enum of
at most 10 members, rows of a query limited to at most 10 (`.limit(5)`,
`queryset[:5]`).

## References
- [SQLAlchemy: ORM bulk UPDATE and DELETE](https://docs.sqlalchemy.org/en/20/orm/queryguide/dml.html)
- [Django: QuerySet.update()](https://docs.djangoproject.com/en/stable/ref/models/querysets/#update)
- [Python DB-API: executemany](https://peps.python.org/pep-0249/#executemany)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import bindings, dbcalls, loops, models, summaries
from persistlint.rules.query import seeding_cap

WRITES = frozenset({dbcalls.UPDATE, dbcalls.DELETE})


@rule("PQ102", "n-update-delete-loop", effort=Effort.M, nodes=(nodes.Call, nodes.AssignAttr),
      principle="Change a set of rows with one statement, not one statement per row.")
def check(node, ctx):
    if isinstance(node, nodes.AssignAttr):
        yield from _same_value_per_row(node, ctx)
        return
    if not ctx.in_loop(node):
        return
    found = dbcalls.db_call(node, ctx)
    if found is not None and found.kind in WRITES:
        kind, model, evidence, via = found.kind, found.model_name, found.evidence, ""
        api = found.api
    else:
        callee = dbcalls.resolve(node, ctx)
        through = next(filter(None, (summaries.write_through(summary, WRITES, ctx.project.functions)
                                     for summary in summaries.summaries_of_method(
                                         callee.qualname if callee else None, ctx, node))), None)
        if through is None:
            return
        (write, chain), evidence = through, callee.evidence
        kind, model = write.kind, write.model
        names = [callee.qualname.rpartition(".")[2] + "()"] + [q.rpartition(".")[2] + "()" for q in chain]
        via, api = f" through {' -> '.join(names)}", "project"
    if dbcalls.filters_by_set(node, ctx):
        return  # already one statement per group of rows
    loop = loops.per_iteration_loop(node, ctx)
    if loop is None or (api == "project" and loops.over_batches(loop)):
        return
    if dbcalls.dynamic_model(node) in loops.iteration_names(loop):
        return  # one statement per model (``apps.get_model(label).objects.filter(...).delete()``), not per row
    severity, note = seeding_cap(Severity.MEDIUM if loops.small_iterable(loop) else Severity.HIGH, ctx)
    target = f" of {model}" if model else ""
    yield Finding.at(
        node, severity,
        f"One {kind}{target} per item of {loops.loop_label(loop)}{via}: {loops.short(node)}{note}",
        _recommendation(api, kind),
        evidence=evidence,
    )


def _same_value_per_row(target: nodes.AssignAttr, ctx):
    """``for journal in journals: journal.submitted_by = deleted_user`` over
    the rows of a SQLAlchemy query: the next flush sends one UPDATE per row,
    where one ``update(M).where(...).values(...)`` sets the same value on
    all of them. Only a value that is the same for every row, assigned
    directly in the loop's body (not under a condition), and the first such
    assignment of the loop."""
    loop = target.parent.parent if isinstance(target.parent, nodes.Assign) else None
    if not isinstance(loop, (nodes.For, nodes.AsyncFor)) or not isinstance(loop.target, nodes.AssignName):
        return
    first = next((statement for statement in loop.body if _sets_row_to_one_value(statement, loop)), None)
    if first is not target.parent:
        return  # not such an assignment, or not the loop's first one: one finding per loop
    rows = dbcalls.row_source(loop.iter, ctx)
    if rows is None or rows.api != "sqlalchemy" or not rows.model or not rows.statement.whole_rows:
        return
    relationship = models.relationships(rows.model, ctx).get(target.attrname)
    if (relationship is None and target.attrname not in models.column_names(rows.model, ctx)) \
            or (relationship or {}).get("uselist"):
        return
    severity, note = seeding_cap(Severity.MEDIUM if loops.small_iterable(loop) else Severity.HIGH, ctx)
    model = rows.model.rpartition(".")[2]
    yield Finding.at(
        target, severity,
        f"One UPDATE of {model} per row of {loops.short(loop.iter)} at the next flush: "
        f"{target.expr.name}.{target.attrname} = {loops.short(target.parent.value, 40)} sets the same value on "
        f"every row{note}",
        f"one statement for all rows: update({model}).where(<the query's filter>)"
        f".values({target.attrname}=...), instead of loading the rows to change them",
        evidence=rows.evidence,
    )


def _sets_row_to_one_value(statement: nodes.NodeNG, loop: nodes.For) -> bool:
    """``row.attr = value`` on the loop's row, with a value that does not
    change from row to row."""
    if not (isinstance(statement, nodes.Assign) and len(statement.targets) == 1):
        return False
    target = statement.targets[0]
    return isinstance(target, nodes.AssignAttr) and isinstance(target.expr, nodes.Name) \
        and target.expr.name == loop.target.name \
        and not bindings.names_in(statement.value) & loops.iteration_names(loop)


def _recommendation(api: str, kind: str) -> str:
    verb = kind.lower()
    if api == "django":
        return f"one statement for all items: filter(id__in=ids).{verb}()"
    if api == "dbapi":
        return f"one {kind} with WHERE id = ANY(...) / IN (...), or executemany with all parameter rows"
    if api == "project":
        return f"add a method that issues one {kind} for all ids and call it once after the loop"
    return f"one statement for all items: {verb}(M).where(M.id.in_(ids)), " \
        "or session.execute(update(M), [rows]) for per-row values"
