"""## What it does
Checks for ORM attributes read after `await session.commit()` on an
`AsyncSession` whose factory keeps `expire_on_commit=True` (the default),
on an instance loaded (`get`, `execute(select(M)).scalars()`,
`scalar_one()`, `first()`) or added before the commit, with no
`await session.refresh(obj)` in between. Commits made by awaited project
functions count (a service's `update()` that commits, called per row), and
so does a read earlier in a loop body when the commit repeats in the loop:
the next iteration reads an instance the previous one expired.

## Why is this bad?
Commit expires every instance of the session. The next attribute access
lazy-loads it with a synchronous query, which an `AsyncSession` cannot run
outside an `await`: it raises `MissingGreenlet` (or returns stale data
through a sync driver fallback).

## Example
```python
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]


SessionLocal = async_sessionmaker(create_async_engine("postgresql+asyncpg://localhost/app"))


async def finish(job_id: int) -> str:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        job.status = "done"
        await session.commit()
        return job.status
```

## Use instead
```python
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]


SessionLocal = async_sessionmaker(create_async_engine("postgresql+asyncpg://localhost/app"))


async def finish(job_id: int) -> str:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        job.status = "done"
        await session.commit()
        await session.refresh(job)
        return job.status
```

Or create the factory with `async_sessionmaker(..., expire_on_commit=False)`.

## Severity
HIGH.

## References
- [SQLAlchemy asyncio: preventing implicit IO when using AsyncSession](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html#preventing-implicit-io-when-using-asyncsession)
- [SQLAlchemy: Session.commit() and expire_on_commit](https://docs.sqlalchemy.org/en/20/orm/session_api.html#sqlalchemy.orm.Session.params.expire_on_commit)
"""

from astroid import nodes

from persistlint.context import infer
from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import dbcalls, inside, models, summaries, transactions

ASYNC_SESSIONS = frozenset({
    "sqlalchemy.ext.asyncio.AsyncSession", "sqlmodel.ext.asyncio.session.AsyncSession",
    "sqlalchemy.ext.asyncio.async_scoped_session",
})
ASYNC_FACTORIES = frozenset({
    "sqlalchemy.ext.asyncio.async_sessionmaker", "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlmodel.ext.asyncio.session.AsyncSession",
})


@rule("PT207", "expired-attribute-after-async-commit", effort=Effort.S, nodes=(nodes.AsyncFunctionDef,),
      principle="After an async commit, refresh before reading: expired attributes cannot lazy-load.")
def check(function: nodes.AsyncFunctionDef, ctx):
    operations = transactions.events(function, ctx)
    commits = [op for op in operations if op.kind == "commit" and _commits_async_session(op, ctx)]
    if not commits:
        return
    reads = [n for n in transactions.own_nodes_in_order(function, nodes.Attribute)
             if isinstance(n.expr, nodes.Name) and not _is_called(n)]
    reported = set()
    for commit in commits:
        if _expires(commit, function, ctx) is not True:
            continue
        later = [c.position for c in commits if c.position > commit.position]
        horizon = later[0] if later else (10**9, 0)
        what = commit.what if commit.family != "helper" else \
            " -> ".join([*(q.rpartition(".")[2] for q in commit.via), "commit()"])
        for name, evidence in _tracked_instances(function, operations, commit, ctx).items():
            read, next_iteration = _first_read(name, reads, commit, horizon, operations, ctx)
            if read is None or id(read) in reported:
                continue
            reported.add(id(read))
            when = "in the next iteration of the loop, after" if next_iteration else "after"
            yield Finding.at(
                read, Severity.HIGH,
                f"{read.as_string()} is read {when} {what} (line {commit.line}) expired {name}: "
                f"the lazy load runs outside an await and raises MissingGreenlet",
                f"create the session factory with expire_on_commit=False, or "
                f"await {commit.receiver or 'session'}.refresh({name}) after the commit",
                evidence=min(evidence, commit.evidence),
            )


def _commits_async_session(op, ctx) -> bool:
    """A commit of an async session, made here or by an awaited project
    function (a service's ``update()`` that commits the session it gets)."""
    if op.family == "helper":
        performer = summaries.summary_of(op.via[-1], ctx) if op.via else None
        return performer is not None and performer.is_async and performer.commits \
            and isinstance(op.node.parent, nodes.Await) and _session_argument(op.node, ctx) is not None
    return _is_async_session_call(op.node, ctx)


def _session_argument(call: nodes.Call, ctx) -> nodes.Name | None:
    """The async session a project function is handed (the one its commit
    expires); a function that opens its own session expires nothing here."""
    for value in [*call.args, *(k.value for k in call.keywords or ())]:
        if isinstance(value, nodes.Name) and (
                _is_async_session(value, ctx)
                or (ctx.type_of(value) is None and value.name.lower().lstrip("_") in transactions.GUESSED_SESSIONS)):
            return value
    return None


def _is_async_session(expr: nodes.NodeNG, ctx) -> bool:
    found = ctx.type_of(expr)
    return found is not None and found.qualname in ASYNC_SESSIONS


def _is_async_session_call(call: nodes.Call, ctx) -> bool:
    found = ctx.resolve(call)
    return found is not None and found.qualname.rpartition(".")[0] in ASYNC_SESSIONS


def _is_called(attribute: nodes.Attribute) -> bool:
    return isinstance(attribute.parent, nodes.Call) and attribute.parent.func is attribute


def _tracked_instances(function, operations, commit, ctx) -> dict:
    """Names bound, before the commit, to instances of mapped models that
    the session holds: loaded through it, or handed to ``add``/``merge``."""
    tracked = {}
    for assign in transactions.own_nodes_in_order(function, nodes.Assign):
        if (assign.lineno or 0) >= commit.line or len(assign.targets) != 1 \
                or not isinstance(assign.targets[0], nodes.AssignName):
            continue
        if not _loads_through_session(assign.value):
            continue
        found = dbcalls.instance_model(assign.value, ctx)
        if found is not None and models.table_of(found.qualname, ctx):
            tracked[assign.targets[0].name] = found.evidence
    for loop in transactions.own_nodes_in_order(function, (nodes.For, nodes.AsyncFor)):
        if not isinstance(loop.target, nodes.AssignName) or not _iterates_loaded_rows(loop.iter, commit):
            continue  # a loop after the commit over rows loaded before it reads expired rows too
        found = _row_model(loop, ctx)
        if found is not None and models.table_of(found.qualname, ctx):
            tracked.setdefault(loop.target.name, found.evidence)
    for op in operations:
        if op.position < commit.position and op.kind == "write" and op.family == "orm" \
                and op.target and op.target.isidentifier() \
                and (op.receiver == commit.receiver or commit.family == "helper") \
                and op.node.func.attrname in {"add", "merge"} and op.model \
                and models.table_of(op.model, ctx):
            tracked.setdefault(op.target, op.evidence)
    return tracked


def _loads_through_session(value: nodes.NodeNG) -> bool:
    """An awaited session call (``await session.get(...)``,
    ``(await session.execute(...)).scalar_one()``)."""
    return any(isinstance(node, nodes.Await) for node in value.nodes_of_class(nodes.Await)) \
        or isinstance(value, nodes.Await)


def _iterates_loaded_rows(iterable: nodes.NodeNG, commit) -> bool:
    """``for job in jobs`` where ``jobs`` came from an awaited session call
    made before the commit."""
    if isinstance(iterable, nodes.Name):
        try:
            _, assignments = iterable.lookup(iterable.name)
        except Exception:  # noqa: BLE001 - odd scopes
            return False
        return len(assignments) == 1 and isinstance(assignments[0].parent, nodes.Assign) \
            and (assignments[0].lineno or 0) < commit.line \
            and _loads_through_session(assignments[0].parent.value)
    return (iterable.lineno or 0) < commit.line and _loads_through_session(iterable)


def _row_model(loop: nodes.NodeNG, ctx):
    """The model of a loop's rows, read from a use of its target."""
    for name in loop.nodes_of_class(nodes.Name):
        if name.name == loop.target.name:
            return dbcalls.instance_model(name, ctx)
    return None


def _first_read(name, reads, commit, horizon, operations, ctx):
    """The first read of ``name`` that runs after the commit: later in the
    function, or, when the commit repeats in a loop, earlier in the loop
    body (the next iteration) on an instance bound outside the body or by
    the loop itself. ``(read, in_next_iteration)``."""
    refreshed = [op.position for op in operations if op.kind == "refresh" and op.target == name]
    for read in reads:
        position = (read.lineno or 0, read.col_offset or 0)
        if read.expr.name != name or not commit.position < position < horizon or inside(read, commit.node):
            continue  # (an argument of the committing call is read before it runs)
        if any(commit.position < p < position for p in refreshed) or _rebound_between(name, commit, read):
            return None, False
        return read, False
    loops = ctx.loops_around(commit.node)
    loop = loops[0] if loops else None
    if loop is None or not _bound_outside_body(name, loop):
        return None, False
    start = (loop.lineno or 0, loop.col_offset or 0)
    for read in reads:
        position = (read.lineno or 0, read.col_offset or 0)
        if read.expr.name != name or not start < position < commit.position or not inside(read, loop):
            continue
        if any(start < p < position for p in refreshed):
            return None, False
        return read, True
    return None, False


def _bound_outside_body(name: str, loop: nodes.NodeNG) -> bool:
    """``name`` keeps an instance loaded before the loop across iterations:
    bound outside the loop, or the loop's own target (its rows were all
    loaded before the first iteration)."""
    target = getattr(loop, "target", None)
    if isinstance(target, nodes.AssignName) and target.name == name:
        return True
    body = getattr(loop, "body", [])
    return not any(assign.name == name for statement in body
                   for assign in statement.nodes_of_class(nodes.AssignName))


def _rebound_between(name: str, commit, read: nodes.Attribute) -> bool:
    """``name`` is bound again between the commit and the read, other than
    as the target of a loop over rows loaded before the commit."""
    function = read.frame()
    for assign in infer.own_nodes(function, (nodes.AssignName,)):
        if assign.name == name and commit.line <= (assign.lineno or 0) <= (read.lineno or 0):
            loop = assign.parent
            if isinstance(loop, (nodes.For, nodes.AsyncFor)) and loop.target is assign \
                    and _iterates_loaded_rows(loop.iter, commit):
                continue
            return True
    return False


def _expires(commit, function, ctx) -> bool | None:
    """Whether this commit expires instances: the ``expire_on_commit`` of
    the session's own factory when it can be traced (for a project function
    that commits, the session handed to it), else the project's main async
    factory, else SQLAlchemy's default (True). None: unknown."""
    call = commit.node
    if commit.family == "helper":
        receiver = _session_argument(call, ctx)
    else:
        receiver = call.func.expr if isinstance(call.func, nodes.Attribute) else None
    created = _creating_call(receiver, ctx)
    if created is not None:
        known = _factory_setting(created, ctx)
        if known != "untraced":
            return known
    configured = ctx.project.db_config.get("expire_on_commit")
    factories = ctx.project.db_config.get("session_factories") or []
    if configured is None and factories:
        return None
    return True if configured is None else configured


def _creating_call(receiver, ctx, depth: int = 0) -> nodes.Call | None:
    """The call that made the session: ``async with Factory() as s``,
    ``s = Factory()``, or the same inside a ``Depends`` generator."""
    if not isinstance(receiver, nodes.Name) or depth > 3:
        return None
    try:
        _, assignments = receiver.lookup(receiver.name)
    except Exception:  # noqa: BLE001
        return None
    if len(assignments) != 1:
        return None
    binding = assignments[0]
    parent = binding.parent
    if isinstance(parent, (nodes.With, nodes.AsyncWith)):
        return next((item for item, target in parent.items
                     if target is binding and isinstance(item, nodes.Call)), None)
    if isinstance(parent, nodes.Assign):
        value = parent.value.value if isinstance(parent.value, nodes.Await) else parent.value
        return value if isinstance(value, nodes.Call) else None
    if isinstance(parent, nodes.Arguments):
        default = infer.param_default(binding, parent)
        if isinstance(default, nodes.Call) and default.args:
            dependency = infer.infer_one(default.args[0])
            if isinstance(dependency, nodes.FunctionDef):
                for node in infer.own_nodes(dependency, (nodes.Yield,)):
                    if isinstance(node.value, nodes.Name):
                        return _creating_call(node.value, ctx, depth + 1)
    return None


def _factory_setting(created: nodes.Call, ctx):
    """``expire_on_commit`` given where the session or its factory is
    made; ``"untraced"`` when the factory cannot be found."""
    found = ctx.resolve(created)
    if found is None:
        return "untraced"
    if found.qualname in ASYNC_FACTORIES:
        return _keyword_flag(created)
    factory = created.func
    definition = infer.bound_value(factory) if isinstance(factory, nodes.Name) else None
    if isinstance(definition, nodes.Call):
        made = infer.resolve_call(definition)
        if made is not None and made.qualname in ASYNC_FACTORIES:
            return _keyword_flag(definition)
    return "untraced"


def _keyword_flag(call: nodes.Call) -> bool | None:
    for keyword in call.keywords or ():
        if keyword.arg == "expire_on_commit":
            return keyword.value.value if isinstance(keyword.value, nodes.Const) \
                and isinstance(keyword.value.value, bool) else None
        if keyword.arg is None:
            return None  # **kwargs may carry it
    return True
