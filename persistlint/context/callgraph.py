"""The project call graph and per-function summaries, for cross-function rules.

Every function and method of the project gets a JSON-able summary::

    {"path": "app/worker.py", "line": 88, "end_line": 120, "is_async": true,
     "params": ["job_id"], "calls": [{"callee": "app.jobs.load", "line": 90,
     "col": 4}], "offloads": ["app.io.read_blob"], "facts": {...}}

``facts`` are contributed by the rule families through :func:`summarizer`
(e.g. the runtime family records which blocking operations a function
performs, the query family which model it fetches by which parameter), so
that library knowledge stays with the family that owns it while the graph
stays generic. Like pyflakes, definitions are collected first and bodies
judged after: edges are kept only towards functions the project defines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from astroid import nodes

from persistlint.context import FileContext, execution
from persistlint.context.infer import own_nodes, resolve_callee

Summarizer = Callable[[nodes.FunctionDef, FileContext], Any]
SUMMARIZERS: dict[str, Summarizer] = {}


def summarizer(name: str) -> Callable[[Summarizer], Summarizer]:
    """Register a fact computed for every project function: ``fn(function,
    fctx)`` returns a JSON-able value, or something falsy for "nothing"."""

    def register(fn: Summarizer) -> Summarizer:
        SUMMARIZERS[name] = fn
        return fn

    return register


def project_functions(module: nodes.Module) -> Iterator[nodes.FunctionDef]:
    return module.nodes_of_class(nodes.FunctionDef)


def summarize(function: nodes.FunctionDef, fctx: FileContext) -> dict[str, Any]:
    calls, offloads = [], []
    for call in own_nodes(function, nodes.Call):
        index = execution.offload_target_index(call, fctx.resolve)
        if index is not None:
            target = resolve_callee(call.args[index]) if len(call.args) > index else None
            if target is not None:
                offloads.append(target.qualname)
            continue
        found = fctx.resolve(call)
        if found is not None:
            calls.append({"callee": found.qualname, "line": call.lineno, "col": call.col_offset,
                          "evidence": found.evidence.name})
    summary = {
        "path": fctx.relpath,
        "line": function.lineno,
        "end_line": function.end_lineno or function.lineno,
        "is_async": isinstance(function, nodes.AsyncFunctionDef),
        "params": [arg.name for arg in function.args.arguments if arg.name not in {"self", "cls"}],
        "calls": calls,
        "offloads": offloads,
        "facts": {},
    }
    for name, fn in SUMMARIZERS.items():
        try:
            value = fn(function, fctx)
        except Exception as exc:  # noqa: BLE001 - a summarizer bug must not sink the context
            fctx.project.problems.append(
                f"{fctx.relpath}:{function.lineno}: summary {name} failed: {exc.__class__.__name__}: {exc}")
            continue
        if value:
            summary["facts"][name] = value
    return summary


def build(file_contexts: list[FileContext]) -> dict[str, dict[str, Any]]:
    """Summaries of every project function, edges pruned to project functions."""
    functions: dict[str, dict[str, Any]] = {}
    for fctx in file_contexts:
        for function in project_functions(fctx.module):
            try:
                functions[function.qname()] = summarize(function, fctx)
            except RecursionError:
                fctx.project.problems.append(f"{fctx.relpath}:{function.lineno}: too deeply nested to summarise")
    for summary in functions.values():
        summary["calls"] = [c for c in summary["calls"] if c["callee"] in functions]
        summary["offloads"] = [q for q in summary["offloads"] if q in functions]
    return functions


def callers(functions: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {name: set() for name in functions}
    for name, summary in functions.items():
        for call in summary["calls"]:
            result[call["callee"]].add(name)
    return result


def propagate_handlers(functions: dict[str, dict[str, Any]],
                       entrypoints: dict[str, dict[str, Any]]) -> None:
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
                    "path": summary["path"],
                    "line": summary["line"],
                    "via": f"called from {first}",
                    "evidence": entrypoints[first].get("evidence", "INFERRED"),
                }
                changed = True


def chains(functions: dict[str, dict[str, Any]], start: str, fact: str,
           max_depth: int = 6, through_async: bool = False,
           follow: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None) -> Iterator[list[str]]:
    """Call chains from ``start`` (excluded) to functions that have ``fact``,
    shortest first, following only direct (not offloaded) calls to sync
    functions (and to async ones with ``through_async``: an awaited helper
    runs inside its caller's transaction), and only the calls for which
    ``follow(caller_summary, call)`` holds when given. Yields ``[callee, ...,
    function_with_fact]``."""
    def edges(summary: dict[str, Any]) -> list[dict[str, Any]]:
        return [c for c in summary.get("calls", []) if follow is None or follow(summary, c)]

    frontier = [[call["callee"]] for call in edges(functions.get(start, {}))]
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
            if summary is None or (summary["is_async"] and not through_async):
                continue
            if summary["facts"].get(fact):
                yield path
                continue
            next_frontier.extend(path + [c["callee"]] for c in edges(summary))
        frontier = next_frontier
        depth += 1
