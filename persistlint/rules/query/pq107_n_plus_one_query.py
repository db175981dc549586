"""## What it does
Checks for one query per item of a collection: a query run in a loop body
whose statement changes with the loop variable (`session.get`,
`session.execute`/`scalars`/`scalar`, `query(...).first()/all()/one()`,
Django `M.objects.get` / `filter(...).first()`, a raw `SELECT`), and a
lazy-loaded relationship read on the rows of a query that did not load it
eagerly.

## Why is this bad?
Each iteration costs a database round-trip: 1 query for the list plus N for
the items. Latency grows with the data, and the pool is held N times longer.

## Example
```python
from sqlalchemy import select
from sqlalchemy.orm import Session


def owners(session: Session, order_ids):
    names = []
    for order_id in order_ids:
        order = session.get(Order, order_id)
        names.append(order.customer_name)
    return names
```

## Use instead
```python
from sqlalchemy import select
from sqlalchemy.orm import Session


def owners(session: Session, order_ids):
    orders = session.scalars(select(Order).where(Order.id.in_(order_ids))).all()
    return [order.customer_name for order in orders]
```

Pagination and retry loops that stop on the result of the query, loops
whose query does not depend on the loop variable, relationships loaded with
`selectinload`/`joinedload`/`subqueryload`/`immediateload`/`contains_eager`
(Django `select_related`/`prefetch_related`) and relationships declared
with a non-lazy strategy (`lazy="selectin"`, `"joined"`, `"raise"`, ...)
are not reported.

## Severity
HIGH; MEDIUM when the loop provably runs at most 10 times: a literal of at
most 10 items (or a name bound to one), `range(n)` with n <= 10, an Enum of
at most 10 members, rows of a query limited to at most 10 (`.limit(5)`,
`queryset[:5]`).

## References
- [SQLAlchemy: relationship loading techniques](https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html)
- [Django: select_related and prefetch_related](https://docs.djangoproject.com/en/stable/ref/models/querysets/#select-related)
- [Django: database access optimization](https://docs.djangoproject.com/en/stable/topics/db/optimization/)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import bindings, dbcalls, loops, models


@rule("PQ107", "n-plus-one-query", effort=Effort.S, nodes=(nodes.Call, nodes.Attribute),
      principle="Load a collection's related data in one query, not one per item.")
def check(node, ctx):
    if isinstance(node, nodes.Call):
        yield from _query_in_loop(node, ctx)
    else:
        yield from _lazy_relationship(node, ctx)


def _query_in_loop(call: nodes.Call, ctx):
    found = dbcalls.db_call(call, ctx) or dbcalls.iterated_query(call, ctx)
    if found is None or found.kind != dbcalls.READ:
        return
    if _runs_inner_query(call, ctx):
        return  # ``session.execute(...).scalars().first()``: reported at the execute
    loop = loops.per_iteration_loop(call, ctx)
    if loop is None:
        return
    severity = Severity.MEDIUM if loops.small_iterable(loop) else Severity.HIGH
    what = found.model_name or ("SQL" if found.api == "dbapi" else "rows")
    yield Finding.at(
        call, severity,
        f"N+1 query: {loops.short(call)} loads {what} once per item of {loops.loop_label(loop)}",
        _recommendation(found),
        evidence=found.evidence,
    )


def _runs_inner_query(call: nodes.Call, ctx) -> bool:
    """A result accessor on an execute call, or a queryset terminal whose
    chain already holds a reported terminal."""
    func = call.func
    if not isinstance(func, nodes.Attribute):
        return False
    inner = func.expr.value if isinstance(func.expr, nodes.Await) else func.expr
    while isinstance(inner, nodes.Call):
        found = dbcalls.db_call(inner, ctx)
        if found is not None and found.kind == dbcalls.READ:
            return True
        inner = inner.func.expr if isinstance(inner.func, nodes.Attribute) else None
        inner = inner.value if isinstance(inner, nodes.Await) else inner
    return False


def _recommendation(found) -> str:
    if found.api == "django":
        return "load all items in one query before the loop (filter(pk__in=ids) or in_bulk(ids))" \
            + (", or select_related/prefetch_related on the outer queryset" if found.model else "")
    if found.api == "dbapi":
        return "fetch every row in one SELECT with WHERE id = ANY(...) / IN (...) before the loop"
    return "load all items in one query before the loop (select(M).where(M.id.in_(ids))), " \
        "or an eager option (selectinload) on the outer query"


def _lazy_relationship(attribute: nodes.Attribute, ctx):
    holder = attribute.expr
    if not isinstance(holder, nodes.Name):
        return
    if isinstance(attribute.parent, nodes.Call) and attribute.parent.func is attribute:
        return  # a method of the row, not a relationship
    loop = bindings.loop_binding(holder)
    if loop is None or not isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.Comprehension)):
        return
    if not isinstance(loop.target, nodes.AssignName) or loop.target.name != holder.name:
        return
    if isinstance(loop, (nodes.For, nodes.AsyncFor)) and loop not in ctx.loops_around(attribute):
        return
    rows = dbcalls.row_source(loop.iter, ctx) or _related_rows(loop.iter, ctx)
    if rows is None or not rows.statement.whole_rows:
        return
    relationship = models.relationships(rows.model, ctx).get(attribute.attrname)
    if relationship is None or not models.is_lazy(relationship) or attribute.attrname in rows.statement.eager:
        return
    if _earlier_read(attribute, loop):
        return  # one finding per relationship and loop
    scope = loop.parent if isinstance(loop, nodes.Comprehension) else loop
    severity = Severity.MEDIUM if loops.small_iterable(scope) else Severity.HIGH
    model = rows.model.rpartition(".")[2]
    if rows.api == "django":
        loader = "prefetch_related" if relationship.get("uselist") else "select_related"
        fix = f"{loader}('{attribute.attrname}') on the queryset"
    else:
        fix = f"options(selectinload({model}.{attribute.attrname})) on the query" + (
            f", or joinedload({model}.{attribute.attrname})" if relationship.get("uselist") is False else "")
    yield Finding.at(
        attribute, severity,
        f"N+1 query: lazy relationship {model}.{attribute.attrname} is loaded once per row of "
        f"{loops.short(loop.iter)}",
        f"load it with the rows: {fix}",
        evidence=rows.evidence,
    )


def _related_rows(iterable: nodes.NodeNG, ctx) -> dbcalls.Rows | None:
    """``for line in order.lines`` where ``order`` is a row of a query: the
    related rows, with the query's eager options (nested options such as
    ``selectinload(Order.lines).selectinload(Line.product)`` name them)."""
    if not (isinstance(iterable, nodes.Attribute) and isinstance(iterable.expr, nodes.Name)):
        return None
    parent_rows = dbcalls.rows_of_loop_variable(iterable.expr, ctx)
    if parent_rows is None or iterable.attrname not in parent_rows.statement.eager:
        return None  # a lazy collection itself: reported on its own
    relationship = models.relationships(parent_rows.model, ctx).get(iterable.attrname)
    target = relationship.get("target") if relationship else None
    if not target:
        return None
    return dbcalls.Rows(parent_rows.origin, parent_rows.api, parent_rows.evidence, target,
                     parent_rows.statement)


def _earlier_read(attribute: nodes.Attribute, loop: nodes.NodeNG) -> bool:
    holder = attribute.expr.name
    scope = loop.parent if isinstance(loop, nodes.Comprehension) else loop
    for other in scope.nodes_of_class(nodes.Attribute):
        if other is attribute:
            return False
        if other.attrname == attribute.attrname and isinstance(other.expr, nodes.Name) \
                and other.expr.name == holder:
            return True
    return False
