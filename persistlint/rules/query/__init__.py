"""PQ1xx: query efficiency.

Policy the query rules share (how severe a refetch is, what the session's
``expire_on_commit`` means for the fix); the facts they judge come from
:mod:`persistlint.context`.
"""

from persistlint import settings
from persistlint.context.entities import Refetch
from persistlint.diagnostic import Evidence, Severity

CATEGORY = "Query Efficiency"


def is_seeding_script(ctx) -> bool:
    return settings.is_seeding_script(ctx.relpath.rpartition("/")[2])


def seeding_cap(severity: Severity, ctx) -> tuple[Severity, str]:
    """(severity, note): a data-seeding script's findings are MEDIUM at most,
    and their message says why."""
    if not is_seeding_script(ctx):
        return severity, ""
    return min(severity, Severity.MEDIUM), " (in a data-seeding script)"


def refetch_severity(refetch: Refetch, ctx):
    """HIGH on a request-handler chain (either end), MEDIUM otherwise."""
    here = ctx.execution(refetch.call)
    caller = ctx.project.execution_of(refetch.caller)
    for execution in (here, caller):
        if execution is not None and execution.is_request_handler:
            return Severity.HIGH, execution.evidence
    return Severity.MEDIUM, Evidence.INFERRED


def expiry_note(ctx) -> str:
    """What expire_on_commit means for handing the entity over."""
    expire = (ctx.project.db_config or {}).get("expire_on_commit")
    if expire is False:
        return " (expire_on_commit=False keeps its loaded attributes usable after commit)"
    if expire is True:
        return " (expire_on_commit is on: avoid a commit between, or refresh it once)"
    return ""
