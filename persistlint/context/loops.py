"""Loops: which loop around a node makes it run once per item, whether a
loop's bound is provably small, and how a message names what it walks.

A node runs per iteration when it reads a name that changes with each
iteration (the loop targets and what the body derives from them, to a
fixed point); pagination and retry loops that stop on the node's result
are not per item.
"""

from __future__ import annotations

import re

from astroid import nodes

from persistlint.context import brain, infer, inside
from persistlint.context.bindings import (
    assigned_values, bindings_of, bound_names, chain_calls, chain_root, keyword_arg, names_in,
)
from persistlint.context.dbcalls import QUERY_BUILDERS, held_session

#: Comprehensions: each runs its element expression once per item.
COMPREHENSIONS = (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp)


def iteration_names(loop: nodes.NodeNG) -> set[str]:
    """Names whose value changes with each iteration of ``loop``: the loop
    targets and what the body derives from them (fixed point)."""
    if isinstance(loop, (nodes.For, nodes.AsyncFor)):
        derived = bound_names(loop.target)
        body = loop.body
    elif isinstance(loop, COMPREHENSIONS):
        return set().union(*(bound_names(g.target) for g in loop.generators))
    elif isinstance(loop, nodes.While):
        derived, body = _popped_names(loop), loop.body
    else:
        return set()
    return derived_names(body, derived)


def derived_names(body: list[nodes.NodeNG], seeds: set[str]) -> set[str]:
    """``seeds`` and the names ``body`` assigns from them (fixed point)."""
    derived = set(seeds)
    assignments = []
    for statement in body:
        binders = (nodes.Assign, nodes.AnnAssign, nodes.AugAssign, nodes.For, nodes.AsyncFor,
                   nodes.With, nodes.AsyncWith, nodes.NamedExpr)
        for node in [statement, *statement.nodes_of_class(binders)]:
            if isinstance(node, (nodes.Assign, nodes.AnnAssign, nodes.AugAssign, nodes.NamedExpr)) \
                    and node.value is not None:
                targets = node.targets if isinstance(node, nodes.Assign) else [node.target]
                assignments.append((set().union(*(bound_names(t) for t in targets)), names_in(node.value)))
            elif isinstance(node, (nodes.For, nodes.AsyncFor)):
                assignments.append((bound_names(node.target), names_in(node.iter)))
            elif isinstance(node, (nodes.With, nodes.AsyncWith)):
                for item, target in node.items:
                    if target is not None:
                        assignments.append((bound_names(target), names_in(item)))
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
                    found |= bound_names(target)
    return found


def per_iteration_loop(node: nodes.NodeNG, ctx) -> nodes.NodeNG | None:
    """The innermost loop around ``node`` whose iterations change what
    ``node`` does (it reads a name that changes per iteration), unless the
    loop is a pagination or retry loop stopped by the result; None when the
    node runs the same way every time or is not in a loop."""
    used = names_in(node) | _statement_names(node)
    for loop in ctx.loops_around(node):
        if used & iteration_names(loop):
            if _stops_on_result(loop, node) or _once_per_key(loop, node):
                return None
            return loop
    return None


#: Methods whose items are a mapping's keys (or key/value pairs), each once.
_KEYED_ITERATION = frozenset({"items", "keys"})


def _once_per_key(loop: nodes.NodeNG, node: nodes.NodeNG) -> bool:
    """``for key, value in data.items(): if key == "owners": ...``: what
    runs under a test of the mapping's key against a constant runs for one
    key, once per loop, not once per item."""
    if not isinstance(loop, (nodes.For, nodes.AsyncFor)):
        return False
    iterable = loop.iter
    if not (isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Attribute)
            and iterable.func.attrname in _KEYED_ITERATION and not iterable.args):
        return False
    target = loop.target.elts[0] if isinstance(loop.target, nodes.Tuple) and loop.target.elts else loop.target
    if not isinstance(target, nodes.AssignName):
        return False
    for ancestor, child in infer.enclosing(node):
        if ancestor is loop:
            return False
        if isinstance(ancestor, nodes.If) and child in ancestor.body and _tests_key(ancestor.test, target.name):
            return True
    return False


def _tests_key(test: nodes.NodeNG, key: str) -> bool:
    """``key == "owners"`` or ``"owners" == key``."""
    if not (isinstance(test, nodes.Compare) and len(test.ops) == 1):
        return False
    operator, right = test.ops[0]
    sides = [test.left, right]
    if operator == "==":
        return any(isinstance(a, nodes.Name) and a.name == key for a in sides) \
            and any(isinstance(b, nodes.Const) for b in sides)
    return False


def _statement_names(node: nodes.NodeNG) -> set[str]:
    """Names the statement a call runs is built from, through local names
    (``stmt = select(M).where(M.id == item.id)``), also a query built in
    steps and run by a method of its name (``q = M.query.filter_by(..)``; ``q.all()``)."""
    found: set[str] = set()
    if isinstance(node, nodes.Call):
        if isinstance(node.func, nodes.Attribute) and isinstance(node.func.expr, nodes.Name):
            for part in chain_calls(node):
                found |= names_in(part)
        for arg in node.args:
            if isinstance(arg, nodes.Name):
                for value in assigned_values(arg):
                    found |= names_in(value)
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
        results = set().union(*(bound_names(t) for t in targets))
    for stop in [*loop.nodes_of_class(nodes.Break), *loop.nodes_of_class(nodes.Return)]:
        if inside(node, stop):
            return True  # ``return session.execute(...)``: a retry loop ends on success
        guard = stop.parent
        while guard is not None and guard is not loop and not isinstance(guard, nodes.If):
            guard = guard.parent
        if isinstance(guard, nodes.If) and (inside(node, guard.test) or names_in(guard.test) & results
                                            or _depends_through(guard.test, results, loop)):
            return True
    return False


def _depends_through(test: nodes.NodeNG, results: set[str], loop: nodes.NodeNG) -> bool:
    names = names_in(test)
    for assign in loop.nodes_of_class(nodes.Assign):
        targets = set().union(*(bound_names(t) for t in assign.targets))
        if targets & names and names_in(assign.value) & results:
            return True
    return False


def small_iterable(loop: nodes.NodeNG) -> bool:
    """Whether a loop provably runs at most 10 times: a literal of at most
    10 elements, ``range(n)`` with n <= 10, or a name bound to one."""
    if isinstance(loop, (nodes.For, nodes.AsyncFor)):
        return small_collection(loop.iter)
    if isinstance(loop, COMPREHENSIONS):
        return small_collection(loop.generators[0].iter)
    return False


#: Builtins that call a function once per item of an iterable: (function
#: argument, iterable argument), a keyword name for the function.
PER_ITEM_CALLERS = {"sorted": ("key", 0), "min": ("key", 0), "max": ("key", 0),
                    "map": (0, 1), "filter": (0, 1), "itertools.groupby": ("key", 0)}


def per_item_lambda(name: nodes.Name) -> tuple[nodes.Lambda, nodes.NodeNG] | None:
    """(the lambda, the iterable) when ``name`` is the one parameter of a
    lambda that a builtin calls once per item: ``sorted(rows, key=lambda r:
    r.version)``, ``rows.sort(key=...)``, ``map(lambda r: ..., rows)``."""
    if not isinstance(name.scope(), nodes.Lambda):
        return None  # the common case, answered without looking the name up
    assignments = bindings_of(name)
    parameter = assignments[0] if len(assignments) == 1 else None
    function = parameter.parent.parent if parameter is not None and isinstance(parameter.parent, nodes.Arguments) \
        else None
    if not isinstance(function, nodes.Lambda) or len(function.args.args) != 1 or function.args.vararg:
        return None
    call = function.parent.parent if isinstance(function.parent, nodes.Keyword) else function.parent
    if not isinstance(call, nodes.Call):
        return None
    if isinstance(call.func, nodes.Attribute) and call.func.attrname == "sort" \
            and keyword_arg(call, "key") is function:
        return function, call.func.expr  # rows.sort(key=lambda r: ...)
    found = infer.resolve_callee(call.func)
    spec = PER_ITEM_CALLERS.get((found.qualname if found else "").removeprefix("builtins."))
    if spec is None:
        return None
    where, position = spec
    given = keyword_arg(call, where) if isinstance(where, str) else (
        call.args[where] if len(call.args) > where else None)
    return (function, call.args[position]) if given is function and len(call.args) > position else None


def small_collection(iterable: nodes.NodeNG) -> bool:
    """Whether an iterable provably holds at most 10 items (see
    :func:`small_iterable`)."""
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
    found = iteration_bound(iterable) if isinstance(iterable, nodes.NodeNG) else None
    return found is not None and found <= 10


def iteration_bound(iterable: nodes.NodeNG) -> int | None:
    """How many items iterating ``iterable`` provably yields at most: a
    literal, ``range`` of constants, a slice with constant bounds
    (``rows[:10]``), ``enumerate``/``reversed``/``sorted`` of those, ``zip``
    (its shortest), ``itertools.islice(x, n)``; None when not provable."""
    if isinstance(iterable, (nodes.List, nodes.Tuple, nodes.Set)):
        if any(isinstance(e, nodes.Starred) for e in iterable.elts):
            return None
        return len(iterable.elts)
    if isinstance(iterable, nodes.Dict):
        return len(iterable.items)
    if isinstance(iterable, nodes.Const) and isinstance(iterable.value, (str, bytes)):
        return len(iterable.value)
    if isinstance(iterable, nodes.Subscript) and isinstance(iterable.slice, nodes.Slice):
        return _slice_length(iterable.slice)
    if not isinstance(iterable, nodes.Call) or not iterable.args or iterable.keywords:
        return None
    name = iterable.func.as_string() if isinstance(iterable.func, (nodes.Name, nodes.Attribute)) else ""
    if name in {"enumerate", "reversed", "sorted", "list", "tuple"}:
        return iteration_bound(iterable.args[0])
    if name == "zip":
        bounds = [b for b in (iteration_bound(a) for a in iterable.args) if b is not None]
        return min(bounds) if bounds else None
    if name in {"islice", "itertools.islice"} and len(iterable.args) == 2:
        limit = iterable.args[1]
        return limit.value if isinstance(limit, nodes.Const) and type(limit.value) is int else None
    if name == "range":
        values = [a.value for a in iterable.args if isinstance(a, nodes.Const) and type(a.value) is int]
        if len(values) != len(iterable.args) or len(values) > 3 or (len(values) == 3 and not values[2]):
            return None
        return len(range(*values))
    return None


def _slice_length(part: nodes.Slice) -> int | None:
    """``[:10]``, ``[2:12]``: the most items the slice keeps, with constant
    non-negative bounds and no step."""
    if part.step is not None or not (isinstance(part.upper, nodes.Const) and type(part.upper.value) is int):
        return None
    lower = part.lower
    start = 0 if lower is None else lower.value if isinstance(lower, nodes.Const) and type(lower.value) is int \
        else None
    if start is None or start < 0 or part.upper.value < 0:
        return None
    return max(0, part.upper.value - start)


def loop_label(loop: nodes.NodeNG) -> str:
    """How a message names the collection a loop walks."""
    if isinstance(loop, (nodes.For, nodes.AsyncFor)):
        return short(loop.iter, 40)
    if isinstance(loop, COMPREHENSIONS):
        return short(loop.generators[0].iter, 40)
    if isinstance(loop, nodes.While):
        return short(loop.test, 40)
    return "the loop"


def short(expr: nodes.NodeNG, limit: int = 60) -> str:
    """An expression as written, on one line, shortened for a message."""
    text = expr.as_string().replace("\n", " ")
    return text if len(text) <= limit else text[:limit - 3] + "..."




def opens_session_per_iteration(call: nodes.Call, loop: nodes.NodeNG, ctx) -> bool:
    """Whether the session or connection ``call`` runs on (its receiver, or
    a session it is handed) is opened inside ``loop`` (``for tenant in
    tenants: with open_session(tenant) as s:``): one session per tenant,
    shard or schema, not one query per item of a collection."""
    receiver = chain_root(call)
    while isinstance(receiver, nodes.Call) and isinstance(receiver.func, nodes.Attribute):
        receiver = receiver.func.expr
    receiver = receiver.value if isinstance(receiver, nodes.Await) else receiver
    candidates = [receiver] + [arg for arg in call.args if isinstance(arg, nodes.Name)
                               and _is_session(arg, ctx)]
    return any(isinstance(name, nodes.Name) and _opened_inside(name, loop) for name in candidates)


def callee_opens_session(call: nodes.Call, chain: list[str], ctx) -> bool:
    """Whether a project function called per item (``chain``: it first, the
    one that queries last) opens a session of its own for what it is given
    on the way to the query (``with get_tenant_session(slug) as s:``) and
    is handed none: one session per tenant, not one query per item of a
    collection (a plain ``with open_session() as s:`` per item is that)."""
    if any(isinstance(arg, nodes.Name) and _is_session(arg, ctx)
           for arg in [*call.args, *(k.value for k in call.keywords or ())]):
        return False
    for qualname in chain:
        function = infer.lookup_method(qualname)
        if not isinstance(function, nodes.FunctionDef):
            return False
        for block in infer.own_nodes(function, (nodes.With, nodes.AsyncWith)):
            if any(isinstance(target, nodes.AssignName) and _opens_session(expr, target, ctx)
                   and _given_a_parameter(expr, function) for expr, target in block.items):
                return True
    return False


def _opens_session(expr: nodes.NodeNG, target: nodes.AssignName, ctx) -> bool:
    typed = ctx.type_of(target) or held_session(target, ctx)
    if typed is not None and typed.qualname.rpartition(".")[2] in SESSION_TYPES:
        return True
    callee = expr.func if isinstance(expr, nodes.Call) else None
    name = callee.attrname if isinstance(callee, nodes.Attribute) else getattr(callee, "name", "")
    return "session" in name.lower() and ".begin" not in expr.as_string()


def _given_a_parameter(expr: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    params = {a.name for a in function.args.arguments} - {"self", "cls"}
    return isinstance(expr, nodes.Call) and any(
        isinstance(arg, nodes.Name) and arg.name in params
        for arg in [*expr.args, *(k.value for k in expr.keywords or ())])


SESSION_TYPES = frozenset({"Session", "AsyncSession", "Connection", "AsyncConnection", "scoped_session"})


def _is_session(name: nodes.Name, ctx) -> bool:
    typed = ctx.type_of(name) or held_session(name, ctx)
    return typed is not None and typed.qualname.rpartition(".")[2] in SESSION_TYPES


def _opened_inside(name: nodes.Name, loop: nodes.NodeNG) -> bool:
    try:
        _, assignments = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return False
    for assign in assignments:
        parent = assign.parent
        opened = isinstance(parent, (nodes.With, nodes.AsyncWith)) or (
            isinstance(parent, (nodes.Assign, nodes.AnnAssign))
            and isinstance(parent.value, (nodes.Call, nodes.Await)) and not _builds_query(parent.value))
        if opened and inside(assign, loop):
            return True
    return False


def _builds_query(value: nodes.NodeNG) -> bool:
    """``M.query.filter_by(...)``: a query built in steps, not a session."""
    return isinstance(value, nodes.Call) and isinstance(value.func, nodes.Attribute) \
        and value.func.attrname in QUERY_BUILDERS


def query_follows_arguments(call: nodes.Call, changing: set[str], chain: list[str],
                            query_lines: tuple[int, ...], lazy_receivers: frozenset[str] = frozenset(),
                            proven: bool = False) -> bool:
    """Whether the query at the end of a chain of project functions
    (``chain``: the callee of ``call`` first, the function that queries at
    ``query_lines``, or reads a lazy relationship of its parameters
    ``lazy_receivers``, last) is built from what changes per iteration
    (``changing``): followed argument by argument, parameter by parameter.
    A chain that cannot be followed counts as dependent, unless
    ``proven`` asks for the dependence to be shown all the way."""
    tainted = None
    for index, qualname in enumerate(chain):
        function = infer.lookup_method(qualname)
        if not isinstance(function, nodes.FunctionDef):
            return not proven
        tainted = _tainted_parameters(call, function, changing)
        if not tainted:
            return False
        changing = derived_names(function.body, tainted)
        if index == len(chain) - 1:
            return any(names_in(query) & changing for query in infer.own_nodes(function, nodes.Call)
                       if query.lineno in query_lines) or bool(lazy_receivers & changing)
        method = chain[index + 1].rpartition(".")[2]
        onward = [c for c in infer.own_nodes(function, nodes.Call)
                  if (getattr(c.func, "attrname", None) or getattr(c.func, "name", None)) == method]
        if not onward:
            return not proven  # reached through a property read or an inherited name: not followed
        call = next((c for c in onward if names_in(c) & changing), onward[0])
    return True


def _tainted_parameters(call: nodes.Call, function: nodes.FunctionDef, changing: set[str]) -> set[str]:
    """The parameters of ``function`` that receive a changing value at ``call``."""
    params = [a.name for a in function.args.posonlyargs + function.args.args]
    tainted = set()
    bound_self = params[:1] in (["self"], ["cls"]) and isinstance(call.func, nodes.Attribute)
    if bound_self:
        if names_in(call.func.expr) & changing:
            tainted.add(params[0])
        params = params[1:]
    for index, arg in enumerate(call.args):
        if isinstance(arg, nodes.Starred):
            return tainted | set(params[index:]) if names_in(arg) & changing else tainted
        if index < len(params) and names_in(arg) & changing:
            tainted.add(params[index])
    for keyword in call.keywords or ():
        if names_in(keyword.value) & changing:
            if keyword.arg is None:
                tainted |= set(params)
            else:
                tainted.add(keyword.arg)
    return tainted


#: Words that name batches of rows: one statement per batch is the fix, not the defect.
BATCH_WORDS = ("batch", "chunk", "partition")


def over_batches(loop: nodes.NodeNG) -> bool:
    """``for batch in queryset_in_batches(qs)``, ``for ids in chunks(...)``,
    ``for row in page`` (a page of results), ``for start in range(0, n,
    batch_size)`` (a range that steps over chunks)."""
    iterable = getattr(loop, "iter", None)
    target = getattr(loop, "target", None)
    text = " ".join(n.as_string() for n in (iterable, target) if n is not None).lower()
    return any(word in text for word in BATCH_WORDS) or (
        iterable is not None and "page" in re.split(r"\W+", iterable.as_string().lower())) or _stepped_range(iterable)


def _stepped_range(iterable: nodes.NodeNG | None) -> bool:
    return isinstance(iterable, nodes.Call) and isinstance(iterable.func, nodes.Name) \
        and iterable.func.name == "range" and len(iterable.args) == 3 \
        and not (isinstance(iterable.args[2], nodes.Const) and iterable.args[2].value in (1, -1))

