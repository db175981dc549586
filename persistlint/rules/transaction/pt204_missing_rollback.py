"""## What it does
Checks for `commit()` on an ORM session or a DB-API connection that runs
outside any `session.begin()` / `transaction.atomic()` block and outside a
`try` whose handler rolls back.

## Why is this bad?
When a commit fails (a constraint, a serialization error, a dropped
connection), the session is left in a failed transaction: every later use
raises until somebody calls `rollback()`. A session created by hand, kept at
module level or reused across loop iterations then poisons all the work
that follows. A `with`-managed session or a dependency that closes it rolls
back on its own, so the risk there is small.

## Example
```python
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("postgresql://localhost/app"))


def save(order):
    session = SessionLocal()
    session.add(order)
    session.commit()
```

## Use instead
```python
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("postgresql://localhost/app"))


def save(order):
    with SessionLocal() as session, session.begin():
        session.add(order)
```

A commit in `try: ... except: session.rollback(); raise` is not reported either.

## Severity
MEDIUM for sessions managed by hand (created without `with`, module-level
or long-lived, reused across loop iterations after a swallowed failure);
LOW when a context manager or a dependency (FastAPI `Depends(get_db)` whose
generator uses `with` or `try`/`finally: close()`) ends the session.

## References
- [SQLAlchemy: framing out a begin / commit / rollback block](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#framing-out-a-begin-commit-rollback-block)
- [SQLAlchemy FAQ: "This Session's transaction has been rolled back due to a previous exception during flush"](https://docs.sqlalchemy.org/en/20/faq/sessions.html#this-session-s-transaction-has-been-rolled-back-due-to-a-previous-exception-during-flush-or-similar)
- [PEP 249: connection.commit() and rollback()](https://peps.python.org/pep-0249/#commit)
"""

from astroid import nodes

from persistlint.context import inside, infer
from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import transactions


@rule("PT204", "missing-rollback", effort=Effort.S, nodes=(nodes.Call,),
      principle="Every commit needs a rollback path: a transaction block or try/except/rollback.")
def check(node: nodes.Call, ctx):
    op = transactions.operation(node, ctx, summaries=False)
    if op is None or op.kind != "commit" or op.family not in {"orm", "dbapi"}:
        return
    if transactions.transaction_block(node, ctx) is not None or rolls_back_on_failure(node):
        return
    managed, how = lifetime(node, ctx)
    severity = Severity.LOW if managed else Severity.MEDIUM
    receiver = op.receiver or "the session"
    yield Finding.at(
        node, severity,
        f"{receiver}.commit() has no rollback path: if it fails, {receiver} stays in a failed "
        f"transaction ({how})",
        _fix(receiver, op.family),
        evidence=op.evidence,
    )


def _fix(receiver: str, family: str) -> str:
    if family == "dbapi":
        return (f"commit inside try/except that calls {receiver}.rollback() and re-raises "
                f"(psycopg2: `with {receiver}:` commits or rolls back)")
    return (f"wrap the writes in `with {receiver}.begin():`, or commit inside try/except that calls "
            f"{receiver}.rollback() and re-raises")


def rolls_back_on_failure(node: nodes.NodeNG) -> bool:
    """Inside the body of a ``try`` whose handlers (or ``finally``) call
    ``rollback()``, within the same function."""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, (nodes.FunctionDef, nodes.Lambda, nodes.ClassDef)):
        if isinstance(parent, nodes.Try) and child in parent.body:
            cleanup = [*parent.handlers, *parent.finalbody]
            if any(_calls_method(part, "rollback") for part in cleanup):
                return True
        child, parent = parent, parent.parent
    return False


def _calls_method(node: nodes.NodeNG, method: str) -> bool:
    return any(isinstance(call.func, nodes.Attribute) and call.func.attrname == method
               for call in node.nodes_of_class(nodes.Call))


def lifetime(commit: nodes.Call, ctx) -> tuple[bool, str]:
    """Whether something else ends (and so rolls back) the session the
    commit is called on, and a few words on how it is managed."""
    receiver = commit.func.expr if isinstance(commit.func, nodes.Attribute) else None
    function = ctx.function_of(commit)
    if isinstance(receiver, nodes.Name):
        try:
            scope, assignments = receiver.lookup(receiver.name)
        except Exception:  # noqa: BLE001 - odd scopes: say nothing about lifetime
            return True, "session of unknown lifetime"
        binding = assignments[-1] if assignments else None
        if binding is None:
            return True, "session of unknown lifetime"
        if isinstance(scope, nodes.Module):
            return False, "module-level session shared by every caller"
        if _reused_in_loop(commit, binding, ctx):
            return False, "session reused across loop iterations after a failure is swallowed"
        parent = binding.parent
        if isinstance(parent, (nodes.With, nodes.AsyncWith)):
            return True, "the `with` block closes it"
        if isinstance(parent, nodes.Arguments):
            return _parameter_lifetime(binding, parent)
        if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and isinstance(function, nodes.FunctionDef):
            if _closed_in_finally(function, receiver.name):
                return True, "closed in a finally block"
            if _is_alembic_migration(commit.root()):
                return True, "a failed migration stops the migration run"
            made_by = _creator(parent.value, ctx)
            if made_by is None:
                return True, "session of unknown lifetime"
            return False, f"session created by {made_by} without a context manager"
        return True, "session of unknown lifetime"
    if isinstance(receiver, nodes.Attribute) and isinstance(receiver.expr, nodes.Name) \
            and receiver.expr.name == "self":
        if _owned_by_instance(commit, receiver.attrname):
            return False, f"long-lived session created by the object and kept in self.{receiver.attrname}"
        return True, "session handed to the object by its creator"
    return True, "session of unknown lifetime"


#: Calls that open a new session or connection (not ones that look up an
#: existing one, such as ``object_session(obj)``).
_OPENERS = ("sessionmaker.__call__", "async_sessionmaker.__call__", "scoped_session.__call__",
            "sqlalchemy.orm.Session", "sqlalchemy.ext.asyncio.AsyncSession", "sqlmodel.Session",
            "sqlmodel.ext.asyncio.session.AsyncSession", "sqlalchemy.Engine.connect",
            "sqlalchemy.ext.asyncio.AsyncEngine.connect", "psycopg2.connect", "psycopg.connect",
            "psycopg.Connection.connect", "sqlite3.connect", "pymysql.connect", "MySQLdb.connect",
            ".getconn")


def _creator(value: nodes.NodeNG | None, ctx) -> str | None:
    """``SessionLocal()`` when ``value`` opens a session: a library opener,
    or a project function (``new_session()``) that returns one."""
    if isinstance(value, nodes.Await):
        value = value.value
    if not isinstance(value, nodes.Call):
        return None
    found = ctx.resolve(value)
    if found is None:
        return None
    if found.qualname.endswith(_OPENERS) or found.qualname in ctx.project.functions:
        return f"{value.func.as_string()}()"
    return None


def _is_alembic_migration(module: nodes.Module) -> bool:
    return {"revision", "down_revision", "upgrade"} <= set(module.locals)


def _reused_in_loop(commit: nodes.Call, binding: nodes.NodeNG, ctx) -> bool:
    """The commit repeats in a loop, the session was made before the loop,
    and a ``try`` inside the loop swallows the failure: the next iteration
    runs on the broken session. (A failure that leaves the loop is handled
    like any other, by whatever manages the session.)"""
    for loop in ctx.loops_around(commit):
        if not inside(binding, loop) and _swallowed_within(commit, loop):
            return True
    return False


def _swallowed_within(node: nodes.NodeNG, loop: nodes.NodeNG) -> bool:
    child, parent = node, node.parent
    while parent is not None and parent is not loop:
        if isinstance(parent, nodes.Try) and child in parent.body and any(
                not any(isinstance(n, nodes.Raise) for n in handler.nodes_of_class(nodes.Raise))
                for handler in parent.handlers):
            return True
        child, parent = parent, parent.parent
    return False


def _parameter_lifetime(binding: nodes.AssignName, arguments: nodes.Arguments) -> tuple[bool, str]:
    default = infer.param_default(binding, arguments)
    if isinstance(default, nodes.Call) and default.args:
        found = infer.resolve_call(default)
        if found is not None and found.qualname in {"fastapi.Depends", "fastapi.Security"}:
            dependency = infer.infer_one(default.args[0])
            if isinstance(dependency, nodes.FunctionDef):
                if _dependency_closes(dependency):
                    return True, f"the dependency {dependency.name} closes it"
                return False, f"the dependency {dependency.name} never closes it"
    return True, "passed in by the caller, who owns its lifetime"


def _dependency_closes(function: nodes.FunctionDef) -> bool:
    """A yield-dependency that ends the session: ``with``/``async with``
    around the yield, or ``try``/``finally`` that closes it."""
    yields = list(infer.own_nodes(function, (nodes.Yield,)))
    if not yields:
        return False
    for node in yields:
        parent = node.parent
        while parent is not None and parent is not function:
            if isinstance(parent, (nodes.With, nodes.AsyncWith)):
                return True
            if isinstance(parent, nodes.Try) and parent.finalbody and any(
                    _calls_method(part, name) for part in parent.finalbody
                    for name in ("close", "remove", "rollback")):
                return True
            parent = parent.parent
    return False


def _closed_in_finally(function: nodes.FunctionDef, name: str) -> bool:
    for try_node in infer.own_nodes(function, (nodes.Try,)):
        for part in try_node.finalbody:
            for call in part.nodes_of_class(nodes.Call):
                func = call.func
                if isinstance(func, nodes.Attribute) and func.attrname in {"close", "remove"} \
                        and isinstance(func.expr, nodes.Name) and func.expr.name == name:
                    return True
    return False


def _owned_by_instance(commit: nodes.Call, attribute: str) -> bool:
    """``self.<attribute>`` is assigned a newly created session (a call, not
    a parameter) somewhere in the class."""
    klass = commit.frame()
    while klass is not None and not isinstance(klass, nodes.ClassDef):
        klass = klass.parent
    if klass is None:
        return False
    for assign in klass.nodes_of_class(nodes.AssignAttr):
        if assign.attrname == attribute and isinstance(assign.expr, nodes.Name) \
                and assign.expr.name == "self" and isinstance(assign.parent, nodes.Assign):
            return isinstance(assign.parent.value, nodes.Call)
    return False
