"""## What it does
Checks for one logical operation split across commits in one function: a
parent entity committed, then a child that references it (`Child(parent=p)`,
`Child(parent_id=p.id)`, `child.parent_id = p.id`, `p.children.append(c)`)
written and committed separately; or two consecutive commit segments that
both write, with only database work between them. With Django outside
`atomic()` (and `ATOMIC_REQUESTS` off) every statement commits by itself:
a delete and the writes of the same model that replace or re-order what it
deletes (`bulk_create` of the new rows, an `update()` of the siblings) are
two transactions too.

## Why is this bad?
If anything fails between the commits, the database keeps half of the
operation: an order without its lines, a transfer debited but not
credited. Every reader can also see the half-done state in between.

## Example
```python
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]


class OrderLine(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    sku: Mapped[str]


def place(session: Session, items):
    order = Order(status="new")
    session.add(order)
    session.commit()
    for item in items:
        session.add(OrderLine(order_id=order.id, sku=item))
    session.commit()
```

## Use instead
```python
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str]


class OrderLine(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    sku: Mapped[str]


def place(session: Session, items):
    with session.begin():
        order = Order(status="new")
        session.add(order)
        session.flush()
        for item in items:
            session.add(OrderLine(order_id=order.id, sku=item))
```

A commit placed right before an external call (so that the call sees, or
does not hold up, the committed state) is not a split: see PT202.
Nor are Django writes in autocommit mode whose second write sits in a
`try` with a handler for its database failure (a retry, a cleanup): the
author made two transactions on purpose and says what a failure between
them leaves.

## Severity
HIGH for a parent and its child committed separately; MEDIUM for other
related writes split across consecutive commits, and for dependent Django
writes in autocommit mode.

## References
- [SQLAlchemy: managing transactions](https://docs.sqlalchemy.org/en/20/orm/session_transaction.html)
- [Django: database transactions](https://docs.djangoproject.com/en/stable/topics/db/transactions/)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import infer, models, transactions

_ID_ATTRIBUTES = frozenset({"id", "pk", "uuid"})


@rule("PT203", "transaction-scope-too-narrow", effort=Effort.M, nodes=(nodes.FunctionDef,),
      principle="One logical operation, one transaction.")
def check(function: nodes.FunctionDef, ctx):
    operations = transactions.events(function, ctx)
    yield from _autocommit_split(function, operations, ctx)
    commits = [op for op in operations if _plain_commit(op, ctx)]
    for first, second in zip(commits, commits[1:]):
        if first.receiver != second.receiver or not _same_path(first.node, second.node):
            continue
        before = _segment(operations, commits, first)
        between = [op for op in operations if first.position < op.position < second.position]
        if not _writes(before):
            continue
        if any(op.kind in transactions.EXTERNAL for op in between) or _ends_with_external(operations, first):
            continue  # committed on purpose before external work
        if any(op.table and ctx.project.triggers_on(op.table) for op in before if op.kind == "write"):
            continue  # intermediate commits on a trigger table are what PT201 asks for
        parent_child = _parent_and_child(before, (first.position, second.position), function, ctx)
        if not parent_child and not (_writes(between) and _related(before, between)):
            continue
        if parent_child:
            parent, child_node = parent_child
            yield Finding.at(
                first.node, Severity.HIGH,
                f"{first.what} commits {parent} before the child that references it (line "
                f"{child_node.lineno}) is written and committed at line {second.line}: a failure "
                f"in between leaves {parent} without its children",
                f"drop this commit and write {parent} and its children in one transaction "
                f"(flush to get the id)",
                evidence=first.evidence,
            )
        else:
            yield Finding.at(
                first.node, Severity.MEDIUM,
                f"{first.what} splits related writes: the writes before it and those committed at "
                f"line {second.line} happen in separate transactions with only database work between",
                "commit once after both groups of writes (one transaction)",
                evidence=first.evidence,
            )


def _autocommit_split(function: nodes.FunctionDef, operations, ctx):
    """Django outside ``atomic()``: each statement commits on its own, so a
    delete and the writes that replace or re-order what it deletes (same
    model) are two transactions; a failure between them loses data."""
    if transactions.atomic_request(function.body[0] if function.body else function, ctx) is not None \
            or transactions.called_only_in_transactions(function, ctx):
        return
    writes = [op for op in operations if op.kind == "write" and op.family == "django"
              and op.verb in {"DELETE", "INSERT", "UPDATE"} and (op.model or op.table)
              and transactions.transaction_block(op.node, ctx) is None and not ctx.loops_around(op.node)]
    for index, second in enumerate(writes):
        first = next((op for op in writes[:index]
                      if _dependent(op, second) and _same_path(op.node, second.node)), None)
        if first is None or transactions.failure_handled(second.node):
            continue  # a handled failure of the second write: the split is deliberate
        yield Finding.at(
            second.node, Severity.MEDIUM,
            f"{second.what} and {first.what} (line {first.line}) write {_model_name(second)} in "
            f"autocommit mode, each its own transaction: a failure between them leaves the "
            f"{first.verb.lower()} done and the {second.verb.lower()} not",
            "wrap both writes in `with transaction.atomic():`",
            evidence=second.evidence,
        )
        return  # one finding per function: the fix covers every write


def _dependent(first: transactions.Operation, second: transactions.Operation) -> bool:
    """Writes of one model where one of them deletes: replacements created
    after a delete, siblings updated before one is deleted."""
    same = (first.model and first.model == second.model) or (first.table and first.table == second.table)
    return bool(same) and "DELETE" in {first.verb, second.verb} and first.verb != second.verb


def _model_name(op: transactions.Operation) -> str:
    return (op.model or op.table or "").rpartition(".")[2]


def _plain_commit(op: transactions.Operation, ctx) -> bool:
    """A session or connection commit on the function's straight path: not
    in a loop, a transaction block, or an exception handler."""
    if op.kind != "commit" or op.family not in {"orm", "dbapi"}:
        return False
    if ctx.loops_around(op.node) or transactions.transaction_block(op.node, ctx) is not None:
        return False
    parent = op.node.parent
    while parent is not None and not isinstance(parent, nodes.FunctionDef):
        if isinstance(parent, nodes.ExceptHandler):
            return False
        parent = parent.parent
    return True


def _same_path(first: nodes.NodeNG, second: nodes.NodeNG) -> bool:
    """``second`` runs whenever ``first`` did: it sits after ``first``'s
    statement in the same statement list (or inside a later sibling)."""
    statement = first.statement()
    container = statement.parent
    if container is None:
        return False
    node = second
    while node is not None and node.parent is not container:
        node = node.parent
    if node is None or node is statement:
        return False
    for field in ("body", "orelse", "handlers", "finalbody"):
        siblings = getattr(container, field, None)
        if isinstance(siblings, list) and statement in siblings:
            return node in siblings and siblings.index(node) > siblings.index(statement)
    return False


def _segment(operations, commits, commit) -> list[transactions.Operation]:
    index = commits.index(commit)
    start = commits[index - 1].position if index else (0, 0)
    return [op for op in operations if start < op.position < commit.position]


def _writes(operations) -> bool:
    return any(op.kind == "write" for op in operations)


def _related(before, between) -> bool:
    """Both segments write the same table, model or object: one operation
    (unrelated writes, such as seeding two tables, may commit apart)."""
    def written(segment):
        keys = set()
        for op in segment:
            if op.kind == "write":
                keys |= {op.table, op.model, op.target} - {None}
        return keys

    return bool(written(before) & written(between))


def _ends_with_external(operations, commit) -> bool:
    """The commit is followed directly by external work."""
    after = [op for op in operations if op.position > commit.position]
    return bool(after) and after[0].kind in transactions.EXTERNAL


def _parent_and_child(before, span, function, ctx):
    """``(parent name, child node)`` when the second segment creates a
    child referencing an entity added in the first."""
    parents = {op.target for op in before if op.kind == "write" and op.family == "orm" and op.target}
    parents |= {_name_of_created(op) for op in before if op.kind == "write"} - {None}
    if not parents:
        return None
    lo, hi = span
    for node in transactions.own_nodes_in_order(function, (nodes.Call, nodes.AssignAttr)):
        position = (node.lineno or 0, node.col_offset or 0)
        if not lo <= position <= hi:
            continue
        if isinstance(node, nodes.Call):
            if _is_model_class(node.func, ctx):
                values = list(node.args) + [k.value for k in node.keywords or ()]
                if any(_references(value, parents) for value in values):
                    return _referenced(values, parents), node
            func = node.func
            if isinstance(func, nodes.Attribute) and func.attrname in {"append", "add", "extend"} \
                    and isinstance(func.expr, nodes.Attribute) and isinstance(func.expr.expr, nodes.Name) \
                    and func.expr.expr.name in parents:
                return func.expr.expr.name, node
        elif isinstance(node.parent, nodes.Assign) and _references(node.parent.value, parents) \
                and (node.attrname.endswith("_id") or _is_plain_name(node.parent.value)):
            return _referenced([node.parent.value], parents), node
    return None


def _name_of_created(op: transactions.Operation) -> str | None:
    """``session.add(Order(...))`` has no name; ``session.add(order)`` does."""
    return op.target if op.target and op.target.isidentifier() else None


def _is_model_class(func: nodes.NodeNG, ctx) -> bool:
    found = infer.resolve_callee(func)
    return found is not None and models.table_of(found.qualname, ctx) is not None


def _references(value: nodes.NodeNG, parents: set[str]) -> bool:
    if isinstance(value, nodes.Name):
        return value.name in parents
    return isinstance(value, nodes.Attribute) and value.attrname in _ID_ATTRIBUTES \
        and isinstance(value.expr, nodes.Name) and value.expr.name in parents


def _referenced(values, parents) -> str:
    for value in values:
        if isinstance(value, nodes.Name) and value.name in parents:
            return value.name
        if isinstance(value, nodes.Attribute) and isinstance(value.expr, nodes.Name) \
                and value.expr.name in parents:
            return value.expr.name
    return next(iter(parents))


def _is_plain_name(value: nodes.NodeNG) -> bool:
    return isinstance(value, nodes.Name)
