"""## What it does
Checks for an `async def` calling a synchronous project function that
blocks (file, network, subprocess or database IO, `time.sleep`, CPU-heavy
work: the operations of PR301, PR303 and PR305), directly or through further
project functions. The message shows the whole chain, e.g.
`handler -> load_settings -> open()`.

## Why is this bad?
The blocking call is just as blocking one function further down: the event
loop stops while `load_settings` reads its file, although no `open()` is
visible in the `async def`.

## Example
```python
import json


def load_settings(path):
    with open(path) as f:
        return json.load(f)


async def handler(path):
    return load_settings(path)
```

## Use instead
```python
import asyncio
import json


def load_settings(path):
    with open(path) as f:
        return json.load(f)


async def handler(path):
    return await asyncio.to_thread(load_settings, path)
```

Calls handed to a thread (`asyncio.to_thread(load_settings, path)`,
`run_in_executor`, `run_in_threadpool`) and synchronous code that no
`async def` reaches are not reported.

## Severity
As the blocking operation at the end of the chain: HIGH for IO, sleeps and
password hashing in a request handler, MEDIUM otherwise. LOW in startup and
shutdown code, and LOW when a link of the chain is cached
(`functools.lru_cache`, `functools.cache`) or the chain ends at a load the
library caches (`dateutil.tz.gettz`, `pytz.timezone`, `zoneinfo.ZoneInfo`):
it blocks on its first call only, and the message says so.

## References
- [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
- [asyncio.to_thread](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
"""

import attrs
from astroid import nodes

from persistlint.context import callgraph, summaries
from persistlint.context.infer import infer_one
from persistlint.diagnostic import Effort, Evidence, Finding, Severity
from persistlint.registry import rule
from persistlint.context import blocking
from persistlint.rules import runtime

_MAX_CHAINS = 20  # candidate chains compared per call; the graph walk is bounded anyway
#: Decorators that turn a sync function into an awaitable run in a thread.
_THREAD_WRAPPERS = ("sync_to_async", "to_thread", "run_in_threadpool", "asyncify", "run_sync")


@rule("PR307", "transitive-blocking-call", effort=Effort.S_M, nodes=(nodes.Call,),
      principle="Never block the event loop, not even through a helper: offload blocking helpers.")
def check(node: nodes.Call, ctx):
    if not ctx.in_async(node) or isinstance(node.parent, nodes.Await):
        return
    callee = ctx.resolve(node)
    functions = ctx.project.functions
    if callee is not None and callee.qualname not in functions:  # ``Collector(path)`` runs its __init__
        initialiser = summaries.constructor_of(callee.qualname, functions)
        callee = attrs.evolve(callee, qualname=initialiser) if initialiser else None
    summary = functions.get(callee.qualname) if callee is not None else None
    caller = ctx.function_of(node)
    if summary is None or summary.is_async or _wrapped_in_thread(node) \
            or blocking.in_lazy_initialisation(node, caller):
        return
    handler = ctx.execution(node)
    found = None if summary.is_memoised else _worst_chain(functions, callee.qualname, handler.is_request_handler)
    cached = None
    if found is None:  # what blocks on its first use only: still worth knowing, LOW
        found = _worst_chain(functions, callee.qualname, handler.is_request_handler, first_use=True)
        if found is None:
            return
        cached = next((functions[q] for q in found[0] if functions[q].is_memoised), None)
    chain, worst, library_cached = found
    kind = blocking.Kind[worst.kind]
    names = [caller.name] + [_link(q) for q in chain] + [worst.label]
    evidence = min(callee.evidence, Evidence[worst.evidence])
    if handler.is_request_handler:
        evidence = min(evidence, handler.evidence)
    severity = runtime.severity_in(handler, kind.severity(handler.is_request_handler))
    once = ""
    if library_cached:
        severity = Severity.LOW
        once = f"; {runtime.LIBRARY_CACHED}"
    elif cached is not None:
        severity = Severity.LOW
        once = (f"; {cached.qualname.rpartition('.')[2]} is cached ({cached.once.decorator}): "
                "blocks on its first call only")
    written = node.func.as_string()
    yield Finding.at(
        node, severity,
        f"Transitive blocking call: {' -> '.join(names)} ({kind.label}, "
        f"{functions[chain[-1]].path}:{worst.line}) blocks the event loop{runtime.where(handler)}{once}",
        f"offload it with await asyncio.to_thread({written}, ...), or {_remedy(chain[0])}",
        evidence=evidence)


def _link(qualname: str) -> str:
    """How a chain names a function: ``Collector()`` for an initialiser."""
    owner, _, name = qualname.rpartition(".")
    return f"{owner.rpartition('.')[2]}()" if name == "__init__" else name


def _remedy(qualname: str) -> str:
    owner, _, name = qualname.rpartition(".")
    if name == "__init__":
        return f"move the blocking work out of {owner.rpartition('.')[2]}.__init__"
    return f"make {name} async"


def _worst_chain(functions: dict, callee: str, in_handler: bool,
                 first_use: bool = False) -> tuple[list[str], blocking.BlockingOp, bool] | None:
    """The chain from ``callee`` to a blocking operation whose severity is
    highest (shortest first among equals), with that operation and whether
    it is a library-cached load. ``first_use``: also through memoised
    helpers and to library-cached loads (``tz.gettz``), which block on
    their first use only; an operation that blocks every time still wins."""
    def operations(summary):
        return summary.blocks + summary.cached_loads if first_use else summary.blocks

    candidates = [[callee]] if operations(functions[callee]) else []
    follow = blocking.repeated_calls(functions, through_cache=first_use)
    for index, rest in enumerate(callgraph.chains(functions, callee, lambda s: bool(operations(s)),
                                                  follow=follow)):
        if index >= _MAX_CHAINS:
            break
        candidates.append([callee, *rest])
    best = None
    for chain in candidates:
        summary = functions[chain[-1]]
        for operation in operations(summary):
            library_cached = operation in summary.cached_loads
            rank = (not library_cached, blocking.Kind[operation.kind].severity(in_handler))
            if best is None or rank > best[0]:
                best = (rank, chain, operation, library_cached)
    return (best[1], best[2], best[3]) if best else None


def _wrapped_in_thread(call: nodes.Call) -> bool:
    """A callee decorated to run in a thread (``@sync_to_async``) does not
    block the loop, whatever it does inside."""
    function = infer_one(call.func)
    decorators = getattr(getattr(function, "decorators", None), "nodes", None) or []
    return any(d.as_string().split("(")[0].endswith(_THREAD_WRAPPERS) for d in decorators)
