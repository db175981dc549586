"""## What it does
Checks that publishers and subscribers of event channels agree on the
names. Publishers: `pg_notify('c', ...)` / `NOTIFY c` in trigger functions
of the migrations and in SQL the code runs, Redis `publish('c', ...)`.
Subscribers: `LISTEN c`, asyncpg `add_listener('c', ...)`, Redis
`subscribe('c')` / `psubscribe('c.*')`. A name built from one shared
constant, or from the same template (`f"job:{job_id}"`) on both sides, is
consistent.

## Why is this bad?
A misspelt channel fails silently: the publisher's events go nowhere, the
listener waits forever, and nothing raises.

## Example
```python
import asyncpg


async def listen(dsn, on_event):
    connection = await asyncpg.connect(dsn)
    await connection.add_listener("job_update", on_event)
    await connection.execute("SELECT pg_notify('job_updates', 'started')")
```

## Use instead
```python
import asyncpg

JOB_CHANNEL = "job_updates"


async def listen(dsn, on_event):
    connection = await asyncpg.connect(dsn)
    await connection.add_listener(JOB_CHANNEL, on_event)
    await connection.execute("SELECT pg_notify($1, 'started')", JOB_CHANNEL)
```

A publisher nobody in the project subscribes to is reported only when the
project does subscribe to other channels of the same transport (else the
consumer lives elsewhere), and likewise for subscribers. Publishers that
exist only in `.sql` files are compared at the subscribers.

## Severity
CRITICAL for a near miss (edit distance of at most 2, or one name inside the
other); HIGH for a publisher nobody subscribes to; MEDIUM for a subscriber
nobody publishes to.

## References
- [PostgreSQL: NOTIFY](https://www.postgresql.org/docs/current/sql-notify.html)
- [PostgreSQL: LISTEN](https://www.postgresql.org/docs/current/sql-listen.html)
- [asyncpg: Connection.add_listener](https://magicstack.github.io/asyncpg/current/api/index.html#asyncpg.connection.Connection.add_listener)
- [Redis: Pub/Sub](https://redis.io/docs/latest/develop/interact/pubsub/)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context.channels import Use
from persistlint.context import channels

_VERB = {"publish": "publishes to", "subscribe": "subscribes to"}


@rule("PT206", "event-channel-mismatch", effort=Effort.S_M, nodes=(nodes.Call, nodes.Module),
      principle="One name per channel: publishers and subscribers share a constant.")
def check(node, ctx):
    everything = channels.project_uses(ctx.project)
    if isinstance(node, nodes.Module):
        # trigger functions of this migration module publish too
        uses = [u for u in everything if u.path == ctx.relpath and u.role == "publish"
                and not _in_code(u, everything)]
        anchor = None
    else:
        uses = channels.uses_in_call(node, ctx)
        anchor = node
    for use in uses:
        finding = _judge(use, everything, anchor)
        if finding is not None:
            yield finding


def _in_code(use: Use, everything: list[Use]) -> bool:
    """A migration use that is also a function's call (reported there)."""
    return any(other is not use and other.path == use.path and other.line == use.line
               and other.channel == use.channel for other in everything)


def _judge(use: Use, everything: list[Use], anchor) -> Finding | None:
    wanted = "subscribe" if use.role == "publish" else "publish"
    others = [u for u in everything if u.transport == use.transport and u.role == wanted]
    if not others or any(channels.same_channel(use, other) for other in others):
        return None
    near = [o for o in others if channels.near_miss(use, o)]
    if near:
        other = near[0]
        if use.role == "publish" and not any(channels.same_channel(other, p) for p in everything
                                             if p.role == "publish" and p.transport == use.transport):
            return None  # reported once, at the subscriber that nobody publishes to
        return _finding(
            use, anchor, Severity.CRITICAL,
            f"{_label(use)} {_VERB[use.role]} {use.channel!r} but {other.where} "
            f"{_VERB[wanted]} {other.channel!r}: the names almost match, so events are lost",
            f"use one shared constant for the channel name ({other.channel!r} or {use.channel!r})")
    if use.role == "publish":
        return _finding(
            use, anchor, Severity.HIGH,
            f"{_label(use)} publishes to {use.channel!r}, which nothing in the project subscribes to "
            f"(subscribers: {_names(others)})",
            "subscribe to this channel, or publish to the channel the listeners use")
    return _finding(
        use, anchor, Severity.MEDIUM,
        f"{_label(use)} subscribes to {use.channel!r}, which nothing in the project publishes to "
        f"(publishers: {_names(others)})",
        "listen to a channel that is published, or add the publisher")


def _label(use: Use) -> str:
    transport = "PostgreSQL" if use.transport == "pg" else "Redis"
    return f"{transport} {'publisher' if use.role == 'publish' else 'subscriber'}"


def _names(uses: list[Use]) -> str:
    names = sorted({u.channel for u in uses})
    return ", ".join(repr(n) for n in names[:4]) + (", ..." if len(names) > 4 else "")


def _finding(use: Use, anchor, severity, issue, recommendation) -> Finding:
    if anchor is not None:
        return Finding.at(anchor, severity, issue, recommendation, evidence=use.evidence)
    from persistlint.diagnostic import cap_by_evidence

    return Finding(line=use.line or 1, col=use.col, severity=cap_by_evidence(severity, use.evidence),
                   issue=issue, recommendation=recommendation, evidence=use.evidence)
