"""## What it does
Checks for a string built with `+=`, `s = s + ...` or, prepending,
`s = ... + s` inside a `for` or `while` loop, where the string is defined
before the loop. The message names the form.

## Why is this bad?
Strings are immutable: each `+=` may copy everything built so far, so
building a string of n parts costs O(n²). CPython sometimes resizes in place,
but not when another reference to the string exists, and other interpreters
never do.

## Example
```python
def render(rows):
    html = ""
    for row in rows:
        html += f"<tr><td>{row}</td></tr>"
    return html
```

## Use instead
```python
def render(rows):
    parts = []
    for row in rows:
        parts.append(f"<tr><td>{row}</td></tr>")
    return "".join(parts)
```

A string reset inside the loop, numbers or lists built with `+=`, and
loops that provably run at most 20 times (a literal, `range(n)` with
n <= 20, a slice such as `rows[:10]`, `zip` with such a loop, a digit
loop `while n: n, r = divmod(n, base)` in base 10 or more: one iteration
per digit of a 64-bit integer) are not reported: a handful of copies costs
less than the list and the join.

## Severity
MEDIUM, or LOW when the loop provably runs fewer than 100 times.

## References
- [Python FAQ: the most efficient way to concatenate many strings](https://docs.python.org/3/faq/programming.html#what-is-the-most-efficient-way-to-concatenate-many-strings-together)
- [str.join](https://docs.python.org/3/library/stdtypes.html#str.join)
"""

from __future__ import annotations

import math

from astroid import nodes

from persistlint.context import inside
from persistlint.context.bindings import single_assigned_value
from persistlint.context.infer import infer_one, param_annotation
from persistlint.context.loops import iteration_bound
from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule

SMALL_LOOP = 100
#: at most this many iterations: not worth reporting (RULES.md PR304)
TINY_LOOP = 20
_STATEMENT_LOOPS = (nodes.For, nodes.AsyncFor, nodes.While)


@rule("PR304", "string-concat-in-loop", effort=Effort.S, nodes=(nodes.AugAssign, nodes.Assign),
      principle="Build strings from parts: collect them and join once.")
def check(node: nodes.AugAssign | nodes.Assign, ctx):
    target = _concatenated_name(node)
    if target is None:
        return
    loops = [loop for loop in ctx.loops_around(node) if isinstance(loop, _STATEMENT_LOOPS)]
    if not loops:
        return
    definition = _string_definition_before(target, loops[0])
    if definition is None:
        return
    outside = [loop for loop in loops if not inside(definition, loop)]
    sites = _concatenations(target.name, outside[-1])
    if sites and sites[0] is not node:
        return  # one finding per string and loop, at its first concatenation
    iterations = _iterations(outside)
    if iterations is not None and iterations <= TINY_LOOP:
        return
    small = iterations is not None and iterations < SMALL_LOOP
    more = f" (and {len(sites) - 1} more concatenations in this loop)" if len(sites) > 1 else ""
    yield Finding.at(
        node, Severity.LOW if small else Severity.MEDIUM,
        f"String built in a loop ({_form(node, target.name)}): {target.name} is copied on every "
        "iteration (quadratic)" + (f"; at most {iterations} iterations" if small else "") + more,
        "collect the parts in a list and \"\".join(...) them after the loop, or write to io.StringIO")


def _concatenations(name: str, loop: nodes.NodeNG) -> list[nodes.NodeNG]:
    """The concatenations to ``name`` in ``loop``, in source order."""
    found = [n for n in loop.nodes_of_class((nodes.AugAssign, nodes.Assign))
             if (target := _concatenated_name(n)) is not None and target.name == name]
    return sorted(found, key=lambda n: (n.lineno or 0, n.col_offset or 0))


def _form(node: nodes.AugAssign | nodes.Assign, name: str) -> str:
    """How the string grows: ``x += ...``, ``x = x + ...``, or prepending."""
    if isinstance(node, nodes.AugAssign):
        return f"{name} += ..."
    right = node.value.right
    if isinstance(right, nodes.Name) and right.name == name:
        return f"{name} = ... + {name} (prepending)"
    return f"{name} = {name} + ..."


def _concatenated_name(node) -> nodes.AssignName | None:
    """The name ``x`` of ``x += ...`` or ``x = x + ...``/``x = ... + x``."""
    if isinstance(node, nodes.AugAssign):
        if node.op == "+=" and isinstance(node.target, nodes.AssignName):
            return node.target
        return None
    if len(node.targets) != 1 or not isinstance(node.targets[0], nodes.AssignName):
        return None
    target, value = node.targets[0], node.value
    if isinstance(value, nodes.BinOp) and value.op == "+" and any(
            isinstance(side, nodes.Name) and side.name == target.name for side in (value.left, value.right)):
        return target
    return None


def _string_definition_before(target: nodes.AssignName, loop: nodes.NodeNG) -> nodes.NodeNG | None:
    """The binding of ``target`` that reaches the loop, when every binding
    outside the loop makes a str and at least one precedes the loop."""
    try:
        _, bindings = target.lookup(target.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return None
    outside = [b for b in bindings if not inside(b, loop)]
    if not outside or not all(_binds_str(b) for b in outside):
        return None
    before = [b for b in outside if (b.lineno or 0) < (loop.lineno or 0)]
    return before[-1] if before else None


def _binds_str(binding: nodes.NodeNG, depth: int = 0) -> bool:
    parent = binding.parent
    if isinstance(parent, nodes.Arguments):
        return _annotation_is_str(param_annotation(binding))
    if isinstance(parent, nodes.AnnAssign):
        return _annotation_is_str(parent.annotation)
    if isinstance(parent, nodes.Assign):
        return _is_str_value(parent.value)
    if isinstance(parent, nodes.AugAssign) and depth < 8:
        # ``x += ...`` keeps the type x had: astroid's lookup hides the
        # bindings before it (``x = []``, ``index: int``), so judge those.
        try:
            _, earlier = binding.lookup(binding.name)
        except Exception:  # noqa: BLE001 - astroid lookup on odd code
            return False
        earlier = [b for b in earlier if b is not binding and (b.lineno or 0) < (binding.lineno or 0)]
        return bool(earlier) and all(_binds_str(b, depth + 1) for b in earlier)
    return False


def _is_str_value(value: nodes.NodeNG) -> bool:
    if isinstance(value, nodes.JoinedStr):
        return True
    if isinstance(value, nodes.Const):
        return isinstance(value.value, str)
    if isinstance(value, nodes.BinOp) and value.op in {"+", "%"}:
        return _is_str_value(value.left)
    inferred = infer_one(value)
    return isinstance(inferred, nodes.Const) and isinstance(inferred.value, str)


def _annotation_is_str(annotation: nodes.NodeNG | None) -> bool:
    return isinstance(annotation, nodes.Name) and annotation.name == "str"


def _iterations(loops: list[nodes.NodeNG]) -> int | None:
    """How many times the innermost body runs, when every loop is bounded."""
    counts = [_loop_bound(loop) for loop in loops]
    if not counts or any(count is None for count in counts):
        return None
    return math.prod(counts)


def _loop_bound(loop: nodes.NodeNG) -> int | None:
    if isinstance(loop, nodes.While):
        return _digit_count(loop)
    if not isinstance(loop, (nodes.For, nodes.AsyncFor)):
        return None
    found = iteration_bound(loop.iter)
    return found if found is not None else _guarded_length(loop)


#: The integers a digit loop converts (ids, checksums, counters) fit 64 bits.
_INTEGER_BITS = 64


def _digit_count(loop: nodes.While) -> int | None:
    """``while n: n, r = divmod(n, base)`` (or ``n //= base``, ``n = n //
    base``, ``n >>= bits``): a loop that writes the digits of an integer runs
    once per digit, at most ``ceil(64 / log2(base))`` times for a 64-bit
    value (20 in base 10, 14 in base 26): the bound the code makes explicit."""
    test = loop.test
    if isinstance(test, nodes.Compare) and len(test.ops) == 1 and test.ops[0][0] in {">", "!="} \
            and isinstance(test.ops[0][1], nodes.Const) and test.ops[0][1].value == 0:
        test = test.left
    if not isinstance(test, nodes.Name):
        return None
    bases = [_divisor(statement, test.name) for statement in loop.body]
    base = next((b for b in bases if b is not None), None)
    if base is None or base < 2:
        return None
    return math.ceil(_INTEGER_BITS / math.log2(base))


def _divisor(statement: nodes.NodeNG, name: str) -> int | None:
    """The base ``statement`` divides the integer ``name`` by, if it does."""
    if isinstance(statement, nodes.AugAssign) and isinstance(statement.target, nodes.AssignName) \
            and statement.target.name == name:
        amount = _integer(statement.value)
        if statement.op == "//=":
            return amount
        return 2 ** amount if statement.op == ">>=" and amount is not None and amount < 64 else None
    if not isinstance(statement, nodes.Assign) or len(statement.targets) != 1:
        return None
    target, value = statement.targets[0], statement.value
    if isinstance(target, nodes.AssignName) and target.name == name and isinstance(value, nodes.BinOp) \
            and value.op == "//" and isinstance(value.left, nodes.Name) and value.left.name == name:
        return _integer(value.right)
    if isinstance(target, nodes.Tuple) and target.elts and isinstance(target.elts[0], nodes.AssignName) \
            and target.elts[0].name == name and isinstance(value, nodes.Call) \
            and isinstance(value.func, nodes.Name) and value.func.name == "divmod" and len(value.args) == 2 \
            and isinstance(value.args[0], nodes.Name) and value.args[0].name == name:
        return _integer(value.args[1])
    return None


def _integer(expr: nodes.NodeNG) -> int | None:
    """An int literal, a name bound once to one, or ``len()`` of a string
    literal (``base = len(ALPHABET)``)."""
    if isinstance(expr, nodes.Name):
        expr = single_assigned_value(expr) or expr
    if isinstance(expr, nodes.Const) and type(expr.value) is int:
        return expr.value
    if isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Name) and expr.func.name == "len" \
            and len(expr.args) == 1:
        text = expr.args[0]
        if isinstance(text, nodes.Name):
            text = single_assigned_value(text) or text
        if isinstance(text, nodes.Const) and isinstance(text.value, str):
            return len(text.value)
    return None


def _guarded_length(loop: nodes.For) -> int | None:
    """``if len(name) > 15: return ...`` before ``for c in name[3:]:``: the
    bound the code makes explicit (12 here) by leaving early on longer
    input."""
    iterable, offset = loop.iter, 0
    if isinstance(iterable, nodes.Name):
        iterable = single_assigned_value(iterable) or iterable
    if isinstance(iterable, nodes.Subscript) and isinstance(iterable.slice, nodes.Slice) \
            and iterable.slice.upper is None and iterable.slice.step is None:
        lower = iterable.slice.lower
        if not (isinstance(lower, nodes.Const) and type(lower.value) is int and lower.value >= 0):
            return None
        iterable, offset = iterable.value, lower.value
    if not isinstance(iterable, nodes.Name):
        return None
    statement, scope = loop, loop.scope()
    while statement.parent is not scope and statement.parent is not None:
        statement = statement.parent
    for earlier in getattr(scope, "body", []):
        if earlier is statement:
            break
        limit = _length_limit(earlier, iterable.name)
        if limit is not None:
            return max(0, limit - offset)
    return None


def _length_limit(statement: nodes.NodeNG, name: str) -> int | None:
    """``if len(name) > N: return``/``raise``: the longest ``name`` gets past it."""
    if not (isinstance(statement, nodes.If) and statement.body
            and isinstance(statement.body[-1], (nodes.Return, nodes.Raise))):
        return None
    test = statement.test
    if not (isinstance(test, nodes.Compare) and len(test.ops) == 1 and isinstance(test.left, nodes.Call)
            and isinstance(test.left.func, nodes.Name) and test.left.func.name == "len"
            and len(test.left.args) == 1 and isinstance(test.left.args[0], nodes.Name)
            and test.left.args[0].name == name):
        return None
    operator, limit = test.ops[0]
    if not (isinstance(limit, nodes.Const) and type(limit.value) is int):
        return None
    return {">": limit.value, ">=": limit.value - 1}.get(operator)
