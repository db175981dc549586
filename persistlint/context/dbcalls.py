"""The one classifier of database calls: is this call a round-trip, what
does it do (:class:`Kind`: read, UPDATE, DELETE, INSERT, a unit-of-work add
or remove, flush, commit, rollback, a Django row save or delete), which
model does it touch, which relationships and columns does its statement
load, and which rows does an expression hold.

SQLAlchemy (sessions, scoped sessions, async sessions, connections, SQLModel,
the 1.x Query API and 2.0 statements), the Django ORM and DB-API cursors
(sqlite3, psycopg/psycopg2, asyncpg, aiosqlite, pymysql, Django's cursor)
are recognised by what calls resolve to, not by how they are spelled.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator

import attrs
from astroid import nodes

from persistlint.context import infer
from persistlint.context import sql as _sql
from persistlint.context.bindings import (
    argument_for, assigned_values, bindings_of, chain_calls, chain_root, keyword_arg, loop_binding,
    single_assigned_value,
)
from persistlint.context.infer import Resolved, own_nodes
from persistlint.context.models import (
    is_django_model, is_flask_sqlalchemy, is_model_class, model_of, parents_pinned_by, table_of,
)
from persistlint.diagnostic import Evidence


class Kind(enum.StrEnum):
    """What a database call does. The statement kinds are the SQL verbs
    :mod:`persistlint.context.sql` classifies raw SQL into."""

    READ = _sql.READ
    UPDATE = _sql.UPDATE
    DELETE = _sql.DELETE
    INSERT = _sql.INSERT
    ADD = "ADD"  # session.add/merge: queued for the unit of work
    REMOVE = "REMOVE"  # session.delete: queued for the unit of work
    FLUSH = "FLUSH"
    COMMIT = "COMMIT"
    ROLLBACK = "ROLLBACK"
    SAVE = "SAVE"  # a Django model instance saved by itself
    DELETE_ROW = "DELETE_ROW"  # a Django model instance deleted by itself
    BULK = "BULK"  # many rows at once: add_all, bulk_create, executemany
    BEGIN = "BEGIN"  # session.begin(): a transaction opened
    CLOSE = "CLOSE"  # session.close(): its transaction rolled back, its connection released
    QUERY = "QUERY"  # session.query(M): a legacy Query built; its terminal method runs it


READ, UPDATE, DELETE, INSERT = Kind.READ, Kind.UPDATE, Kind.DELETE, Kind.INSERT
ADD, REMOVE, FLUSH, COMMIT, ROLLBACK = Kind.ADD, Kind.REMOVE, Kind.FLUSH, Kind.COMMIT, Kind.ROLLBACK
SAVE, DELETE_ROW = Kind.SAVE, Kind.DELETE_ROW
BULK, BEGIN, CLOSE, QUERY = Kind.BULK, Kind.BEGIN, Kind.CLOSE, Kind.QUERY
#: Calls that are no round-trip by themselves.
QUEUED = frozenset({ADD, REMOVE, BEGIN, QUERY})

SA_SESSIONS = frozenset({
    "sqlalchemy.orm.Session", "sqlalchemy.orm.scoped_session", "sqlalchemy.orm.session.Session",
    "sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.ext.asyncio.async_scoped_session",
    "sqlmodel.Session", "sqlmodel.orm.session.Session", "sqlmodel.ext.asyncio.session.AsyncSession",
})
SA_CONNECTIONS = frozenset({"sqlalchemy.Connection", "sqlalchemy.engine.Connection",
                            "sqlalchemy.ext.asyncio.AsyncConnection"})
SA_STATEMENT_RUNNERS = frozenset({"execute", "scalars", "scalar", "exec", "stream", "stream_scalars"})
#: Methods whose first argument is the statement they run.
STATEMENT_RUNNERS = SA_STATEMENT_RUNNERS | {"exec_driver_sql", "executemany", "fetch", "fetchrow",
                                            "fetchval", "execute_fetchall"}
SA_QUERY = "sqlalchemy.orm.Query"
SA_QUERY_READS = frozenset({"all", "first", "one", "one_or_none", "scalar", "get", "count",
                            "__iter__", "get_or_404", "first_or_404", "one_or_404", "paginate"})
#: Query methods that return the query again (Flask-SQLAlchemy chains are
#: followed through them).
QUERY_BUILDERS = frozenset({"filter", "filter_by", "options", "join", "outerjoin", "order_by",
                            "group_by", "having", "limit", "offset", "distinct", "with_entities",
                            "yield_per", "select_from", "execution_options", "populate_existing",
                            "with_for_update", "enable_eagerloads", "params", "correlate", "union",
                            "reset_joinpoint", "autoflush", "join_from"})
DJANGO_QUERYSETS = frozenset({"django.db.models.QuerySet", "django.db.models.Manager"})
DJANGO_READS = frozenset({"get", "first", "last", "count", "exists", "aggregate", "in_bulk",
                          "earliest", "latest", "contains", "aget", "afirst", "alast",
                          "acount", "aexists", "aaggregate", "ain_bulk", "aearliest", "alatest"})
DJANGO_WRITES = {"update": UPDATE, "aupdate": UPDATE, "delete": DELETE, "adelete": DELETE,
                 "create": INSERT, "acreate": INSERT, "get_or_create": INSERT,
                 "aget_or_create": INSERT, "update_or_create": INSERT, "aupdate_or_create": INSERT}
#: Queryset methods that hand back objects already in memory, not rows to load.
DJANGO_IN_MEMORY = frozenset({"bulk_create", "abulk_create", "bulk_update", "abulk_update"})
#: Queryset methods that return one instance of the queryset's model ...
DJANGO_INSTANCE_RESULTS = frozenset({"get", "first", "last", "earliest", "latest", "create",
                                     "aget", "afirst", "alast", "acreate"})
#: ... and those that return ``(instance, created)``.
DJANGO_PAIR_RESULTS = frozenset({"get_or_create", "update_or_create", "aget_or_create",
                                 "aupdate_or_create"})
DJANGO_MODEL = "django.db.models.Model"
DJANGO_INSTANCE_WRITES = {"save": SAVE, "asave": SAVE, "delete": DELETE_ROW, "adelete": DELETE_ROW}
#: DB-API connections: a transaction opens on their first statement.
DBAPI_CONNECTIONS = frozenset({
    "psycopg2.connection", "psycopg.Connection", "psycopg.AsyncConnection",
    "sqlite3.Connection", "pymysql.connection", "MySQLdb.connection",
})
DBAPI_CURSORS = frozenset({
    "psycopg2.cursor", "psycopg2.extensions.cursor", "psycopg.Cursor", "psycopg.AsyncCursor",
    "sqlite3.Cursor", "pymysql.cursor", "MySQLdb.cursor", "django.db.CursorWrapper",
})
#: Connections that run in autocommit mode outside explicit transaction blocks.
AUTOCOMMIT_CONNECTIONS = frozenset({"asyncpg.Connection", "asyncpg.Pool"})
AIOSQLITE = frozenset({"aiosqlite.Cursor", "aiosqlite.Connection", "aiosqlite.core.Connection",
                       "aiosqlite.cursor.Cursor"})
#: Everything that runs SQL text handed to it.
DBAPI_RUNNERS = DBAPI_CONNECTIONS | DBAPI_CURSORS | AUTOCOMMIT_CONNECTIONS | AIOSQLITE
DBAPI_METHODS = frozenset({"execute", "fetch", "fetchrow", "fetchval", "exec_driver_sql",
                           "execute_fetchall"})
STATEMENT_KINDS = {"sqlalchemy.Select": READ, "sqlalchemy.Update": UPDATE,
                   "sqlalchemy.Delete": DELETE, "sqlalchemy.Insert": INSERT}
STATEMENT_BUILDERS = {"sqlalchemy.select": READ, "sqlalchemy.update": UPDATE,
                      "sqlalchemy.delete": DELETE, "sqlalchemy.insert": INSERT,
                      # dialect INSERTs (upserts: on_conflict_do_nothing/update, on_duplicate_key_update)
                      "sqlalchemy.dialects.postgresql.insert": INSERT,
                      "sqlalchemy.dialects.sqlite.insert": INSERT,
                      "sqlalchemy.dialects.mysql.insert": INSERT}
EAGER_LOADERS = frozenset({"selectinload", "joinedload", "subqueryload", "immediateload",
                           "contains_eager"})
COLUMN_LIMITERS = frozenset({"load_only", "defer", "only", "values", "values_list",
                             "with_entities", "undefer_group", "raiseload"})
#: Calls that hand a result's rows over without a new query.
ROW_ACCESSORS = frozenset({"all", "scalars", "unique", "fetchall", "fetchmany", "mappings",
                           "partitions", "yield_per", "iterator", "execution_options"})
SINGLE_ROW = frozenset({"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none",
                        "scalar", "get", "fetchone", "fetchrow", "afirst", "aget", "last"})


@attrs.frozen
class DbCall:
    """One call that talks to the database, queues work for the unit of
    work, or opens, commits, rolls back or closes a session's transaction."""

    call: nodes.Call
    kind: Kind | str | None  # a Kind; another sqlparse statement type (``CREATE``); None: unknown
    api: str  # "sqlalchemy", "django", "dbapi"; "unknown": a name guess (``db.commit()``)
    evidence: Evidence
    model: str | None = None  # the model's class name, or qualname when known
    statement: nodes.NodeNG | None = None
    sql: str | None = None
    method: str = ""  # the method called: "commit", "execute", "save"
    owner: str = ""  # the class the method resolves on ("asyncpg.Connection")
    #: The session or connection the call goes through, as written (a DB-API
    #: cursor's connection, a legacy Query's session); "django" for the ORM's
    #: own connection.
    receiver: str | None = None
    verb: str | None = None  # the SQL verb of the statement it runs (UPDATE, INSERT, ...)
    table: str | None = None  # the table that statement names
    target: str | None = None  # the instance written or refreshed, as written

    @property
    def model_name(self) -> str | None:
        return self.model.rpartition(".")[2] if self.model else None

    @property
    def reaches_database(self) -> bool:
        """Whether the call itself is a round-trip (``session.add`` is not)."""
        return self.kind not in QUEUED

    @property
    def autocommit(self) -> bool:
        """A connection that commits each statement outside explicit blocks (asyncpg)."""
        return self.owner in AUTOCOMMIT_CONNECTIONS


def resolve(call: nodes.Call, ctx) -> Resolved | None:
    """What a call is, as ``ctx.resolve`` says, completed with the
    Flask-SQLAlchemy forms inference cannot see: ``Model.query.<method>``
    and ``db.session.<method>`` (and the chains they start)."""
    memo = ctx.memo("dbcalls.resolve")
    if id(call) not in memo:
        found = ctx.resolve(call)
        if found is None or not _is_known(found.qualname):
            found = _query_property_call(call, ctx) or _custom_queryset_call(call, found, ctx) \
                or _related_manager_call(call, ctx) or _dynamic_model_call(call) \
                or _unseen_manager_call(call, ctx) or _held_session_call(call, found, ctx) or found
        memo[id(call)] = found
    return memo[id(call)]


def qualname(call: nodes.Call, ctx) -> str | None:
    found = resolve(call, ctx)
    return found.qualname if found else None


def _is_known(found: str) -> bool:
    owner = split(found)[0]
    return owner.startswith(("sqlalchemy", "sqlmodel", "django", "builtins")) or owner in DBAPI_RUNNERS


def _query_property_call(call: nodes.Call, ctx) -> Resolved | None:
    func = call.func
    if not isinstance(func, nodes.Attribute):
        return None
    receiver, method = func.expr, func.attrname
    if isinstance(receiver, nodes.Call):
        inner = resolve(receiver, ctx)
        if inner is not None:
            owner, inner_method = split(inner.qualname)
            if (owner == SA_QUERY and inner_method in QUERY_BUILDERS) \
                    or (owner in SA_SESSIONS and inner_method == "query"):
                return Resolved(f"{SA_QUERY}.{method}", inner.evidence)
        return None
    if isinstance(receiver, nodes.Name):
        return _query_built_in_steps(receiver, method, ctx)
    if isinstance(receiver, nodes.Attribute) and receiver.attrname == "query":
        model = model_of(receiver.expr, ctx)
        info = ctx.project.model_named(model) if model else None
        if info and info.get("orm") in {"sqlalchemy", "sqlmodel"}:
            return Resolved(f"{SA_QUERY}.{method}", Evidence.IMPORT_ALIAS)
    if isinstance(receiver, nodes.Attribute) and receiver.attrname == "session" \
            and is_flask_sqlalchemy(receiver.expr):
        return Resolved(f"sqlalchemy.orm.scoped_session.{method}", Evidence.IMPORT_ALIAS)
    return None


def _query_built_in_steps(name: nodes.Name, method: str, ctx) -> Resolved | None:
    """``solves.all()`` after ``solves = Solves.query.filter_by(...)`` (or
    ``session.query(M)``): a query built in steps, run by a method of the name."""
    for value in assigned_values(name):
        inner = resolve(value, ctx) if isinstance(value, nodes.Call) else None
        if inner is None:
            continue
        owner, inner_method = split(inner.qualname)
        if (owner == SA_QUERY and inner_method in QUERY_BUILDERS) \
                or (owner in SA_SESSIONS and inner_method == "query"):
            return Resolved(f"{SA_QUERY}.{method}", inner.evidence)
    return None


def related_manager(expr: nodes.NodeNG, ctx) -> tuple[str, Evidence] | None:
    """(target model, evidence) when ``expr`` is a Django related manager:
    ``basket.lines`` (reverse FK) or ``product.tags`` (M2M) on an instance
    whose model is known."""
    if not isinstance(expr, nodes.Attribute):
        return None
    holder = instance_model(expr.expr, ctx)
    if holder is None:
        return None
    model, evidence = holder.qualname, holder.evidence
    info = ctx.project.model_named(model)
    if not info or info.get("orm") != "django":
        return None
    relationship = (info.get("relationships") or {}).get(expr.attrname)
    if not relationship or not relationship.get("uselist") or not relationship.get("target"):
        return None
    return relationship["target"], evidence


#: Related-manager calls that a ``prefetch_related`` cache answers.
PREFETCH_CACHED = frozenset({"all", "count", "exists", "__iter__", "acount", "aexists"})


def cached_relation_read(call: nodes.Call, ctx) -> tuple[nodes.Name, str] | None:
    """(holder, relation) when a queryset chain reads a related manager of
    a name (``doc.notes.all()``, ``product.tags.count()``) with calls a
    ``prefetch_related(relation)`` on the holder's query answers from its
    cache."""
    root = chain_root(call)
    if not (isinstance(root, nodes.Call) and isinstance(root.func, nodes.Attribute)):
        return None
    manager = root.func.expr
    if not (isinstance(manager, nodes.Attribute) and isinstance(manager.expr, nodes.Name)):
        return None
    if related_manager(manager, ctx) is None:
        return None
    if not all(split(qualname(part, ctx) or "")[1] in PREFETCH_CACHED for part in chain_calls(call)):
        return None
    return manager.expr, manager.attrname


def instance_model(expr: nodes.NodeNG, ctx, _depth: int = 0) -> Resolved | None:
    """The mapped model of the ORM instance an expression holds, with the
    evidence for it: one entity a query loads (:func:`fetched_model`), a
    row of a query a loop walks or an item of an annotated collection
    (``steps: list[Step]``), an instance a Django queryset returned
    (``obj, created = M.objects.get_or_create(...)``), a name bound once to
    any of these, or a value typed as a model (an annotation, inference).
    None unless the model is a mapped one. Both families read instances
    through this one function: related managers (PQ), attribute writes
    and expired attributes (PT)."""
    if _depth > 5 or expr is None:
        return None
    if isinstance(expr, nodes.Await):
        return instance_model(expr.value, ctx, _depth + 1)
    if isinstance(expr, nodes.Name):
        loop = loop_binding(expr)
        if loop is not None:
            if isinstance(loop.target, nodes.AssignName) and loop.target.name == expr.name:
                return loop_row_model(loop.iter, ctx)
            return typed_model(expr, ctx)
        instance = django_instance(expr, ctx)
        if instance is not None and instance[0]:
            return Resolved(instance[0], instance[1])
        assignments = bindings_of(expr)
        if len(assignments) == 1 and isinstance(assignments[0].parent, nodes.Assign) \
                and len(assignments[0].parent.targets) == 1:
            found = instance_model(assignments[0].parent.value, ctx, _depth + 1)
            if found is not None:
                return found
        found = typed_model(expr, ctx)
        return found if found is not None else django_model_by_use(expr, ctx)
    elif isinstance(expr, nodes.Call):
        fetched = fetched_model(expr, ctx)
        if fetched is not None and is_model_class(fetched, ctx):
            loaded = db_call(expr, ctx)
            return Resolved(fetched, loaded.evidence if loaded else Evidence.INFERRED)
        method = split(qualname(expr, ctx) or "")[1]
        if method == "get" and len(expr.args) >= 2:
            return None  # session.get(X, id) of something that is no model
        receiver = receiver_of(expr)
        if method in SINGLE_ENTITY_ENDS and isinstance(receiver, nodes.Name):
            result = single_assigned_value(receiver)  # result = await session.execute(select(Job))
            found = loop_row_model(result, ctx) if result is not None else None
            if found is not None:
                return found
        return typed_model(expr, ctx) or _returned_entity(expr, ctx)
    return typed_model(expr, ctx)


def _returned_entity(call: nodes.Call, ctx) -> Resolved | None:
    """The model of the one entity a project function returns, read from
    its first ``return`` that returns one (``dao_fetch_service_by_id(id)``
    returning ``Service.query.filter_by(id=id).one()``), once per function."""
    callee, function = _project_function(call, ctx)
    if function is None:
        return None
    found = _first_returned(function, "dbcalls.returned_entity",
                            lambda value: instance_model(value, ctx), ctx)
    if found is None and isinstance(function.parent, nodes.ClassDef) \
            and is_django_queryset_class(function.parent.qname()) \
            and _first_returned(function, "dbcalls.returns_own_entity", _own_entity, ctx):
        model = _django_model(call, ctx)  # ``Document.objects.get_visible(user)``: the manager's model
        found = Resolved(model, Evidence.INFERRED) if model is not None else None
    if found is None:
        attribute = _first_returned(function, "dbcalls.returns_generic_entity",
                                    lambda value: _generic_entity(value, ctx), ctx)
        model = _generic_model(call, attribute, ctx) if attribute else None
        found = Resolved(model, Evidence.INFERRED) if model is not None else None
    return Resolved(found.qualname, min(found.evidence, callee.evidence)) if found is not None else None


def _generic_entity(value: nodes.NodeNG, ctx) -> str | None:
    """``self.<attr>`` when a generic repository's method returns one
    entity of the model it names: ``session.get(self.model, id)``,
    ``session.scalar(select(self.model).where(...))``."""
    value = value.value if isinstance(value, nodes.Await) else value
    if not isinstance(value, nodes.Call) or split(qualname(value, ctx) or "")[1] not in SINGLE_ENTITY_ENDS:
        return None
    if value.args and _is_self_attribute(value.args[0]):
        return value.args[0].attrname  # session.get(self.model, id)
    found = db_call(value, ctx)
    statement = found.statement if found is not None and found.statement is not None else value
    return describe(statement, ctx).model_attribute if found is not None and found.kind == READ else None


def _own_entity(value: nodes.NodeNG) -> bool | None:
    """True when a manager or queryset method returns one instance of its
    own model: ``self.visible(user).get()``, ``self.filter(...).first()``,
    ``self.model(...)``. Its model is the one the caller's ``M.objects``
    names, which the method alone cannot know."""
    if not isinstance(value, nodes.Call) or not isinstance(value.func, nodes.Attribute):
        return None
    if value.func.attrname == "model":
        head = value.func.expr  # self.model(**fields)
    elif value.func.attrname in DJANGO_INSTANCE_RESULTS:
        head = chain_root(value.func.expr)
        head = head.func.expr if isinstance(head, nodes.Call) and isinstance(head.func, nodes.Attribute) else head
    else:
        return None
    return True if isinstance(head, nodes.Name) and head.name == "self" else None


def _project_function(call: nodes.Call, ctx) -> tuple[Resolved | None, nodes.FunctionDef | None]:
    """(what the call resolves to, the project function it runs, or None)."""
    callee = ctx.resolve(call)
    function = infer.lookup_method(callee.qualname) if callee is not None else None
    return callee, function if isinstance(function, nodes.FunctionDef) and infer.in_project(function) else None


def _first_returned(function: nodes.FunctionDef, fact: str, read, ctx):
    """What ``read`` finds in the value of a function's first ``return``
    it finds something in, once per function (the ``fact`` memo). ``read``
    starts afresh at the function (not at the depth its caller reached), so
    the answer does not depend on which caller asked first; a function
    reached again while it is being read (recursion) reads as nothing."""
    memo = ctx.memo(fact)
    if id(function) not in memo:
        memo[id(function)] = None  # a function returning its own call's result: none
        for node in own_nodes(function, nodes.Return):
            found = read(node.value) if node.value is not None else None
            if found is not None:
                memo[id(function)] = found
                break
    return memo[id(function)]


def typed_model(expr: nodes.NodeNG, ctx) -> Resolved | None:
    """The mapped model an expression's type is (an annotation, inference)."""
    typed = ctx.type_of(expr)
    return typed if typed is not None and is_model_class(typed.qualname, ctx) else None


def loop_row_model(iterable: nodes.NodeNG, ctx) -> Resolved | None:
    """The model of the rows a loop walks: a query's whole rows, or the
    item type of an annotated collection (``steps: list[Step]``)."""
    rows = row_source(iterable, ctx)
    if rows is not None and rows.model and rows.statement.whole_rows:
        return Resolved(rows.model, rows.evidence)
    found = infer.element_type(iterable)
    return found if found is not None and is_model_class(found.qualname, ctx) else None


SINGLE_ENTITY_ENDS = frozenset({"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none",
                                "get", "scalar", "afirst", "aget", "last"})


def fetched_model(call: nodes.Call, ctx) -> str | None:
    """The model when ``call`` loads one entity: ``session.get(M, x)``,
    ``query(M).get/first/one``, ``session.scalar(select(M)...)``,
    ``session.execute(select(M)...).scalar_one()``, ``M.objects.get(...)``."""
    found = db_call(call, ctx)
    method = split(qualname(call, ctx) or "")[1]
    if found is not None and found.kind == READ:
        if method == "get" and found.api == "sqlalchemy" and found.model:
            return found.model
        if method in SINGLE_ENTITY_ENDS and found.api in {"sqlalchemy", "django"}:
            if found.statement is not None and found.statement is not call:
                statement = describe(found.statement, ctx)  # session.scalar(select(M)...)
            else:
                statement = describe(call, ctx)
            return statement.model if statement.whole_rows else None
        return None
    if method in SINGLE_ENTITY_ENDS and isinstance(call.func, nodes.Attribute):
        inner = call.func.expr
        for _ in range(4):  # session.scalars(stmt).one(), session.execute(stmt).scalars().unique().one()
            inner = inner.value if isinstance(inner, nodes.Await) else inner
            if not isinstance(inner, nodes.Call):
                break
            runner = db_call(inner, ctx)
            if runner is not None and runner.kind == READ and runner.statement is not None:
                statement = describe(runner.statement, ctx)
                return statement.model if statement.whole_rows else None
            if not isinstance(inner.func, nodes.Attribute) \
                    or split(qualname(inner, ctx) or "")[1] not in {"scalars", "unique"}:
                break
            inner = inner.func.expr
    return None


def django_instance(name: nodes.Name, ctx) -> tuple[str | None, Evidence] | None:
    """(model, evidence) when ``name`` holds one instance a Django queryset
    returned: ``obj = M.objects.get(...)``, ``obj, created =
    M.objects.get_or_create(...)``."""
    assignments = bindings_of(name)
    for assign in assignments[-1:]:
        if not isinstance(assign, nodes.AssignName):
            continue
        parent, pair = assign.parent, False
        if isinstance(parent, nodes.Tuple) and parent.elts and parent.elts[0] is assign:
            parent, pair = parent.parent, True
        if not isinstance(parent, (nodes.Assign, nodes.AnnAssign)) or parent.value is None:
            continue
        value = parent.value.value if isinstance(parent.value, nodes.Await) else parent.value
        if not isinstance(value, nodes.Call):
            continue
        found = resolve(value, ctx)
        owner, method = split(found.qualname) if found else ("", "")
        if owner in DJANGO_QUERYSETS and method in (DJANGO_PAIR_RESULTS if pair else DJANGO_INSTANCE_RESULTS):
            return _django_model(value, ctx), found.evidence
    return None


def _related_manager_call(call: nodes.Call, ctx) -> Resolved | None:
    """``basket.lines.all()``, ``variant.stocks.filter(...).first()``: a
    queryset method on a related manager, or on a chain it starts."""
    func = call.func
    if not isinstance(func, nodes.Attribute):
        return None
    receiver = func.expr
    if isinstance(receiver, nodes.Call):
        inner = resolve(receiver, ctx)
        if inner is not None and split(inner.qualname)[0] in DJANGO_QUERYSETS \
                and related_root(receiver, ctx) is not None:
            return Resolved(f"django.db.models.QuerySet.{func.attrname}", inner.evidence)
        return None
    related = related_manager(receiver, ctx)
    if related is None:
        return None
    return Resolved(f"django.db.models.QuerySet.{func.attrname}", related[1])


def _unseen_manager_call(call: nodes.Call, ctx) -> Resolved | None:
    """``Note.objects.filter(...)`` (and the chain it starts) on a project
    Django model whose manager inference cannot see: a model on a library
    base that is not installed; also the chain a dynamic model's manager
    starts (``model.objects.filter(...).count()``)."""
    func = call.func
    if not isinstance(func, nodes.Attribute) or func.attrname not in MANAGER_METHODS:
        return None
    receiver = func.expr
    if isinstance(receiver, nodes.Call):
        inner = resolve(receiver, ctx)
        if inner is not None and split(inner.qualname)[0] in DJANGO_QUERYSETS \
                and split(inner.qualname)[1] in DJANGO_CLONES \
                and (_unseen_manager_call(receiver, ctx) or _dynamic_model_call(receiver)) is not None:
            return Resolved(f"django.db.models.QuerySet.{func.attrname}", inner.evidence)
        return None
    if not (isinstance(receiver, nodes.Attribute) and receiver.attrname == "objects"):
        return None
    model = model_of(receiver.expr, ctx)
    info = ctx.project.model_named(model) if model else None
    if not info or info.get("orm") != "django":
        return None
    return Resolved(f"django.db.models.QuerySet.{func.attrname}", Evidence.INFERRED)


def _held_session_call(call: nodes.Call, found: Resolved | None, ctx) -> Resolved | None:
    """``db_session.query(Service)`` where ``db_session`` is a parameter
    without an annotation (or ``self.db`` stored from one): a session
    method, when :func:`held_session` proves the receiver holds one."""
    if found is not None or not isinstance(call.func, nodes.Attribute):
        return None
    held = held_session(call.func.expr, ctx)
    return Resolved(f"{held.qualname}.{call.func.attrname}", held.evidence) if held else None


#: What an untyped receiver proven to hold a session holds: (awaited, a connection's name).
HELD_SESSIONS = {(False, False): "sqlalchemy.orm.Session", (True, False): "sqlalchemy.ext.asyncio.AsyncSession",
                 (False, True): "sqlalchemy.engine.Connection", (True, True): "sqlalchemy.ext.asyncio.AsyncConnection"}


def held_session(receiver: nodes.NodeNG, ctx) -> Resolved | None:
    """The SQLAlchemy session (or connection) an untyped receiver holds,
    proven by what it is handed, never by its name: a local name
    (:func:`_untyped_binding`) that its function, a ``self.<attr>`` that
    its class, or a ``<name>.<attr>`` (``request.db``) that its module
    calls ``.query(M)``
    or ``.get(M, key)`` with a mapped model, or ``.execute``/``.scalars``/
    ``.scalar``/``.stream`` with a SQLAlchemy statement (``select(...)``,
    ``update(...)``, ``text(...)``, also bound to a name first). Awaited
    calls make it an ``AsyncSession``; a receiver named as a connection
    (``conn``) a ``Connection``, for the statement-running proofs only,
    which both have. Evidence :attr:`Evidence.USAGE`."""
    uses = _receiver_uses(receiver)
    if uses is None:
        return None
    scope, spelled, calls = uses
    memo = ctx.memo("dbcalls.held_session")
    key = (id(scope), spelled)
    if key not in memo:
        memo[key] = None  # a proof that asks about the receiver again finds nothing
        proofs = [call for call in calls() if _proves_session(call, ctx)]
        if proofs:
            awaited = any(isinstance(call.parent, nodes.Await) for call in proofs)
            connection = "conn" in spelled.rpartition(".")[2].lower() \
                and all(call.func.attrname in SA_STATEMENT_RUNNERS for call in proofs)
            memo[key] = Resolved(HELD_SESSIONS[awaited, connection], Evidence.USAGE)
    return memo[key]


def django_model_by_use(name: nodes.Name, ctx) -> Resolved | None:
    """The Django model an untyped local name (:func:`_untyped_binding`:
    a parameter, most often) holds, proven by its related
    managers: its function calls a queryset method on ``name.<relation>``
    (``source_phase.units.all()``), and exactly one project model has
    every such relation as a to-many relation and every other attribute
    the function reads of ``name`` (``source_phase.season``: a field, a
    relation, or a method or property of the model). Evidence
    :attr:`Evidence.USAGE`."""
    uses = _receiver_uses(name)
    if uses is None:
        return None
    function, _, _ = uses
    memo = ctx.memo("dbcalls.django_model_by_use")
    key = (id(function), name.name)
    if key not in memo:
        memo[key] = _django_model_by_use(function, name, ctx)
    return memo[key]


def _django_model_by_use(function: nodes.NodeNG, name: nodes.Name, ctx) -> Resolved | None:
    binding = _untyped_binding(name)
    managers, reads = set(), set()
    for read in own_nodes(function, nodes.Attribute):
        if not (isinstance(read.expr, nodes.Name) and read.expr.name == name.name
                and _untyped_binding(read.expr) is binding):
            continue
        parent = read.parent
        if isinstance(parent, nodes.Attribute) and parent.attrname in MANAGER_METHODS \
                and isinstance(parent.parent, nodes.Call) and parent.parent.func is parent:
            managers.add(read.attrname)
        elif not (isinstance(parent, nodes.Call) and parent.func is read):
            reads.add(read.attrname)
    if not managers:
        return None
    candidates = [qualname for qualname, info in ctx.project.models.items() if info.get("orm") == "django"
                  and all((info.get("relationships") or {}).get(rel, {}).get("uselist") for rel in managers)
                  and all(_has_attribute(qualname, info, read, ctx) for read in reads)]
    return Resolved(candidates[0], Evidence.USAGE) if len(candidates) == 1 else None


def _has_attribute(qualname: str, info: dict, name: str, ctx) -> bool:
    """Whether an instance of a model has ``name`` to read: a field, a
    relation, the primary key, or a method or property the project
    defines on the model."""
    return name in {"pk", "id"} or name in (info.get("column_names") or ()) \
        or name in (info.get("relationships") or {}) or f"{qualname}.{name}" in ctx.project.functions


def _receiver_uses(receiver: nodes.NodeNG):
    """(scope, spelling, a function giving the method calls on it) of an
    untyped local name (:func:`_untyped_binding`: its function's own calls),
    of ``self.<attr>`` (every method of the class), or of another dotted
    name (``request.db``, ``self.request.db``: every call on that spelling in
    the module, as a web framework hangs the session on each request); None
    for anything else."""
    if isinstance(receiver, (nodes.Name, nodes.AssignName)):
        binding = _untyped_binding(receiver) if isinstance(receiver, nodes.Name) else _untyped(receiver)
        if binding is None:
            return None
        function = binding.scope()
        return function, receiver.name, lambda: [
            call for call in own_nodes(function, nodes.Call) if isinstance(call.func, nodes.Attribute)
            and isinstance(call.func.expr, nodes.Name) and call.func.expr.name == receiver.name
            and _untyped_binding(call.func.expr) is binding]
    spelled = _dotted(receiver) if isinstance(receiver, nodes.Attribute) else None
    if spelled is None:
        return None

    def calls_on(functions) -> list[nodes.Call]:
        return [call for function in functions for call in own_nodes(function, nodes.Call)
                if isinstance(call.func, nodes.Attribute) and isinstance(call.func.expr, nodes.Attribute)
                and call.func.expr.attrname == receiver.attrname and _dotted(call.func.expr) == spelled]

    if spelled.count(".") == 1 and spelled.startswith("self."):
        method = receiver.scope()
        klass = method.parent.frame() if isinstance(method, nodes.FunctionDef) and method.parent else None
        if not isinstance(klass, nodes.ClassDef):
            return None
        return klass, spelled, lambda: calls_on(klass.mymethods())
    module = receiver.root()  # request.db, self.request.db
    return module, spelled, lambda: calls_on(module.nodes_of_class(nodes.FunctionDef))


def _dotted(expr: nodes.NodeNG) -> str | None:
    """``self.request.db`` as text, for a chain of names and attributes only."""
    parts = []
    while isinstance(expr, nodes.Attribute):
        parts.append(expr.attrname)
        expr = expr.expr
    return ".".join([expr.name, *reversed(parts)]) if isinstance(expr, nodes.Name) else None


def _untyped_binding(name: nodes.Name) -> nodes.AssignName | None:
    """The one binding of a name, when it is one whose value the code does
    not type: a parameter without an annotation, the target of a ``with``
    (``with self.factory() as session``) or a plain assignment of what a
    call returns (``session = self.make_session()``)."""
    assignments = bindings_of(name)
    if len(assignments) != 1 or not isinstance(assignments[0], nodes.AssignName):
        return None
    return _untyped(assignments[0])


def _untyped(binding: nodes.AssignName) -> nodes.AssignName | None:
    parent = binding.parent
    if isinstance(parent, nodes.Arguments):
        return binding if binding.name not in {"self", "cls"} and infer.param_annotation(binding) is None else None
    if isinstance(parent, (nodes.With, nodes.AsyncWith)):
        return binding if any(target is binding for _, target in parent.items) else None
    if isinstance(parent, nodes.Assign) and parent.targets == [binding] \
            and isinstance(parent.value, (nodes.Call, nodes.Await)):
        return binding
    return None


def _proves_session(call: nodes.Call, ctx) -> bool:
    method = call.func.attrname
    first = call.args[0] if call.args else None
    if first is None:
        return False
    if method == "query" or (method == "get" and len(call.args) >= 2):
        entity = first.expr if method == "query" and isinstance(first, nodes.Attribute) else first
        model = model_of(entity, ctx) if isinstance(entity, (nodes.Name, nodes.Attribute)) else None
        info = ctx.project.model_named(model) if model else None
        return bool(info) and info.get("orm") in {"sqlalchemy", "sqlmodel"}
    if method in SA_STATEMENT_RUNNERS:
        statement = single_assigned_value(first) if isinstance(first, nodes.Name) else first
        return statement is not None and any(
            (found := resolve(part, ctx)) is not None and (
                found.qualname in STATEMENT_BUILDERS or found.qualname == "sqlalchemy.text")
            for part in chain_calls(statement))
    return False


def related_root(call: nodes.Call, ctx) -> tuple[str, Evidence] | None:
    """The related manager a queryset chain starts from, if it does."""
    root = chain_root(call)
    if isinstance(root, nodes.Call) and isinstance(root.func, nodes.Attribute):
        return related_manager(root.func.expr, ctx)
    return None


def _custom_queryset_call(call: nodes.Call, found: Resolved | None, ctx) -> Resolved | None:
    """``Stock.objects.available()``: a project queryset method that returns
    the queryset (``return self.filter(...)``) is a queryset builder."""
    if found is None:
        return None
    typed = ctx.type_of(call)
    if typed is not None and is_django_queryset_class(typed.qualname):
        return Resolved("django.db.models.QuerySet.filter", found.evidence)
    receiver = call.func.expr if isinstance(call.func, nodes.Attribute) else None
    if isinstance(receiver, nodes.Call) and _returns_own_clone(infer.lookup_qualname(found.qualname)):
        inner = resolve(receiver, ctx)
        if inner is not None and split(inner.qualname)[0] in DJANGO_QUERYSETS:
            return Resolved("django.db.models.QuerySet.filter", found.evidence)
    return None


#: Calls that return a Django model class known only at run time.
DYNAMIC_MODEL_SOURCES = frozenset({"model_class", "get_model",
                                   "get_user_obj_perms_model", "get_group_obj_perms_model"})  # django-guardian


def dynamic_model(call: nodes.Call) -> str | None:
    """The name holding the model of a queryset chain on a model known only
    at run time (``model.objects.filter(...)`` after ``model = ct.model_class()``)."""
    for part in chain_calls(call):
        if _dynamic_model_call(part) is not None:
            return part.func.expr.expr.name
    return None


def _dynamic_model_call(call: nodes.Call) -> Resolved | None:
    """``model.objects.filter(...)`` where ``model = ct.model_class()`` or
    ``apps.get_model(...)`` (generic code over several models): a Django
    queryset of a model inference cannot name."""
    func = call.func
    if not (isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Attribute)
            and func.expr.attrname == "objects" and isinstance(func.expr.expr, nodes.Name)):
        return None
    if func.attrname not in DJANGO_READS | DJANGO_WRITES.keys() | DJANGO_IN_MEMORY | DJANGO_CLONES:
        return None
    source = next(iter(assigned_values(func.expr.expr)), None)
    if isinstance(source, nodes.Call) and isinstance(source.func, (nodes.Attribute, nodes.Name)) \
            and (source.func.attrname if isinstance(source.func, nodes.Attribute) else source.func.name) \
            in DYNAMIC_MODEL_SOURCES:
        return Resolved(f"django.db.models.QuerySet.{func.attrname}", Evidence.INFERRED)
    return None


#: Queryset methods that return a copy of the queryset.
DJANGO_CLONES = frozenset({"_clone", "_chain", "all", "filter", "exclude", "order_by", "annotate",
                           "select_related", "prefetch_related", "only", "defer", "distinct", "using",
                           "reverse", "alias", "select_for_update", "complex_filter"})


#: Queryset methods a model's default manager answers.
MANAGER_METHODS = DJANGO_READS | DJANGO_WRITES.keys() | DJANGO_IN_MEMORY | DJANGO_CLONES \
    | {"values", "values_list", "iterator", "none", "in_bulk"}


def _returns_own_clone(function: nodes.NodeNG | None) -> bool:
    """A queryset mixin's method, called on a queryset, that returns a copy
    of it (``clone = self._clone(); ...; return clone``), which inference
    cannot type from the mixin alone."""
    if not isinstance(function, nodes.FunctionDef):
        return False
    returns = [r.value for r in function.nodes_of_class(nodes.Return) if r.scope() is function]
    if not returns:
        return False
    for value in returns:
        if isinstance(value, nodes.Name):
            value = next(iter(assigned_values(value)), None)
        if not (isinstance(value, nodes.Call) and isinstance(value.func, nodes.Attribute)
                and isinstance(value.func.expr, nodes.Name) and value.func.expr.name == "self"
                and value.func.attrname in DJANGO_CLONES):
            return False
    return True


def is_django_queryset_class(qualname: str) -> bool:
    if qualname in DJANGO_QUERYSETS or qualname.startswith("django."):
        return qualname in DJANGO_QUERYSETS
    klass = infer.lookup_qualname(qualname)
    if not isinstance(klass, nodes.ClassDef):
        return False
    try:
        return any(a.qname() in DJANGO_QUERYSETS for a in klass.ancestors())
    except Exception:  # noqa: BLE001 - odd hierarchies
        return False


def split(qualname: str) -> tuple[str, str]:
    owner, _, method = qualname.rpartition(".")
    return owner, method


def db_call(call: nodes.Call, ctx, guesses: bool = False) -> DbCall | None:
    """The database operation a call performs, or None. ``guesses``: also a
    ``commit()``/``rollback()`` on an unresolved name that reads as a session
    (``db.commit()``), with :attr:`Evidence.NAME_GUESS`."""
    memo = ctx.memo("dbcalls.db_call")
    if id(call) not in memo:
        memo[id(call)] = _classify(call, ctx)
    found = memo[id(call)]
    if found is not None and not guesses and found.evidence is Evidence.NAME_GUESS:
        return None
    return found


#: Session and connection methods that are no statement, by what they do.
SESSION_METHODS = {"commit": COMMIT, "rollback": ROLLBACK, "close": CLOSE, "flush": FLUSH,
                   "begin": BEGIN, "begin_nested": BEGIN, "add": ADD, "merge": ADD, "delete": REMOVE,
                   "add_all": BULK, "bulk_save_objects": BULK, "bulk_insert_mappings": BULK,
                   "bulk_update_mappings": BULK, "get": READ, "refresh": READ, "query": QUERY}
#: DB-API connection and cursor methods that are no statement of their own.
DBAPI_LIFECYCLE = {"commit": COMMIT, "rollback": ROLLBACK, "close": CLOSE}
#: Variable names that make an unresolved ``x.commit()`` a session commit.
GUESSED_SESSIONS = frozenset({"session", "db", "db_session", "dbsession", "sess", "conn",
                              "connection", "async_session", "db_conn"})
DJANGO_TRANSACTION = "django.db.transaction"


def _classify(call: nodes.Call, ctx) -> DbCall | None:
    found = resolve(call, ctx)
    if found is None or not _is_known(found.qualname):
        written = _django_row_write(call, ctx)
        if written is not None or found is not None:
            return written
        return _guessed(call)
    owner, method = split(found.qualname)
    evidence = found.evidence
    receiver = receiver_of(call)
    made = {"method": method, "owner": owner}
    if owner in SA_SESSIONS or owner in SA_CONNECTIONS:
        made["receiver"] = source_text(receiver)
        if method in SA_STATEMENT_RUNNERS or method == "exec_driver_sql":
            statement = call.args[0] if call.args else keyword_arg(call, "statement")
            ran = statement_of(statement, ctx)
            return DbCall(call, ran.kind, "sqlalchemy", evidence, ran.model, statement, ran.sql,
                          verb=ran.kind if statement is not None else None, table=ran.table, **made)
        kind = SESSION_METHODS.get(method)
        if kind is None or (method == "merge" and "load" in infer.false_keywords(call)):
            return None  # merge(obj, load=False): attached as it is, no statement and no write
        first = call.args[0] if call.args else None
        model = None
        if method == "get" and first is not None:
            model = model_of(first, ctx)
        elif kind in {ADD, REMOVE} and first is not None:
            typed = model_of(first.func, ctx) if isinstance(first, nodes.Call) else None
            found_type = ctx.type_of(first) if typed is None else None
            model = typed or (found_type.qualname if found_type else None)
        target = source_text(first) if kind in {ADD, REMOVE, BULK} or method == "refresh" else None
        return DbCall(call, kind, "sqlalchemy", evidence, model, table=table_of(model, ctx),
                      target=target, **made)
    if owner == SA_QUERY:
        query = _legacy_query(call)
        model = next(filter(None, (_query_model(part, ctx) for part in chain_calls(call))), None)
        made["receiver"] = source_text(receiver_of(query)) if query is not None else None
        if method in SA_QUERY_READS:
            return DbCall(call, READ, "sqlalchemy", evidence, model, call, **made)
        if method in {"update", "delete"}:
            verb = UPDATE if method == "update" else DELETE
            return DbCall(call, verb, "sqlalchemy", evidence, model, call, verb=verb,
                          table=table_of(model, ctx), **made)
        return None
    if owner in DJANGO_QUERYSETS:
        model = _django_model(call, ctx)
        made.update(receiver="django", table=table_of(model, ctx))
        if method in DJANGO_READS:
            return DbCall(call, READ, "django", evidence, model, call, **made)
        if method in DJANGO_WRITES:
            kind = DJANGO_WRITES[method]
            return DbCall(call, kind, "django", evidence, model, call, verb=kind, **made)
        if method in DJANGO_IN_MEMORY:  # the bulk operations the rules recommend
            verb = UPDATE if "update" in method else INSERT
            return DbCall(call, BULK, "django", evidence, model, call, verb=verb, **made)
        return None  # builders
    if owner == DJANGO_MODEL and method in DJANGO_INSTANCE_WRITES:
        typed = ctx.type_of(receiver) if receiver is not None else None
        return _instance_write(call, typed.qualname if typed else None, evidence, ctx)
    if owner == DJANGO_TRANSACTION and method in {"commit", "rollback"}:
        return DbCall(call, DBAPI_LIFECYCLE[method], "django", evidence, receiver=DJANGO_TRANSACTION,
                      **made)
    if owner in DBAPI_RUNNERS:
        made["receiver"] = _cursor_owner(receiver) if owner in DBAPI_CURSORS else source_text(receiver)
        if method in DBAPI_METHODS or method == "executemany":
            statement = call.args[0] if call.args else None
            ran = statement_of(statement, ctx)
            kind = ran.kind
            if method in {"fetch", "fetchrow", "fetchval"} and kind is None:
                kind = READ
            if method == "executemany":
                kind = BULK
            return DbCall(call, kind, "dbapi", evidence, None, statement, ran.sql,
                          verb=ran.kind, table=ran.table, **made)
        if method in DBAPI_LIFECYCLE:
            return DbCall(call, DBAPI_LIFECYCLE[method], "dbapi", evidence, **made)
    return None


def receiver_of(call: nodes.Call) -> nodes.NodeNG | None:
    return call.func.expr if isinstance(call.func, nodes.Attribute) else None


def source_text(node: nodes.NodeNG | None) -> str | None:
    if node is None:
        return None
    try:
        return node.as_string()
    except Exception:  # noqa: BLE001 - as_string fails on some synthetic nodes
        return None


def _instance_write(call: nodes.Call, model: str | None, evidence: Evidence, ctx) -> DbCall:
    """``row.save()`` / ``row.delete()``: one Django row written by itself."""
    kind = DJANGO_INSTANCE_WRITES[call.func.attrname]
    return DbCall(call, kind, "django", evidence, model, method=call.func.attrname, owner=DJANGO_MODEL,
                  receiver="django", verb=DELETE if kind == DELETE_ROW else UPDATE,
                  table=table_of(model, ctx), target=source_text(call.func.expr))


def _guessed(call: nodes.Call) -> DbCall | None:
    """``db.commit()`` where nothing resolves: a name guess, commits and
    rollbacks only."""
    func = call.func
    if not isinstance(func, nodes.Attribute) or func.attrname not in {"commit", "rollback"}:
        return None
    receiver = func.expr
    name = receiver.attrname if isinstance(receiver, nodes.Attribute) else getattr(receiver, "name", "")
    if name.lower().lstrip("_") not in GUESSED_SESSIONS:
        return None
    return DbCall(call, DBAPI_LIFECYCLE[func.attrname], "unknown", Evidence.NAME_GUESS,
                  method=func.attrname, receiver=source_text(receiver))


def _cursor_owner(cursor: nodes.NodeNG | None) -> str | None:
    """The connection a DB-API cursor came from: ``cur = conn.cursor()``,
    ``with conn.cursor() as cur``; else the cursor itself."""
    if isinstance(cursor, nodes.Call) and isinstance(cursor.func, nodes.Attribute) \
            and cursor.func.attrname == "cursor":
        return source_text(cursor.func.expr)
    if isinstance(cursor, nodes.Name):
        assignments = bindings_of(cursor)
        for assign in assignments:
            parent = assign.parent
            value = None
            if isinstance(parent, nodes.Assign):
                value = parent.value
            elif isinstance(parent, (nodes.With, nodes.AsyncWith)):
                value = next((item for item, target in parent.items if target is assign), None)
            if isinstance(value, nodes.Call) and isinstance(value.func, nodes.Attribute) \
                    and value.func.attrname == "cursor":
                return source_text(value.func.expr)
        return cursor.name
    return source_text(cursor)


def _django_row_write(call: nodes.Call, ctx) -> DbCall | None:
    """``row.save()`` / ``row.delete()`` on an instance of a Django model
    that inference cannot type (the stub returns plain objects) or whose
    model overrides the method: a row of a queryset, an instance a queryset
    returned (``get``, ``create``, the first item of ``get_or_create``)."""
    func = call.func
    if not (isinstance(func, nodes.Attribute) and func.attrname in DJANGO_INSTANCE_WRITES):
        return None
    if isinstance(func.expr, nodes.Name):
        source = rows_of_loop_variable(func.expr, ctx)
        if source is not None and source.api == "django":
            return _instance_write(call, source.model, source.evidence, ctx)
        instance = django_instance(func.expr, ctx)
        if instance is not None:
            return _instance_write(call, instance[0], instance[1], ctx)
    typed = ctx.type_of(func.expr)
    if typed is not None and is_django_model(typed.qualname, ctx):
        return _instance_write(call, typed.qualname, typed.evidence, ctx)
    return None


# ------------------------------------------------------------------ statements

@attrs.frozen
class Ran:
    """What a statement argument runs: its kind (a SQL verb), model, table
    and SQL text (when it is text)."""

    kind: str | None = None
    model: str | None = None
    table: str | None = None
    sql: str | None = None


def statement_of(statement: nodes.NodeNG | None, ctx) -> Ran:
    """What ``session.execute`` / ``cursor.execute`` runs: a statement
    built by ``select/update/delete/insert`` (dialect inserts too), a
    ``text()`` clause or SQL text."""
    if statement is None:
        return Ran()
    for part in chain_calls(statement):
        found = resolve(part, ctx)
        if found is None:
            continue
        if found.qualname in STATEMENT_BUILDERS:
            first = part.args[0] if part.args else None
            model = model_of(first, ctx) if first is not None else None
            table = table_of(model, ctx) or _table_object_name(first)
            return Ran(STATEMENT_BUILDERS[found.qualname], model, table)
        if found.qualname in _sql.SQL_TEXT_CALLS:
            return _raw(_sql.sql_of(part, ctx.resolve))
    typed = ctx.type_of(statement)
    if typed is not None and typed.qualname in STATEMENT_KINDS:
        return Ran(STATEMENT_KINDS[typed.qualname])
    return _raw(_sql.sql_of(statement, ctx.resolve))


def _raw(sql: str | None) -> Ran:
    return Ran(_sql.kind(sql), None, _sql.table(sql), sql)


def _table_object_name(target: nodes.NodeNG | None) -> str | None:
    """``update(jobs_table)`` with ``jobs_table = Table("jobs", ...)``."""
    if not isinstance(target, nodes.Name):
        return None
    table_call = single_assigned_value(target)
    if isinstance(table_call, nodes.Call) and table_call.args \
            and isinstance(table_call.args[0], nodes.Const) and isinstance(table_call.args[0].value, str) \
            and getattr(table_call.func, "name", getattr(table_call.func, "attrname", "")) == "Table":
        return table_call.args[0].value.lower()
    return None


def _legacy_query(call: nodes.Call) -> nodes.Call | None:
    """The ``session.query(M)`` a legacy Query chain starts from (through
    names: ``q = session.query(M)``; ``q.filter(...).update(...)``)."""
    return next((part for part in chain_calls(call)
                 if isinstance(part.func, nodes.Attribute) and part.func.attrname == "query"), None)


def _query_model(root: nodes.NodeNG, ctx) -> str | None:
    """``session.query(M)`` -> M (the first entity, when it is a class);
    ``M.query.filter(...)`` (Flask-SQLAlchemy) -> M."""
    if isinstance(root, nodes.Call) and isinstance(root.func, nodes.Attribute) \
            and isinstance(root.func.expr, nodes.Attribute) and root.func.expr.attrname == "query":
        model = model_of(root.func.expr.expr, ctx)
        info = ctx.project.model_named(model) if model else None
        if info and info.get("orm") in {"sqlalchemy", "sqlmodel"}:
            return model
    if isinstance(root, nodes.Call) and isinstance(root.func, nodes.Attribute) \
            and root.func.attrname == "query" and root.args:
        first = root.args[0]
        if isinstance(first, nodes.Attribute) and model_of(first.expr, ctx):
            return None  # a column, not an entity
        return model_of(first, ctx)
    return None


def _django_model(call: nodes.NodeNG, ctx) -> str | None:
    """``M.objects.filter(...).first()`` -> M; ``basket.lines.all()`` -> the
    related manager's model."""
    for part in chain_calls(call):
        func = part.func
        if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Attribute) \
                and not isinstance(func.expr.expr, nodes.Call):
            related = related_manager(func.expr, ctx)
            return related[0] if related else model_of(func.expr.expr, ctx)
    return None


@attrs.frozen
class Statement:
    """What a query statement loads: the model (whole rows or a few columns),
    the relationships it loads eagerly and whether it limits columns."""

    model: str | None
    whole_rows: bool
    eager: frozenset[str]
    limits_columns: bool
    joins_or_aggregates: bool
    #: ``select(self.model)`` in a generic repository: the attribute that
    #: names the model, which the class of the caller's instance sets
    model_attribute: str | None = None
    #: ``options(*options)``: eager loads handed in from outside, unknown here
    open_options: bool = False
    #: the only columns a row loads (``load_only(M.a)``, ``.only("a")``), None for all
    loaded_only: frozenset[str] | None = None
    #: columns left out until read (``defer(M.b)``, ``.defer("b")``)
    deferred: frozenset[str] = frozenset()


def describe(expr: nodes.NodeNG | None, ctx) -> Statement:
    """Read a statement or queryset chain (following names, and into the
    project's own queryset methods for the eager loads they add:
    ``Order.objects.visible_to(user).with_related_data()``)."""
    model, whole_rows, limits, heavy, model_attribute, open_options = None, True, False, False, None, False
    pinned: list[tuple[nodes.NodeNG | None, str]] = []  # (whose column, which), each equal to one value
    only: set[str] | None = None
    deferred: set[str] = set()
    for part in chain_calls(expr) if expr is not None else ():
        func = part.func
        method = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", "")
        found = resolve(part, ctx)
        qualname = found.qualname if found else ""
        pinned.extend(_pinned_columns(part, method))
        for kind, columns in _column_loads(part, method):
            if kind == "only":
                only = (only or set()) | columns
            else:
                deferred |= columns
        if qualname == "sqlalchemy.select" or (method == "query" and isinstance(func, nodes.Attribute)):
            if part.args:
                if _is_self_attribute(part.args[0]):  # select(self.model): typed as a TypeVar at most
                    named = model_of(part.args[0], ctx)
                    model = named if named and is_model_class(named, ctx) else model
                    model_attribute = part.args[0].attrname if model is None else None
                else:
                    model = model_of(part.args[0], ctx) or model
                whole_rows = len(part.args) == 1 and (not isinstance(part.args[0], nodes.Attribute)
                                                      or model_attribute is not None)
                heavy = heavy or any(isinstance(a, nodes.Call) for a in part.args)
        elif method in {"options"}:
            limits = limits or any(_mentions(option, COLUMN_LIMITERS) for option in part.args)
            open_options = open_options or any(isinstance(option, (nodes.Starred, nodes.Name))
                                               for option in part.args)
        elif method in {"select_related", "prefetch_related"}:
            heavy = True
        elif method in COLUMN_LIMITERS:
            limits = True
        elif method in {"join", "outerjoin", "group_by", "annotate", "aggregate", "having"}:
            heavy = True
        if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Attribute) and found \
                and ((func.expr.attrname == "objects" and split(qualname)[0] in DJANGO_QUERYSETS)
                     or (func.expr.attrname == "query" and split(qualname)[0] == SA_QUERY)):
            model = model_of(func.expr.expr, ctx) or model  # M.objects.filter(), M.query.filter()
        if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Attribute) and model is None:
            related = related_manager(func.expr, ctx)  # basket.lines.filter()
            model = related[0] if related else model
    if not heavy and expr is not None:
        heavy = any(_is_sql_function(call) for call in expr.nodes_of_class(nodes.Call))
    eager = frozenset(eager_paths_of(expr)) if expr is not None else frozenset()
    if pinned and model:
        own = {column for owner, column in pinned if owner is None or model_of(owner, ctx) == model}
        eager |= parents_pinned_by(model, own, ctx)  # answered by the identity map
    return Statement(model, whole_rows, eager, limits, heavy, model_attribute, open_options,
                     frozenset(only) if only is not None else None, frozenset(deferred))


def _column_loads(part: nodes.Call, method: str) -> Iterator[tuple[str, set[str]]]:
    """``("only", columns)`` and ``("defer", columns)`` one step of a chain
    says about the queried entity's own columns: Django ``only("a")``/
    ``defer("b")``, SQLAlchemy ``options(load_only(M.a), defer(M.b))``. A
    loader option chained under a relationship
    (``selectinload(M.items).load_only(...)``) is about the related rows."""
    if method in {"only", "defer"} and all(isinstance(a, nodes.Const) and isinstance(a.value, str)
                                           for a in part.args):
        yield method, {a.value for a in part.args if "__" not in a.value}
    elif method == "options":
        for option in part.args:
            func = option.func if isinstance(option, nodes.Call) else None
            name = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", None)
            if name in {"load_only", "defer"} and not (isinstance(func, nodes.Attribute)
                                                       and isinstance(func.expr, nodes.Call)):
                yield ("only" if name == "load_only" else "defer"), {
                    a.attrname if isinstance(a, nodes.Attribute) else a.value for a in option.args
                    if isinstance(a, nodes.Attribute) or (isinstance(a, nodes.Const) and isinstance(a.value, str))}


def _is_self_attribute(expr: nodes.NodeNG) -> bool:
    return isinstance(expr, nodes.Attribute) and isinstance(expr.expr, nodes.Name) and expr.expr.name == "self"


def model_set_by_class(klass: nodes.ClassDef, attribute: str, ctx) -> str | None:
    """The mapped model a generic repository's subclass names for
    ``self.<attribute>``: a class attribute (``model = Member``) on it or a
    project ancestor, else the one mapped model among the type arguments of
    its bases (``class MemberRepository(BaseRepository[Member])``)."""
    lineage = infer.class_lineage(klass)
    for owner in lineage:
        if not infer.in_project(owner):
            break
        for value in owner.locals.get(attribute, ()):
            assigned = value.parent if isinstance(value, nodes.AssignName) else None
            if isinstance(assigned, (nodes.Assign, nodes.AnnAssign)) and assigned.value is not None \
                    and assigned.scope() is owner:
                found = model_of(assigned.value, ctx)
                if found is not None and is_model_class(found, ctx):
                    return found
    for owner in lineage:
        if not infer.in_project(owner):
            break
        arguments = [arg for base in owner.bases if isinstance(base, nodes.Subscript)
                     for arg in (base.slice.elts if isinstance(base.slice, nodes.Tuple) else [base.slice])]
        found = {model for model in (model_of(arg, ctx) for arg in arguments)
                 if model is not None and is_model_class(model, ctx)}
        if len(found) == 1:
            return found.pop()
    return None


def _pinned_columns(part: nodes.Call, method: str) -> Iterator[tuple[nodes.NodeNG | None, str]]:
    """Columns one step of a SQLAlchemy chain compares to one value:
    ``filter_by(service_id=x)`` (no owner: the queried entity) and
    ``filter(M.service_id == x)``/``where(...)``."""
    if method == "filter_by":
        for keyword in part.keywords or ():
            if keyword.arg and not isinstance(keyword.value, (nodes.List, nodes.Tuple, nodes.Set)):
                yield None, keyword.arg
    elif method in {"filter", "where"}:
        for arg in part.args:
            if isinstance(arg, nodes.Compare) and len(arg.ops) == 1 and arg.ops[0][0] == "==" \
                    and isinstance(arg.left, nodes.Attribute):
                yield arg.left.expr, arg.left.attrname


def _is_sql_function(call: nodes.Call) -> bool:
    func = call.func
    return isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Name) \
        and func.expr.name == "func" and (infer.dotted_import(func.expr) or "").startswith("sqlalchemy")


def _mentions(expr: nodes.NodeNG, names: frozenset[str]) -> bool:
    for call in [expr, *expr.nodes_of_class(nodes.Call)]:
        if isinstance(call, nodes.Call):
            func = call.func
            name = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", "")
            if name in names:
                return True
    return False


def _eager_paths(option: nodes.NodeNG) -> set[str]:
    """Relationship names an eager option loads: ``selectinload(M.items)``,
    ``joinedload(M.owner).selectinload(User.roles)``, ``selectinload("items")``."""
    found = set()
    for call in [option, *option.nodes_of_class(nodes.Call)]:
        if not isinstance(call, nodes.Call):
            continue
        func = call.func
        name = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", "")
        if name not in EAGER_LOADERS:
            continue
        for arg in call.args:
            if isinstance(arg, nodes.Attribute):
                found.add(arg.attrname)
            elif isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                found.update(arg.value.split("."))
    return found


def _django_paths(args: list[nodes.NodeNG]) -> set[str]:
    found = set()
    for arg in args:
        if isinstance(arg, nodes.Starred) and isinstance(arg.value, nodes.Name):
            found.update(_django_paths(_listed_paths(arg.value)))  # prefetch_related(*fields)
        elif isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            found.update(arg.value.split("__"))
        elif isinstance(arg, nodes.Call) and arg.args and isinstance(arg.args[0], nodes.Const):
            found.update(str(arg.args[0].value).split("__"))  # Prefetch("items", ...)
            inner = keyword_arg(arg, "queryset") or (arg.args[1] if len(arg.args) > 1 else None)
            if inner is not None:  # Prefetch("items", queryset=Item.objects.select_related("product"))
                found.update(eager_paths_of(inner))
    return found


def eager_paths_of(queryset: nodes.NodeNG, _depth: int = 0) -> set[str]:
    """The relations a statement or queryset chain loads eagerly: SQLAlchemy
    ``options(selectinload(...))``, Django ``select_related``/
    ``prefetch_related`` (``a__b`` as both steps), and what the project's own
    queryset or manager methods in the chain load on the queryset they
    return (``Order.objects.visible_to(user).with_related_data()``)."""
    found: set[str] = set()
    for part in chain_calls(queryset):
        func = part.func
        method = func.attrname if isinstance(func, nodes.Attribute) else ""
        if method in {"select_related", "prefetch_related"}:
            found.update(_django_paths(part.args))
        elif method == "options":
            for option in part.args:
                found.update(_eager_paths(option))
        elif method and _depth < 3 and method not in _LIBRARY_CHAIN_METHODS:
            found.update(_eager_of_project_method(func, _depth))
    return found


#: Methods of querysets, queries and statements: never a project method to
#: look into for eager loads (a lookup each would cost every chain read).
_LIBRARY_CHAIN_METHODS = QUERY_BUILDERS | SA_QUERY_READS | DJANGO_READS | DJANGO_WRITES.keys() | {
    "all", "exclude", "values", "values_list", "annotate", "only", "defer", "using", "none", "reverse",
    "where", "scalars", "execute", "unique", "objects", "iterator", "select_for_update", "complex_filter"}


def _eager_of_project_method(func: nodes.Attribute, depth: int) -> set[str]:
    """What a project method returns loaded eagerly (``return
    self.select_related("source")``): the loads every return has."""
    callee = infer.resolve_callee(func)
    function = infer.lookup_method(callee.qualname) if callee is not None else None
    if not isinstance(function, nodes.FunctionDef) or not infer.in_project(function):
        return set()
    found: set[str] | None = None
    for node in own_nodes(function, nodes.Return):
        loaded = eager_paths_of(node.value, depth + 1) if node.value is not None else set()
        found = loaded if found is None else found & loaded
    return found or set()


def _listed_paths(name: nodes.Name) -> list[nodes.NodeNG]:
    """The items of the list a name is bound to in its scope, with what
    ``name.extend([...])``/``name.append(...)`` add to it."""
    items = []
    for value in assigned_values(name):
        if isinstance(value, (nodes.List, nodes.Tuple)):
            items.extend(value.elts)
    scope = name.scope()
    for call in scope.nodes_of_class(nodes.Call) if items else ():
        func = call.func
        if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Name) \
                and func.expr.name == name.name and call.args:
            if func.attrname == "extend" and isinstance(call.args[0], (nodes.List, nodes.Tuple)):
                items.extend(call.args[0].elts)
            elif func.attrname == "append":
                items.append(call.args[0])
    return items


# ------------------------------------------------------------------ rows

@attrs.frozen
class Rows:
    """A collection of model rows loaded by one query."""

    origin: nodes.NodeNG  # the query call
    api: str
    evidence: Evidence
    model: str | None
    statement: Statement


def row_source(expr: nodes.NodeNG, ctx, _depth: int = 0) -> Rows | None:
    """When ``expr`` is (or names) the rows of a query, the query."""
    if _depth > 6 or expr is None:
        return None
    if isinstance(expr, nodes.Await):
        return row_source(expr.value, ctx, _depth + 1)
    if isinstance(expr, nodes.Subscript) and isinstance(expr.slice, nodes.Slice):
        return row_source(expr.value, ctx, _depth + 1)  # qs[:10]
    if isinstance(expr, nodes.IfExp):  # ``qs.filter(id__in=ids) if ids else qs``
        body, orelse = row_source(expr.body, ctx, _depth + 1), row_source(expr.orelse, ctx, _depth + 1)
        if body is None or orelse is None or body.model != orelse.model:
            return None
        return attrs.evolve(body, statement=attrs.evolve(
            body.statement, eager=body.statement.eager & orelse.statement.eager,
            whole_rows=body.statement.whole_rows and orelse.statement.whole_rows))
    if isinstance(expr, nodes.Attribute) and expr.attrname == "items":
        page = row_source(expr.expr, ctx, _depth + 1)  # Flask-SQLAlchemy ``query.paginate(...).items``
        return page if page is not None and split(qualname(page.origin, ctx) or "")[1] == "paginate" else None
    if isinstance(expr, nodes.Name):
        binding = loop_binding(expr)
        if binding is not None:
            return None  # a loop variable is one row, not rows
        for value in assigned_values(expr):
            found = row_source(value, ctx, _depth + 1)
            if found is not None:
                return found
        return None
    if not isinstance(expr, nodes.Call):
        return None
    found = db_call(expr, ctx)
    if found is not None and found.kind == READ:
        if found.api == "sqlalchemy" and found.statement is not None and found.statement is not expr:
            statement = describe(found.statement, ctx)
            return Rows(expr, "sqlalchemy", found.evidence, statement.model, statement)
        if found.api in {"sqlalchemy", "django"} \
                and split(qualname(expr, ctx) or "")[1] in {"all", "__iter__", "paginate"}:
            statement = describe(expr, ctx)
            return Rows(expr, found.api, found.evidence, statement.model, statement)
        return None
    offloaded = _offloaded_materializer(expr, ctx)
    if offloaded is not None:
        return row_source(offloaded, ctx, _depth + 1)
    returned = _returned_by_project(expr, ctx)
    if returned is not None:
        return returned  # ``for a in self.get_attributes()`` returning ``self.attributes.all()``
    resolved = resolve(expr, ctx)
    if expr.args and _passes_items_through(expr, resolved):
        return row_source(expr.args[0], ctx, _depth + 1)  # tqdm(qs), a progress wrapper
    if resolved is None:
        return None
    if resolved.qualname in MATERIALIZERS and len(expr.args) == 1:
        return row_source(expr.args[0], ctx, _depth + 1)  # list(qs[:n])
    owner, method = split(resolved.qualname)
    if owner in DJANGO_QUERYSETS and method not in DJANGO_READS and method not in DJANGO_WRITES \
            and method not in DJANGO_IN_MEMORY:
        statement = describe(expr, ctx)
        return Rows(expr, "django", resolved.evidence, statement.model or _django_model(expr, ctx), statement)
    if owner == SA_QUERY and method not in SA_QUERY_READS:
        statement = describe(expr, ctx)
        return Rows(expr, "sqlalchemy", resolved.evidence, statement.model, statement)
    if method in ROW_ACCESSORS and isinstance(expr.func, nodes.Attribute):
        return row_source(expr.func.expr, ctx, _depth + 1)
    return None


def _offloaded_materializer(call: nodes.Call, ctx) -> nodes.NodeNG | None:
    """The query an offloaded ``list()`` runs in a worker thread, as async
    Django code loads rows: ``sync_to_async(list)(qs)``,
    ``asyncio.to_thread(list, qs)``, ``loop.run_in_executor(None, list, qs)``."""
    from persistlint.context import execution

    def by_resolving(node: nodes.Call) -> Resolved | None:
        return resolve(node, ctx)

    if isinstance(call.func, nodes.Call) and len(call.args) == 1:  # sync_to_async(list)(qs)
        wrapper, function, arguments = call.func, None, call.args
        index = execution.offload_target_index(wrapper, by_resolving)
        function = wrapper.args[index] if index is not None and len(wrapper.args) > index else None
    else:  # to_thread(list, qs)
        index = execution.offload_target_index(call, by_resolving)
        function = call.args[index] if index is not None and len(call.args) > index else None
        arguments = call.args[index + 1:] if function is not None else []
    if function is None or len(arguments) != 1 or call.keywords:
        return None
    found = infer.resolve_callee(function) if not isinstance(function, nodes.Call) else None
    return arguments[0] if found is not None and found.qualname in MATERIALIZERS else None


def _returned_by_project(call: nodes.Call, ctx) -> Rows | None:
    """The rows a call of a project function or method returns: the query
    rows of its first ``return`` that returns some (once per function)."""
    # the function called (``resolve`` would name the queryset method it ends in)
    function = _project_function(call, ctx)[1] or infer.bound_function(call.func)  # or a method astroid binds
    if not isinstance(function, nodes.FunctionDef) and isinstance(call.func, nodes.Attribute):
        held = instance_model(call.func.expr, ctx)  # ``doc.links_to()`` on ``doc = Document.objects.get(...)``
        function = infer.lookup_method(f"{held.qualname}.{call.func.attrname}") if held is not None else None
    if not isinstance(function, nodes.FunctionDef) or not infer.in_project(function):
        return None

    def rows_with_a_model(value: nodes.NodeNG) -> Rows | None:
        rows = row_source(value, ctx)
        if rows is None or not (rows.model or rows.statement.model_attribute):
            return None  # not ``self.filter(...)``: the caller's model
        return rows

    rows = _first_returned(function, "dbcalls.returned_rows", rows_with_a_model, ctx)
    if rows is not None and rows.statement.open_options:
        rows = _with_passed_options(rows, call)
    if rows is None or rows.model:
        return rows
    model = _generic_model(call, rows.statement.model_attribute, ctx)
    return attrs.evolve(rows, model=model, statement=attrs.evolve(rows.statement, model=model)) if model else None


def _with_passed_options(rows: Rows, call: nodes.Call) -> Rows | None:
    """Rows of ``options(*options)`` with the loader options this call
    passes (``list_loaded(joinedload(M.owner))``); None when it passes
    options it builds elsewhere, which cannot be read here."""
    passed = [*call.args, *(keyword.value for keyword in call.keywords or ())]
    if not all(isinstance(arg, nodes.Call) for arg in passed):
        return None
    eager = set(rows.statement.eager)
    for option in passed:
        eager |= _eager_paths(option)
    return attrs.evolve(rows, statement=attrs.evolve(rows.statement, eager=frozenset(eager), open_options=False))


def _generic_model(call: nodes.Call, attribute: str, ctx) -> str | None:
    """The model ``self.<attribute>`` names in a generic repository's method,
    for the instance the call runs it on (``MemberRepository(s).list()``,
    ``self.list()`` in the subclass)."""
    if not isinstance(call.func, nodes.Attribute):
        return None
    holder = call.func.expr
    if isinstance(holder, nodes.Name) and holder.name == "self":
        function = ctx.function_of(call)
        klass = function.parent if function is not None else None
    else:
        typed = ctx.type_of(holder)
        klass = infer.lookup_qualname(typed.qualname) if typed is not None else None
    if not isinstance(klass, nodes.ClassDef):
        return None
    return model_set_by_class(klass, attribute, ctx) or _model_passed_to(_construction(holder), klass, attribute, ctx)


def _construction(holder: nodes.NodeNG) -> nodes.Call | None:
    """The call that made the instance an expression names: ``CRUDBase(Team)``
    bound once to a name in this scope, or at the top of the module it is
    imported from (``from app.crud import team``, ``crud.team``)."""
    if isinstance(holder, nodes.Call):
        return holder
    if isinstance(holder, nodes.Name):
        value = infer.bound_value(holder)
    else:  # ``crud.team``: a name assigned at the top of a module
        qualname = infer.dotted_import(holder)
        target = infer.lookup_qualname(qualname) if qualname else None
        value = target.parent.value if isinstance(target, nodes.AssignName) \
            and isinstance(target.parent, nodes.Assign) and len(target.parent.targets) == 1 else None
    return value if isinstance(value, nodes.Call) else None


def _model_passed_to(made: nodes.Call | None, klass: nodes.ClassDef, attribute: str, ctx) -> str | None:
    """The model a generic repository is constructed with: the argument for
    the ``__init__`` parameter it stores as ``self.<attribute>``
    (``def __init__(self, model): self.model = model``)."""
    try:
        init = klass.getattr("__init__")[0] if made is not None else None
    except Exception:  # noqa: BLE001 - astroid's lookup errors
        return None
    if not isinstance(init, nodes.FunctionDef) or not infer.in_project(init):
        return None
    params = [a.name for a in init.args.args[1:]]
    for target in own_nodes(init, nodes.AssignAttr):
        value = target.parent.value if isinstance(target.parent, nodes.Assign) else None
        if target.attrname == attribute and isinstance(target.expr, nodes.Name) and target.expr.name == "self" \
                and isinstance(value, nodes.Name) and value.name in params:
            argument = argument_for(made, params, value.name)
            model = model_of(argument, ctx) if argument is not None else None
            return model if model is not None and is_model_class(model, ctx) else None
    return None


#: Library functions that yield the items of the iterable they are given.
ITERABLE_WRAPPERS = frozenset({"tqdm.tqdm", "tqdm.std.tqdm", "tqdm.auto.tqdm", "tqdm.asyncio.tqdm",
                               "rich.progress.track"})


def _passes_items_through(call: nodes.Call, resolved: Resolved | None) -> bool:
    """A call that yields the items of its first argument: a known progress
    wrapper, a plain function that returns its first parameter, or a
    parameter whose default is one (``iter_wrapper=identity``)."""
    if resolved is not None:
        return resolved.qualname in ITERABLE_WRAPPERS \
            or _returns_first_argument(infer.lookup_qualname(resolved.qualname))
    if not isinstance(call.func, nodes.Name):
        return False
    defaults = [infer.param_default(b, b.parent) for b in bindings_of(call.func)
                if isinstance(b, nodes.AssignName) and isinstance(b.parent, nodes.Arguments)]
    targets = [infer.resolve_callee(d) for d in defaults if d is not None]
    return bool(targets) and all(t is not None and _returns_first_argument(infer.lookup_qualname(t.qualname))
                                 for t in targets)


def _returns_first_argument(function: nodes.NodeNG | None) -> bool:
    """A plain function (not a method) that returns its first parameter
    unchanged: ``def identity(items): return items``."""
    if not isinstance(function, nodes.FunctionDef) or function.is_method() or not function.args.args:
        return False
    first = function.args.args[0].name
    returns = list(own_nodes(function, nodes.Return))
    return bool(returns) and all(isinstance(r.value, nodes.Name) and r.value.name == first for r in returns)


def rows_of_loop_variable(name: nodes.Name, ctx, collections: bool = False) -> Rows | None:
    """The query whose rows a loop variable walks (``for order in orders``);
    with ``collections``, also the rows of a relationship collection of one
    entity (:func:`collection_rows`)."""
    loop = loop_binding(name)
    if isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) \
            and isinstance(loop.target, nodes.AssignName) and loop.target.name == name.name:
        return row_source(loop.iter, ctx) or (collection_rows(loop.iter, ctx) if collections else None)
    return None


#: Loader strategies under which a collection cannot be iterated.
_UNITERABLE = frozenset({"write_only", "noload", "raise", "raise_on_sql"})


def collection_rows(expr: nodes.NodeNG, ctx) -> Rows | None:
    """``service.template_folders``: the rows of a SQLAlchemy to-many
    relationship of one entity (fetched, returned by a project function,
    or handed in typed or proven by use), which its first read loads. What
    they load eagerly is what the query that loaded the entity names in
    its options (``selectinload(Service.folders).selectinload(Folder.users)``),
    when that query is in sight; nothing otherwise. Rows of a loop
    variable's relationship are not such rows (the read of the collection
    per row is the N+1 of its own), nor those of ``self.<collection>`` in a
    model's method (how the entity was loaded is its caller's business)."""
    if not isinstance(expr, nodes.Attribute) or not isinstance(expr.expr, (nodes.Name, nodes.Call, nodes.Await)):
        return None
    holder = expr.expr
    if isinstance(holder, nodes.Name) and (loop_binding(holder) is not None or holder.name in {"self", "cls"}):
        return None  # a row's collection: the N+1 of its own; ``self.items``: its loader is the caller's
    held = instance_model(holder, ctx)
    info = ctx.project.model_named(held.qualname) if held is not None else None
    if not info or info.get("orm") not in {"sqlalchemy", "sqlmodel"}:
        return None
    relationship = (info.get("relationships") or {}).get(expr.attrname)
    if not relationship or not relationship.get("uselist") or not relationship.get("target") \
            or str(relationship.get("lazy", "select")) in _UNITERABLE:
        return None
    loaded = _loaded_with(holder, ctx)  # relation names, flat: only those under the collection count
    eager = (loaded if expr.attrname in loaded else frozenset()) | _inverse(expr.attrname, relationship,
                                                                            held.qualname, ctx)
    return Rows(expr, "sqlalchemy", held.evidence, relationship["target"],
                Statement(relationship["target"], True, eager, False, False))


def _inverse(name: str, relationship: dict, holder: str, ctx) -> frozenset[str]:
    """The relation of the collection's rows back to the entity that holds
    it (``member.org`` per member of ``org.members``): a many-to-one to an
    entity in the session, which the identity map answers without SQL."""
    if relationship.get("secondary"):
        return frozenset()
    found = {relationship.get("back_populates")} | {(relationship.get("backref") or {}).get("name")}
    target = ctx.project.model_named(relationship["target"]) or {}
    holder_name = holder.rpartition(".")[2]
    for other, reverse in (target.get("relationships") or {}).items():
        if reverse.get("uselist") is not True and (reverse.get("back_populates") == name or (
                (reverse.get("backref") or {}).get("name") == name)) \
                and (reverse.get("target") or "").rpartition(".")[2] == holder_name:
            found.add(other)
    return frozenset(filter(None, found))


def _loaded_with(holder: nodes.NodeNG, ctx) -> frozenset[str]:
    """The relations the query that loaded one entity names in its eager
    options: a query here, or the one a project function returns."""
    value = single_assigned_value(holder) if isinstance(holder, nodes.Name) else holder
    value = value.value if isinstance(value, nodes.Await) else value
    if not isinstance(value, nodes.Call):
        return frozenset()

    def eager_of_read(expr: nodes.NodeNG) -> frozenset[str] | None:
        for part in chain_calls(expr):
            found = db_call(part, ctx)
            if found is not None and found.kind == READ:
                return describe(found.statement if found.statement is not None else part, ctx).eager
        return None

    here = eager_of_read(value)
    if here is not None:
        return here
    function = _project_function(value, ctx)[1]
    found = _first_returned(function, "dbcalls.loaded_with", eager_of_read, ctx) if function is not None else None
    return found or frozenset()


def filters_by_set(call: nodes.Call, ctx) -> bool:
    """Whether a statement selects its rows by a set of values
    (``filter(id__in=ids)``, ``where(M.id.in_(ids))``, ``= ANY(...)``)."""
    found = db_call(call, ctx)
    if found is not None and found.sql is not None:
        text = found.sql.upper()
        return " IN (" in text or " IN(" in text or "ANY(" in text.replace(" ", "")
    for part in _chain_including_runner(call, ctx):
        if any(k.arg and k.arg.endswith("__in") for k in part.keywords or ()):
            return True
        for arg in part.args:
            for inner in [arg, *arg.nodes_of_class(nodes.Call)]:
                if isinstance(inner, nodes.Call) and isinstance(inner.func, nodes.Attribute) \
                        and inner.func.attrname in {"in_", "any_"}:
                    return True
    return False


MATERIALIZERS = frozenset({"builtins.list", "builtins.tuple", "builtins.set", "builtins.sorted"})


def iterated_query(call: nodes.Call, ctx) -> DbCall | None:
    """A queryset or legacy Query that is iterated (``for b in
    Book.objects.filter(author=a)``, ``list(qs)``): iterating runs it."""
    parent = call.parent
    iterated = isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) and parent.iter is call
    if not iterated and isinstance(parent, nodes.Call) and call in parent.args:
        iterated = qualname(parent, ctx) in MATERIALIZERS
    if not iterated:
        return None
    rows = row_source(call, ctx)
    if rows is None or rows.origin is not call or db_call(call, ctx) is not None:
        return None
    return DbCall(call, READ, rows.api, rows.evidence, rows.model, call)


# ------------------------------------------------------------------ entities


def _chain_including_runner(call: nodes.Call, ctx) -> Iterator[nodes.Call]:
    """The calls of a chain, and of the statement a runner in it executes
    (``session.execute(select(M).where(...)).scalar_one()``)."""
    for part in chain_calls(call):
        yield part
        found = db_call(part, ctx)
        if found is not None and found.statement is not None and found.statement is not part:
            yield from chain_calls(found.statement)


# ------------------------------------------------------------------ cross-function fetches


@attrs.frozen
class Write:
    """A write a function issues itself: ``kind`` UPDATE/DELETE/INSERT
    (statements and Django queryset writes), SAVE/DELETE_ROW (a Django
    instance written by itself), ADD/REMOVE (queued for the unit of work)
    or FLUSH (which sends them), on ``model`` (class name) when known;
    ``on_error``: only in an ``except`` handler (see
    :func:`~persistlint.context.infer.on_error_path`)."""

    kind: str
    model: str | None
    line: int
    on_error: bool = False


#: Writes queued for the unit of work, and the flush that sends them.
UNIT_OF_WORK_KINDS = frozenset({ADD, REMOVE, FLUSH})
WRITE_KINDS = frozenset({UPDATE, DELETE, INSERT, SAVE, DELETE_ROW}) | UNIT_OF_WORK_KINDS


def writes(function: nodes.FunctionDef, ctx) -> list[Write]:
    """The UPDATE/DELETE/INSERT statements and row writes ``function``
    issues itself, the unit-of-work adds and removes it queues and the
    flushes that send them, in source order."""
    found = []
    for call in own_nodes(function, nodes.Call):
        db = db_call(call, ctx)
        if db is not None and db.kind in WRITE_KINDS:
            found.append(Write(db.kind, db.model_name, call.lineno, infer.on_error_path(call)))
    return sorted(found, key=lambda w: w.line)
