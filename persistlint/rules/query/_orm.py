"""What the query rules ask of a piece of code: is this call a database
round-trip, what does it do (read, UPDATE, DELETE, INSERT, unit-of-work
add), which model does it touch, which relationships does it load eagerly,
does it run once per iteration of a loop; plus the per-function summaries
the cross-function rules read (which model a function fetches by which
parameter, which ids it passes on, which writes it issues).

SQLAlchemy (sessions, scoped sessions, async sessions, connections, SQLModel,
the 1.x Query API and 2.0 statements), the Django ORM and DB-API cursors
(sqlite3, psycopg/psycopg2, asyncpg, aiosqlite, pymysql, Django's cursor)
are recognised by what calls resolve to, not by how they are spelled.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import attrs
from astroid import nodes

from persistlint.context import brain, callgraph, infer, inside
from persistlint.context import sql as _sql
from persistlint.context.infer import Resolved, own_nodes
from persistlint.diagnostic import Evidence

READ, UPDATE, DELETE, INSERT = _sql.READ, _sql.UPDATE, _sql.DELETE, _sql.INSERT
ADD, REMOVE, FLUSH, COMMIT = "ADD", "REMOVE", "FLUSH", "COMMIT"

SA_SESSIONS = frozenset({
    "sqlalchemy.orm.Session", "sqlalchemy.orm.scoped_session", "sqlalchemy.orm.session.Session",
    "sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.ext.asyncio.async_scoped_session",
    "sqlmodel.Session", "sqlmodel.orm.session.Session", "sqlmodel.ext.asyncio.session.AsyncSession",
})
SA_CONNECTIONS = frozenset({"sqlalchemy.Connection", "sqlalchemy.engine.Connection",
                            "sqlalchemy.ext.asyncio.AsyncConnection"})
SA_STATEMENT_RUNNERS = frozenset({"execute", "scalars", "scalar", "exec", "stream", "stream_scalars"})
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
DJANGO_MODEL = "django.db.models.Model"
SAVE, DELETE_ROW = "SAVE", "DELETE_ROW"  # a Django model instance written by itself
DJANGO_INSTANCE_WRITES = {"save": SAVE, "asave": SAVE, "delete": DELETE_ROW, "adelete": DELETE_ROW}
DBAPI_RUNNERS = frozenset({
    "psycopg2.cursor", "psycopg2.connection", "psycopg2.extensions.cursor",
    "psycopg.Cursor", "psycopg.Connection", "psycopg.AsyncCursor", "psycopg.AsyncConnection",
    "sqlite3.Cursor", "sqlite3.Connection", "pymysql.cursor", "pymysql.connection",
    "MySQLdb.cursor", "MySQLdb.connection", "django.db.CursorWrapper",
    "aiosqlite.Cursor", "aiosqlite.Connection", "aiosqlite.core.Connection", "aiosqlite.cursor.Cursor",
    "asyncpg.Connection", "asyncpg.Pool",
})
DBAPI_METHODS = frozenset({"execute", "fetch", "fetchrow", "fetchval", "exec_driver_sql",
                           "execute_fetchall"})
STATEMENT_KINDS = {"sqlalchemy.Select": READ, "sqlalchemy.Update": UPDATE,
                   "sqlalchemy.Delete": DELETE, "sqlalchemy.Insert": INSERT}
STATEMENT_BUILDERS = {"sqlalchemy.select": READ, "sqlalchemy.update": UPDATE,
                      "sqlalchemy.delete": DELETE, "sqlalchemy.insert": INSERT}
EAGER_LOADERS = frozenset({"selectinload", "joinedload", "subqueryload", "immediateload",
                           "contains_eager"})
COLUMN_LIMITERS = frozenset({"load_only", "defer", "only", "values", "values_list",
                             "with_entities", "undefer_group", "raiseload"})
#: Relationship loading strategies that do not query per parent on access.
NON_LAZY = frozenset({"selectin", "joined", "subquery", "immediate", "raise", "raise_on_sql",
                      "noload", "dynamic", "write_only", "False", "false"})
#: Calls that hand a result's rows over without a new query.
ROW_ACCESSORS = frozenset({"all", "scalars", "unique", "fetchall", "fetchmany", "mappings",
                           "partitions", "yield_per", "iterator", "execution_options"})
SINGLE_ROW = frozenset({"first", "one", "one_or_none", "scalar_one", "scalar_one_or_none",
                        "scalar", "get", "fetchone", "fetchrow", "afirst", "aget", "last"})


@attrs.frozen
class DbCall:
    """One call that talks to the database (or queues work for the unit of
    work)."""

    call: nodes.Call
    kind: str | None  # READ/UPDATE/DELETE/INSERT/ADD/REMOVE/FLUSH/COMMIT/SAVE; None: unknown
    api: str  # "sqlalchemy", "django", "dbapi"
    evidence: Evidence
    model: str | None = None  # the model's class name, or qualname when known
    statement: nodes.NodeNG | None = None
    sql: str | None = None

    @property
    def model_name(self) -> str | None:
        return self.model.rpartition(".")[2] if self.model else None

    @property
    def reaches_database(self) -> bool:
        """Whether the call itself is a round-trip (``session.add`` is not)."""
        return self.kind not in {ADD, REMOVE}


_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _memo(ctx, name: str) -> dict:
    per_file = _MEMO.setdefault(ctx, {})
    return per_file.setdefault(name, {})


def resolve(call: nodes.Call, ctx) -> Resolved | None:
    """What a call is, as ``ctx.resolve`` says, completed with the
    Flask-SQLAlchemy forms inference cannot see: ``Model.query.<method>``
    and ``db.session.<method>`` (and the chains they start)."""
    memo = _memo(ctx, "resolve")
    if id(call) not in memo:
        found = ctx.resolve(call)
        if found is None or not _is_known(found.qualname):
            found = _query_property_call(call, ctx) or found
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
    if isinstance(receiver, nodes.Attribute) and receiver.attrname == "query":
        model = model_of(receiver.expr, ctx)
        info = ctx.project.model_named(model) if model else None
        if info and info.get("orm") in {"sqlalchemy", "sqlmodel"}:
            return Resolved(f"{SA_QUERY}.{method}", Evidence.IMPORT_ALIAS)
    if isinstance(receiver, nodes.Attribute) and receiver.attrname == "session" \
            and _is_flask_sqlalchemy(receiver.expr, ctx):
        return Resolved(f"sqlalchemy.orm.scoped_session.{method}", Evidence.IMPORT_ALIAS)
    return None


def _is_flask_sqlalchemy(expr: nodes.NodeNG, ctx) -> bool:
    """``db`` of ``db = SQLAlchemy(app)`` (here or imported)."""
    found = ctx.type_of(expr)
    if found is None and isinstance(expr, nodes.Name):
        value = _imported_value(expr)
        found = infer.resolve_type(value) if value is not None else None
    return found is not None and found.qualname.startswith("flask_sqlalchemy.")


def _imported_value(name: nodes.Name) -> nodes.NodeNG | None:
    """The value a project module assigns to a name imported from it
    (``from app.models import db`` -> ``SQLAlchemy()``)."""
    try:
        _, assignments = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return None
    for assign in assignments:
        if not isinstance(assign, nodes.ImportFrom):
            continue
        original = next((o for o, alias in assign.names if (alias or o) == name.name), None)
        try:
            module = assign.do_import_module(assign.modname)
        except Exception:  # noqa: BLE001 - unresolvable import
            return None
        for bound in module.locals.get(original or "", []):
            if isinstance(bound, nodes.AssignName) and isinstance(bound.parent, nodes.Assign):
                return bound.parent.value
    return None


def split(qualname: str) -> tuple[str, str]:
    owner, _, method = qualname.rpartition(".")
    return owner, method


def db_call(call: nodes.Call, ctx) -> DbCall | None:
    """The database operation a call performs, or None."""
    memo = _memo(ctx, "db_call")
    if id(call) not in memo:
        memo[id(call)] = _classify(call, ctx)
    return memo[id(call)]


def _classify(call: nodes.Call, ctx) -> DbCall | None:
    found = resolve(call, ctx)
    if found is None:
        return _django_row_write(call, ctx)
    owner, method = split(found.qualname)
    evidence = found.evidence
    if owner in SA_SESSIONS or owner in SA_CONNECTIONS:
        if method in SA_STATEMENT_RUNNERS or method == "exec_driver_sql":
            statement = call.args[0] if call.args else _keyword(call, "statement")
            kind, model, sql = statement_kind(statement, ctx)
            return DbCall(call, kind, "sqlalchemy", evidence, model, statement, sql)
        if method == "get":
            model = model_of(call.args[0], ctx) if call.args else None
            return DbCall(call, READ, "sqlalchemy", evidence, model)
        if method in {"add", "merge"}:
            return DbCall(call, ADD, "sqlalchemy", evidence)
        if method == "delete":
            return DbCall(call, REMOVE, "sqlalchemy", evidence)
        if method == "flush":
            return DbCall(call, FLUSH, "sqlalchemy", evidence)
        if method == "commit":
            return DbCall(call, COMMIT, "sqlalchemy", evidence)
        if method == "refresh":
            return DbCall(call, READ, "sqlalchemy", evidence)
        return None
    if owner == SA_QUERY:
        root = chain_root(call)
        model = _query_model(root, ctx)
        if method in SA_QUERY_READS:
            return DbCall(call, READ, "sqlalchemy", evidence, model, call)
        if method in {"update", "delete"}:
            return DbCall(call, UPDATE if method == "update" else DELETE, "sqlalchemy", evidence,
                          model, call)
        return None
    if owner in DJANGO_QUERYSETS:
        model = _django_model(call, ctx)
        if method in DJANGO_READS:
            return DbCall(call, READ, "django", evidence, model, call)
        if method in DJANGO_WRITES:
            return DbCall(call, DJANGO_WRITES[method], "django", evidence, model, call)
        return None  # builders, and the bulk operations the rules recommend
    if owner == DJANGO_MODEL and method in DJANGO_INSTANCE_WRITES:
        receiver = call.func.expr if isinstance(call.func, nodes.Attribute) else None
        model = None
        if receiver is not None:
            typed = ctx.type_of(receiver)
            model = typed.qualname if typed else None
        return DbCall(call, DJANGO_INSTANCE_WRITES[method], "django", evidence, model)
    if owner in DBAPI_RUNNERS and method in DBAPI_METHODS:
        statement = call.args[0] if call.args else None
        sql = _sql.sql_of(statement, ctx.resolve)
        kind = _sql.kind(sql)
        if method in {"fetch", "fetchrow", "fetchval"} and kind is None:
            kind = READ
        return DbCall(call, kind, "dbapi", evidence, None, statement, sql)
    return None


def _django_row_write(call: nodes.Call, ctx) -> DbCall | None:
    """``row.save()`` / ``row.delete()`` on a row of a Django queryset, which
    inference cannot type (the stub's iterator yields nothing)."""
    func = call.func
    if not (isinstance(func, nodes.Attribute) and func.attrname in DJANGO_INSTANCE_WRITES
            and isinstance(func.expr, nodes.Name)):
        return None
    source = rows_of_loop_variable(func.expr, ctx)
    if source is None or source.api != "django":
        return None
    return DbCall(call, DJANGO_INSTANCE_WRITES[func.attrname], "django", source.evidence,
                  source.model)


def _keyword(call: nodes.Call, name: str) -> nodes.NodeNG | None:
    return next((k.value for k in call.keywords or () if k.arg == name), None)


# ------------------------------------------------------------------ statements

def chain_root(expr: nodes.NodeNG) -> nodes.NodeNG:
    """The head of a method chain: ``select(M)`` of ``select(M).where(..).limit(1)``."""
    while isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Attribute) \
            and isinstance(expr.func.expr, nodes.Call):
        expr = expr.func.expr
    return expr


def chain_calls(expr: nodes.NodeNG, _depth: int = 0) -> Iterator[nodes.Call]:
    """Every call of a method chain, outermost first, following a name to
    the statements assigned to it in its scope (``stmt = select(M)``;
    ``stmt = stmt.where(...)``)."""
    if _depth > 8:
        return
    while isinstance(expr, (nodes.Call, nodes.Await)):
        if isinstance(expr, nodes.Await):
            expr = expr.value
            continue
        yield expr
        func = expr.func
        if not isinstance(func, nodes.Attribute):
            return
        expr = func.expr
    if isinstance(expr, nodes.Name):
        for value in assigned_values(expr):
            yield from chain_calls(value, _depth + 1)


def assigned_values(name: nodes.Name) -> list[nodes.NodeNG]:
    """The value of the nearest plain assignment to ``name`` before its use
    (``stmt = stmt.where(...)`` then leads to the assignment before it), as
    a list: empty when there is none."""
    try:
        _, assignments = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return []
    nearest = None
    for assign in assignments:
        if not (isinstance(assign, nodes.AssignName) and isinstance(assign.parent, (nodes.Assign, nodes.AnnAssign))
                and assign.parent.value is not None):
            continue
        if isinstance(assign.parent, nodes.Assign) and len(assign.parent.targets) != 1:
            continue
        if assign.scope() is name.scope() and (assign.lineno or 0) >= (name.lineno or 0):
            continue
        if nearest is None or (assign.lineno or 0) > (nearest.lineno or 0):
            nearest = assign
    return [nearest.parent.value] if nearest is not None else []


def statement_kind(statement: nodes.NodeNG | None, ctx) -> tuple[str | None, str | None, str | None]:
    """(kind, model, sql) of what ``session.execute`` runs."""
    if statement is None:
        return None, None, None
    for part in chain_calls(statement):
        found = resolve(part, ctx)
        if found is None:
            continue
        if found.qualname in STATEMENT_BUILDERS:
            model = model_of(part.args[0], ctx) if part.args else None
            return STATEMENT_BUILDERS[found.qualname], model, None
        if found.qualname in _sql.SQL_TEXT_CALLS:
            sql = _sql.sql_of(part, ctx.resolve)
            return _sql.kind(sql), None, sql
    typed = ctx.type_of(statement)
    if typed is not None and typed.qualname in STATEMENT_KINDS:
        return STATEMENT_KINDS[typed.qualname], None, None
    sql = _sql.sql_of(statement, ctx.resolve)
    return _sql.kind(sql), None, sql


def model_of(expr: nodes.NodeNG, ctx) -> str | None:
    """The model class an expression names (``Job``, ``models.Job``), as a
    qualified name when inference finds the class, else its spelled name
    when it is capitalised."""
    value = infer.infer_one(expr)
    if isinstance(value, nodes.ClassDef):
        return value.qname()
    name = expr.attrname if isinstance(expr, nodes.Attribute) else getattr(expr, "name", None)
    return name if name and name[:1].isupper() else None


def _query_model(root: nodes.NodeNG, ctx) -> str | None:
    """``session.query(M)`` -> M (the first entity, when it is a class)."""
    if isinstance(root, nodes.Call) and isinstance(root.func, nodes.Attribute) \
            and root.func.attrname == "query" and root.args:
        first = root.args[0]
        if isinstance(first, nodes.Attribute) and model_of(first.expr, ctx):
            return None  # a column, not an entity
        return model_of(first, ctx)
    return None


def _django_model(call: nodes.NodeNG, ctx) -> str | None:
    """``M.objects.filter(...).first()`` -> M."""
    for part in chain_calls(call):
        func = part.func
        if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Attribute) \
                and not isinstance(func.expr.expr, nodes.Call):
            return model_of(func.expr.expr, ctx)
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


def describe(expr: nodes.NodeNG | None, ctx) -> Statement:
    """Read a statement or queryset chain (following names)."""
    model, whole_rows, eager, limits, heavy = None, True, set(), False, False
    for part in chain_calls(expr) if expr is not None else ():
        func = part.func
        method = func.attrname if isinstance(func, nodes.Attribute) else getattr(func, "name", "")
        found = resolve(part, ctx)
        qualname = found.qualname if found else ""
        if qualname == "sqlalchemy.select" or (method == "query" and isinstance(func, nodes.Attribute)):
            if part.args:
                model = model_of(part.args[0], ctx) or model
                whole_rows = len(part.args) == 1 and not isinstance(part.args[0], nodes.Attribute)
                heavy = heavy or any(isinstance(a, nodes.Call) for a in part.args)
        elif method in {"options"}:
            for option in part.args:
                eager.update(_eager_paths(option))
                limits = limits or _mentions(option, COLUMN_LIMITERS)
        elif method in {"select_related", "prefetch_related"}:
            eager.update(_django_paths(part.args))
            heavy = True
        elif method in COLUMN_LIMITERS:
            limits = True
        elif method in {"join", "outerjoin", "group_by", "annotate", "aggregate", "having"}:
            heavy = True
        if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Attribute) and found \
                and ((func.expr.attrname == "objects" and split(qualname)[0] in DJANGO_QUERYSETS)
                     or (func.expr.attrname == "query" and split(qualname)[0] == SA_QUERY)):
            model = model_of(func.expr.expr, ctx) or model  # M.objects.filter(), M.query.filter()
    if not heavy and expr is not None:
        heavy = any(_is_sql_function(call) for call in expr.nodes_of_class(nodes.Call))
    return Statement(model, whole_rows, frozenset(eager), limits, heavy)


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
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            found.update(arg.value.split("__"))
        elif isinstance(arg, nodes.Call) and arg.args and isinstance(arg.args[0], nodes.Const):
            found.update(str(arg.args[0].value).split("__"))  # Prefetch("items", ...)
    return found


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
        if found.api in {"sqlalchemy", "django"} and split(qualname(expr, ctx) or "")[1] in {"all", "__iter__"}:
            statement = describe(expr, ctx)
            return Rows(expr, found.api, found.evidence, statement.model, statement)
        return None
    resolved = resolve(expr, ctx)
    if resolved is None:
        return None
    owner, method = split(resolved.qualname)
    if owner in DJANGO_QUERYSETS and method not in DJANGO_READS and method not in DJANGO_WRITES:
        statement = describe(expr, ctx)
        return Rows(expr, "django", resolved.evidence, statement.model or _django_model(expr, ctx), statement)
    if owner == SA_QUERY and method not in SA_QUERY_READS:
        statement = describe(expr, ctx)
        return Rows(expr, "sqlalchemy", resolved.evidence, statement.model, statement)
    if method in ROW_ACCESSORS and isinstance(expr.func, nodes.Attribute):
        return row_source(expr.func.expr, ctx, _depth + 1)
    return None


def rows_of_loop_variable(name: nodes.Name, ctx) -> Rows | None:
    """The query whose rows a loop variable walks (``for order in orders``)."""
    loop = loop_binding(name)
    if isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) \
            and isinstance(loop.target, nodes.AssignName) and loop.target.name == name.name:
        return row_source(loop.iter, ctx)
    return None


def loop_binding(name: nodes.Name) -> nodes.NodeNG | None:
    try:
        _, assignments = name.lookup(name.name)
    except Exception:  # noqa: BLE001
        return None
    for assign in assignments:
        parent = assign.parent
        while isinstance(parent, nodes.Tuple):
            parent = parent.parent
        if isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.Comprehension)):
            return parent
    return None


def relationships(model: str | None, ctx) -> dict[str, dict]:
    if not model:
        return {}
    info = ctx.project.model_named(model)
    return (info or {}).get("relationships") or {}


def is_lazy(relationship: dict) -> bool:
    strategy = relationship.get("lazy", "select")
    return str(strategy) not in NON_LAZY


def column_count(model: str | None, ctx) -> int | None:
    if not model:
        return None
    info = ctx.project.model_named(model)
    if not info:
        return None
    names = info.get("column_names")
    if isinstance(names, list):
        return len(names)
    columns = info.get("columns")
    if isinstance(columns, int):
        return columns
    if isinstance(columns, (list, dict)):
        return len(columns)
    return None


def column_names(model: str | None, ctx) -> set[str]:
    info = ctx.project.model_named(model) if model else None
    names = (info or {}).get("column_names")
    return set(names) if isinstance(names, list) else set()


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


# ------------------------------------------------------------------ loops

def _names(expr: nodes.NodeNG) -> set[str]:
    found = {n.name for n in expr.nodes_of_class(nodes.Name)}
    if isinstance(expr, nodes.Name):
        found.add(expr.name)
    return found


def _targets(target: nodes.NodeNG) -> set[str]:
    return {n.name for n in target.nodes_of_class(nodes.AssignName)} | (
        {target.name} if isinstance(target, nodes.AssignName) else set())


def iteration_names(loop: nodes.NodeNG) -> set[str]:
    """Names whose value changes with each iteration of ``loop``: the loop
    targets and what the body derives from them (fixed point)."""
    if isinstance(loop, (nodes.For, nodes.AsyncFor)):
        derived = _targets(loop.target)
        body = loop.body
    elif isinstance(loop, (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)):
        return set().union(*(_targets(g.target) for g in loop.generators))
    elif isinstance(loop, nodes.While):
        derived, body = _popped_names(loop), loop.body
    else:
        return set()
    assignments = []
    for statement in body:
        binders = (nodes.Assign, nodes.AnnAssign, nodes.AugAssign, nodes.For, nodes.AsyncFor,
                   nodes.With, nodes.AsyncWith, nodes.NamedExpr)
        for node in [statement, *statement.nodes_of_class(binders)]:
            if isinstance(node, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign, nodes.NamedExpr)) \
                    and node.value is not None:
                targets = node.targets if isinstance(node, nodes.Assign) else [node.target]
                assignments.append((set().union(*(_targets(t) for t in targets)), _names(node.value)))
            elif isinstance(node, (nodes.For, nodes.AsyncFor)):
                assignments.append((_targets(node.target), _names(node.iter)))
            elif isinstance(node, (nodes.With, nodes.AsyncWith)):
                for item, target in node.items:
                    if target is not None:
                        assignments.append((_targets(target), _names(item)))
    changed = True
    while changed:
        changed = False
        for targets, sources in assignments:
            if sources & derived and not targets <= derived:
                derived |= targets
                changed = True
    return derived


_POPS = frozenset({"pop", "popleft", "get", "get_nowait"})


def _popped_names(loop: nodes.While) -> set[str]:
    """``while queue: item = queue.pop()``: the names that take one element
    of a collection per iteration."""
    found = set()
    for statement in loop.body:
        if isinstance(statement, nodes.Assign) and isinstance(statement.value, nodes.Call):
            func = statement.value.func
            if isinstance(func, nodes.Attribute) and func.attrname in _POPS:
                for target in statement.targets:
                    found |= _targets(target)
    return found


def per_iteration_loop(node: nodes.NodeNG, ctx) -> nodes.NodeNG | None:
    """The innermost loop around ``node`` whose iterations change what
    ``node`` does (it reads a name that changes per iteration), unless the
    loop is a pagination or retry loop stopped by the result; None when the
    node runs the same way every time or is not in a loop."""
    used = _names(node) | _statement_names(node)
    for loop in ctx.loops_around(node):
        if used & iteration_names(loop):
            if _stops_on_result(loop, node):
                return None
            return loop
    return None


def _statement_names(node: nodes.NodeNG) -> set[str]:
    """Names the statement a call runs is built from, through local names
    (``stmt = select(M).where(M.id == item.id)``)."""
    found: set[str] = set()
    if isinstance(node, nodes.Call):
        for arg in node.args:
            if isinstance(arg, nodes.Name):
                for value in assigned_values(arg):
                    found |= _names(value)
    return found


def _stops_on_result(loop: nodes.NodeNG, node: nodes.NodeNG) -> bool:
    """Pagination and retry: the loop breaks (or returns) on a condition
    that reads the result of the query at ``node``."""
    if not isinstance(loop, (nodes.For, nodes.AsyncFor, nodes.While)):
        return False
    statement = node.statement()
    results: set[str] = set()
    if isinstance(statement, (nodes.Assign, nodes.AnnAssign)):
        targets = statement.targets if isinstance(statement, nodes.Assign) else [statement.target]
        results = set().union(*(_targets(t) for t in targets))
    for stop in [*loop.nodes_of_class(nodes.Break), *loop.nodes_of_class(nodes.Return)]:
        if inside(node, stop):
            return True  # ``return session.execute(...)``: a retry loop ends on success
        guard = stop.parent
        while guard is not None and guard is not loop and not isinstance(guard, nodes.If):
            guard = guard.parent
        if isinstance(guard, nodes.If) and (inside(node, guard.test) or _names(guard.test) & results
                                            or _depends_through(guard.test, results, loop)):
            return True
    return False


def _depends_through(test: nodes.NodeNG, results: set[str], loop: nodes.NodeNG) -> bool:
    names = _names(test)
    for assign in loop.nodes_of_class(nodes.Assign):
        targets = set().union(*(_targets(t) for t in assign.targets))
        if targets & names and _names(assign.value) & results:
            return True
    return False


def small_iterable(loop: nodes.NodeNG) -> bool:
    """Whether a loop provably runs at most 10 times: a literal of at most
    10 elements, ``range(n)`` with n <= 10, or a name bound to one."""
    if isinstance(loop, (nodes.For, nodes.AsyncFor)):
        iterable = loop.iter
    elif isinstance(loop, (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)):
        iterable = loop.generators[0].iter
    else:
        return False
    value = infer.infer_one(iterable) if isinstance(iterable, (nodes.Name, nodes.Attribute)) else None
    if value is not None and value.root().name in brain.STUBS:
        value = None  # ``[]`` a library stub returns says nothing about the real size
    return _small(iterable) or _small(value) or _small_enum(value) or _limited(iterable)


def _small_enum(klass) -> bool:
    """An Enum class of at most 10 members (iterating it walks the members)."""
    if not isinstance(klass, nodes.ClassDef):
        return False
    try:
        is_enum = any(a.qname() in {"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag"}
                      for a in klass.ancestors())
    except Exception:  # noqa: BLE001 - odd hierarchies
        return False
    members = [n for n in klass.body if isinstance(n, nodes.Assign)
               for t in n.targets if isinstance(t, nodes.AssignName) and not t.name.startswith("_")]
    return is_enum and len(members) <= 10


def _limited(iterable: nodes.NodeNG, _depth: int = 0) -> bool:
    """Rows of a query limited to at most 10: ``.limit(5)``, ``qs[:5]``."""
    if _depth > 4:
        return False
    if isinstance(iterable, nodes.Subscript) and isinstance(iterable.slice, nodes.Slice):
        upper = iterable.slice.upper
        lower = iterable.slice.lower
        if isinstance(upper, nodes.Const) and isinstance(upper.value, int):
            start = lower.value if isinstance(lower, nodes.Const) and isinstance(lower.value, int) else 0
            return upper.value - start <= 10
        return False
    if isinstance(iterable, nodes.Name):
        return any(_limited(value, _depth + 1) for value in assigned_values(iterable))
    for part in chain_calls(iterable):
        func = part.func
        if isinstance(func, nodes.Attribute) and func.attrname == "limit" and part.args:
            limit = part.args[0]
            return isinstance(limit, nodes.Const) and isinstance(limit.value, int) and limit.value <= 10
        runner_args = part.args[:1]
        for arg in runner_args:
            if isinstance(arg, (nodes.Call, nodes.Name)) and arg is not iterable and _limited(arg, _depth + 1):
                return True
    return False


def _small(iterable) -> bool:
    if isinstance(iterable, (nodes.List, nodes.Tuple, nodes.Set)):
        return len(iterable.elts) <= 10 and not any(isinstance(e, nodes.Starred) for e in iterable.elts)
    if isinstance(iterable, nodes.Dict):
        return len(iterable.items) <= 10
    if isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
            and iterable.func.name == "range" and iterable.args \
            and all(isinstance(a, nodes.Const) and isinstance(a.value, int) for a in iterable.args):
        values = [a.value for a in iterable.args]
        start, stop = (0, values[0]) if len(values) == 1 else (values[0], values[1])
        step = values[2] if len(values) > 2 and values[2] else 1
        return len(range(start, stop, step)) <= 10
    return False


def loop_label(loop: nodes.NodeNG) -> str:
    """How a message names the collection a loop walks."""
    if isinstance(loop, (nodes.For, nodes.AsyncFor)):
        return _short(loop.iter)
    if isinstance(loop, (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)):
        return _short(loop.generators[0].iter)
    if isinstance(loop, nodes.While):
        return _short(loop.test)
    return "the loop"


def _short(expr: nodes.NodeNG, limit: int = 40) -> str:
    text = expr.as_string().replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def short(expr: nodes.NodeNG, limit: int = 60) -> str:
    return _short(expr, limit)


# ------------------------------------------------------------------ entities

def entity_model(expr: nodes.NodeNG, ctx, _depth: int = 0) -> tuple[str, int] | None:
    """(model class name, line it was obtained) of an entity a name holds:
    fetched here, returned by a project function annotated with the model,
    a parameter annotated with it, or a row of a query of it."""
    if _depth > 4 or not isinstance(expr, nodes.Name):
        return None
    loop = loop_binding(expr)
    if loop is not None:
        rows = rows_of_loop_variable(expr, ctx)
        if rows is not None and rows.model and rows.statement.whole_rows:
            return rows.model.rpartition(".")[2], rows.origin.lineno
        return None
    for value in assigned_values(expr):
        inner = value.value if isinstance(value, nodes.Await) else value
        if isinstance(inner, nodes.Call):
            fetched = fetched_model(inner, ctx)
            if fetched:
                return fetched.rpartition(".")[2], value.lineno
        typed = ctx.type_of(value)
        if typed is not None and _is_model_class(typed.qualname, ctx):
            return typed.qualname.rpartition(".")[2], value.lineno
    typed = ctx.type_of(expr)
    if typed is not None and _is_model_class(typed.qualname, ctx):
        return typed.qualname.rpartition(".")[2], expr.lineno
    return None


def _is_model_class(qualname: str, ctx) -> bool:
    if ctx.project.model_named(qualname):
        return True
    klass = infer.lookup_qualname(qualname)
    if not isinstance(klass, nodes.ClassDef):
        return False
    try:
        ancestors = [a.qname() for a in klass.ancestors()]
    except Exception:  # noqa: BLE001 - odd hierarchies
        return False
    return any(a in {"sqlalchemy.orm.DeclarativeBase", "sqlmodel.SQLModel", DJANGO_MODEL,
                     "sqlalchemy.orm.DeclarativeBaseNoMeta"} for a in ancestors)


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
        while isinstance(inner, nodes.Call) and split(qualname(inner, ctx) or "")[1] in {"scalars", "unique"}:
            inner = inner.func.expr if isinstance(inner.func, nodes.Attribute) else inner
        inner = inner.value if isinstance(inner, nodes.Await) else inner
        if isinstance(inner, nodes.Call):
            runner = db_call(inner, ctx)
            if runner is not None and runner.kind == READ and runner.statement is not None:
                statement = describe(runner.statement, ctx)
                return statement.model if statement.whole_rows else None
    return None


def fetch_key(call: nodes.Call, ctx) -> nodes.NodeNG | None:
    """The expression an entity fetch selects by: the ident of
    ``session.get``, the right side of ``M.id == x`` or ``pk=x``."""
    method = split(qualname(call, ctx) or "")[1]
    found = db_call(call, ctx)
    if found is not None and found.api == "sqlalchemy" and method == "get":
        if isinstance(call.func, nodes.Attribute) and split(qualname(call, ctx))[0] == SA_QUERY:
            return call.args[0] if call.args else None
        return call.args[1] if len(call.args) > 1 else None
    for part in _chain_including_runner(call, ctx):
        for keyword in part.keywords or ():
            if keyword.arg in {"pk", "id"}:
                return keyword.value
        for arg in part.args:
            if isinstance(arg, nodes.Compare) and len(arg.ops) == 1 and arg.ops[0][0] == "==":
                left, right = arg.left, arg.ops[0][1]
                if isinstance(left, nodes.Attribute) and left.attrname in {"id", "pk"}:
                    return right
    return None


def _chain_including_runner(call: nodes.Call, ctx) -> Iterator[nodes.Call]:
    """The calls of a chain, and of the statement a runner in it executes
    (``session.execute(select(M).where(...)).scalar_one()``)."""
    for part in chain_calls(call):
        yield part
        found = db_call(part, ctx)
        if found is not None and found.statement is not None and found.statement is not part:
            yield from chain_calls(found.statement)


# ------------------------------------------------------------------ summaries

def _params(function: nodes.FunctionDef) -> list[str]:
    return [arg.name for arg in function.args.arguments if arg.name not in {"self", "cls"}]


def entity_use(function: nodes.FunctionDef, holder: str | None) -> list[str] | None:
    """The attributes a function only reads from the entity held by
    ``holder``; None when the entity is mutated, returned, passed on or
    otherwise used whole."""
    if holder is None:
        return None
    read: set[str] = set()
    for name in own_nodes(function, nodes.Name):
        if name.name != holder:
            continue
        parent = name.parent
        if isinstance(parent, nodes.Attribute) and parent.expr is name:
            if isinstance(parent.parent, nodes.Call) and parent.parent.func is parent:
                return None  # a method call may change it
            read.add(parent.attrname)
            continue
        if isinstance(parent, (nodes.UnaryOp, nodes.If, nodes.BoolOp, nodes.IfExp, nodes.Assert)):
            continue  # existence checks
        if isinstance(parent, nodes.Compare) and any(
                isinstance(other, nodes.Const) and other.value is None for _, other in parent.ops):
            continue
        return None
    for assign in own_nodes(function, nodes.AssignAttr):
        if isinstance(assign.expr, nodes.Name) and assign.expr.name == holder:
            return None
    return sorted(read)


@callgraph.summarizer("fetches")
def summarize_fetches(function: nodes.FunctionDef, fctx) -> list[dict]:
    """Entities this function fetches by one of its parameters:
    ``[{"model": "Job", "param": "job_id", "line": 12, "col": 10,
    "reads": ["status"] | None}]``."""
    return [site for site, _ in fetch_sites(function, fctx)]


def fetch_sites(function: nodes.FunctionDef, ctx) -> list[tuple[dict, nodes.Call]]:
    params = set(_params(function))
    if not params:
        return []
    sites = []
    for call in own_nodes(function, nodes.Call):
        model = fetched_model(call, ctx)
        via_function = None
        if model is None:
            via_function = _repository_fetch(call, ctx, params)
            if via_function is None:
                continue
            model, key = via_function
        else:
            key = fetch_key(call, ctx)
        if not isinstance(key, nodes.Name) or key.name not in params:
            continue
        holder = _assigned_name(call)
        sites.append(({"model": model.rpartition(".")[2], "param": key.name, "line": call.lineno,
                       "col": call.col_offset, "reads": entity_use(function, holder)}, call))
    return sites


def _repository_fetch(call: nodes.Call, ctx, params: set[str]) -> tuple[str, nodes.NodeNG] | None:
    """``await repo.get_by_id(job_id)`` where the project function fetches
    a model by the parameter it receives ``job_id`` as."""
    functions = ctx.project.functions
    callee = qualname(call, ctx)
    summary = functions.get(callee) if callee else None
    if not summary:
        return None
    for fetch in summary.get("facts", {}).get("fetches", []):
        argument = argument_for(call, summary["params"], fetch["param"])
        if isinstance(argument, nodes.Name) and argument.name in params:
            return fetch["model"], argument
    return None


def argument_for(call: nodes.Call, params: list[str], param: str) -> nodes.NodeNG | None:
    for keyword in call.keywords or ():
        if keyword.arg == param:
            return keyword.value
    if param in params:
        index = params.index(param)
        if index < len(call.args) and not any(isinstance(a, nodes.Starred) for a in call.args[:index + 1]):
            return call.args[index]
    return None


def _assigned_name(call: nodes.Call) -> str | None:
    parent = call.parent
    if isinstance(parent, nodes.Await):
        parent = parent.parent
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)):
        targets = parent.targets if isinstance(parent, nodes.Assign) else [parent.target]
        if len(targets) == 1 and isinstance(targets[0], nodes.AssignName):
            return targets[0].name
    return None


@callgraph.summarizer("passes_ids")
def summarize_passed_ids(function: nodes.FunctionDef, fctx) -> list[dict]:
    """Ids of entities this function holds that it passes to other calls:
    ``[{"callee": "app.jobs.process", "arg": 0 | "job_id", "model": "Job",
    "line": 90, "held": 88}]``."""
    passed = []
    fetched_by = {}  # param name -> (model, line): ``job = session.get(Job, job_id)``
    for call in own_nodes(function, nodes.Call):
        model = fetched_model(call, fctx)
        key = fetch_key(call, fctx) if model else None
        if isinstance(key, nodes.Name):
            fetched_by[key.name] = (model.rpartition(".")[2], call.lineno)
    for call in own_nodes(function, nodes.Call):
        callee = qualname(call, fctx)
        if not callee:
            continue
        arguments = [(index, arg) for index, arg in enumerate(call.args)]
        arguments += [(k.arg, k.value) for k in call.keywords or () if k.arg]
        for position, arg in arguments:
            held = None
            if isinstance(arg, nodes.Attribute) and arg.attrname in {"id", "pk"}:
                held = entity_model(arg.expr, fctx)
            elif isinstance(arg, nodes.Name) and arg.name in fetched_by \
                    and fetched_by[arg.name][1] < call.lineno:
                held = fetched_by[arg.name]
            if held:
                passed.append({"callee": callee, "arg": position, "model": held[0],
                               "line": call.lineno, "held": held[1]})
    return passed


@callgraph.summarizer("issues_write")
def summarize_writes(function: nodes.FunctionDef, fctx) -> list[dict]:
    """UPDATE/DELETE statements this function issues: ``[{"kind": "UPDATE",
    "model": "Job", "line": 40}]``."""
    writes = []
    for call in own_nodes(function, nodes.Call):
        found = db_call(call, fctx)
        if found is not None and found.kind in {UPDATE, DELETE}:
            writes.append({"kind": found.kind, "model": found.model_name, "line": call.lineno})
    return writes


@callgraph.summarizer("constructs")
def summarize_constructions(function: nodes.FunctionDef, fctx) -> list[str]:
    """Project classes this function instantiates."""
    made = set()
    for call in own_nodes(function, nodes.Call):
        found = resolve(call, fctx)
        if found is not None and _is_project_class(found.qualname, fctx):
            made.add(found.qualname)
    return sorted(made)


def _is_project_class(qualname: str, ctx) -> bool:
    klass = infer.lookup_qualname(qualname)
    if not isinstance(klass, nodes.ClassDef):
        return False
    file = getattr(klass.root(), "file", None)
    return bool(file) and str(file).startswith(str(ctx.project.root))


@callgraph.summarizer("depends")
def summarize_dependencies(function: nodes.FunctionDef, fctx) -> list[str]:
    """What this function takes as FastAPI dependencies (``Depends(x)``):
    created per request."""
    found = set()
    for default in [*function.args.defaults, *[d for d in function.args.kw_defaults if d is not None]]:
        dependency = depends_target(default, fctx)
        if dependency:
            found.add(dependency)
    return sorted(found)


def depends_target(default: nodes.NodeNG, ctx) -> str | None:
    """``Depends(x)`` -> the qualified name of x."""
    if not isinstance(default, nodes.Call) or not default.args:
        return None
    found = resolve(default, ctx)
    if found is None or found.qualname not in {"fastapi.Depends", "fastapi.Security"}:
        return None
    target = infer.resolve_callee(default.args[0])
    return target.qualname if target else None


def writes_of(qualname: str, functions: dict, depth: int = 2) -> list[dict]:
    """UPDATE/DELETE writes a project function issues itself or through the
    project functions it calls (a repository method)."""
    summary = functions.get(qualname)
    if not summary:
        return []
    found = list(summary.get("facts", {}).get("issues_write", []))
    if not found and depth > 1:
        for call in summary.get("calls", []):
            found.extend(writes_of(call["callee"], functions, depth - 1))
    return found


# ------------------------------------------------------------------ cross-function fetches

@attrs.frozen
class Refetch:
    """A fetch of ``model`` by ``param`` in a function whose caller already
    holds that entity."""

    call: nodes.Call
    model: str
    param: str
    reads: tuple[str, ...] | None
    caller: str
    caller_path: str
    held_line: int
    call_line: int

    @property
    def only_reads(self) -> bool:
        """PQ103's case: the callee reads one to three attributes and nothing else."""
        return self.reads is not None and 1 <= len(self.reads) <= 3

    @property
    def where_held(self) -> str:
        return f"{self.caller_path}:{self.held_line}"


def refetches(function: nodes.FunctionDef, ctx) -> list[Refetch]:
    """Fetches in ``function`` of an entity that a caller holds and passes
    the id of."""
    memo = _memo(ctx, "refetches")
    if id(function) in memo:
        return memo[id(function)]
    found: list[Refetch] = []
    passed_to = _ids_passed_to(ctx.project).get(function.qname(), [])
    if passed_to and _is_task(function, ctx):
        passed_to = []  # a task runs later, elsewhere: the id is the right thing to hand it
    params = _params(function)
    sites = fetch_sites(function, ctx) if params and passed_to else []
    for caller, summary, passed in passed_to if sites else ():
        position = passed.get("arg")
        param = params[position] if isinstance(position, int) and position < len(params) else position
        for site, call in sites:
            if site["param"] == param and site["model"] == passed.get("model"):
                found.append(Refetch(call, site["model"], param,
                                     tuple(site["reads"]) if site["reads"] is not None else None,
                                     caller, summary.get("path", "?"), passed.get("held", 0),
                                     passed.get("line", 0)))
    memo[id(function)] = found
    return found


def _is_task(function: nodes.FunctionDef, ctx) -> bool:
    """A registered background job (Celery, dramatiq, rq, ... or a
    configured decorator)."""
    from persistlint.context import ExecutionKind

    body = function.body[0] if function.body else function
    return ctx.execution(body).kind is ExecutionKind.BACKGROUND


def _ids_passed_to(project) -> dict[str, list[tuple[str, dict, dict]]]:
    """callee -> [(caller, caller summary, passes_ids entry)], built once per
    project context."""
    index = project.memo.get("query.ids_passed_to")
    if index is None:
        index = {}
        for caller, summary in sorted(project.functions.items()):
            for passed in summary.get("facts", {}).get("passes_ids", []):
                index.setdefault(passed.get("callee"), []).append((caller, summary, passed))
        project.memo["query.ids_passed_to"] = index
    return index


def refetch_severity(refetch: Refetch, ctx):
    """HIGH on a request-handler chain (either end), MEDIUM otherwise."""
    from persistlint.diagnostic import Severity

    here = ctx.execution(refetch.call)
    caller = ctx.project.execution_of(refetch.caller)
    for execution in (here, caller):
        if execution is not None and execution.is_request_handler:
            return Severity.HIGH, execution.evidence
    return Severity.MEDIUM, Evidence.INFERRED


def expiry_note(ctx) -> str:
    """What expire_on_commit means for handing the entity over."""
    expire = (ctx.project.db_config or {}).get("expire_on_commit")
    if expire is False:
        return " (expire_on_commit=False keeps its loaded attributes usable after commit)"
    if expire is True:
        return " (expire_on_commit is on: avoid a commit between, or refresh it once)"
    return ""
