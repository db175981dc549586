"""PR3xx: runtime performance.

Policy the blocking-call rules (PR301, PR303, PR305) share: one finding per
blocking call on the event loop, by the rule that covers its kind; the
table of blocking operations is :mod:`persistlint.context.blocking`.
"""

from collections.abc import Iterator

from astroid import nodes

from persistlint.context import blocking
from persistlint.diagnostic import Finding

CATEGORY = "Runtime Performance"


def check_call(call: nodes.Call, ctx, code: str, title: str) -> Iterator[Finding]:
    """The finding of rule ``code`` (PR301/PR303/PR305) for a call on the
    event loop that blocks in the way that rule covers."""
    if not ctx.in_async(call) or isinstance(call.parent, nodes.Await):
        return  # an awaited call returns an awaitable: whatever it resolved to, it is async
    operation = blocking.classify(call, ctx)
    if operation is None or operation.kind.code != code:
        return
    handler = ctx.execution(call)
    where = " of a request handler" if handler.is_request_handler else ""
    what = "" if operation.kind is blocking.Kind.SLEEP else f" ({operation.kind.label})"
    evidence = min(operation.evidence, handler.evidence) if handler.is_request_handler else operation.evidence
    yield Finding.at(
        call, operation.kind.severity(handler.is_request_handler),
        f"{title}: {operation.label}{what} blocks the event loop{where}",
        operation.recommendation(call), evidence=evidence)
