"""## What it does
Checks for `time.sleep` (under any alias) called inside an `async def`.

## Why is this bad?
`time.sleep` blocks the whole event loop: while one coroutine sleeps, no
other request, job or heartbeat on that loop makes progress.

## Example
```python
import time


async def poll():
    time.sleep(1)
```

## Use instead
```python
import asyncio


async def poll():
    await asyncio.sleep(1)
```

A sleep handed to a thread (`await asyncio.to_thread(time.sleep, 1)`) or
inside a nested synchronous function or lambda is not reported.

## Severity
HIGH in a request handler; MEDIUM elsewhere; LOW in startup and shutdown
code.

## References
- [asyncio: developing with asyncio, running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
- [ruff ASYNC251 blocking-sleep-in-async-function](https://docs.astral.sh/ruff/rules/blocking-sleep-in-async-function/)
"""

from astroid import nodes

from persistlint.diagnostic import Effort
from persistlint.registry import rule
from persistlint.rules.runtime import check_call


@rule("PR303", "sync-sleep-in-async", effort=Effort.S, nodes=(nodes.Call,),
      principle="Never block the event loop: await a non-blocking sleep.")
def check(node: nodes.Call, ctx):
    yield from check_call(node, ctx, "PR303", "Sync sleep in async function")
