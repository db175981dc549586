import asyncio
import time
import time as t
from time import sleep
from time import sleep as nap

from fastapi import APIRouter, FastAPI

app = FastAPI()
router = APIRouter()
do_sleep = time.sleep


async def background_job():
    time.sleep(1)  # PR303[MEDIUM]: 5 "time.sleep(1)"
    t.sleep(0.5)  # PR303[MEDIUM]: 5
    sleep(2)  # PR303[MEDIUM]: 5
    nap(3)  # PR303[MEDIUM]: 5
    do_sleep(4)  # PR303[MEDIUM]: 5 "asyncio.sleep(4)"
    await asyncio.sleep(1)  # ok: PR303
    await asyncio.to_thread(time.sleep, 1)  # ok: PR303
    await asyncio.get_running_loop().run_in_executor(None, lambda: time.sleep(1))  # ok: PR303

    def nested():
        time.sleep(1)  # ok: PR303

    await asyncio.to_thread(nested)


@app.get("/items")
async def list_items():
    nap(1)  # PR303[HIGH]: 5
    return []


@router.post("/items")
async def create_item():
    time.sleep(0.1)  # PR303[HIGH]: 5


def sync_worker():
    time.sleep(1)  # ok: PR303


class Service:
    async def poll(self):
        time.sleep(5)  # PR303[MEDIUM]: 9

    def run(self):
        time.sleep(5)  # ok: PR303


async def shadowed():
    def sleep(seconds):  # a local function, not time.sleep
        return seconds

    sleep(1)  # ok: PR303


async def silenced():
    time.sleep(1)  # noqa: PR303
