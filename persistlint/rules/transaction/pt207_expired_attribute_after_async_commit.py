"""## What it does
Checks for ORM attributes read after `await session.commit()` on an
`AsyncSession` whose factory keeps `expire_on_commit=True` (the default),
on an instance loaded or added before the commit, with no
`await session.refresh(obj)` in between.

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
from persistlint.context import models, transactions

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
    commits = [op for op in operations if op.kind == "commit" and _is_async_session_call(op.node, ctx)]
    if not commits:
        return
    reads = [n for n in transactions.own_nodes_in_order(function, nodes.Attribute)
             if isinstance(n.expr, nodes.Name) and not _is_called(n)]
    for commit in commits:
        if _expires(commit.node, function, ctx) is not True:
            continue
        later = [c.position for c in commits if c.position > commit.position]
        horizon = later[0] if later else (10**9, 0)
        for name, evidence in _tracked_instances(function, operations, commit, ctx).items():
            read = _first_read(name, reads, commit, horizon, operations)
            if read is None:
                continue
            yield Finding.at(
                read, Severity.HIGH,
                f"{read.as_string()} is read after {commit.what} (line {commit.line}) expired {name}: "
                f"the lazy load runs outside an await and raises MissingGreenlet",
                f"create the session factory with expire_on_commit=False, or "
                f"await {commit.receiver}.refresh({name}) after the commit",
                evidence=min(evidence, commit.evidence),
            )


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
        found = transactions.instance_model(assign.value, ctx)
        if found is not None and models.table_of(found.qualname, ctx):
            tracked[assign.targets[0].name] = found.evidence
    for op in operations:
        if op.position < commit.position and op.kind == "write" and op.family == "orm" \
                and op.target and op.target.isidentifier() and op.receiver == commit.receiver \
                and op.node.func.attrname in {"add", "merge"} and op.model \
                and models.table_of(op.model, ctx):
            tracked.setdefault(op.target, op.evidence)
    return tracked


def _loads_through_session(value: nodes.NodeNG) -> bool:
    """An awaited session call (``await session.get(...)``,
    ``(await session.execute(...)).scalar_one()``)."""
    return any(isinstance(node, nodes.Await) for node in value.nodes_of_class(nodes.Await)) \
        or isinstance(value, nodes.Await)


def _first_read(name, reads, commit, horizon, operations):
    refreshed_or_rebound = [op.position for op in operations
                            if op.kind == "refresh" and op.target == name and op.position > commit.position]
    for read in reads:
        position = (read.lineno or 0, read.col_offset or 0)
        if read.expr.name != name or not commit.position < position < horizon:
            continue
        if any(p < position for p in refreshed_or_rebound) or _rebound_between(name, commit, read):
            return None
        return read
    return None


def _rebound_between(name: str, commit, read: nodes.Attribute) -> bool:
    function = read.frame()
    for assign in infer.own_nodes(function, (nodes.AssignName,)):
        if assign.name == name and commit.line <= (assign.lineno or 0) <= (read.lineno or 0):
            return True
    return False


def _expires(commit: nodes.Call, function, ctx) -> bool | None:
    """Whether this commit expires instances: the ``expire_on_commit`` of
    the session's own factory when it can be traced, else the project's
    main async factory, else SQLAlchemy's default (True). None: unknown."""
    receiver = commit.func.expr if isinstance(commit.func, nodes.Attribute) else None
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
    definition = _definition(factory)
    if isinstance(definition, nodes.Call):
        made = infer.resolve_call(definition)
        if made is not None and made.qualname in ASYNC_FACTORIES:
            return _keyword_flag(definition)
    return "untraced"


def _definition(expr: nodes.NodeNG) -> nodes.NodeNG | None:
    """The value a factory name is bound to, across one import."""
    if isinstance(expr, nodes.Name):
        try:
            _, assignments = expr.lookup(expr.name)
        except Exception:  # noqa: BLE001
            return None
        if len(assignments) != 1:
            return None
        binding = assignments[0]
        if isinstance(binding, nodes.ImportFrom):
            qualname = infer.imported_name(expr, expr.name)
            binding = infer.lookup_qualname(qualname) if qualname else None
        if isinstance(binding, nodes.AssignName) \
                and isinstance(binding.parent, (nodes.Assign, nodes.AnnAssign)):
            return binding.parent.value
    return None


def _keyword_flag(call: nodes.Call) -> bool | None:
    for keyword in call.keywords or ():
        if keyword.arg == "expire_on_commit":
            return keyword.value.value if isinstance(keyword.value, nodes.Const) \
                and isinstance(keyword.value.value, bool) else None
        if keyword.arg is None:
            return None  # **kwargs may carry it
    return True
