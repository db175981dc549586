"""## What it does
Checks for a copy of a list, dict or set that is only read: `y = list(x)`,
`x.copy()`, `dict(x)`, `set(x)`, `x[:]`, `copy.copy(x)`, `copy.deepcopy(x)`
where `x` already is that kind of container, neither the copy nor the
original is changed while the copy is in use, and the copy is not handed to
code that may change it. Iterating over a copy (`for item in list(items)`)
of a container the loop does not change is reported too.

## Why is this bad?
Every copy allocates and fills a new container (a deep copy walks the whole
structure) and buys nothing when nobody changes either side.

## Example
```python
def total(prices: list[float]) -> float:
    snapshot = list(prices)
    return sum(snapshot)
```

## Use instead
```python
def total(prices: list[float]) -> float:
    return sum(prices)
```

Not reported: copies that are changed (`y = x.copy(); y.append(...)`),
copies taken before the original changes, copies returned or passed on
(a defensive copy of `self.items` handed to a caller), and materialising
an iterator or view (`list(gen)`, `list(d.items())`), which is no copy.

## Severity
LOW; MEDIUM inside a loop.

## References
- [copy: shallow and deep copy operations](https://docs.python.org/3/library/copy.html)
- [ruff PERF101 unnecessary-list-cast](https://docs.astral.sh/ruff/rules/unnecessary-list-cast/)
"""

from __future__ import annotations

from astroid import nodes

from persistlint.context.infer import own_nodes, param_annotation
from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule

_CONTAINERS = {"builtins.list": "list", "builtins.dict": "dict", "builtins.set": "set"}
_ANNOTATED = {"list": "list", "List": "list", "dict": "dict", "Dict": "dict", "set": "set", "Set": "set"}
_COPY_FUNCTIONS = frozenset({"copy.copy", "copy.deepcopy"})

#: Methods that read a container without changing it.
_READING_METHODS = frozenset({"count", "index", "get", "keys", "values", "items", "copy",
                              "issubset", "issuperset", "isdisjoint", "union", "intersection",
                              "difference", "symmetric_difference", "__contains__", "__len__"})
#: Builtins that only read their argument.
_READING_FUNCTIONS = frozenset({
    "builtins.len", "builtins.sorted", "builtins.sum", "builtins.min", "builtins.max",
    "builtins.any", "builtins.all", "builtins.enumerate", "builtins.zip", "builtins.iter",
    "builtins.print", "builtins.str", "builtins.repr", "builtins.bool", "builtins.tuple",
    "builtins.frozenset", "builtins.isinstance", "builtins.reversed", "builtins.map",
    "builtins.filter", "builtins.list", "builtins.dict", "builtins.set", "json.dumps",
    "copy.copy", "copy.deepcopy",
})
_TRUTH_PARENTS = (nodes.Compare, nodes.BoolOp, nodes.UnaryOp, nodes.FormattedValue, nodes.If,
                  nodes.While, nodes.IfExp, nodes.Assert)


@rule("PR306", "redundant-data-copy", effort=Effort.S, nodes=(nodes.Call, nodes.Subscript),
      principle="Copy data only to protect it from a change; read the original otherwise.")
def check(node: nodes.Call | nodes.Subscript, ctx):
    copied = _copied(node, ctx)
    if copied is None:
        return
    source, kind = copied
    function = ctx.function_of(node)
    if not isinstance(function, nodes.FunctionDef) or not _is_trackable(source):
        return
    parent = node.parent
    deep = isinstance(node, nodes.Call) and ctx.qualname(node) == "copy.deepcopy"
    if isinstance(parent, nodes.Assign) and parent.value is node and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], nodes.AssignName):
        name = parent.targets[0].name
        if not _copy_only_read(name, function, ctx):
            return
        region = [n for n in own_nodes(function, (nodes.NodeNG,)) if (n.lineno or 0) > (parent.lineno or 0)]
        copies = {name}
        used_as = f"{name} is only read"
    elif isinstance(parent, (nodes.For, nodes.AsyncFor)) and parent.iter is node:
        region = [n for statement in parent.body for n in statement.nodes_of_class(nodes.NodeNG)]
        copies = {n.name for n in parent.target.nodes_of_class(nodes.AssignName)}
        used_as = "the loop does not change it"
    else:
        return
    if deep and _changes_inside(copies, region):
        return  # a deep copy protects the nested data that is changed
    if _changed_in(source, region, ctx):
        return
    severity = Severity.MEDIUM if ctx.in_loop(node) else Severity.LOW
    yield Finding.at(
        node, severity,
        f"Redundant copy: {node.as_string()} copies a {kind} and {used_as}"
        + (" (inside a loop)" if severity is Severity.MEDIUM else ""),
        f"use {source.as_string()} directly")


def _copied(node, ctx) -> tuple[nodes.NodeNG, str] | None:
    """``(x, kind)`` when ``node`` copies container ``x`` of the same kind."""
    if isinstance(node, nodes.Subscript):
        whole = isinstance(node.slice, nodes.Slice) and node.slice.lower is None \
            and node.slice.upper is None and node.slice.step is None
        if whole and node.ctx is not None and node.ctx.name == "Load" \
                and _kind(node.value, ctx) == "list":
            return node.value, "list"
        return None
    if node.keywords:
        return None
    if isinstance(node.func, nodes.Attribute) and node.func.attrname == "copy" and not node.args:
        kind = _kind(node.func.expr, ctx)
        return (node.func.expr, kind) if kind else None
    found = ctx.resolve(node)
    if found is None:
        return None
    if found.qualname in _CONTAINERS and len(node.args) == 1:
        kind = _kind(node.args[0], ctx)
        return (node.args[0], kind) if kind == _CONTAINERS[found.qualname] else None
    if found.qualname in _COPY_FUNCTIONS and len(node.args) == 1:
        kind = _kind(node.args[0], ctx)
        return (node.args[0], kind) if kind else None
    return None


def _kind(expr: nodes.NodeNG, ctx) -> str | None:
    found = ctx.type_of(expr)
    if found is not None and found.qualname in _CONTAINERS:
        return _CONTAINERS[found.qualname]
    if isinstance(expr, nodes.Name):
        try:
            _, bindings = expr.lookup(expr.name)
        except Exception:  # noqa: BLE001 - astroid lookup on odd code
            return None
        if len(bindings) == 1 and isinstance(bindings[0].parent, nodes.Arguments):
            return _annotated_kind(param_annotation(bindings[0]))
    return None


def _annotated_kind(annotation: nodes.NodeNG | None) -> str | None:
    if isinstance(annotation, nodes.Subscript):
        annotation = annotation.value
    if isinstance(annotation, nodes.Attribute):
        return _ANNOTATED.get(annotation.attrname)
    if isinstance(annotation, nodes.Name):
        return _ANNOTATED.get(annotation.name)
    return None


def _is_trackable(source: nodes.NodeNG) -> bool:
    """A local name, or an attribute chain on one (``self.items``)."""
    while isinstance(source, nodes.Attribute):
        source = source.expr
    return isinstance(source, nodes.Name)


def _root(expr: nodes.NodeNG) -> nodes.NodeNG:
    while isinstance(expr, nodes.Attribute):
        expr = expr.expr
    return expr


def _copy_only_read(name: str, function: nodes.FunctionDef, ctx) -> bool:
    bindings = [n for n in own_nodes(function, (nodes.AssignName,)) if n.name == name]
    if len(bindings) != 1:
        return False  # rebound, or changed with +=
    uses = [n for n in own_nodes(function, (nodes.Name,)) if n.name == name]
    nested = [n for n in function.nodes_of_class(nodes.Name) if n.name == name and n not in uses]
    return not nested and all(_reads_only(use, ctx) for use in uses)


def _reads_only(use: nodes.NodeNG, ctx) -> bool:
    """Whether this use of a container leaves it unchanged and keeps it here."""
    parent = use.parent
    if isinstance(parent, nodes.Subscript) and parent.value is use:
        return parent.ctx is not None and parent.ctx.name == "Load"
    if isinstance(parent, nodes.Attribute) and parent.expr is use:
        return parent.attrname in _READING_METHODS and isinstance(parent.parent, nodes.Call)
    if isinstance(parent, nodes.Call) and use in parent.args:
        found = ctx.resolve(parent)
        return found is not None and found.qualname in _READING_FUNCTIONS
    if isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) and parent.iter is use:
        return True
    return isinstance(parent, _TRUTH_PARENTS)


def _changed_in(source: nodes.NodeNG, region: list[nodes.NodeNG], ctx) -> bool:
    """Whether ``source`` may change within ``region``: a use that is not a
    read, a ``+=`` on it, or (for ``self.items``) any method call on its root."""
    text = source.as_string()
    root = _root(source)
    for node in region:
        if isinstance(node, nodes.AssignName) and node.name == text \
                and isinstance(node.parent, nodes.AugAssign):
            return True
        if isinstance(node, (nodes.AssignAttr, nodes.DelAttr)) and node.as_string().startswith(text):
            return True
        if isinstance(node, (nodes.Name, nodes.Attribute)) and node.as_string() == text \
                and not _reads_only(node, ctx):
            return True
        if root is not source and isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                and node.func.expr.as_string() == root.as_string():
            return True  # a method of the owner may change the attribute
    return False


_CHANGING_METHODS = frozenset({"append", "extend", "insert", "remove", "pop", "clear", "sort", "reverse",
                               "update", "add", "discard", "setdefault", "popitem", "__setitem__"})


def _changes_inside(names: set[str], region: list[nodes.NodeNG]) -> bool:
    """Whether data reached from ``names`` is changed in ``region``:
    ``y[0]["k"] = v``, ``item.attr = v``, ``y["k"].append(v)``, also
    through a loop over them (``for row in y: row["k"] = v``)."""
    names = _with_loop_targets(names, region)
    for node in region:
        if isinstance(node, (nodes.AssignAttr, nodes.DelAttr)):
            target = node.expr
        elif isinstance(node, nodes.Subscript) and node.ctx is not None and node.ctx.name in {"Store", "Del"}:
            target = node.value
        elif isinstance(node, nodes.Call) and isinstance(node.func, nodes.Attribute) \
                and node.func.attrname in _CHANGING_METHODS:
            target = node.func.expr
        else:
            continue
        target = _base_name(target)
        if isinstance(target, nodes.Name) and target.name in names:
            return True
    return False


def _base_name(expr: nodes.NodeNG) -> nodes.NodeNG:
    """``y`` of ``y[0].rows.values()``."""
    while isinstance(expr, (nodes.Attribute, nodes.Subscript, nodes.Call)):
        expr = expr.func if isinstance(expr, nodes.Call) else (
            expr.expr if isinstance(expr, nodes.Attribute) else expr.value)
    return expr


def _with_loop_targets(names: set[str], region: list[nodes.NodeNG]) -> set[str]:
    """``names`` and the targets of the loops (and comprehensions) in
    ``region`` that walk data reached from them, to a fixed point: the
    elements of a deep copy are copies too."""
    names = set(names)
    loops = [n for n in region if isinstance(n, (nodes.For, nodes.AsyncFor, nodes.Comprehension))]
    while True:
        more = {target.name for loop in loops
                if isinstance(base := _base_name(loop.iter), nodes.Name) and base.name in names
                for target in loop.target.nodes_of_class(nodes.AssignName)} - names
        if not more:
            return names
        names |= more
