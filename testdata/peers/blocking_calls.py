"""Blocking calls in asyncio code, one category per function."""
import asyncio
import io
import os
import os.path
import subprocess
import time
import urllib.request
from io import BufferedReader, TextIOWrapper
from os.path import getsize, isfile
from pathlib import Path
from time import sleep as nap
from typing import Optional
from urllib.request import urlopen

import httpx
import requests
import urllib3

module_client = httpx.Client()
module_file = open("settings.ini")


async def http_calls(url: str):
    requests.get(url)
    requests.post(url, json={})
    requests.put(url)
    requests.patch(url)
    requests.delete(url)
    requests.head(url)
    requests.options(url)
    requests.request("GET", url)
    httpx.get(url)
    httpx.post(url)
    httpx.request("GET", url)
    urllib3.request("GET", url)
    urllib.request.urlopen(url)
    urlopen(url)


async def urllib3_pools(url: str):
    pool = urllib3.PoolManager()
    pool.request("GET", url)
    manager: urllib3.PoolManager = urllib3.PoolManager()
    manager.urlopen("GET", url)


async def httpx_clients(url: str, client: httpx.Client, maybe: Optional[httpx.Client]):
    local = httpx.Client()
    local.get(url)
    local.post(url)
    local.send(local.build_request("GET", url))
    local.stream("GET", url)
    local.close()
    client.get(url)
    maybe.put(url)
    module_client.delete(url)


async def processes(cmd: list[str]):
    subprocess.run(cmd)
    subprocess.call(cmd)
    subprocess.check_call(cmd)
    subprocess.check_output(cmd)
    subprocess.getoutput("ls")
    subprocess.getstatusoutput("ls")
    subprocess.Popen(cmd)
    os.system("ls")
    os.popen("ls")
    os.posix_spawn("/bin/ls", ["ls"], {})
    os.spawnl(os.P_WAIT, "/bin/ls", "ls")
    os.spawnv(os.P_NOWAIT, "/bin/ls", ["ls"])
    os.wait()
    os.waitpid(0, 0)
    os.wait3(0)


async def opening_files(path: str):
    open(path)
    io.open(path)
    io.open_code(path)
    os.fdopen(3)
    with open(path) as handle:
        handle.read()
    Path(path).open()


async def file_objects(text: TextIOWrapper, raw: BufferedReader, path: str):
    text.read()
    text.readlines()
    raw.read(10)
    handle = open(path)
    handle.write("x")
    module_file.readline()


async def os_path_calls(path: str):
    os.path.exists(path)
    os.path.isfile(path)
    os.path.isdir(path)
    os.path.islink(path)
    os.path.lexists(path)
    os.path.ismount(path)
    os.path.realpath(path)
    os.path.getsize(path)
    os.path.getmtime(path)
    os.path.getatime(path)
    os.path.getctime(path)
    os.path.samefile(path, path)
    isfile(path)
    getsize(path)


async def pathlib_calls(path: str, known: Path):
    Path(path).exists()
    Path(path).read_text()
    p = Path(path)
    p.is_file()
    p.write_bytes(b"x")
    p.mkdir()
    p.unlink()
    p.stat()
    p.iterdir()
    known.read_bytes()
    known.glob("*.py")


async def console_and_sleep():
    input("name? ")
    time.sleep(1)
    nap(2)


def synchronous_code_is_fine(path: str):
    open(path).read()
    requests.get(path)
    time.sleep(1)


async def offloaded_is_fine(path: str):
    await asyncio.to_thread(open, path)
    await asyncio.to_thread(requests.get, path)
    await asyncio.get_running_loop().run_in_executor(None, time.sleep, 1)
