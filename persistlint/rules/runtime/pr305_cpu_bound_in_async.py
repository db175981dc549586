"""## What it does
Checks for CPU-heavy synchronous work inside an `async def`: `pickle.loads`,
`PIL.Image` open/resize/save, `cv2`, `zlib`/`gzip`/`bz2`/`lzma`
(de)compression (also reading and writing a `gzip.GzipFile`, in memory
too), password hashing (`bcrypt`, `hashlib.pbkdf2_hmac`, `hashlib.scrypt`,
`passlib`, `argon2`) and `pandas.read_*`.

Parsing (`json.load(s)`, `lxml`/`xml.etree`, `BeautifulSoup(...)`) counts
only where the input is big by construction: a file, an object-store
download, a binary column, a page fetched for scraping, or one parse per
item of a loop; the message says which. One request body, API response
(`Response.json()`), queue message or settings string costs microseconds,
less than the thread hop that would replace it: not reported.

## Why is this bad?
While the CPU works for one coroutine, the event loop serves nobody else.
Password hashing is slow by design (hundreds of milliseconds), so one login
stalls every other request on the loop.

## Example
```python
import bcrypt


async def register(password: bytes):
    return bcrypt.hashpw(password, bcrypt.gensalt())
```

## Use instead
```python
import asyncio

import bcrypt


async def register(password: bytes):
    return await asyncio.to_thread(bcrypt.hashpw, password, bcrypt.gensalt())
```

Parsing a literal (`json.loads('{"a": 1}')`) and work handed to a thread
are not reported.

## Severity
HIGH for password hashing in a request handler; MEDIUM otherwise; LOW in
startup and shutdown code.

## References
- [asyncio: running blocking code](https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code)
- [loop.run_in_executor with a process pool](https://docs.python.org/3/library/asyncio-eventloop.html#asyncio.loop.run_in_executor)
- [OWASP password storage cheat sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
"""

from astroid import nodes

from persistlint.diagnostic import Effort
from persistlint.registry import rule
from persistlint.rules.runtime import check_call


@rule("PR305", "cpu-bound-in-async", effort=Effort.S, nodes=(nodes.Call,),
      principle="Keep the event loop free: run CPU-heavy work in a thread or process pool.")
def check(node: nodes.Call, ctx):
    yield from check_call(node, ctx, "PR305", "CPU-bound work in async")
