"""## What it does
Checks for network calls (httpx, aiohttp, requests, urllib, gRPC stubs,
boto3/aiobotocore clients, smtplib) and file IO inside an open transaction:
in a `session.begin()` / `engine.begin()` / `transaction.atomic()` /
asyncpg `conn.transaction()` block, or between a session's first write and
its commit. Calls into project functions count by what those functions do.

## Why is this bad?
The transaction keeps its row locks and its pooled connection for as long
as the external call takes: a slow or hanging service stalls every writer
that needs the same rows and drains the connection pool. And when the
transaction rolls back after the call, the remote side has already acted:
the two disagree.

## Example
```python
import httpx
from sqlalchemy.ext.asyncio import AsyncSession


async def ship(session: AsyncSession, order):
    async with session.begin():
        order.status = "shipped"
        async with httpx.AsyncClient() as client:
            await client.post("https://carrier.example/shipments", json={"id": order.id})
```

## Use instead
```python
import httpx
from sqlalchemy.ext.asyncio import AsyncSession


async def ship(session: AsyncSession, order):
    async with httpx.AsyncClient() as client:
        await client.post("https://carrier.example/shipments", json={"id": order.id})
    async with session.begin():
        order.status = "shipped"
```

For cross-service consistency, write an outbox row in the transaction and
let a relay call the service after the commit (Django: `transaction.on_commit`).

## Severity
HIGH for network calls; MEDIUM for file IO.

## References
- [SQLAlchemy: when do I construct a Session, when do I commit it](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#when-do-i-construct-a-session-when-do-i-commit-it-and-when-do-i-close-it)
- [Django: performing actions after commit](https://docs.djangoproject.com/en/stable/topics/db/transactions/#performing-actions-after-commit)
- [microservices.io: transactional outbox](https://microservices.io/patterns/data/transactional-outbox.html)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import transactions


@rule("PT202", "transaction-scope-too-wide", effort=Effort.M_L, nodes=(nodes.Call,),
      principle="Keep transactions short: no network or file IO while one is open.")
def check(node: nodes.Call, ctx):
    op = transactions.operation(node, ctx)
    if op is None or op.kind not in {"network", "file"}:
        return
    region = transactions.region_around(node, ctx)
    if region is None:
        return
    severity = Severity.HIGH if op.kind == "network" else Severity.MEDIUM
    what = f"{node.func.as_string()}()" if op.family != "helper" else transactions.describe_chain(op)
    kind = "Network call" if op.kind == "network" else "File IO"
    yield Finding.at(
        node, severity,
        f"{kind} {what} inside the transaction {transactions.describe_region(region)}: locks and a "
        f"pooled connection are held while it runs",
        "do the external work before the transaction or after the commit (outbox pattern for "
        "cross-service consistency)",
        evidence=op.evidence,
    )
