"""Parsing is CPU work worth a thread only when the input is big by
construction: a file, an object-store download, a blob column, a scraped
page, or one parse per item of a loop."""
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import anyio
import boto3
import httpx
from bs4 import BeautifulSoup
from fastapi import FastAPI, Request
from lxml import html
from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

app = FastAPI()
s3 = boto3.client("s3")
SETTINGS_JSON = '{"debug": false}'


class Base(DeclarativeBase):
    pass


class Report(Base):
    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


# ---- small by construction: not reported ------------------------------------

@app.post("/webhook")
async def webhook(request: Request):
    body = await request.body()
    event = json.loads(body)  # ok: PR305
    headers = json.loads(request.headers["x-meta"])  # ok: PR305
    return event, headers


async def call_api(client: httpx.AsyncClient, url: str):
    response = await client.get(url)
    data = response.json()  # ok: PR305
    raw = json.loads(response.text)  # ok: PR305
    return data, raw


async def on_message(message: bytes, settings_text: str):
    job = json.loads(message)  # ok: PR305
    config = json.loads(settings_text)  # ok: PR305
    defaults = json.loads(SETTINGS_JSON)  # ok: PR305
    fragment = BeautifulSoup("<b>" + job["name"] + "</b>", "html.parser")  # ok: PR305
    return job, config, defaults, fragment


# ---- big by construction: reported ---------------------------------------------

async def from_files(path: Path, name: str):
    with open(name) as f:  # PR301[MEDIUM]: 10
        json.load(f)  # PR305[MEDIUM]: 9 "json.load(f)"
    json.loads(path.read_text())  # PR305[MEDIUM]: 5 "a file" # PR301[MEDIUM]: 16
    text = path.read_bytes()  # PR301[MEDIUM]: 12
    json.loads(text)  # PR305[MEDIUM]: 5
    ET.parse(name)  # PR305[MEDIUM]: 5
    json.loads(await anyio.Path(name).read_text())  # PR305[MEDIUM]: 5 "a file"


async def from_object_store(key: str):
    obj = s3.get_object(Bucket="media", Key=key)  # PR301[MEDIUM]: 11
    json.loads(obj["Body"].read())  # PR305[MEDIUM]: 5 "object-store download" # PR301[MEDIUM]: 16


async def from_blob_column(report: Report):
    json.loads(report.payload)  # PR305[MEDIUM]: 5 "blob column"
    json.loads(report.title)  # ok: PR305


async def scrape(client: httpx.AsyncClient, url: str):
    page = await client.get(url)
    soup = BeautifulSoup(page.text, "html.parser")  # PR305[MEDIUM]: 12 "scraped page"
    tree = html.fromstring(page.content)  # PR305[MEDIUM]: 12
    return soup, tree


async def per_item(messages: list[bytes]):
    events = []
    for message in messages:
        events.append(json.loads(message))  # PR305[MEDIUM]: 23 "per item"
    return [json.loads(m) for m in messages] + events  # PR305[MEDIUM]: 13


async def listen(stream, queue):
    async for message in stream:
        json.loads(message)  # ok: PR305
    while True:
        raw = await queue.get()
        json.loads(raw)  # ok: PR305
    for key in ("a", "b"):
        value = await queue.get(key)
        json.loads(value)  # ok: PR305
