"""The transaction model the PT rules share: what each call in a function
does to a transaction, and where transactions begin and end.

* **Operations.** Every call is classified once (:func:`operation`): a
  commit, rollback, close, flush or refresh of a session or connection; a
  write (``session.add``, an ``UPDATE`` executed, Django ``save``/``update``,
  an ORM attribute assignment on a mapped instance); a read; the start of an
  explicit transaction; work handed to another process (a job enqueued, a
  message published: :func:`enqueued`); or external work (network, file
  IO, sleep). Project
  functions count by their summaries (the facts registered below), so a
  region spans helper calls.
* **Explicit regions**: ``with``/``async with`` ``session.begin()``,
  ``begin_nested()``, ``engine.begin()``, ``sessionmaker.begin()``, Django
  ``transaction.atomic()`` (also as a decorator), asyncpg and psycopg
  ``conn.transaction()``, a DB-API connection used as a context manager.
* **Implicit regions**: SQLAlchemy sessions and connections autobegin, and
  DB-API connections open a transaction on their first statement; the
  region runs from the first write to the commit (or rollback/close) of the
  same session. Django and asyncpg run in autocommit mode outside explicit
  blocks, so their writes there open no region.

* **Request transactions**: with Django's ``ATOMIC_REQUESTS`` every view
  runs in one transaction (:func:`atomic_request`).

Events are taken in source order (loops are not unrolled: rules ask
``ctx.loops_around`` for repetition).
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
from astroid import nodes

from persistlint.context import blocking, callgraph, dbcalls, incremental, infer, inside
from persistlint.context.dbcalls import (  # noqa: F401 - the PT rules read these tables here
    DBAPI_CONNECTIONS, GUESSED_SESSIONS, SA_CONNECTIONS, SA_SESSIONS, receiver_of, source_text,
)
from persistlint.context.bindings import bindings_of
from persistlint.context.models import table_of
from persistlint.context.infer import Resolved
from persistlint.diagnostic import Evidence

# ---------------------------------------------------------------- library knowledge

#: ORM sessions and SQLAlchemy connections: autobegin, commit/rollback. The
#: driver tables are the database-call classifier's (one home per fact).
SESSION_CLASSES = SA_SESSIONS | SA_CONNECTIONS

BEGIN_CALLS = frozenset({
    "sqlalchemy.Engine.begin", "sqlalchemy.ext.asyncio.AsyncEngine.begin",
    "sqlalchemy.orm.sessionmaker.begin", "sqlalchemy.ext.asyncio.async_sessionmaker.begin",
    "sqlalchemy.Connection.begin", "sqlalchemy.Connection.begin_nested",
    "sqlalchemy.ext.asyncio.AsyncConnection.begin",
    "django.db.transaction.atomic", "asyncpg.Connection.transaction",
    "psycopg.Connection.transaction", "psycopg.AsyncConnection.transaction",
})
ATOMIC = "django.db.transaction.atomic"

EXTERNAL = ("network", "file", "sleep")


@attrs.frozen(eq=False)
class Operation:
    """What one call (or attribute assignment) does to transactions."""

    kind: str  # commit rollback close flush refresh begin write read network file sleep
    node: nodes.NodeNG
    what: str  # the concrete thing, for messages: "session.commit()", "httpx.AsyncClient.post"
    evidence: Evidence = Evidence.INFERRED
    receiver: str | None = None  # session/connection expression, as written
    family: str = ""  # "orm", "dbapi", "django", "asyncpg", "helper"
    verb: str | None = None  # UPDATE / INSERT / DELETE / SELECT of a statement
    table: str | None = None
    model: str | None = None
    target: str | None = None  # the instance written or refreshed
    attribute: str | None = None
    via: tuple[str, ...] = ()  # project functions between the call and the operation

    @property
    def position(self) -> tuple[int, int]:
        return (self.node.lineno or 0, self.node.col_offset or 0)

    @property
    def line(self) -> int:
        return self.node.lineno or 0


def operation(call: nodes.Call, ctx, summaries: bool = True) -> Operation | None:
    """What ``call`` does to a transaction, or None for nothing we know."""
    found = ctx.resolve(call)
    queued = enqueued(call, found)
    if queued is not None:
        return Operation("enqueue", call, queued, found.evidence if found else Evidence.INFERRED)
    if found is not None:
        external = blocking.external_kind(found.qualname)
        if external:
            if external == "sleep" and call.args and isinstance(call.args[0], nodes.Const) \
                    and call.args[0].value == 0:
                return None  # asyncio.sleep(0) yields to the loop; nothing is held longer
            return Operation(external, call, found.qualname, found.evidence)
        if found.qualname in BEGIN_CALLS:
            return Operation("begin", call, found.qualname, found.evidence, source_text(receiver_of(call)))
    db = dbcalls.db_call(call, ctx, guesses=True)
    if db is not None:
        return _database_operation(db)
    if found is not None and summaries:
        return _helper_operation(call, ctx, found)
    return None


#: The transaction event each kind of database call is.
_EVENTS = {**{kind: "write" for kind in dbcalls.WRITE_KINDS | {dbcalls.BULK, "MERGE"}},
           dbcalls.COMMIT: "commit", dbcalls.ROLLBACK: "rollback", dbcalls.CLOSE: "close",
           dbcalls.FLUSH: "flush", dbcalls.BEGIN: "begin", dbcalls.QUERY: "read"}
_FAMILIES = {"sqlalchemy": "orm", "unknown": "orm", "dbapi": "dbapi", "django": "django"}


def _database_operation(db: dbcalls.DbCall) -> Operation | None:
    """A database call as a transaction event: a statement, a unit-of-work
    write, a commit, rollback, close, flush or refresh."""
    if db.method in dbcalls.STATEMENT_RUNNERS and db.statement is None:
        return None  # nothing runs that the source shows
    kind = "refresh" if db.method == "refresh" else _EVENTS.get(db.kind, "read")
    family = "asyncpg" if db.autocommit else _FAMILIES[db.api]
    if db.owner == dbcalls.SA_QUERY or db.receiver == dbcalls.DJANGO_TRANSACTION:
        what = f"{db.owner}.{db.method}"
    elif db.api == "django":
        what = f"{source_text(db.call.func)}()"
    else:
        what = f"{db.receiver}.{db.method}()"
    return Operation(kind, db.call, what, db.evidence, db.receiver, family, verb=db.verb,
                     table=db.table, model=db.model, target=db.target)


#: Summary effects that make a project call an operation of the caller's
#: transaction, in order of precedence.
_HELPER_EFFECTS = (("commit", "commit"), ("network", "network"), ("file", "file"),
                   ("sleep", "sleep"), ("write", "write"))


def _helper_operation(call, ctx, found: Resolved) -> Operation | None:
    """A project function whose summary says it commits, writes or does
    external work (directly or through further project functions); a
    method counts by the one it runs (inherited from a base class or mixin,
    or an abstract method's implementations)."""
    candidates = callgraph.summaries_of_method(found.qualname, ctx, call)
    switched_off = infer.false_keywords(call)
    for effect, kind in _HELPER_EFFECTS:
        summary, reach = next(((s, r) for s in candidates if (r := s.reach(effect)) is not None
                               and not r.switched_off_by(switched_off)), (None, None))
        if reach is None:
            continue
        chain = (summary.qualname, *reach.chain)
        what = found.qualname if kind in {"commit", "write"} else reach.what
        table = None
        if kind == "write":
            writer = ctx.project.functions.get(chain[-1])
            table = next((t for t in (writer.tables_written if writer else ()) if t != "*"), None)
        return Operation(kind, call, what, found.evidence, None, "helper", table=table, via=chain)
    return None


# ---------------------------------------------------------------- events of a function

def own_nodes_in_order(function: nodes.FunctionDef, kinds) -> list[nodes.NodeNG]:
    found = list(infer.own_nodes(function, kinds))
    found.sort(key=lambda n: (n.lineno or 0, n.col_offset or 0))
    return found


def _attribute_write(target: nodes.AssignAttr, ctx) -> Operation | None:
    """``job.progress = 5`` on an instance of a mapped model."""
    found = dbcalls.instance_model(target.expr, ctx)
    if found is None or found.qualname.startswith(("builtins.", "sqlalchemy.", "django.")):
        return None
    table = table_of(found.qualname, ctx)
    if table is None:
        return None
    return Operation("write", target, f"{source_text(target)}", found.evidence, None, "attribute",
                     verb="UPDATE", table=table, model=found.qualname, target=source_text(target.expr),
                     attribute=target.attrname)


def events(function: nodes.FunctionDef, ctx, summaries: bool = True) -> list[Operation]:
    """Every transaction-relevant operation in ``function``'s own body
    (nested functions and lambdas left out: they run elsewhere, e.g.
    ``on_commit`` callbacks), in source order. Cached per file context."""
    cache = ctx.memo("transactions.events")
    key = (id(function), summaries)
    if key not in cache:
        found: list[Operation] = []
        for node in own_nodes_in_order(function, (nodes.Call, nodes.AssignAttr)):
            if isinstance(node, nodes.Call):
                op = operation(node, ctx, summaries)
            elif isinstance(node.parent, (nodes.Assign, nodes.AugAssign, nodes.AnnAssign, nodes.Tuple)):
                op = _attribute_write(node, ctx)
            else:
                op = None
            if op is not None:
                found.append(op)
        cache[key] = _without_transient_writes(function, found, ctx)
    return cache[key]


def _without_transient_writes(function, operations: list[Operation], ctx) -> list[Operation]:
    """Drop attribute writes on an instance the function builds (``job =
    Job(...)``) before a session holds it: they reach the database with
    the ``add``, not before."""
    built: dict[str, tuple[int, int]] = {}
    for assign in infer.own_nodes(function, (nodes.Assign,)):
        if len(assign.targets) == 1 and isinstance(assign.targets[0], nodes.AssignName) \
                and isinstance(assign.value, nodes.Call):
            found = infer.resolve_callee(assign.value.func)
            if found is not None and table_of(found.qualname, ctx):
                built[assign.targets[0].name] = (assign.lineno or 0, assign.col_offset or 0)
    if not built:
        return operations
    kept = []
    for op in operations:
        if op.family == "attribute" and op.target in built and built[op.target] < op.position and not any(
                other.kind == "write" and other.target == op.target and other.family != "attribute"
                and built[op.target] < other.position < op.position for other in operations):
            continue
        kept.append(op)
    return kept


# ---------------------------------------------------------------- regions

@attrs.define(eq=False)
class Region:
    """One transaction of a function: an explicit block or an implicit
    first-write-to-commit stretch."""

    kind: str  # "explicit" or "implicit"
    start: nodes.NodeNG  # the with statement / decorated function / first write
    end: Operation | None  # implicit: the commit, rollback or close that ends it
    receiver: str | None
    operations: list[Operation] = attrs.Factory(list)
    what: str = ""

    @property
    def committed(self) -> bool:
        return self.kind == "explicit" or (self.end is not None and self.end.kind == "commit")

    @property
    def first_line(self) -> int:
        return self.start.lineno or 0

    @property
    def last_line(self) -> int:
        if self.kind == "explicit":
            return self.start.end_lineno or self.first_line
        return self.end.line if self.end is not None else self.first_line

    def contains(self, node: nodes.NodeNG) -> bool:
        if self.kind == "explicit":
            return inside(node, self.start) and node is not self.start
        if self.end is None:
            return False
        position = (node.lineno or 0, node.col_offset or 0)
        start = (self.start.lineno or 0, self.start.col_offset or 0)
        return start <= position <= self.end.position and position != self.end.position


def begins_transaction(expr: nodes.NodeNG, ctx) -> str | None:
    """What ``expr`` (a ``with`` item or a decorator) begins, if it begins
    a transaction: ``session.begin()``, ``transaction.atomic``..."""
    if isinstance(expr, nodes.Call):
        found = ctx.resolve(expr)
        if found is not None:
            began = dbcalls.db_call(expr, ctx)
            if found.qualname in BEGIN_CALLS or (began is not None and began.kind == dbcalls.BEGIN):
                return source_text(expr)
            if project_boundary(found.qualname, ctx):
                return source_text(expr)
        return None
    found = infer.resolve_callee(expr)
    if found is not None and (found.qualname == ATOMIC or project_boundary(found.qualname, ctx)):
        return source_text(expr)
    kind = ctx.type_of(expr)
    if kind is not None and kind.qualname in DBAPI_CONNECTIONS and kind.qualname.startswith("psycopg2"):
        return source_text(expr)  # psycopg2: ``with conn:`` is one transaction
    return None


def transaction_block(node: nodes.NodeNG, ctx) -> nodes.NodeNG | None:
    """The innermost explicit transaction around ``node`` in its function:
    a ``with`` statement, or the function when an ``atomic`` decorator
    wraps it."""
    child, parent = node, node.parent
    while parent is not None:
        if isinstance(parent, (nodes.With, nodes.AsyncWith)) and child in parent.body:
            if any(begins_transaction(item, ctx) for item, _ in parent.items):
                return parent
        if isinstance(parent, (nodes.FunctionDef, nodes.Lambda, nodes.ClassDef)):
            if isinstance(parent, nodes.FunctionDef) and atomic_decorator(parent, ctx):
                return parent
            return None
        child, parent = parent, parent.parent
    return None


def atomic_decorator(function: nodes.FunctionDef, ctx) -> nodes.NodeNG | None:
    """``@transaction.atomic`` (or ``@atomic()``), or a project decorator
    that runs the function in a transaction (``@traced_atomic``)."""
    if function.decorators is None:
        return None
    for decorator in function.decorators.nodes:
        target = decorator.func if isinstance(decorator, nodes.Call) else decorator
        found = infer.resolve_callee(target)
        if found is not None and (found.qualname == ATOMIC or project_boundary(found.qualname, ctx)):
            return decorator
    return None


_CONTEXT_MANAGER_DECORATORS = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})


def project_boundary(qualname: str, ctx) -> bool:
    """The project function or class named ``qualname`` opens a transaction
    around the code it wraps: a context manager whose ``yield`` sits in a
    transaction block or is followed by a commit (a session scope that
    commits on exit), a class whose ``__exit__`` commits, a function that
    returns ``transaction.atomic()``/``session.begin()``, or a decorator
    whose wrapper runs in a transaction block."""
    functions = ctx.project.functions
    if not any(name in functions for name in (qualname, f"{qualname}.__exit__", f"{qualname}.__aexit__")):
        return False
    memo = ctx.project.memo.setdefault("transactions.project_boundary", {})
    if qualname not in memo:
        memo[qualname] = False  # in progress: a boundary defined through itself is none
        definition = infer.lookup_qualname(qualname)
        memo[qualname] = _wraps_transaction(definition, ctx) if definition is not None else False
    return memo[qualname]


def _wraps_transaction(definition: nodes.NodeNG, ctx) -> bool:
    if isinstance(definition, nodes.ClassDef):
        for name in ("__exit__", "__aexit__", "__enter__", "__aenter__"):
            method = definition.locals.get(name, [None])[0]
            if isinstance(method, nodes.FunctionDef) and (commits(method, ctx) or _begins_in(method, ctx)):
                return True
        return False
    if not isinstance(definition, nodes.FunctionDef):
        return False
    if _is_context_manager(definition):
        for point in infer.own_nodes(definition, (nodes.Yield,)):
            if transaction_block(point, ctx) is not None or _commits_after(definition, point, ctx):
                return True
        return False
    for returned in infer.own_nodes(definition, (nodes.Return,)):
        if isinstance(returned.value, nodes.Call) and begins_transaction(returned.value, ctx):
            return True  # ``def tx(): return transaction.atomic()``
    for inner in definition.nodes_of_class(nodes.FunctionDef):
        if inner is not definition and (atomic_decorator(inner, ctx) or _begins_in(inner, ctx)):
            return True  # a decorator whose wrapper runs in a transaction
    return False


def _is_context_manager(function: nodes.FunctionDef) -> bool:
    for decorator in function.decorators.nodes if function.decorators else ():
        found = infer.resolve_callee(decorator)
        if found is not None and found.qualname in _CONTEXT_MANAGER_DECORATORS:
            return True
    return False


def _begins_in(function: nodes.FunctionDef, ctx) -> bool:
    """``function`` opens a transaction block itself (``with atomic():`` or
    a ``begin()`` call)."""
    for with_node in infer.own_nodes(function, (nodes.With, nodes.AsyncWith)):
        if any(begins_transaction(item, ctx) for item, _ in with_node.items):
            return True
    return any(op.kind == "begin" for op in events(function, ctx, summaries=False))


def _commits_after(function: nodes.FunctionDef, point: nodes.NodeNG, ctx) -> bool:
    position = (point.lineno or 0, point.col_offset or 0)
    return any(op.kind == "commit" and op.position > position
               for op in events(function, ctx, summaries=False))


def regions(function: nodes.FunctionDef, ctx) -> list[Region]:
    """The transactions of ``function``: explicit blocks first, then the
    implicit regions of its sessions and DB-API connections."""
    cache = ctx.memo("transactions.regions")
    if id(function) in cache:
        return cache[id(function)]
    found: list[Region] = []
    blocks: dict[int, Region] = {}
    if atomic_decorator(function, ctx) is not None:
        blocks[id(function)] = Region("explicit", function, None, None, what="transaction.atomic")
    for with_node in infer.own_nodes(function, (nodes.With, nodes.AsyncWith)):
        for item, _ in with_node.items:
            begun = begins_transaction(item, ctx)
            if begun:
                blocks[id(with_node)] = Region("explicit", with_node, None, source_text(receiver_of(item))
                                               if isinstance(item, nodes.Call) else None, what=begun)
                break
    operations = events(function, ctx)
    default = _default_session(operations)
    open_regions: dict[str, Region] = {}
    implicit: list[Region] = []
    for op in operations:
        block = transaction_block(op.node, ctx)
        if block is not None and id(block) in blocks:
            blocks[id(block)].operations.append(op)
            # a with-block nested in an outer one belongs to both
            outer = transaction_block(block, ctx) if block is not function else None
            if outer is not None and id(outer) in blocks:
                blocks[id(outer)].operations.append(op)
            continue
        key = op.receiver if op.family in {"orm", "dbapi"} else default
        if op.kind in {"commit", "rollback", "close"}:
            if op.family == "helper":
                ended = list(open_regions)
            else:
                ended = [key] if key in open_regions else []
            for name in ended:
                region = open_regions.pop(name)
                region.end = op
                implicit.append(region)
            continue
        if op.kind == "write" and op.family in {"orm", "dbapi", "attribute", "helper"} and key is not None:
            region = open_regions.get(key)
            if region is None:
                region = open_regions[key] = Region("implicit", op.node, None, key, what=op.what)
            region.operations.append(op)
            continue
        for region in open_regions.values():
            region.operations.append(op)
    implicit.extend(open_regions.values())  # never committed here: the caller decides
    found = sorted(blocks.values(), key=lambda r: r.first_line) + implicit
    cache[id(function)] = found
    return found


def _default_session(operations: list[Operation]) -> str | None:
    """The session that attribute writes and helper calls belong to: the
    one the function commits, else the first one it uses."""
    for op in operations:
        if op.kind == "commit" and op.family in {"orm", "dbapi"} and op.receiver:
            return op.receiver
    for op in operations:
        if op.family in {"orm", "dbapi"} and op.receiver:
            return op.receiver
    return None


def region_around(node: nodes.NodeNG, ctx) -> Region | None:
    """The committed transaction ``node`` runs in (innermost explicit block
    first), if any; the implicit region counts from its first write."""
    function = ctx.function_of(node)
    if not isinstance(function, nodes.FunctionDef):
        return None
    all_regions = regions(function, ctx)
    block = transaction_block(node, ctx)
    if block is not None:
        for region in all_regions:
            if region.start is block:
                return region
    for region in all_regions:
        if region.kind == "implicit" and region.committed and region.contains(node):
            return region
    return None


def open_region_around(node: nodes.NodeNG, ctx) -> Region | None:
    """The transaction ``node`` runs in when the function writes through a
    session and leaves the commit to its caller (a dependency, a unit of
    work): from the first write on, the transaction is open."""
    function = ctx.function_of(node)
    if not isinstance(function, nodes.FunctionDef):
        return None
    position = (node.lineno or 0, node.col_offset or 0)
    for region in regions(function, ctx):
        if region.kind == "implicit" and region.end is None \
                and (region.start.lineno or 0, region.start.col_offset or 0) < position \
                and any(op.family in {"orm", "dbapi"} for op in region.operations if op.kind == "write"):
            return region
    return None


# ---------------------------------------------------------------- work handed to other processes

#: Calls that hand work to another process: a job queue or a message bus.
ENQUEUE_CALLS = frozenset({
    "celery.Celery.send_task", "celery.app.base.Celery.send_task",
    "celery.Task.delay", "celery.Task.apply_async", "celery.app.task.Task.delay",
    "celery.app.task.Task.apply_async", "celery.canvas.Signature.delay",
    "celery.canvas.Signature.apply_async",
    "dramatiq.Actor.send", "dramatiq.Actor.send_with_options",
    "dramatiq.actor.Actor.send", "dramatiq.actor.Actor.send_with_options",
    "rq.Queue.enqueue", "rq.Queue.enqueue_call", "rq.Queue.enqueue_at", "rq.Queue.enqueue_in",
    "rq.queue.Queue.enqueue", "rq.queue.Queue.enqueue_call",
    "arq.ArqRedis.enqueue_job", "arq.connections.ArqRedis.enqueue_job",
    "redis.Redis.publish", "redis.StrictRedis.publish", "redis.client.Redis.publish",
    "redis.asyncio.Redis.publish", "redis.asyncio.client.Redis.publish",
    "kafka.KafkaProducer.send", "aiokafka.AIOKafkaProducer.send",
    "aiokafka.AIOKafkaProducer.send_and_wait", "confluent_kafka.Producer.produce",
    "nats.aio.client.Client.publish", "nats.js.JetStreamContext.publish",
    "nats.js.client.JetStreamContext.publish",
    "pika.adapters.blocking_connection.BlockingChannel.basic_publish",
    "pika.channel.Channel.basic_publish", "aio_pika.Exchange.publish",
    "aio_pika.abc.AbstractExchange.publish",
})
#: Methods of a task function (``@app.task``, ``@dramatiq.actor``) that enqueue it.
TASK_METHODS = frozenset({"delay", "apply_async", "send", "send_with_options"})
_TASK_DECORATORS = frozenset({"task", "shared_task", "actor", "job", "periodic_task"})
_TASK_LIBRARIES = ("celery", "dramatiq", "huey", "rq.", "arq.")


def enqueued(call: nodes.Call, found: Resolved | None) -> str | None:
    """``send_receipt.delay`` when ``call`` enqueues a job or publishes a
    message: by what it resolves to, or by the task decorator on the
    function it is called on (``@shared_task def send_receipt``)."""
    if found is not None and found.qualname in ENQUEUE_CALLS:
        return source_text(call.func)
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname in TASK_METHODS:
        function = _defined_function(func.expr)
        if function is None and found is not None:
            defined = infer.lookup_qualname(found.qualname.rpartition(".")[0])
            function = defined if isinstance(defined, nodes.FunctionDef) else None
        if function is not None and is_task(function):
            return source_text(func)
    return None


def is_task(function: nodes.FunctionDef) -> bool:
    """``function`` is decorated as a background task."""
    if function.decorators is None:
        return False
    for decorator in function.decorators.nodes:
        target = decorator.func if isinstance(decorator, nodes.Call) else decorator
        name = target.attrname if isinstance(target, nodes.Attribute) else getattr(target, "name", "")
        if name not in _TASK_DECORATORS:
            continue
        found = infer.resolve_callee(target)
        if found is None or found.qualname.startswith(_TASK_LIBRARIES):
            return True
        owner = infer.resolve_type(target.expr) if isinstance(target, nodes.Attribute) else None
        if owner is not None and owner.qualname.startswith(_TASK_LIBRARIES):
            return True
    return False


def _defined_function(expr: nodes.NodeNG) -> nodes.FunctionDef | None:
    """The ``def`` a name or ``module.name`` refers to, looked up without
    inference (inferring a decorated task gives the decorator's result)."""
    if isinstance(expr, nodes.Name):
        assignments = bindings_of(expr)
        if len(assignments) != 1:
            return None
        binding = assignments[0]
        if isinstance(binding, nodes.FunctionDef):
            return binding
        if isinstance(binding, nodes.ImportFrom):
            original = next((orig for orig, alias in binding.names if (alias or orig) == expr.name), None)
            return _module_function(lambda: binding.do_import_module(binding.modname), original)
        return None
    if isinstance(expr, nodes.Attribute):
        return _module_function(lambda: next(expr.expr.infer()), expr.attrname)
    return None


def _module_function(load, name: str | None) -> nodes.FunctionDef | None:
    try:
        module = load()
    except Exception:  # noqa: BLE001 - unresolvable imports
        return None
    if not isinstance(module, nodes.Module) or name is None:
        return None
    defined = module.locals.get(name, [])
    return defined[0] if len(defined) == 1 and isinstance(defined[0], nodes.FunctionDef) else None


_NON_ATOMIC_REQUESTS = "django.db.transaction.non_atomic_requests"


def atomic_request(node: nodes.NodeNG, ctx) -> list[Operation] | None:
    """The operations of the Django view ``node`` runs in when the project
    sets ``ATOMIC_REQUESTS`` (each request is then one transaction, committed
    after the view returns), unless the view opts out with
    ``@transaction.non_atomic_requests``."""
    if ctx.project.db_config.get("atomic_requests") is not True:
        return None
    function = ctx.function_of(node)
    if not isinstance(function, nodes.FunctionDef):
        return None
    execution = ctx.execution(node)
    if not execution.is_request_handler or not execution.via.startswith(("django.", "rest_framework.")):
        return None
    for decorator in function.decorators.nodes if function.decorators else ():
        found = infer.resolve_callee(decorator.func if isinstance(decorator, nodes.Call) else decorator)
        if found is not None and found.qualname == _NON_ATOMIC_REQUESTS:
            return None
    return events(function, ctx)


# ---------------------------------------------------------------- summaries

@attrs.frozen
class External:
    """The first network call, file operation or sleep a function makes
    itself: ``kind`` (``network``/``file``/``sleep``), ``what`` it calls."""

    kind: str
    what: str
    line: int


def tables_written(function: nodes.FunctionDef, fctx) -> list[str]:
    """Tables a function writes (``*`` for writes whose table is unknown)."""
    tables = set()
    for op in events(function, fctx, summaries=False):
        if op.kind == "write":
            tables.add(op.table or "*")
    return sorted(tables)


def commits(function: nodes.FunctionDef, fctx) -> bool:
    return any(op.kind == "commit" and op.family in {"orm", "dbapi", "django"}
               for op in events(function, fctx, summaries=False))


def rolls_back(function: nodes.FunctionDef, fctx) -> bool:
    return any(op.kind == "rollback" and op.family in {"orm", "dbapi", "django"}
               for op in events(function, fctx, summaries=False))


def first_external(function: nodes.FunctionDef, fctx) -> External | None:
    """The first network call, file operation or sleep a function makes
    itself (offloaded work included: it is still awaited)."""
    for op in events(function, fctx, summaries=False):
        if op.kind in EXTERNAL:
            return External(op.kind, op.what, op.line)
    return None


def called_only_in_transactions(function: nodes.FunctionDef, ctx) -> bool:
    """Every project call of ``function`` (there is at least one) sits in a
    transaction block of its caller: the function runs in the caller's
    transaction."""
    memo = ctx.project.memo.setdefault("transactions.called_only_in_transactions", {})
    qualname = function.qname()
    if qualname not in memo:
        memo[qualname] = False
        sites = [(caller, call) for caller, summary in incremental.selected(ctx.project.functions, "calls", qualname)
                 for call in summary.calls if call.callee == qualname]
        memo[qualname] = bool(sites) and all(_call_in_block(caller, call, ctx) for caller, call in sites)
    return memo[qualname]


def _call_in_block(caller: str, site, ctx) -> bool:
    definition = infer.lookup_qualname(caller)
    if not isinstance(definition, nodes.FunctionDef):
        return False
    for call in infer.own_nodes(definition, (nodes.Call,)):
        if call.lineno == site.line and call.col_offset == site.col:
            return transaction_block(call, ctx) is not None or atomic_request(call, ctx) is not None
    return False


def first_enqueue(function: nodes.FunctionDef, fctx) -> tuple[str, int] | None:
    """The first job a function enqueues, or message it publishes, itself."""
    for op in events(function, fctx, summaries=False):
        if op.kind == "enqueue":
            return op.what, op.line
    return None


#: A handler for one of these (or a bare ``except``) sees a failed commit.
_CATCH_ALL = frozenset({"builtins.Exception", "builtins.BaseException", "Exception", "BaseException"})
_DB_ERRORS = ("sqlalchemy.exc.", "django.db.", "psycopg2.", "psycopg.", "sqlite3.", "pymysql.",
              "MySQLdb.", "asyncpg.")


def catches_db_failure(handler: nodes.ExceptHandler) -> bool:
    """A bare ``except``, ``Exception``/``BaseException``, or a database
    error class (or a project subclass of one)."""
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, nodes.Tuple) else [handler.type]
    for kind in kinds:
        found = infer.infer_one(kind)
        if isinstance(found, nodes.ClassDef):
            try:
                lineage = [found.qname(), *(a.qname() for a in found.ancestors())]
            except Exception:  # noqa: BLE001 - odd hierarchies
                lineage = [found.qname()]
            if lineage[0] in _CATCH_ALL or any(n.startswith(_DB_ERRORS) for n in lineage):
                return True
            continue
        resolved = infer.resolve_callee(kind)
        if resolved is not None and (resolved.qualname in _CATCH_ALL
                                     or resolved.qualname.startswith(_DB_ERRORS)):
            return True
    return False


def failure_handled(node: nodes.NodeNG) -> bool:
    """Inside the body of a ``try`` (in the same function) with a handler
    that catches a database failure of ``node``, or inside such a handler:
    the author expects the call to fail and says what happens then (a retry,
    a cleanup)."""
    for parent, child in infer.enclosing(node):
        if isinstance(parent, nodes.Try) and child in parent.body \
                and any(catches_db_failure(handler) for handler in parent.handlers):
            return True
        if isinstance(parent, nodes.ExceptHandler) and catches_db_failure(parent):
            return True
    return False


def describe_region(region: Region) -> str:
    """``opened by session.begin() at line 12`` / ``from the first write
    (line 8) to session.commit() at line 30``."""
    if region.kind == "explicit":
        return f"opened by {region.what} at line {region.first_line}"
    end = f"{region.end.what} at line {region.end.line}" if region.end is not None \
        else "the caller's commit"
    return f"from the first write (line {region.first_line}) to {end}"


def describe_chain(op: Operation) -> str:
    """``helper -> inner -> httpx.AsyncClient.post`` for helper operations."""
    names = [q.rpartition(".")[2] for q in op.via]
    tail = [op.what] if op.what and op.family == "helper" and op.kind in EXTERNAL else []
    return " -> ".join(names + tail)


def iter_functions(module: nodes.Module) -> Iterator[nodes.FunctionDef]:
    return module.nodes_of_class(nodes.FunctionDef)
