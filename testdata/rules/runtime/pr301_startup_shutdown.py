"""Startup and shutdown code runs before the application serves: blocking
there delays the start, it does not stall requests. PR findings are LOW."""
import json
import time
from contextlib import asynccontextmanager
from pathlib import Path

import requests
from aiohttp import web
from fastapi import FastAPI
from starlette.applications import Starlette

CONFIG = Path("config.json")


def load_config():
    return json.loads(CONFIG.read_text())  # ok: PR301


@asynccontextmanager
async def lifespan(app: FastAPI):
    if not CONFIG.exists():  # PR301[LOW]: 12 "startup"
        CONFIG.write_text("{}")  # PR301[LOW]: 9
    app.state.config = load_config()  # PR307[LOW]: 24
    yield
    time.sleep(0.1)  # PR303[LOW]: 5


app = FastAPI(lifespan=lifespan)
legacy = FastAPI()


@legacy.on_event("startup")
async def warm_up():
    requests.get("http://localhost:8000/health")  # PR301[LOW]: 5


@legacy.on_event("shutdown")
async def flush_state():
    Path("state.json").write_text("{}")  # PR301[LOW]: 5


async def open_pool():
    Path("pool.lock").touch()  # PR301[LOW]: 5


async def close_pool():
    Path("pool.lock").unlink()  # PR301[LOW]: 5


starlette_app = Starlette(on_startup=[open_pool], on_shutdown=[close_pool])


async def aiohttp_startup(application: web.Application):
    application["settings"] = CONFIG.read_text()  # PR301[LOW]: 31


aiohttp_app = web.Application()
aiohttp_app.on_startup.append(aiohttp_startup)


@app.get("/config")
async def read_config():
    return CONFIG.read_text()  # PR301[HIGH]: 12


async def not_a_hook():
    return CONFIG.read_text()  # PR301[MEDIUM]: 12
