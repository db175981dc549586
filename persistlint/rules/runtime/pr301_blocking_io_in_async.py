"""## What it does
Checks for synchronous file, network, subprocess and database IO called
inside an `async def`: `open()` and the file objects it returns, `pathlib.Path`
reads and writes, `os`/`os.path`/`shutil` file-system calls, `requests`,
`urllib`, `http.client`, the sync `httpx`/`httpx2` API, `urllib3`, sockets,
`smtplib`, `ftplib`, sync Redis, boto3/botocore clients and resources,
`subprocess`, `os.system`/`os.spawn*`/`os.wait*`, sync database drivers,
sync SQLAlchemy sessions and `inspect(engine)` reflection, and `input()`.

Calls count by what they resolve to, through import aliases, assignments
(`p = Path(x)`, `client = httpx.Client()`, `with open(x) as f`),
annotations (`f: TextIOWrapper`, `session: Session`) and attributes
(`self.client`, `request.state.db` where the module assigns it). A library
function stays synchronous when awaited (`await os.path.isfile(p)`).

## Why is this bad?
An `async def` runs on the event loop. A synchronous IO call holds the loop
until the disk, the network or the child process answers: every other
request, job and heartbeat on that loop waits with it.

## Example
```python
from pathlib import Path

import requests


async def import_report(input_path: Path, url: str):
    data = input_path.read_bytes()
    requests.post(url, data=data)
```

## Use instead
```python
import asyncio
from pathlib import Path

import httpx


async def import_report(input_path: Path, url: str):
    data = await asyncio.to_thread(input_path.read_bytes)
    async with httpx.AsyncClient() as client:
        await client.post(url, content=data)
```

Functions handed to a thread (`asyncio.to_thread`, `loop.run_in_executor`,
`anyio.to_thread.run_sync`, `run_in_threadpool`), and lambdas or nested
`def`s passed to them, are not reported; nor are `aiofiles`,
`httpx.AsyncClient`, `asyncio.create_subprocess_exec` or async drivers.

## Severity
HIGH in a request handler; MEDIUM elsewhere; LOW in startup and shutdown
code (lifespan, `on_event("startup")`, `on_startup`/`on_shutdown` hooks),
which runs before or after serving.

## References
- [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
- [asyncio.to_thread](https://docs.python.org/3/library/asyncio-task.html#asyncio.to_thread)
- [asyncio subprocesses](https://docs.python.org/3/library/asyncio-subprocess.html)
- [HTTPX async client](https://www.python-httpx.org/async/)
- [SQLAlchemy asyncio extension](https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html)
"""

from astroid import nodes

from persistlint.diagnostic import Effort
from persistlint.registry import rule
from persistlint.rules.runtime import check_call


@rule("PR301", "blocking-io-in-async", effort=Effort.S, nodes=(nodes.Call,),
      principle="Never block the event loop: do IO with async libraries or in a worker thread.")
def check(node: nodes.Call, ctx):
    yield from check_call(node, ctx, "PR301", "Blocking IO in async")
