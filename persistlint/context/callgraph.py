"""The project call graph over the typed function summaries
(:mod:`persistlint.context.summaries`): who calls whom, which functions are
request handlers by being reached only from handlers, and call chains to a
function with a given property. Like pyflakes, definitions are collected
first and bodies judged after: edges are kept only towards functions the
project defines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from astroid import nodes


def project_functions(module: nodes.Module) -> Iterator[nodes.FunctionDef]:
    return module.nodes_of_class(nodes.FunctionDef)


def callers(functions: dict[str, Any]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {name: set() for name in functions}
    for name, summary in functions.items():
        for call in summary.calls:
            result.setdefault(call.callee, set()).add(name)
    return result


def propagate_handlers(functions: dict[str, Any], entrypoints: dict[str, dict[str, Any]]) -> None:
    """A project function reached only from request handlers is itself a
    request handler (RULES.md); fixed point over the call graph."""
    who_calls = callers(functions)
    changed = True
    while changed:
        changed = False
        for name, summary in functions.items():
            if name in entrypoints:
                continue
            calling = who_calls.get(name) or set()
            if calling and all(entrypoints.get(c, {}).get("kind") == "request_handler" for c in calling):
                first = sorted(calling)[0]
                entrypoints[name] = {
                    "kind": "request_handler",
                    "path": summary.path,
                    "line": summary.line,
                    "via": f"called from {first}",
                    "evidence": entrypoints[first].get("evidence", "INFERRED"),
                }
                changed = True


def chains(functions: dict[str, Any], start: str, has: Callable[[Any], bool],
           max_depth: int = 6, through_async: bool = False,
           follow: Callable[[Any, Any], bool] | None = None) -> Iterator[list[str]]:
    """Call chains from ``start`` (excluded) to functions for which
    ``has(summary)`` holds, shortest first, following only direct (not
    offloaded) calls to sync functions (and to async ones with
    ``through_async``), and only the calls for which ``follow(caller_summary,
    call)`` holds when given. Yields ``[callee, ..., function_that_has]``."""
    def edges(summary) -> list:
        return [c for c in summary.calls if follow is None or follow(summary, c)]

    first = functions.get(start)
    frontier = [[call.callee] for call in edges(first)] if first is not None else []
    seen = {start}
    depth = 0
    while frontier and depth < max_depth:
        next_frontier = []
        for path in frontier:
            name = path[-1]
            if name in seen:
                continue
            seen.add(name)
            summary = functions.get(name)
            if summary is None or (summary.is_async and not through_async):
                continue
            if has(summary):
                yield path
                continue
            next_frontier.extend(path + [c.callee] for c in edges(summary))
        frontier = next_frontier
        depth += 1
