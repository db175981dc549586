"""## What it does
Checks for a list comprehension passed straight to `len`, `any`, `all`,
`sum`, `min`, `max`, `set`, `frozenset`, `tuple`, `dict` or `list`: a list
built only to be consumed once.

## Why is this bad?
The whole list is allocated and filled before the call looks at the first
element: memory for every element at once, and no short-circuit for `any`
and `all`, which could stop at the first hit. `set`, `dict` and `list` have
their own comprehensions that skip the intermediate list.

## Example
```python
def has_overdue(invoices):
    return any([invoice.overdue for invoice in invoices])
```

## Use instead
```python
def has_overdue(invoices):
    return any(invoice.overdue for invoice in invoices)
```

`str.join` is not reported: CPython's `join` turns its argument into a
sequence first, so a list comprehension is the faster form there.

## Severity
MEDIUM in a hot path (inside a loop or a request handler); LOW otherwise.

## References
- [Generator expressions](https://docs.python.org/3/reference/expressions.html#generator-expressions)
- [ruff C419 unnecessary-comprehension-in-call](https://docs.astral.sh/ruff/rules/unnecessary-comprehension-in-call/)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context.blocking import shorten

#: builtin -> how to write the call without the intermediate list.
#: An ``async for`` comprehension has a rewrite only where a comprehension
#: of the result's own kind replaces the list (:data:`_ASYNC_REWRITES`): the
#: builtins cannot consume an asynchronous generator.
_REWRITES = {
    "len": "sum(1 {generators})",
    "any": "any({elt} {generators})",
    "all": "all({elt} {generators})",
    "sum": "sum({elt} {generators})",
    "min": "min({elt} {generators})",
    "max": "max({elt} {generators})",
    "tuple": "tuple({elt} {generators})",
    "frozenset": "frozenset({elt} {generators})",
    "set": "{{{elt} {generators}}}",
    "list": "[{elt} {generators}]",
}
_ASYNC_REWRITES = frozenset({"set", "list", "dict"})


@rule("PR302", "unnecessary-list-allocation", effort=Effort.S, nodes=(nodes.ListComp,),
      principle="Do not build a list that is only consumed once: stream it with a generator.")
def check(node: nodes.ListComp, ctx):
    call = node.parent
    if not isinstance(call, nodes.Call) or not call.args or call.args[0] is not node:
        return
    found = ctx.resolve(call)
    if found is None or not found.qualname.startswith("builtins."):
        return
    builtin = found.qualname.rpartition(".")[2]
    rewrite = _rewrite(builtin, node)
    if rewrite is None:
        return
    hot = "inside a loop" if ctx.in_loop(call) else (
        "in a request handler" if ctx.execution(call).is_request_handler else "")
    severity = Severity.MEDIUM if hot else Severity.LOW
    yield Finding.at(
        node, severity,
        f"Unnecessary list: the list comprehension passed to {builtin}() is built only to be consumed once"
        + (f" ({hot})" if hot else ""),
        f"use {rewrite}", evidence=found.evidence)


def _rewrite(builtin: str, node: nodes.ListComp) -> str | None:
    if builtin not in _ASYNC_REWRITES and any(g.is_async for g in node.generators):
        return None  # len([x async for x in rows]): the list is how the rows are counted
    generators = " ".join(g.as_string() for g in node.generators)
    if builtin == "dict":
        if not (isinstance(node.elt, nodes.Tuple) and len(node.elt.elts) == 2):
            return None
        key, value = (e.as_string() for e in node.elt.elts)
        return shorten(f"{{{key}: {value} {generators}}}", 80)
    template = _REWRITES.get(builtin)
    if template is None:
        return None
    return shorten(template.format(elt=node.elt.as_string(), generators=generators), 80)
