"""What a name is bound to, and how a value was built.

Small, shared answers that every family asks: the value assigned to a name
before its use, the loop a name is a target of, the calls of a method
chain (through names: ``stmt = select(M)``; ``stmt = stmt.where(...)``),
the names an expression reads and a target binds, the argument a call
passes for a parameter. Like pyflakes' bindings, kept apart from any rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from astroid import nodes


def keyword_arg(call: nodes.Call, name: str) -> nodes.NodeNG | None:
    return next((k.value for k in call.keywords or () if k.arg == name), None)


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
    """The values of the plain assignments to ``name`` that may reach its
    use, nearest first: the nearest one before it (``stmt = stmt.where(...)``
    then leads to the assignment before it) and, while that one runs only
    in a branch (``if negate: query = refine(query)``), the ones before it
    down to one that always runs; empty when there is none."""
    try:
        _, assignments = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return []
    before = []
    for assign in assignments:
        if not (isinstance(assign, nodes.AssignName) and isinstance(assign.parent, (nodes.Assign, nodes.AnnAssign))
                and assign.parent.value is not None):
            continue
        if isinstance(assign.parent, nodes.Assign) and len(assign.parent.targets) != 1:
            continue
        if assign.scope() is name.scope() and (assign.lineno or 0) >= (name.lineno or 0):
            continue
        before.append(assign)
    values = []
    for assign in sorted(before, key=lambda a: a.lineno or 0, reverse=True):
        values.append(assign.parent.value)
        if not _in_a_branch(assign.parent, name):
            break
    return values


#: Statements whose blocks may not run (or run only in part) on the way to what follows them.
_BRANCHES = (nodes.If, nodes.For, nodes.AsyncFor, nodes.While, nodes.Try, nodes.ExceptHandler, nodes.Match)


def _in_a_branch(statement: nodes.NodeNG, use: nodes.NodeNG) -> bool:
    """Whether ``statement`` sits in a block that does not always run
    before ``use`` (inside an ``if``, loop or ``try`` that ``use`` is not in)."""
    enclosing = set()
    node = use.parent
    while node is not None:
        enclosing.add(id(node))
        node = node.parent
    node = statement.parent
    while node is not None and id(node) not in enclosing:
        if isinstance(node, _BRANCHES):
            return True
        node = node.parent
    return False


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


def names_in(expr: nodes.NodeNG) -> set[str]:
    found = {n.name for n in expr.nodes_of_class(nodes.Name)}
    if isinstance(expr, nodes.Name):
        found.add(expr.name)
    return found


def bound_names(target: nodes.NodeNG) -> set[str]:
    return {n.name for n in target.nodes_of_class(nodes.AssignName)} | (
        {target.name} if isinstance(target, nodes.AssignName) else set())


def argument_for(call: nodes.Call, params: list[str], param: str) -> nodes.NodeNG | None:
    for keyword in call.keywords or ():
        if keyword.arg == param:
            return keyword.value
    if param in params:
        index = params.index(param)
        if index < len(call.args) and not any(isinstance(a, nodes.Starred) for a in call.args[:index + 1]):
            return call.args[index]
    return None


def assigned_name(expr: nodes.NodeNG, through_await: bool = True) -> str | None:
    """The one name ``expr`` is assigned to (``x = expr``; ``x = await
    expr`` unless ``through_await`` is off), or None."""
    parent = expr.parent
    if isinstance(parent, nodes.Await) and through_await:
        parent = parent.parent
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)):
        targets = parent.targets if isinstance(parent, nodes.Assign) else [parent.target]
        if len(targets) == 1 and isinstance(targets[0], nodes.AssignName):
            return targets[0].name
    return None


def bindings_of(name: nodes.Name) -> list[nodes.NodeNG]:
    """The nodes that bind ``name`` where it is read (astroid's lookup),
    or none on code astroid cannot look up."""
    try:
        _, found = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return []
    return list(found)


def single_assigned_value(name: nodes.Name) -> nodes.NodeNG | None:
    """The value of the one plain assignment that binds ``name`` in its
    scope (``x = value`` or ``x: T = value``), or None when the name is bound
    otherwise or more than once."""
    found = bindings_of(name)
    if len(found) != 1 or not isinstance(found[0], nodes.AssignName):
        return None
    statement = found[0].parent
    if isinstance(statement, (nodes.Assign, nodes.AnnAssign)) and statement.value is not None \
            and (not isinstance(statement, nodes.Assign) or len(statement.targets) == 1):
        return statement.value
    return None
