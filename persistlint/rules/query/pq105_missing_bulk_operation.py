"""## What it does
Checks for objects written one at a time in a loop: `session.add(x)`,
`session.delete(x)`, `session.merge(x)`, Django `M.objects.create(...)`,
`obj.save()`, `obj.delete()`, and raw `INSERT` statements, one per
iteration.

## Why is this bad?
Each Django `save`/`create`/`delete` and each raw `INSERT` is a round-trip;
a `flush()`/`commit()` (or an autoflushing query) in the same loop makes
SQLAlchemy's unit of work one round-trip per item too. Bulk statements send
all rows at once.

## Example
```python
from django.db import models


class Tag(models.Model):
    pass


def import_tags(names):
    for name in names:
        Tag.objects.create(name=name)
```

## Use instead
```python
from django.db import models


class Tag(models.Model):
    pass


def import_tags(names):
    Tag.objects.bulk_create([Tag(name=name) for name in names])
```

## Severity
MEDIUM when each iteration reaches the database (Django `save`/`create`/
`delete`, raw `INSERT`, `insert(M)` statements, or a `flush`/`commit`/query
per iteration after `session.add`); LOW for SQLAlchemy `session.add`/
`delete` alone: the unit of work batches them at flush, and `add_all` says
so.

## References
- [SQLAlchemy: ORM bulk INSERT statements](https://docs.sqlalchemy.org/en/20/orm/queryguide/dml.html#orm-bulk-insert-statements)
- [Django: bulk_create and bulk_update](https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-create)
- [Python DB-API: executemany](https://peps.python.org/pep-0249/#executemany)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import dbcalls, infer, loops, models, summaries
from persistlint.context.infer import own_nodes

UNIT_OF_WORK = frozenset({dbcalls.ADD, dbcalls.REMOVE})
ROUND_TRIPS = frozenset({dbcalls.INSERT, dbcalls.SAVE, dbcalls.DELETE_ROW})


@rule("PQ105", "missing-bulk-operation", effort=Effort.S, nodes=(nodes.Call,),
      principle="Write many rows with one bulk statement, not one statement per row.")
def check(node: nodes.Call, ctx):
    if not ctx.in_loop(node):
        return
    found = dbcalls.db_call(node, ctx)
    if found is None:
        yield from _through_project(node, ctx)
        return
    if found.kind not in UNIT_OF_WORK | ROUND_TRIPS:
        return
    loop = loops.per_iteration_loop(node, ctx) or _constructing_loop(node, ctx)
    if loop is None or loops.over_batches(loop):
        return  # ``for start in range(0, n, 1000): session.execute(insert(M).values(rows[start:...]))``
    trip = None if found.kind in ROUND_TRIPS else _round_trip_in(loop, node, ctx)
    severity = Severity.MEDIUM if found.kind in ROUND_TRIPS or trip is not None else Severity.LOW
    what = _what(found, node)
    also = f", and {loops.short(trip.call, 40)} reaches the database each time" if trip is not None else ""
    method = "delete" if found.kind == dbcalls.DELETE_ROW else "save"
    custom_save = models.custom_save(found.model, ctx, method) if found.api == "django" else None
    if custom_save:
        also += f" ({found.model_name} {custom_save}, which bulk operations skip)"
    yield Finding.at(
        node, severity,
        f"{what} one at a time per item of {loops.loop_label(loop)}{also}",
        (CUSTOM_DELETE_FIX if method == "delete" else CUSTOM_SAVE_FIX) if custom_save
        else _recommendation(found, trip),
        evidence=found.evidence,
    )


CUSTOM_SAVE_FIX = "keep the per-row save() if its extra work is needed for every row; otherwise " \
    "bulk_create/bulk_update and do that work once for all rows"
CUSTOM_DELETE_FIX = "keep the per-row delete() if its extra work is needed for every row; otherwise " \
    "filter(pk__in=ids).delete() and do that work once for all rows"


def _through_project(call: nodes.Call, ctx):
    """A project function that inserts or saves one row (a repository
    ``create()``, an upsert helper), called once per item."""
    callee = dbcalls.resolve(call, ctx)
    functions = ctx.project.functions
    through = next(filter(None, (summaries.write_through(summary, UNIT_OF_WORK | ROUND_TRIPS, functions)
                                 for summary in summaries.summaries_of_method(
                                     callee.qualname if callee else None, ctx, call))), None)
    if through is None:
        return
    loop = loops.per_iteration_loop(call, ctx)
    if not isinstance(loop, (nodes.For, nodes.AsyncFor, *loops.COMPREHENSIONS)) \
            or loops.opens_session_per_iteration(call, loop, ctx) or loops.over_batches(loop):
        return
    write, chain = through
    if loops.callee_opens_session(call, [callee.qualname, *chain], ctx):
        return  # ``process_tenant(slug)`` per tenant, each in a session of its own
    writer = functions.get(chain[-1]) if chain else summaries.summaries_of_method(callee.qualname, ctx)[0]
    sends = write.kind in ROUND_TRIPS or writer.commits or _always_flushes(writer)
    names = [q.rpartition(".")[2] + "()" for q in (callee.qualname, *chain)]
    model = f"{write.model} rows" if write.model else "Rows"
    reaches = " and reaches the database each time" if sends else ""
    yield Finding.at(
        call, Severity.MEDIUM if sends else Severity.LOW,
        f"{model} written one at a time per item of {loops.loop_label(loop)} through "
        f"{' -> '.join(names)}{reaches}: {loops.short(call, 40)}",
        "add a bulk variant (session.add_all(objects), session.execute(insert(M), rows) or "
        "bulk_create(objs)) and call it once after the loop",
        evidence=callee.evidence,
    )


def _always_flushes(writer) -> bool:
    """Whether the writing function flushes on every call (a repository's
    ``if flush: await session.flush()`` leaves it to the caller)."""
    lines = {w.line for w in writer.writes if w.kind == dbcalls.FLUSH}
    function = infer.lookup_qualname(writer.qualname)
    if not lines or not isinstance(function, nodes.FunctionDef):
        return False
    for call in own_nodes(function, nodes.Call):
        if call.lineno in lines and not any(isinstance(p, (nodes.If, nodes.IfExp, nodes.Try))
                                            for p in _parents_until(call, function)):
            return True
    return False


def _parents_until(node: nodes.NodeNG, stop: nodes.NodeNG):
    parent = node.parent
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.parent


def _constructing_loop(write: nodes.Call, ctx) -> nodes.NodeNG | None:
    """``for _ in range(n): session.add(Tag())``: a new object is built for
    every write, so each iteration writes a row even though nothing in the
    call changes with the loop."""
    if write.args and isinstance(write.args[0], nodes.Call):
        loops = [loop for loop in ctx.loops_around(write) if isinstance(loop, (nodes.For, nodes.AsyncFor))]
        return loops[0] if loops else None
    return None


def _round_trip_in(loop: nodes.NodeNG, write: nodes.Call, ctx):
    """A flush, commit or query in the same loop that makes each iteration
    a round-trip."""
    body = loop.body if isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.While)) else [loop.elt] \
        if hasattr(loop, "elt") else []
    for statement in body:
        for call in statement.nodes_of_class(nodes.Call):
            if call is write:
                continue
            found = dbcalls.db_call(call, ctx)
            if found is not None and found.reaches_database and found.api == "sqlalchemy":
                return found
    return None


def _what(found, node: nodes.Call) -> str:
    model = found.model_name
    if found.kind == dbcalls.ADD:
        return f"Objects added with {loops.short(node, 40)}"
    if found.kind == dbcalls.REMOVE:
        return f"Objects deleted with {loops.short(node, 40)}"
    if found.kind == dbcalls.SAVE:
        return f"{model or 'Model'} rows saved"
    if found.kind == dbcalls.DELETE_ROW:
        return f"{model or 'Model'} rows deleted"
    return f"{model + ' rows' if model else 'Rows'} inserted"


def _recommendation(found, trip) -> str:
    if found.api == "django":
        if found.kind == dbcalls.SAVE:
            return "collect the objects and call bulk_create(objs) (new rows) or bulk_update(objs, fields)"
        if found.kind == dbcalls.DELETE_ROW:
            return "delete them in one statement: filter(pk__in=ids).delete()"
        return "build the objects in the loop and call bulk_create(objs) once"
    if found.api == "dbapi":
        return "executemany(sql, rows) with all parameter rows, or one multi-row INSERT"
    if found.kind in {dbcalls.ADD, dbcalls.REMOVE}:
        fix = "session.add_all(objects) once" if found.kind == dbcalls.ADD else \
            "delete(M).where(M.id.in_(ids)) once"
        return fix + (" and flush/commit after the loop" if trip is not None else "")
    return "session.execute(insert(M), rows) once with a list of row dicts"
