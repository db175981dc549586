"""## What it does
Checks for transactions held open during slow work: a `time.sleep` /
`asyncio.sleep` (directly or in a project function called there) inside a
transaction block or between a session's first write and its commit, and
transaction regions that span more than 50 lines. Network calls inside a
transaction are reported by PT202 instead.

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
HIGH for sleeps; MEDIUM for a region spanning more than 50 lines.

## References
- [SQLAlchemy: when do I construct a Session, when do I commit it](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#when-do-i-construct-a-session-when-do-i-commit-it-and-when-do-i-close-it)
- [PostgreSQL: idle_in_transaction_session_timeout](https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-IDLE-IN-TRANSACTION-SESSION-TIMEOUT)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import inside, transactions

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
    region = transactions.region_around(node, ctx)
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
        yield Finding.at(
            region.start, Severity.MEDIUM,
            f"Transaction {transactions.describe_region(region)} spans {span} lines: it stays open "
            f"through all the work in between",
            "prepare data before the transaction and commit right after the database work",
        )
