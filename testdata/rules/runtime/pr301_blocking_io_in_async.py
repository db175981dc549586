import asyncio
import http.client
import io
import os
import os.path
import shutil
import socket
import sqlite3
import subprocess
import urllib.request
from io import TextIOWrapper
from os.path import exists as path_exists
from pathlib import Path
from typing import Optional

import aiofiles
import httpx
import psycopg2
import requests as r
import urllib3
from anyio import to_thread
from fastapi import APIRouter, FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, sessionmaker

app = FastAPI()
router = APIRouter()
engine = create_engine("sqlite://")
SessionLocal = sessionmaker(bind=engine)
shared_client = httpx.Client()


# ---- files and paths ---------------------------------------------------

async def files(input_path: Path, fh: TextIOWrapper, maybe: Optional[TextIOWrapper]):
    data = input_path.read_bytes()  # PR301[MEDIUM]: 12 "input_path.read_bytes()"
    with open("report.csv") as f:  # PR301[MEDIUM]: 10 "aiofiles"
        f.read()  # PR301[MEDIUM]: 9
    handle = io.open("x.txt", "w")  # PR301[MEDIUM]: 14
    handle.write("x")  # PR301[MEDIUM]: 5
    os.fdopen(3).readline()  # PR301[MEDIUM]: 5
    fh.readlines()  # PR301[MEDIUM]: 5
    maybe.write("x")  # PR301[MEDIUM]: 5
    out = Path("out") / "report.txt"
    out.write_text("x")  # PR301[MEDIUM]: 5
    input_path.parent.mkdir(parents=True)  # PR301[MEDIUM]: 5
    Path("x").exists()  # PR301[MEDIUM]: 5
    for child in input_path.iterdir():  # PR301[MEDIUM]: 18
        print(child.name)
    os.path.exists("x")  # PR301[MEDIUM]: 5
    path_exists("x")  # PR301[MEDIUM]: 5
    os.listdir(".")  # PR301[MEDIUM]: 5
    os.remove("x")  # PR301[MEDIUM]: 5
    shutil.copy("a", "b")  # PR301[MEDIUM]: 5 "asyncio.to_thread(shutil.copy, 'a', 'b')"
    shutil.rmtree("tmp")  # PR301[MEDIUM]: 5
    fh.fileno()  # ok: PR301
    io.BytesIO(b"x").read()  # ok: PR301
    os.path.join("a", "b")  # ok: PR301
    input_path.with_suffix(".bak").name  # ok: PR301
    os.path.normpath("a/../b")  # ok: PR301
    return data


async def files_done_right(input_path: Path):
    async with aiofiles.open("report.csv") as f:  # ok: PR301
        await f.read()  # ok: PR301
    data = await asyncio.to_thread(input_path.read_bytes)  # ok: PR301
    await asyncio.to_thread(shutil.copy, "a", "b")  # ok: PR301
    await asyncio.get_running_loop().run_in_executor(None, lambda: open("x").read())  # ok: PR301
    await to_thread.run_sync(os.listdir, ".")  # ok: PR301
    await run_in_threadpool(Path("x").read_text)  # ok: PR301

    def read_all():
        with open("x") as f:  # ok: PR301
            return f.read()  # ok: PR301

    await asyncio.to_thread(read_all)
    return data


async def awaited(stream: TextIOWrapper):
    # awaited, so not a sync file whatever the annotation says
    return await stream.read()  # ok: PR301


def sync_code(input_path: Path):
    with open("x") as f:  # ok: PR301
        f.read()  # ok: PR301
    return input_path.read_bytes()  # ok: PR301


# ---- network -------------------------------------------------------------

async def network(client: httpx.Client, url: str):
    r.get(url)  # PR301[MEDIUM]: 5 "httpx.AsyncClient"
    session = r.Session()
    session.post(url, json={})  # PR301[MEDIUM]: 5
    httpx.get(url)  # PR301[MEDIUM]: 5
    client.get(url)  # PR301[MEDIUM]: 5
    shared_client.send(None)  # PR301[MEDIUM]: 5
    with httpx.Client() as local:
        local.post(url)  # PR301[MEDIUM]: 9
    urllib.request.urlopen(url).read()  # PR301[MEDIUM]: 5
    pool = urllib3.PoolManager()
    pool.request("GET", url)  # PR301[MEDIUM]: 5
    urllib3.request("GET", url)  # PR301[MEDIUM]: 5
    conn = http.client.HTTPSConnection("example.com")
    conn.request("GET", "/")  # PR301[MEDIUM]: 5
    sock = socket.create_connection(("example.com", 80))  # PR301[MEDIUM]: 12
    sock.sendall(b"x")  # PR301[MEDIUM]: 5
    sock.setblocking(False)  # ok: PR301
    client.build_request("GET", url)  # ok: PR301


async def network_done_right(url: str):
    async with httpx.AsyncClient() as client:
        await client.get(url)  # ok: PR301
    reader, writer = await asyncio.open_connection("example.com", 80)  # ok: PR301
    return {}.get("not an http client")  # ok: PR301


# ---- processes -------------------------------------------------------------

async def processes():
    subprocess.run(["ls"])  # PR301[MEDIUM]: 5 "create_subprocess_exec"
    subprocess.check_output(["ls"])  # PR301[MEDIUM]: 5
    proc = subprocess.Popen(["sleep", "1"])  # PR301[MEDIUM]: 12
    proc.communicate()  # PR301[MEDIUM]: 5
    proc.wait()  # PR301[MEDIUM]: 5
    os.system("ls")  # PR301[MEDIUM]: 5
    os.waitpid(proc.pid, 0)  # PR301[MEDIUM]: 5
    proc.pid  # ok: PR301
    child = await asyncio.create_subprocess_exec("ls")  # ok: PR301
    await child.wait()  # ok: PR301


# ---- databases -------------------------------------------------------------

async def databases(db: Session, adb: AsyncSession):
    db.execute("SELECT 1")  # PR301[MEDIUM]: 5 "async driver"
    db.query(int).filter().all()  # PR301[MEDIUM]: 5
    db.refresh(object())  # PR301[MEDIUM]: 5
    db.add(object())  # ok: PR301
    with SessionLocal() as session:
        session.get(int, 1)  # PR301[MEDIUM]: 9
    with engine.connect() as conn:  # PR301[MEDIUM]: 10
        conn.execute("SELECT 1")  # PR301[MEDIUM]: 9
    pg = psycopg2.connect("dbname=x")  # PR301[MEDIUM]: 10
    pg.cursor().execute("SELECT 1")  # PR301[MEDIUM]: 5
    sqlite3.connect("x.db").execute("SELECT 1")  # PR301[MEDIUM]: 5
    await adb.execute("SELECT 1")  # ok: PR301
    await adb.refresh(object())  # ok: PR301
    adb.add(object())  # ok: PR301


async def console():
    return input("name? ")  # PR301[MEDIUM]: 12


# ---- request handlers: HIGH -------------------------------------------------

@app.get("/report")
async def report(path: Path):
    return path.read_text()  # PR301[HIGH]: 12 "of a request handler"


@router.post("/upload")
async def upload(url: str):
    r.post(url)  # PR301[HIGH]: 5
    await asyncio.to_thread(r.post, url)  # ok: PR301


class Repository:
    def __init__(self, path: Path):
        self.path = path

    async def load(self):
        return open(self.path).read()  # PR301[MEDIUM]: 16

    def load_sync(self):
        return open(self.path).read()  # ok: PR301


async def shadowed():
    def open(name):  # a local function, not the builtin
        return name

    open("x")  # ok: PR301


async def silenced():
    open("x")  # noqa: PR301
