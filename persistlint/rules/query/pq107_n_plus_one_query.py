"""## What it does
Checks for one query per item of a collection: a query run in a loop body
whose statement changes with the loop variable (`session.get`,
`session.execute`/`scalars`/`scalar`, `query(...).first()/all()/one()`,
Django `M.objects.get` / `filter(...).first()`, a raw `SELECT`), and a
lazy-loaded relationship read on the rows of a query that did not load it
eagerly, also by a pydantic schema that reads the rows' attributes
(`model_validate` per row, a FastAPI `response_model=list[Schema]` route
returning the rows) or by a Django template that loops over the rows a view
renders it with.

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

from persistlint.diagnostic import Effort, Evidence, Finding, Severity
from persistlint.registry import rule
from persistlint.context import (
    bindings, callgraph, dbcalls, infer, listings, loops, models, schemas, summaries, templates,
)
from persistlint.rules.query import seeding_cap


@rule("PQ107", "n-plus-one-query", effort=Effort.S,
      nodes=(nodes.Call, nodes.Attribute, nodes.Return, nodes.ClassDef, nodes.FunctionDef),
      principle="Load a collection's related data in one query, not one per item.")
def check(node, ctx):
    if isinstance(node, nodes.ClassDef):
        yield from _list_view_template(node, ctx)
        yield from _serialized_rows(node, ctx)
    elif isinstance(node, nodes.FunctionDef):
        yield from _rendered_template_loops(templates.rendered_by_decorator(node, ctx), ctx)
    elif isinstance(node, nodes.Call):
        yield from _query_in_loop(node, ctx)
        yield from _schema_per_row(node, ctx)
        yield from _rendered_template_loops(templates.rendered(node, ctx), ctx)
    elif isinstance(node, nodes.Return):
        yield from _schema_of_response(node, ctx)
    else:
        yield from _lazy_relationship(node, ctx)
        yield from _property_in_loop(node, ctx)


def _query_in_loop(call: nodes.Call, ctx):
    found = dbcalls.db_call(call, ctx) or dbcalls.iterated_query(call, ctx)
    if found is None:
        yield from _project_query_in_loop(call, ctx)
        return
    if found.kind != dbcalls.READ:
        return
    if _runs_inner_query(call, ctx):
        return  # ``session.execute(...).scalars().first()``: reported at the execute
    loop = loops.per_iteration_loop(call, ctx)
    if loop is None or loops.opens_session_per_iteration(call, loop, ctx) or loops.over_batches(loop):
        return
    if dbcalls.dynamic_model(call) in loops.iteration_names(loop):
        return  # one query per model (``for ct in content_types: ct.model_class().objects...``), not per row
    related = _related_manager_of_row(call, ctx)
    if related is not None and related[1] in related[0].statement.eager \
            and dbcalls.cached_relation_read(call, ctx) is not None:
        return  # ``product.tags.count()`` after prefetch_related("tags")
    severity, note = seeding_cap(Severity.MEDIUM if loops.small_iterable(loop) else Severity.HIGH, ctx)
    what = found.model_name or ("SQL" if found.api == "dbapi" else "rows")
    fix = f"prefetch_related('{related[1]}') on the outer queryset, or " if related is not None else ""
    yield Finding.at(
        call, severity,
        f"N+1 query: {loops.short(call)} loads {what} once per item of {loops.loop_label(loop)}{note}",
        fix + _recommendation(found),
        evidence=found.evidence,
    )


def _related_manager_of_row(call: nodes.Call, ctx) -> tuple[dbcalls.Rows, str] | None:
    """(rows, relation) when a queryset chain starts from a related manager
    of a loop variable over a query's rows (``product.tags.count()``)."""
    root = bindings.chain_root(call)
    if not (isinstance(root, nodes.Call) and isinstance(root.func, nodes.Attribute)):
        return None
    manager = root.func.expr
    if not (isinstance(manager, nodes.Attribute) and isinstance(manager.expr, nodes.Name)):
        return None
    rows = dbcalls.rows_of_loop_variable(manager.expr, ctx)
    if rows is None or dbcalls.related_manager(manager, ctx) is None:
        return None
    return rows, manager.attrname


# ------------------------------------------------------------------ rows a framework serializes

def _serialized_rows(view: nodes.ClassDef, ctx):
    """A list endpoint (REST framework, django-tables2) whose serializer or
    table reads, per row, a relation its queryset does not load eagerly (or
    runs a query)."""
    endpoint = listings.list_endpoint(view, ctx)
    if endpoint is None or endpoint.eager is None:
        return
    reads = [read for read in endpoint.reads(ctx) if endpoint.loads_per_row(read)]
    if not reads:
        return
    first = reads[0]
    at = endpoint.queryset if endpoint.queryset.root() is view.root() else view
    fixes = _django_loaders([(r.path, r.many) for r in reads if r.path])
    others = f" (and {len(reads) - 1} more)" if len(reads) > 1 else ""
    yield Finding.at(
        at, Severity.HIGH,
        f"N+1 query: {view.name} lists rows of {loops.short(endpoint.queryset, 40)} and "
        f"{endpoint.reader.name} reads per row {' -> '.join(first.chain)}{others}",
        f"load them with the rows: {fixes} on the queryset" if fixes
        else "compute it for all rows in one query (an annotation or a prefetch) instead of once per row",
        evidence=Evidence.INFERRED,
    )


# ------------------------------------------------------------------ through project code

def _django_loaders(paths: list[tuple[tuple[str, ...], bool]]) -> str:
    """``select_related('a', 'b__c') and prefetch_related('d')`` for relation
    paths, each with whether it goes through a collection (a path loaded
    with a collection needs ``prefetch_related``); "" for none."""
    many = sorted({"__".join(path) for path, through_many in paths if through_many})
    single = sorted({"__".join(path) for path, through_many in paths if not through_many} - set(many))
    return " and ".join(f"{loader}({', '.join(repr(path) for path in listed)})"
                        for loader, listed in (("select_related", single), ("prefetch_related", many)) if listed)


def _project_query_in_loop(call: nodes.Call, ctx):
    """A project function, method or property whose summary says it
    queries, called once per item (a repository ``get_by_id(item.id)``, a
    model's ``to_dict()`` that reads a lazy relationship)."""
    callee = _project_callee(call, ctx)
    if callee is None:
        return
    summary, evidence = callee
    reach = _read_reach(summary)
    if reach is None:
        return
    loop = _collection_loop(call, ctx)
    if loop is None or loops.opens_session_per_iteration(call, loop, ctx) or loops.over_batches(loop):
        return
    for turn, reach in enumerate(_reaches_in_turn(call, summary, reach, _eager_rows(call, summary, ctx), ctx)):
        if not _query_changes_per_item(call, loop, summary, reach, ctx, proven=turn > 0):
            continue  # the same query each time (``get_active_instance(project_id)`` per participant)
        if _filled_beforehand(call, loop, summary, reach, ctx):
            return
        if loops.callee_opens_session(call, [summary.qualname, *reach.chain], ctx):
            return  # ``process_tenant(slug)`` per tenant, each in a session of its own
        yield _through_project(call, loop, summary, reach, evidence, ctx)
        return


#: Other queries of a callee tried when the first it runs does not change per item.
ALTERNATIVE_QUERIES = 12


def _reaches_in_turn(call: nodes.Call, summary, reach, eager: dict[str, frozenset[str]], ctx):
    """The first query a call runs that the loop's eager loads do not answer,
    then its other queries (real queries before lazy loads): the first of
    them that changes per item is the one reported, so a lookup that is the
    same for every item (``incident.project``, one ``get_by_type``) does not
    hide one that is not. Nothing when the eager loads answer every query.
    A later one counts only when its dependence on the item is followed all
    the way (not through a property read: a row the callee fetched itself)."""
    first = _not_loaded_eagerly(call, summary, reach, eager, ctx)
    if first is None:
        return
    yield first
    tried = {(first.what, first.chain)}
    paths, _ = summaries.queries_through(summary, ctx.project.functions, limit=4 * ALTERNATIVE_QUERIES)
    for path in sorted(paths, key=lambda p: p.operation.what.endswith(LAZY_LOAD))[:ALTERNATIVE_QUERIES]:
        op = path.operation
        if (op.relation and op.relation in eager.get(path.origin, ())) \
                or any(name.rpartition(".")[2] in ROW_WRITES for name in path.chain):
            continue
        candidate = summaries.Reach("query", op.what, call.lineno, path.chain[1:])
        if (candidate.what, candidate.chain) not in tried:
            tried.add((candidate.what, candidate.chain))
            yield candidate


def _filled_beforehand(call: nodes.Call, loop, summary, reach, ctx) -> bool:
    """A ``cached_property`` on the chain that a project function, handed the
    loop's rows before the loop, sets on the rows (``prepare_durations(pings)``
    assigning ``ping.duration``): the property's query does not run for them."""
    cached = {q.rpartition(".")[2] for q in (summary.qualname, *reach.chain) if _is_cached_property(q)}
    iterable = loop.iter if isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) else None
    function = ctx.function_of(call)
    if not cached or not isinstance(iterable, nodes.Name) or not isinstance(function, nodes.FunctionDef):
        return False
    for before in infer.own_nodes(function, nodes.Call):
        if before.lineno >= iterable.lineno or not any(
                isinstance(a, nodes.Name) and a.name == iterable.name for a in before.args):
            continue
        found = dbcalls.resolve(before, ctx)
        helper = infer.lookup_method(found.qualname) if found else None
        if isinstance(helper, nodes.FunctionDef) and cached & {
                target.attrname for target in infer.own_nodes(helper, nodes.AssignAttr)}:
            return True
    return False


def _is_cached_property(qualname: str) -> bool:
    function = infer.lookup_method(qualname)
    return isinstance(function, nodes.FunctionDef) and function.decorators is not None and any(
        d.as_string().rpartition(".")[2] == "cached_property" for d in function.decorators.nodes)


def _query_changes_per_item(call: nodes.Call, loop, summary, reach, ctx, proven: bool = False) -> bool:
    """Whether the query ``reach`` names follows the loop's variables; an
    alternative to the first query (``proven``) must be shown to, all the
    way down its chain."""
    chain = [summary.qualname, *reach.chain]
    last = summaries.summary_of(chain[-1], ctx)
    queries = [op for op in last.queries if not op.on_error] if last else []
    queries = [op for op in queries if op.what == reach.what] or queries  # the query named, where it is known
    lines = tuple(op.line for op in queries if not op.what.endswith(LAZY_LOAD))
    lazy = frozenset(op.receiver for op in queries if op.what.endswith(LAZY_LOAD) and op.receiver)
    scope = loop.parent if isinstance(loop, nodes.Comprehension) else loop
    return loops.query_follows_arguments(call, loops.iteration_names(scope), chain, lines, lazy, proven)


def _property_in_loop(attribute: nodes.Attribute, ctx):
    """``organization.owner_email`` per row, where the property reads a lazy
    relationship or queries."""
    if isinstance(attribute.parent, nodes.Call) and attribute.parent.func is attribute:
        return
    qualname = ctx.property_of(attribute) or _row_member(attribute, ctx)
    summary = summaries.summary_of(qualname, ctx)
    reach = _read_reach(summary) if summary is not None and summary.is_property else None
    if reach is None:
        return
    loop = _collection_loop(attribute, ctx)
    if loop is None:
        return
    reach = _not_loaded_eagerly(attribute, summary, reach, _eager_of_row(attribute.expr, ctx, "self"), ctx)
    if reach is not None:
        yield _through_project(attribute, loop, summary, reach, Evidence.INFERRED, ctx)


LAZY_LOAD = " (lazy load)"
#: Methods that write the row: queries they run belong to the write (PQ105
#: judges writes per item), and a getter that saves does so to fill a value
#: once (``if not self.code: ... self.save()``), not on every read.
ROW_WRITES = frozenset({"save", "asave", "delete", "adelete"})


def _read_reach(summary):
    """The query a function runs on its normal path, unless it runs it only
    through a write of the row (``save()``)."""
    reach = summary.reach("query", error_paths=False)
    if reach is None or any(name.rpartition(".")[2] in ROW_WRITES for name in (summary.qualname, *reach.chain)):
        return None
    return reach


def _eager_rows(call: nodes.Call, summary, ctx) -> dict[str, frozenset[str]]:
    """The callee's parameters (``self`` for the receiver) that receive a
    loop's row, with the relations that row's query loads eagerly."""
    eager = _eager_of_row(call.func.expr, ctx, "self") if isinstance(call.func, nodes.Attribute) else {}
    for index, arg in enumerate(call.args):
        if isinstance(arg, nodes.Starred):
            break
        if index < len(summary.params):
            eager.update(_eager_of_row(arg, ctx, summary.params[index]))
    for keyword in call.keywords or ():
        if keyword.arg in summary.params:
            eager.update(_eager_of_row(keyword.value, ctx, keyword.arg))
    return eager


def _eager_of_row(expr: nodes.NodeNG, ctx, param: str) -> dict[str, frozenset[str]]:
    """``{param: relations}`` when ``expr`` is a loop's row (or a relation
    of it that was loaded eagerly, ``variant = line.variant`` after
    ``select_related("variant__product")``) whose query loads relations."""
    if isinstance(expr, nodes.Name) and dbcalls.loop_binding(expr) is None:
        value = bindings.single_assigned_value(expr)
        expr = value if isinstance(value, nodes.Attribute) else expr
    holder, through = (expr.expr, expr.attrname) if isinstance(expr, nodes.Attribute) else (expr, None)
    rows = dbcalls.rows_of_loop_variable(holder, ctx, collections=True) if isinstance(holder, nodes.Name) else None
    if rows is None or not rows.statement.eager or (through and through not in rows.statement.eager):
        return {}
    return {param: rows.statement.eager}


def _not_loaded_eagerly(node: nodes.NodeNG, summary, reach, eager: dict[str, frozenset[str]], ctx):
    """The first query a call runs that the eager loads of the rows it is
    given do not answer (``reach`` when no row with eager loads is passed),
    or None when they answer every one: ``build_text(doc)`` reading
    ``doc.notes.all()`` per document of ``prefetch_related("notes")``."""
    if not eager:
        return reach
    paths, more = summaries.queries_through(summary, ctx.project.functions)
    for path in paths:
        op = path.operation
        if not (op.relation and op.relation in eager.get(path.origin, ())):
            return summaries.Reach("query", op.what, node.lineno, path.chain[1:])
    return reach if more else None


def _through_project(node, loop, summary, reach, evidence, ctx) -> Finding:
    scope = loop.parent if isinstance(loop, nodes.Comprehension) else loop
    severity, note = seeding_cap(Severity.MEDIUM if loops.small_iterable(scope) else Severity.HIGH, ctx)
    caller = ctx.function_of(node)
    chain = ([caller.name] if isinstance(caller, nodes.FunctionDef) else []) \
        + [q.rpartition(".")[2] for q in (summary.qualname, *reach.chain)] + [reach.what]
    iterable = loop.iter if isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) else loop
    return Finding.at(
        node, severity,
        f"N+1 query: {loops.short(node)} runs a query once per item of {loops.short(iterable, 40)} "
        f"({' -> '.join(chain)}){note}",
        f"load what {summary.qualname.rpartition('.')[2]} needs for all items in one query before the loop "
        "(an IN (...) query, or an eager option on the outer query), and pass it in",
        evidence=evidence,
    )


def _project_callee(call: nodes.Call, ctx):
    """(summary, evidence) of the project function a call runs: resolved, or
    a method of the model whose rows a loop variable holds."""
    found = dbcalls.resolve(call, ctx)
    candidates = summaries.summaries_of_method(found.qualname if found else None, ctx, call)
    evidence = found.evidence if found else Evidence.INFERRED
    if not candidates and isinstance(call.func, nodes.Attribute):
        candidates = summaries.summaries_of_method(_row_member(call.func, ctx), ctx)
    querying = [summary for summary in candidates
                if summary.reach("query", error_paths=False) is not None and not summary.is_memoised]
    return (querying[0], evidence) if querying else None


def _row_member(attribute: nodes.Attribute, ctx) -> str | None:
    """``row.to_dict`` on a row of a query: the model's project method."""
    if not isinstance(attribute.expr, nodes.Name):
        return None
    rows = dbcalls.rows_of_loop_variable(attribute.expr, ctx, collections=True)
    if rows is None or not rows.model or not rows.statement.whole_rows:
        return None
    qualname = (ctx.project.model_named(rows.model) or {}).get("qualname") or rows.model
    return f"{qualname}.{attribute.attrname}"


def _collection_loop(node: nodes.NodeNG, ctx) -> nodes.NodeNG | None:
    """The per-iteration ``for`` loop or comprehension around ``node``
    (worker ``while`` loops run one job per iteration by design)."""
    loop = loops.per_iteration_loop(node, ctx)
    if isinstance(loop, (nodes.For, nodes.AsyncFor)):
        return loop
    if isinstance(loop, loops.COMPREHENSIONS):
        return loop.generators[0]
    return None


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
    if _writes_relation(attribute):
        return  # ``product.tags.add(tag)``: a write, not a load
    if isinstance(attribute.parent, nodes.Attribute) and isinstance(attribute.parent.parent, nodes.Call) \
            and dbcalls.related_manager(attribute, ctx) is not None:
        return  # ``author.books.count()``: a queryset call, judged as the query it runs
    found = _row_loop(holder, attribute, ctx)
    if found is None:
        return
    scope, iterable = found
    rows = dbcalls.row_source(iterable, ctx) or _related_rows(iterable, ctx) \
        or dbcalls.collection_rows(iterable, ctx)
    if rows is None or not rows.statement.whole_rows or rows.statement.open_options:
        return
    relationship = models.relationships(rows.model, ctx).get(attribute.attrname)
    if relationship is None:
        yield from _deferred_column(attribute, rows, scope, iterable, ctx)
        return
    if not models.is_lazy(relationship) or attribute.attrname in rows.statement.eager:
        return
    if _loaded_by_every_caller(iterable, attribute.attrname, ctx):
        return  # ``for value in doc.values.all()`` in a helper handed rows of prefetch_related("values__field")
    if _earlier_read(attribute, scope):
        return  # one finding per relationship and loop
    severity, note = seeding_cap(Severity.MEDIUM if loops.small_collection(iterable) else Severity.HIGH, ctx)
    model = rows.model.rpartition(".")[2]
    if rows.api == "django":
        generic = relationship.get("field") == "GenericForeignKey"  # select_related cannot follow it
        loader = "prefetch_related" if relationship.get("uselist") or generic else "select_related"
        fix = f"{loader}('{attribute.attrname}') on the queryset"
    elif isinstance(rows.origin, nodes.Attribute):  # ``service.folders``: loaded with its entity
        holder = dbcalls.instance_model(rows.origin.expr, ctx)
        owner = holder.qualname.rpartition(".")[2] if holder else "M"
        fix = f"options(selectinload({owner}.{rows.origin.attrname}).selectinload({model}.{attribute.attrname})) " \
            f"on the query that loads {loops.short(rows.origin.expr, 40)}"
    else:
        fix = f"options(selectinload({model}.{attribute.attrname})) on the query" + (
            f", or joinedload({model}.{attribute.attrname})" if relationship.get("uselist") is False else "")
    yield Finding.at(
        attribute, severity,
        f"N+1 query: lazy relationship {model}.{attribute.attrname} is loaded once per row of "
        f"{loops.short(iterable)}{note}",
        f"load it with the rows: {fix}",
        evidence=rows.evidence,
    )


def _row_loop(holder: nodes.Name, attribute: nodes.Attribute, ctx) -> tuple[nodes.NodeNG, nodes.NodeNG] | None:
    """(the code run once per item, the iterable) when ``holder`` is the
    variable of a loop or comprehension around ``attribute``, or the
    parameter of a lambda a builtin calls per item (``sorted(rows,
    key=lambda r: r.version)``)."""
    loop = bindings.loop_binding(holder)
    if loop is None:
        return loops.per_item_lambda(holder)
    if not isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.Comprehension)):
        return None
    if not isinstance(loop.target, nodes.AssignName) or loop.target.name != holder.name:
        return None
    if isinstance(loop, (nodes.For, nodes.AsyncFor)) and loop not in ctx.loops_around(attribute):
        return None
    return (loop.parent if isinstance(loop, nodes.Comprehension) else loop), loop.iter


def _deferred_column(attribute: nodes.Attribute, rows, scope, iterable, ctx):
    """``release.version`` per row of ``query(Release).options(load_only(
    Release.id))`` (or Django ``only("id")``, ``defer("version")``): a
    column the query left out is loaded by a query of its own, per row."""
    statement, name = rows.statement, attribute.attrname
    if name in {"id", "pk"} or name not in (models.column_names(rows.model, ctx) or ()):
        return
    if name not in statement.deferred and (statement.loaded_only is None or name in statement.loaded_only):
        return
    if _earlier_read(attribute, scope):
        return
    severity, note = seeding_cap(Severity.MEDIUM if loops.small_collection(iterable) else Severity.HIGH, ctx)
    model = rows.model.rpartition(".")[2]
    if name in statement.deferred:
        how, fix = "deferred", "drop it from defer(...)"
    else:
        how, fix = "not among the columns the query loads", \
            f"add it to {'only(...)' if rows.api == 'django' else f'load_only(...): {model}.{name}'}"
    yield Finding.at(
        attribute, severity,
        f"N+1 query: column {model}.{name} is {how}, so it is loaded once per row of "
        f"{loops.short(iterable)}{note}",
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


def _loaded_by_every_caller(iterable: nodes.NodeNG, relation: str, ctx) -> bool:
    """``param.rel.all()`` in a project function whose every project caller
    (through parameters passed on as-is) hands it rows whose query loads
    ``rel`` and ``relation`` eagerly (``prefetch_related("rel__relation")``)."""
    cached = dbcalls.cached_relation_read(iterable, ctx) if isinstance(iterable, nodes.Call) else None
    function = ctx.function_of(iterable)
    if cached is None or not isinstance(function, nodes.FunctionDef):
        return False
    eager = _eager_from_callers(function.qname(), cached[0].name, ctx, 0)
    return eager is not None and {cached[1], relation} <= eager


def _eager_from_callers(qualname: str, param: str, ctx, depth: int) -> frozenset[str] | None:
    """What every project caller's row passed as ``param`` of ``qualname``
    loads eagerly (the relations all of them load); None when there is no
    caller or one passes something else."""
    functions = ctx.project.functions
    callee = functions.get(qualname)
    if depth > 4 or callee is None:
        return None
    callers = ctx.memo("pq107.callers")
    if not callers:
        callers.update(callgraph.callers(functions))
    found = None
    for name in callers.get(qualname, ()):
        for site in (s for s in functions[name].calls if s.callee == qualname):
            eager = _eager_at(site, name, callee, param, ctx, depth)
            if eager is None:
                return None
            found = eager if found is None else found & eager
    return found


def _eager_at(site, caller: str, callee, param: str, ctx, depth: int) -> frozenset[str] | None:
    passed = dict(site.args)
    key = "self" if param == "self" else str(callee.params.index(param)) if param in callee.params else param
    if key in passed or param in passed:
        return _eager_from_callers(caller, passed.get(key) or passed[param], ctx, depth + 1)
    function = infer.lookup_method(caller)
    call = next((c for c in infer.own_nodes(function, nodes.Call) if c.lineno == site.line
                 and c.col_offset == site.col), None) if isinstance(function, nodes.FunctionDef) else None
    if call is None:
        return None
    argument = call.func.expr if param == "self" and isinstance(call.func, nodes.Attribute) \
        else bindings.argument_for(call, list(callee.params), param)
    rows = dbcalls.rows_of_loop_variable(argument, ctx) if isinstance(argument, nodes.Name) else None
    return rows.statement.eager if rows is not None else None


def _earlier_read(attribute: nodes.Attribute, scope: nodes.NodeNG) -> bool:
    """Whether the code run per item (a loop, a comprehension, a lambda)
    reads the same attribute of the same row before ``attribute``."""
    holder = attribute.expr.name
    for other in scope.nodes_of_class(nodes.Attribute):
        if other is attribute:
            return False
        if other.attrname == attribute.attrname and isinstance(other.expr, nodes.Name) \
                and other.expr.name == holder:
            return True
    return False


#: Related-manager methods that write links without loading the relation.
RELATION_WRITES = frozenset({"add", "remove", "set", "clear", "aadd", "aremove", "aset", "aclear"})


def _writes_relation(attribute: nodes.Attribute) -> bool:
    parent = attribute.parent
    return isinstance(parent, nodes.Attribute) and parent.attrname in RELATION_WRITES \
        and isinstance(parent.parent, nodes.Call) and parent.parent.func is parent


# ---------------------------------------------------------------- rows validated into schemas

def _schema_per_row(call: nodes.Call, ctx):
    """``UserOut.model_validate(user)`` per row of a query, and
    ``TypeAdapter(list[UserOut]).validate_python(users)`` /
    ``parse_obj_as(list[UserOut], users)`` of a query's rows: the schema
    reads every field of each row, lazy relationships included."""
    func = call.func
    if not isinstance(func, nodes.Attribute) or not call.args:
        return
    if func.attrname in schemas.ROW_VALIDATORS:
        asked = schemas.true_literal(bindings.keyword_arg(call, "from_attributes"))
        schema, row = schemas.orm_schema(func.expr, from_attributes=asked), call.args[0]
        if schema is None or not isinstance(row, nodes.Name):
            return
        loop = bindings.loop_binding(row)
        if not isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) \
                or (isinstance(loop, (nodes.For, nodes.AsyncFor)) and loop not in ctx.loops_around(call)):
            return
        rows, scope = dbcalls.rows_of_loop_variable(row, ctx), loop.parent if isinstance(
            loop, nodes.Comprehension) else loop
        yield from _unloaded_schema_reads(call, schema, rows, f"{func.as_string()}({row.name})", scope, ctx)
    elif func.attrname == "validate_python" and isinstance(func.expr, nodes.Call) and func.expr.args:
        schema = schemas.collection_schema(func.expr.args[0])  # TypeAdapter(list[UserOut])
        if schema is not None:
            yield from _unloaded_schema_reads(call, schema, dbcalls.row_source(call.args[0], ctx),
                                              func.expr.as_string(), None, ctx)


def _schema_of_response(node: nodes.Return, ctx):
    """A FastAPI or django-ninja route whose response is a list of an ORM
    schema (``response_model=list[UserOut]``, ``response=list[...]``, or the
    return annotation) returning the rows of a query: the framework
    validates every row into the schema."""
    function = node.scope()
    if node.value is None or not isinstance(function, nodes.FunctionDef) or function.decorators is None:
        return
    schema = None
    for decorator in function.decorators.nodes:
        if isinstance(decorator, nodes.Call) and isinstance(decorator.func, nodes.Attribute) \
                and decorator.func.attrname in schemas.ROUTE_METHODS:
            declared = next((k.value for k in decorator.keywords or ()
                             if k.arg in {"response_model", "response"}), None)
            schema = schemas.collection_schema(declared if declared is not None else function.returns)
            if schema is not None:
                break
    if schema is not None:
        yield from _unloaded_schema_reads(node.value, schema, dbcalls.row_source(node.value, ctx),
                                          f"the response ({schema.name} per row)", None, ctx)


def _unloaded_schema_reads(node, schema, rows, validated: str, scope, ctx):
    if rows is None or not rows.model or not rows.statement.whole_rows:
        return
    unloaded = [read for read in schemas.relation_reads(schema, rows.model, ctx)
                if schemas.unloaded(read, rows.statement.eager)]
    if not unloaded:
        return
    base = Severity.MEDIUM if scope is not None and loops.small_iterable(scope) else Severity.HIGH
    severity, note = seeding_cap(base, ctx)
    model = rows.model.rpartition(".")[2]
    paths = ", ".join(".".join(read.path) for read in unloaded[:4]) + (", ..." if len(unloaded) > 4 else "")
    loaders = _loaders_of(rows, [read.path for read in unloaded], ctx)
    yield Finding.at(
        node, severity,
        f"N+1 query: {validated} reads the lazy relationship{'s' if len(unloaded) > 1 else ''} {paths} "
        f"of every {model} row of {loops.short(rows.origin)} ({unloaded[0].chain[-1]}){note}",
        f"load {'them' if len(unloaded) > 1 else 'it'} with the rows: {loaders}",
        evidence=rows.evidence,
    )


def _loaders_of(rows, paths: list[tuple[str, ...]], ctx) -> str:
    """The eager options that load the relation ``paths`` with ``rows``."""
    if rows.api == "django":
        return _django_loaders([(path, _path_has_many(rows.model, path, ctx)) for path in paths]) \
            + " on the queryset"
    options = []
    for path in paths:
        model, steps = rows.model, []
        for name in path:
            steps.append(f"selectinload({model.rpartition('.')[2]}.{name})")
            model = (models.relationships(model, ctx).get(name) or {}).get("target") or name
        options.append(".".join(steps))
    return f"options({', '.join(options)}) on the query"


def _path_has_many(model: str, path: tuple[str, ...], ctx) -> bool:
    for name in path:
        relationship = models.relationships(model, ctx).get(name) or {}
        if relationship.get("uselist") or relationship.get("field") == "GenericForeignKey":
            return True
        model = relationship.get("target") or name
    return False


# ---------------------------------------------------------------- rows rendered by a template

def _rendered_template_loops(found, ctx):
    """A template rendered with rows (``render(request, "list.html",
    {"products": qs})``, ``render_template("list.html", products=rows)``, a
    Pyramid view returning ``{"products": rows}`` to its renderer) whose
    loops read a lazy relation of each row."""
    if found is None:
        return
    name, context = found
    template = templates.source(name, ctx.project)
    if template is None:
        return
    reads = templates.loop_reads(template[1])
    for key, value in context:
        if reads.get(key):
            yield from _rendered_rows(value, template[0], dbcalls.row_source(value, ctx), reads[key], ctx)


def _rendered_rows(value: nodes.NodeNG, template: str, rows, reads, ctx, label: str | None = None):
    if rows is None or rows.api not in {"django", "sqlalchemy"} or not rows.model or not rows.statement.whole_rows:
        return
    unloaded: dict[tuple[str, ...], tuple[int, str]] = {}
    queried: dict[str, tuple[int, str, str]] = {}  # member -> (line, item, what it runs)
    for read in reads:
        relations = _lazy_relation_path(rows.model, read.path, rows.statement.eager, ctx,
                                        loads_on_read=rows.api == "sqlalchemy")
        if relations and relations not in unloaded:
            unloaded[relations] = (read.line, read.item)
        elif relations is None and read.path[0] not in queried:
            runs = _member_query(rows, read.path[0], value, ctx)
            if runs is not None:
                queried[read.path[0]] = (read.line, read.item, runs)
    for path in list(unloaded):  # prefetch_related("variants__supplier") also loads "variants"
        if any(other[:len(path)] == path and other != path for other in unloaded):
            del unloaded[path]
    if not unloaded and not queried:
        return
    severity, note = seeding_cap(Severity.HIGH, ctx)
    listed = [f"{item}.{'.'.join(path)} (line {line})" for path, (line, item) in unloaded.items()] + [
        f"{item}.{member} (line {line}: {runs})" for member, (line, item, runs) in queried.items()]
    shown = ", ".join(listed[:4]) + (", ..." if len(listed) > 4 else "")
    fix = f"load them with the rows: {_loaders_of(rows, list(unloaded), ctx)}" if unloaded else \
        "load what the template reads for all rows in one query in the view, and pass it in"
    if unloaded and queried:
        fix += ", and what the members that query need"
    yield Finding.at(
        value, severity,
        f"N+1 query: template {template} reads {shown} of every {rows.model.rpartition('.')[2]} row of "
        f"{loops.short(value) if label is None else label}{note}",
        fix, evidence=rows.evidence,
    )


def _member_query(rows, member: str, node: nodes.NodeNG, ctx) -> str | None:
    """What a template read of a row's property or argument-less method
    (``{{ team.debaters_display }}``) queries, when its summary says it
    does and the rows' eager loads do not answer it: ``"Team.debaters_display
    -> self.debaters.all()"``."""
    qualname = (ctx.project.model_named(rows.model) or {}).get("qualname") or rows.model
    summary = summaries.summary_of(f"{qualname}.{member}", ctx)
    if summary is None or (not summary.is_property and summary.params):
        return None
    reach = _read_reach(summary)
    if reach is None:
        return None
    reach = _not_loaded_eagerly(node, summary, reach, {"self": rows.statement.eager} if rows.statement.eager
                                else {}, ctx)
    if reach is None:
        return None
    chain = [q.rpartition(".")[2] for q in (summary.qualname, *reach.chain)]
    return f"{' -> '.join(chain)} runs {reach.what}"


def _lazy_relation_path(model: str, path: tuple[str, ...], eager: frozenset[str], ctx,
                        loads_on_read: bool = False) -> tuple[str, ...] | None:
    """The relations of a template read up to the last one it loads lazily
    per row (``("brand",)`` for ``p.brand.name``; ``("variants",
    "supplier")`` for ``v.supplier.name`` in a loop over ``p.variants.all``),
    or None when the read costs no query. A Django related manager queries
    only when it is run (``.all``, ``.count``, a loop); a SQLAlchemy
    collection (``loads_on_read``) when it is read at all."""
    walked: list[str] = []
    found: tuple[str, ...] | None = None
    for index, name in enumerate(path):
        relationship = models.relationships(model, ctx).get(name)
        if relationship is None:
            break
        walked.append(name)
        runs = loads_on_read or not relationship.get("uselist") or (index + 1 < len(path))
        if runs and models.is_lazy(relationship) and name not in eager:
            found = tuple(walked)
        model = relationship.get("target") or name
    return found


def _list_view_template(klass: nodes.ClassDef, ctx):
    """A Django ``ListView`` whose template loops over its rows
    (``object_list``, ``<model>_list`` or ``context_object_name``) and reads
    a relation of each one the queryset does not load."""
    view = templates.list_view(klass, ctx)
    if view is None:
        return
    template = templates.source(view.template, ctx.project)
    if template is None:
        return
    reads = templates.loop_reads(template[1])
    found = [read for name in view.names for read in reads.get(name, ())]
    if found:
        label = view.rows_at.as_string() + (".objects.all()" if view.whole_model else "")
        yield from _rendered_rows(view.rows_at, template[0], view.rows, found, ctx, label)
