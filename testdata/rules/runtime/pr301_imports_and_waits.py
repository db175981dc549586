"""Blocking beyond file and socket calls: the import machinery, library
caches filled from disk on first use, and waits on other threads."""
import asyncio
import concurrent.futures
import importlib
import importlib.metadata
import threading
import zoneinfo
from importlib.metadata import version

import pytz


# ---- the import machinery reads and compiles files ------------------------

async def load_plugin(name: str):
    module = importlib.import_module(name)  # PR301[MEDIUM]: 14 "import machinery"
    importlib.reload(module)  # PR301[MEDIUM]: 5
    return module


async def versions():
    mine = version("zigpy")  # PR301[MEDIUM]: 12 "import machinery"
    theirs = importlib.metadata.version("bellows")  # PR301[MEDIUM]: 14
    offloaded = await asyncio.to_thread(importlib.metadata.version, "bellows")  # ok: PR301
    return mine, theirs, offloaded


async def stamp():
    now = __import__("datetime").datetime.now()  # ok: PR301 (a standard module: loaded once per process)
    json = importlib.import_module("json.decoder")  # ok: PR301
    driver = importlib.import_module("asyncpg_driver.plugins")  # PR301[MEDIUM]: 14 "import machinery"
    return now, json, driver


def sync_loader(name: str):
    return importlib.import_module(name)  # ok: PR301 (not on the event loop)


# ---- time zones: read from disk once per name, then cached: LOW -------------

async def local_time(name: str):
    pytz.timezone(name)  # PR301[LOW]: 5 "first use of each argument only"
    return zoneinfo.ZoneInfo(name)  # PR301[LOW]: 12


# ---- waiting on another thread ---------------------------------------------

async def wait_for_worker(executor: concurrent.futures.ThreadPoolExecutor, ready: threading.Event):
    future = executor.submit(print, "x")
    future.result()  # PR301[MEDIUM]: 5 "waiting on a thread"
    ready.wait()  # PR301[MEDIUM]: 5
    worker = threading.Thread(target=print)
    worker.join()  # PR301[MEDIUM]: 5
    await asyncio.wrap_future(executor.submit(print, "y"))  # ok: PR301


async def threadsafe(loop: asyncio.AbstractEventLoop, pending: set[asyncio.Task]):
    for future in pending:
        future.result(timeout=5)  # PR301[MEDIUM]: 9 "waiting on a thread"
    for task in pending:
        task.result()  # ok: PR301 (an asyncio future's result() returns at once)
    asyncio.run_coroutine_threadsafe(asyncio.sleep(0), loop)  # ok: PR301


class Started:
    def __init__(self):
        self._running = False

    async def start(self, name: str):
        if self._running:  # a guard, not a cache: what follows runs on every start
            return
        self._running = True
        return importlib.import_module(name)  # PR301[MEDIUM]: 16


async def not_futures(log, job):
    log.exception("failed: %s", job)  # ok: PR301 (a logger, not a future)
    job.result("summary")  # ok: PR301 (no timeout: not surely a concurrent future)
    job.result(timeout=2)  # PR301[MEDIUM]: 5 "waiting on a thread"
