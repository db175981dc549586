"""PR3xx: runtime performance.

Policy the blocking-call rules (PR301, PR303, PR305) share: one finding per
blocking call on the event loop, by the rule that covers its kind; the
table of blocking operations is :mod:`persistlint.context.blocking`.
"""

from collections.abc import Iterator

from astroid import nodes

from persistlint.context import Execution, blocking
from persistlint.diagnostic import Finding, Severity

CATEGORY = "Runtime Performance"
#: How a message says that a library-cached load blocks once per argument.
LIBRARY_CACHED = "the library caches it: blocks on the first use of each argument only"


def check_call(call: nodes.Call, ctx, code: str, title: str) -> Iterator[Finding]:
    """The finding of rule ``code`` (PR301/PR303/PR305) for a call on the
    event loop that blocks in the way that rule covers."""
    if not ctx.in_async(call):
        return
    operation = blocking.classify(call, ctx)
    if operation is None or operation.kind.code != code:
        return
    if isinstance(call.parent, nodes.Await) and not blocking.is_sync_library_function(operation):
        return  # an awaited method returns an awaitable: its receiver is an async twin of the one resolved
    handler = ctx.execution(call)
    what = "" if operation.kind is blocking.Kind.SLEEP else f" ({operation.kind.label})"
    if operation.why:
        what = f" ({operation.kind.label}: parsing {operation.why})"
    evidence = min(operation.evidence, handler.evidence) if handler.is_request_handler else operation.evidence
    severity = severity_in(handler, operation.kind.severity(handler.is_request_handler))
    once = ""
    if operation.first_use_only:
        severity = Severity.LOW
        once = f"; {LIBRARY_CACHED}"
    yield Finding.at(
        call, severity,
        f"{title}: {operation.label}{what} blocks the event loop{where(handler)}{once}",
        operation.recommendation(call), evidence=evidence)


def severity_in(execution: Execution, severity: Severity) -> Severity:
    """Startup and shutdown code runs before or after serving: blocking
    there delays the start or the stop, it stalls no request (LOW)."""
    return Severity.LOW if execution.is_startup else severity


def where(execution: Execution) -> str:
    """How a message names the execution context of a blocking call."""
    if execution.is_request_handler:
        return " of a request handler"
    if execution.is_startup:
        return " in startup/shutdown code (LOW: it runs before or after serving)"
    return ""
