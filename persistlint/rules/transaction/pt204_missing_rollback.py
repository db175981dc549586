"""## What it does
Checks for `commit()` on an ORM session or a DB-API connection that runs
outside any `session.begin()` / `transaction.atomic()` block and outside a
`try` whose handler rolls back.

## Why is this bad?
When a commit fails (a constraint, a serialization error, a dropped
connection), the session is left in a failed transaction: every later use
raises until somebody calls `rollback()`. A session created by hand, kept at
module level or on a long-lived object, or used again after an `except`
that swallowed the failure (the next loop iteration, the caller that goes
on) then poisons all the work that follows. A session owned by a context
manager, a yield dependency or the caller is closed, and so rolled back, by
its owner when the failure propagates: that is not reported.

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

A commit in `try: ... except: session.rollback(); raise` is not reported
either, nor a commit on a session the caller passes in, a `with` block or a
yield dependency closes, when nothing catches its failure.

## Severity
MEDIUM for sessions managed by hand (created without `with`, module-level,
kept by the object that created it) and for any session used again after a
caught failure: a `try`/`except` around the commit, or around a call of a
project function that commits, that neither re-raises nor rolls back, when
the loop, the rest of the function or the caller goes on with the session.
LOW for a session handed to a long-lived object (`self.session` of a
repository or service), whose callers may catch the failure and go on. The
message says who owns the session.

## References
- [SQLAlchemy: framing out a begin / commit / rollback block](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#framing-out-a-begin-commit-rollback-block)
- [SQLAlchemy FAQ: "This Session's transaction has been rolled back due to a previous exception during flush"](https://docs.sqlalchemy.org/en/20/faq/sessions.html#this-session-s-transaction-has-been-rolled-back-due-to-a-previous-exception-during-flush-or-similar)
- [PEP 249: connection.commit() and rollback()](https://peps.python.org/pep-0249/#commit)
"""

from astroid import nodes

from persistlint.context import bindings, inside, infer
from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import transactions

#: How a session's lifetime is managed, as far as a failed commit goes.
OWNED = "owned"  # a context manager, a yield dependency or the caller ends it: not reported
MANUAL = "manual"  # created by hand, module-level or long-lived: MEDIUM
ATTRIBUTE = "attribute"  # held on a long-lived object it was handed to: LOW


@rule("PT204", "missing-rollback", effort=Effort.S, nodes=(nodes.Call,),
      principle="Every commit needs a rollback path: a transaction block or try/except/rollback.")
def check(node: nodes.Call, ctx):
    op = transactions.operation(node, ctx)
    if op is None or op.kind != "commit":
        return
    if op.family == "helper":
        yield from _swallowed_helper_commit(node, op, ctx)
        return
    if op.family not in {"orm", "dbapi"}:
        return
    if transactions.transaction_block(node, ctx) is not None or rolls_back_on_failure(node):
        return
    receiver = op.receiver or "the session"
    handler = swallowing_handler(node)
    if handler is not None:
        again = used_again(node, handler, _receiver_expr(node), ctx)
        if again and _first_commit_in_try(node, handler, receiver, ctx):
            _, how = lifetime(node, ctx)
            yield Finding.at(
                node, Severity.MEDIUM,
                f"{receiver}.commit() has no rollback path and the except at line {handler.lineno} "
                f"swallows its failure: {receiver} ({how}) stays in a failed transaction and {again}",
                _fix(receiver, op.family), evidence=op.evidence)
            return
    kind, how = lifetime(node, ctx)
    if kind == OWNED:
        return  # the failure propagates to the owner, whose close() rolls back
    yield Finding.at(
        node, Severity.MEDIUM if kind == MANUAL else Severity.LOW,
        f"{receiver}.commit() has no rollback path: if it fails, {receiver} stays in a failed "
        f"transaction ({how})",
        _fix(receiver, op.family),
        evidence=op.evidence,
    )


def _swallowed_helper_commit(call: nodes.Call, op, ctx):
    """A project function that commits the session it is given, called in a
    ``try`` whose handler swallows the failure, with the session used again."""
    handler = swallowing_handler(call)
    if handler is None or rolls_back_on_failure(call):
        return
    for session in _session_arguments(call, ctx):
        again = used_again(call, handler, session, ctx)
        name = transactions.source_text(session)
        if again and _first_commit_in_try(call, handler, name, ctx):
            chain = " -> ".join(q.rpartition(".")[2] for q in op.via) or transactions.source_text(call.func)
            yield Finding.at(
                call, Severity.MEDIUM,
                f"{chain} commits {name} and the except at line {handler.lineno} swallows its failure "
                f"without a rollback: {name} stays in a failed transaction and {again}",
                f"call {name}.rollback() in the except block (or re-raise)",
                evidence=op.evidence)
            return


def _first_commit_in_try(call: nodes.Call, handler: nodes.ExceptHandler, session: str, ctx) -> bool:
    """``call`` is the first commit of ``session`` (its own, or a project
    function's that gets it) in the ``try`` the handler belongs to: one
    finding per swallowed failure."""
    body = [node for statement in handler.parent.body
            for node in statement.nodes_of_class(nodes.Call)]
    body.sort(key=lambda node: (node.lineno or 0, node.col_offset or 0))
    for other in body:
        if other is call:
            return True
        op = transactions.operation(other, ctx)
        if op is None or op.kind != "commit":
            continue
        if op.family == "helper":
            if any(transactions.source_text(a) == session for a in _session_arguments(other, ctx)):
                return False
        elif op.receiver == session:
            return False
    return True


def _session_arguments(call: nodes.Call, ctx) -> list[nodes.NodeNG]:
    """Arguments that are sessions or connections, by type or, failing
    that, by name."""
    found = []
    for value in [*call.args, *(keyword.value for keyword in call.keywords or ())]:
        if not isinstance(value, (nodes.Name, nodes.Attribute)):
            continue
        kind = ctx.type_of(value)
        if kind is not None:
            if kind.qualname in transactions.SESSION_CLASSES or kind.qualname in transactions.DBAPI_CONNECTIONS:
                found.append(value)
            continue
        name = value.attrname if isinstance(value, nodes.Attribute) else value.name
        if name.lower().lstrip("_") in transactions.GUESSED_SESSIONS:
            found.append(value)
    return found


def _receiver_expr(commit: nodes.Call) -> nodes.NodeNG | None:
    return commit.func.expr if isinstance(commit.func, nodes.Attribute) else None


def _fix(receiver: str, family: str) -> str:
    if family == "dbapi":
        return (f"commit inside try/except that calls {receiver}.rollback() and re-raises "
                f"(psycopg2: `with {receiver}:` commits or rolls back)")
    return (f"wrap the writes in `with {receiver}.begin():`, or commit inside try/except that calls "
            f"{receiver}.rollback() and re-raises")


def rolls_back_on_failure(node: nodes.NodeNG) -> bool:
    """Inside the body of a ``try`` whose handlers (or ``finally``) call
    ``rollback()``, within the same function."""
    return any(_calls_method(part, "rollback")
               for guard in infer.guarding_tries(node) for part in [*guard.handlers, *guard.finalbody])


def _calls_method(node: nodes.NodeNG, method: str) -> bool:
    return any(isinstance(call.func, nodes.Attribute) and call.func.attrname == method
               for call in node.nodes_of_class(nodes.Call))


def swallowing_handler(node: nodes.NodeNG) -> nodes.ExceptHandler | None:
    """The innermost ``except`` (in the same function) that catches a failure
    of ``node`` and goes on: it neither re-raises nor rolls back."""
    for guard in infer.guarding_tries(node):
        for handler in guard.handlers:
            if transactions.catches_db_failure(handler):
                if any(True for _ in handler.nodes_of_class(nodes.Raise)) \
                        or _calls_method(handler, "rollback"):
                    return None
                return handler
    return None


def used_again(node: nodes.NodeNG, handler: nodes.ExceptHandler, session: nodes.NodeNG | None,
               ctx) -> str | None:
    """How the session is used after the swallowed failure, in words; None
    when it is not (the failure is swallowed, but nothing touches the broken
    session again)."""
    if session is None:
        return None
    function = ctx.function_of(node)
    text = transactions.source_text(session)
    try_node = handler.parent
    for loop in ctx.loops_around(try_node):  # a loop inside the try is left on failure
        if not _bound_inside(session, loop):
            return "the next iteration of the loop runs on it"
    if isinstance(session, nodes.Attribute) or _outlives(session):
        return f"the caller goes on with {text} as if the commit had succeeded"
    end = (try_node.end_lineno or 0, try_node.end_col_offset or 0)
    for use in (function.nodes_of_class((nodes.Name, nodes.Attribute)) if function is not None else ()):
        if transactions.source_text(use) == text and (use.lineno or 0, use.col_offset or 0) > end:
            return f"it is used again at line {use.lineno}"
    return None


def _binding(session: nodes.NodeNG) -> nodes.NodeNG | None:
    found = bindings.bindings_of(session) if isinstance(session, nodes.Name) else []
    return found[-1] if found else None


def _bound_inside(session: nodes.NodeNG, loop: nodes.NodeNG) -> bool:
    binding = _binding(session)
    return binding is not None and inside(binding, loop)


def _outlives(session: nodes.NodeNG) -> bool:
    """A parameter or a module-level name: the session lives on after the
    function returns."""
    binding = _binding(session)
    if binding is None:
        return False
    return isinstance(binding.parent, nodes.Arguments) or isinstance(binding.scope(), nodes.Module)


def lifetime(commit: nodes.Call, ctx) -> tuple[str, str]:
    """Who ends (and so rolls back) the session the commit is called on,
    and a few words on how it is managed."""
    receiver = commit.func.expr if isinstance(commit.func, nodes.Attribute) else None
    function = ctx.function_of(commit)
    if isinstance(receiver, nodes.Name):
        try:
            scope, assignments = receiver.lookup(receiver.name)
        except Exception:  # noqa: BLE001 - odd scopes: say nothing about lifetime
            return OWNED, "session of unknown lifetime"
        binding = assignments[-1] if assignments else None
        if binding is None:
            return OWNED, "session of unknown lifetime"
        if isinstance(scope, nodes.Module):
            return MANUAL, "module-level session shared by every caller"
        parent = binding.parent
        if isinstance(parent, (nodes.With, nodes.AsyncWith)):
            return OWNED, "the `with` block closes it"
        if isinstance(parent, nodes.Arguments):
            return _parameter_lifetime(binding, parent)
        if isinstance(parent, (nodes.Assign, nodes.AnnAssign)) and isinstance(function, nodes.FunctionDef):
            if _closed_in_finally(function, receiver.name):
                return OWNED, "closed in a finally block"
            if _is_alembic_migration(commit.root()):
                return OWNED, "a failed migration stops the migration run"
            made_by = _creator(parent.value, ctx)
            if made_by is None:
                return OWNED, "session of unknown lifetime"
            return MANUAL, f"session created by {made_by} without a context manager"
        return OWNED, "session of unknown lifetime"
    if isinstance(receiver, nodes.Attribute) and isinstance(receiver.expr, nodes.Name) \
            and receiver.expr.name == "self":
        if isinstance(function, nodes.FunctionDef) and _closed_in_finally(function, f"self.{receiver.attrname}"):
            return OWNED, "closed in a finally block"
        if _owned_by_instance(commit, receiver.attrname):
            return MANUAL, f"long-lived session created by the object and kept in self.{receiver.attrname}"
        return ATTRIBUTE, (f"self.{receiver.attrname} is handed to a long-lived object whose callers "
                           f"may catch the failure and go on")
    return OWNED, "session of unknown lifetime"


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


def _parameter_lifetime(binding: nodes.AssignName, arguments: nodes.Arguments) -> tuple[str, str]:
    default = infer.param_default(binding, arguments)
    if isinstance(default, nodes.Call) and default.args:
        found = infer.resolve_call(default)
        if found is not None and found.qualname in {"fastapi.Depends", "fastapi.Security"}:
            dependency = infer.infer_one(default.args[0])
            if isinstance(dependency, nodes.FunctionDef):
                if _dependency_closes(dependency):
                    return OWNED, f"the dependency {dependency.name} closes it"
                return MANUAL, f"the dependency {dependency.name} never closes it"
    return OWNED, "passed in by the caller, who owns its lifetime"


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
    """``finally: <name>.close()`` (``name`` as written: ``session``,
    ``self.session``)."""
    for try_node in infer.own_nodes(function, (nodes.Try,)):
        for part in try_node.finalbody:
            for call in part.nodes_of_class(nodes.Call):
                func = call.func
                if isinstance(func, nodes.Attribute) and func.attrname in {"close", "remove"} \
                        and transactions.source_text(func.expr) == name:
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
