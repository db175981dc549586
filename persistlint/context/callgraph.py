"""The project call graph over the typed function summaries
(:mod:`persistlint.context.summaries`): who calls whom, which summaries a
resolved method call may run (inherited, abstract), which functions are
request handlers by being reached only from handlers, and call chains to a
function with a given property. Like pyflakes, definitions are collected
first and bodies judged after: edges are kept only towards functions the
project defines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from astroid import nodes

from persistlint.context import incremental, infer


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


def summaries_of_method(qualname: str | None, ctx, call: nodes.Call | None = None) -> list[Any]:
    """What a resolved call of a project method may run: the method itself,
    else the one a base class defines (``OrgRepo.get_by_id`` ->
    ``RepositoryBase.get_by_id``); for an abstract method, the project's
    implementations of it: with ``call`` a ``self.<method>()`` in a method
    of the base class, those of subclasses that inherit the calling method
    (a subclass that overrides it never runs this call). An ``async def``
    that ``call`` only makes a coroutine of runs nothing (see
    :func:`never_awaited`)."""
    found = _summaries_of_method(qualname, ctx, call)
    return [summary for summary in found if not (summary.is_async and never_awaited(call))] \
        if call is not None and found else found


def never_awaited(call: nodes.Call) -> bool:
    """Whether the coroutine a call of an ``async def`` makes is dropped in
    a sync function: the call is a statement of its own, or bound to a name
    that is never handed on, returned or awaited (``agents =
    self.list_agents(source)`` in a ``def``, then iterated)."""
    function = call.scope()
    if not isinstance(function, nodes.FunctionDef) or isinstance(function, nodes.AsyncFunctionDef):
        return False
    statement = call.parent
    if isinstance(statement, nodes.Expr):
        return True
    if not (isinstance(statement, nodes.Assign) and len(statement.targets) == 1
            and isinstance(statement.targets[0], nodes.AssignName)):
        return False
    name = statement.targets[0].name
    return not any(use.name == name and isinstance(use.parent, HANDED_ON)
                   for use in function.nodes_of_class(nodes.Name))


#: Where a name's coroutine may still be run: a call's argument, a
#: ``return``/``yield``, a container or a starred expression.
HANDED_ON = (nodes.Call, nodes.Return, nodes.Yield, nodes.Starred, nodes.List, nodes.Tuple, nodes.Set,
             nodes.Dict, nodes.Keyword, nodes.Await)


def _summaries_of_method(qualname: str | None, ctx, call: nodes.Call | None) -> list[Any]:
    functions = ctx.project.functions
    if not qualname:
        return []
    found = functions.get(qualname)
    owner, _, method = qualname.rpartition(".")
    klass = infer.lookup_qualname(owner) if found is None or is_abstract(qualname) else None
    if found is None and isinstance(klass, nodes.ClassDef):
        for base in infer.class_lineage(klass)[1:]:
            found = functions.get(f"{base.qname()}.{method}")
            if found is not None:
                qualname, owner = found.qualname, base.qname()
                klass = base if is_abstract(qualname) else None
                break
    if found is not None and not (isinstance(klass, nodes.ClassDef) and is_abstract(qualname)):
        return [found]
    caller = _calling_method(call)
    return [summary for name, summary in incremental.selected(functions, "method", method)
            if name != qualname and subclass_of(name.rpartition(".")[0], owner)
            and (caller is None or _inherits(name.rpartition(".")[0], caller))] or ([found] if found else [])


def _calling_method(call: nodes.Call | None) -> nodes.FunctionDef | None:
    """The method a ``self.<method>(...)`` call is written in."""
    if call is None or not (isinstance(call.func, nodes.Attribute) and isinstance(call.func.expr, nodes.Name)
                            and call.func.expr.name == "self"):
        return None
    method = infer.method_of(call)
    return method if method is not None and isinstance(method.parent, nodes.ClassDef) else None


def _inherits(qualname: str, method: nodes.FunctionDef) -> bool:
    """Whether the class ``qualname`` runs ``method`` (of one of its bases)
    rather than an override of its own or of a nearer base."""
    klass = infer.lookup_qualname(qualname)
    if not isinstance(klass, nodes.ClassDef):
        return True
    defining = method.parent.qname()
    for other in infer.class_lineage(klass):
        if other.qname() == defining:
            return True
        if method.name in other.locals:
            return False
    return True


def is_abstract(qualname: str) -> bool:
    function = infer.lookup_qualname(qualname)
    if not isinstance(function, nodes.FunctionDef):
        return False
    decorators = function.decorators.nodes if function.decorators else []
    if any(d.as_string().rpartition(".")[2] == "abstractmethod" for d in decorators):
        return True
    body = [n for n in function.body if not (isinstance(n, nodes.Expr) and isinstance(n.value, nodes.Const))]
    return not body or all(isinstance(n, nodes.Raise) and "NotImplementedError" in n.as_string() for n in body)


def subclass_of(qualname: str, base: str) -> bool:
    klass = infer.lookup_qualname(qualname)
    return isinstance(klass, nodes.ClassDef) and any(
        other.qname() == base for other in infer.class_lineage(klass)[1:])
