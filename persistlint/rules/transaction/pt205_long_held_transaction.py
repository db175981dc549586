"""## What it does
Checks for transactions held open during slow work: a `time.sleep` /
`asyncio.sleep` (directly or in a project function called there) inside a
transaction block or between a session's first write and its commit, and
transaction regions that span more than 50 lines of slow work: CPU-bound
calls, password hashing, subprocesses, waits on threads and futures (and
the loops that repeat them),
directly or in project functions. Comments, docstrings, field lists, plain
computation and the database work itself do not make a region long.
Network and file IO inside a transaction are reported by PT202 instead.

## Why is this bad?
An open transaction holds row locks, keeps its pooled connection, and
(on PostgreSQL) holds back vacuum. A sleep or a long stretch of processing
inside it turns a millisecond write into seconds of blocking for every
other writer of the same rows.

## Example
```python
import time

from sqlalchemy.orm import Session


def retry_payment(session: Session, payment):
    with session.begin():
        payment.attempts += 1
        time.sleep(5)
        payment.status = "retrying"
```

## Use instead
```python
import time

from sqlalchemy.orm import Session


def retry_payment(session: Session, payment):
    time.sleep(5)
    with session.begin():
        payment.attempts += 1
        payment.status = "retrying"
```

## Severity
HIGH for sleeps; MEDIUM for a region holding more than 50 lines of slow
work.

## References
- [SQLAlchemy: when do I construct a Session, when do I commit it](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#when-do-i-construct-a-session-when-do-i-commit-it-and-when-do-i-close-it)
- [PostgreSQL: idle_in_transaction_session_timeout](https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-IDLE-IN-TRANSACTION-SESSION-TIMEOUT)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import blocking, infer, inside, summaries, transactions

MAX_REGION_LINES = 50


@rule("PT205", "long-held-transaction", effort=Effort.M, nodes=(nodes.Call, nodes.FunctionDef),
      principle="Commit right after the database work: never hold a transaction while waiting.")
def check(node, ctx):
    if isinstance(node, nodes.Call):
        yield from _sleep_in_region(node, ctx)
    else:
        yield from _long_regions(node, ctx)


def _sleep_in_region(node: nodes.Call, ctx):
    op = transactions.operation(node, ctx)
    if op is None or op.kind != "sleep":
        return
    region = transactions.region_around(node, ctx) or transactions.open_region_around(node, ctx)
    if region is None:
        return
    what = node.as_string() if op.family != "helper" else transactions.describe_chain(op)
    yield Finding.at(
        node, Severity.HIGH,
        f"{what} sleeps inside the transaction {transactions.describe_region(region)}: its locks "
        f"and connection are held for the whole wait",
        "sleep before the transaction starts or after it commits",
        evidence=op.evidence,
    )


def _long_regions(function: nodes.FunctionDef, ctx):
    explicit = [r for r in transactions.regions(function, ctx) if r.kind == "explicit"]
    for region in transactions.regions(function, ctx):
        if not region.committed:
            continue
        span = region.last_line - region.first_line
        if span <= MAX_REGION_LINES:
            continue
        if region.kind == "explicit" and any(
                other is not region and inside(region.start, other.start) for other in explicit):
            continue  # the outermost block is reported
        if region.kind == "implicit" and any(inside(region.start, other.start)
                                             for other in explicit):
            continue
        lines, first = _work_lines(region, function, ctx)
        if len(lines) <= MAX_REGION_LINES:
            continue  # database work, computation, comments: the transaction is as long as it must be
        yield Finding.at(
            region.start, Severity.MEDIUM,
            f"Transaction {transactions.describe_region(region)} spans {span} lines, {len(lines)} of "
            f"them slow non-database work ({first}): it stays open through all of it",
            "prepare data before the transaction and commit right after the database work",
        )


#: Slow work that is neither the transaction's own database work nor what
#: other findings report (network and file IO: PT202; sleeps: above).
SLOW_WORK = frozenset({blocking.Kind.CPU, blocking.Kind.PASSWORD_HASH, blocking.Kind.PROCESS,
                       blocking.Kind.PROCESS_WAIT, blocking.Kind.THREAD_WAIT, blocking.Kind.INPUT})


def _work_lines(region, function: nodes.FunctionDef, ctx) -> tuple[set[int], str]:
    """The lines of the region's statements that do slow work (with the
    loops that repeat them), and the first such call, for the message."""
    lines: set[int] = set()
    first = ""
    for call in infer.own_nodes(function, (nodes.Call,)):
        if not _in_region(call, region):
            continue
        what = _slow_work(call, ctx)
        if what is None:
            continue
        first = first or f"{what} at line {call.lineno}"
        statement = call.statement()
        lines.update(range(statement.fromlineno, (statement.tolineno or statement.fromlineno) + 1))
        for loop in ctx.loops_around(call):
            if _in_region(loop, region):
                lines.update(range(loop.fromlineno, (loop.tolineno or loop.fromlineno) + 1))
    return lines, first


def _in_region(node: nodes.NodeNG, region) -> bool:
    return inside(node, region.start) and node is not region.start if region.kind == "explicit" \
        else region.contains(node)


def _slow_work(call: nodes.Call, ctx) -> str | None:
    found = blocking.classify(call, ctx)
    if found is not None:
        return found.label if found.kind in SLOW_WORK else None
    reach = summaries.effect_of_call(call, "block", ctx)
    if reach is None:
        return None
    performer = summaries.summary_of(reach.chain[-1], ctx)
    if performer is None or not any(blocking.Kind[op.kind] in SLOW_WORK for op in performer.blocks):
        return None
    return " -> ".join(reach.names())
