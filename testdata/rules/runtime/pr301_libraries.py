"""Blocking libraries beyond the standard ones: object stores, httpx2,
compressed files, file objects by declared type, awaited sync functions."""
import bz2
import gzip
import io
import lzma
import os.path
from typing import TYPE_CHECKING

import aioboto3
import boto3
import httpx2
from botocore.client import BaseClient
from fastapi import FastAPI

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

app = FastAPI()
s3 = boto3.client("s3")
bucket = boto3.resource("s3").Bucket("media")


# ---- boto3 / botocore: synchronous network calls ---------------------------

async def object_store(key: str, data: bytes):
    s3.put_object(Bucket="media", Key=key, Body=data)  # PR301[MEDIUM]: 5 "network IO"
    s3.get_object(Bucket="media", Key=key)  # PR301[MEDIUM]: 5
    s3.generate_presigned_url("get_object", Params={"Key": key})  # ok: PR301
    bucket.upload_fileobj(io.BytesIO(data), key)  # PR301[MEDIUM]: 5
    local = boto3.client("sqs", region_name="eu-west-1")  # ok: PR301
    local.send_message(QueueUrl="q", MessageBody="m")  # PR301[MEDIUM]: 5
    boto3.session.Session().client("s3").list_objects_v2(Bucket="media")  # PR301[MEDIUM]: 5
    boto3.resource("dynamodb").Table("t").get_item(Key={"id": key})  # PR301[MEDIUM]: 5
    resource = boto3.resource("s3")
    resource.meta.client.upload_file("/tmp/x", "media", key)  # PR301[MEDIUM]: 5
    resource.meta.client.generate_presigned_url("get_object")  # ok: PR301


async def typed_client(client: BaseClient, key: str):
    client.delete_object(Bucket="media", Key=key)  # PR301[MEDIUM]: 5
    client.can_paginate("list_objects_v2")  # ok: PR301


async def typed_by_string(client: "S3Client", key: str):
    client.head_object(Bucket="media", Key=key)  # PR301[MEDIUM]: 5
    client.get_paginator("list_objects_v2")  # ok: PR301


async def async_object_store(key: str):
    session = aioboto3.Session()
    async with session.client("s3") as client:
        await client.get_object(Bucket="media", Key=key)  # ok: PR301


@app.post("/upload")
async def upload(key: str, data: bytes):
    s3.upload_fileobj(io.BytesIO(data), "media", key)  # PR301[HIGH]: 5 "of a request handler"


# ---- httpx2, like httpx ---------------------------------------------------

async def httpx2_calls(url: str):
    httpx2.get(url)  # PR301[MEDIUM]: 5 "HTTP request"
    with httpx2.Client() as client:
        client.post(url)  # PR301[MEDIUM]: 9
        client.build_request("GET", url)  # ok: PR301
    async with httpx2.AsyncClient() as client:
        await client.get(url)  # ok: PR301


# ---- compressed files: opening is file IO, reading is decompression ----------

async def compressed(path: str):
    with gzip.open(path, "rt") as f:  # PR301[MEDIUM]: 10 "file IO"
        f.read()  # PR305[MEDIUM]: 9 "compression"
    bz2.open(path).read()  # PR305[MEDIUM]: 5 # PR301[MEDIUM]: 5
    lzma.open(path)  # PR301[MEDIUM]: 5


async def in_memory_compression(data: bytes):
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as archive:  # ok: PR301
        archive.write(data)  # PR305[MEDIUM]: 9 "compression"
    buffer.write(data)  # ok: PR301, PR305
    return buffer.getvalue()


# ---- file objects by declared type: every method goes to the file ----------

async def declared_file(f: io.TextIOWrapper, raw: io.BufferedReader):
    f.reconfigure(encoding="utf-8")  # PR301[MEDIUM]: 5
    f.tell()  # PR301[MEDIUM]: 5
    raw.peek(10)  # PR301[MEDIUM]: 5
    f.fileno()  # ok: PR301
    f.isatty()  # ok: PR301


# ---- a sync module function stays sync when awaited -------------------------

async def awaited_sync_function(path: str, client):
    await os.path.isfile(path)  # PR301[MEDIUM]: 11
    await client.get(path)  # ok: PR301


# ---- Home Assistant's file helpers run in the executor only ------------------

async def integration_config(hass, path: str):
    from homeassistant.util.json import load_json
    from homeassistant.helpers.json import save_json

    data = load_json(path, default={})  # PR301[MEDIUM]: 12 "file IO"
    await hass.async_add_executor_job(save_json, path, data)  # ok: PR301


# ---- Home Assistant's recorder queries run in the recorder's executor --------

async def sensor_history(hass, start, entity_id: str):
    from functools import partial

    from homeassistant.components.recorder import get_instance, history
    from homeassistant.components.recorder.history import get_significant_states
    from homeassistant.components.recorder.statistics import statistics_during_period

    states = await get_significant_states(hass, start, entity_ids=[entity_id])  # PR301[MEDIUM]: 20 "database IO"
    history.state_changes_during_period(hass, start, entity_id=entity_id)  # PR301[MEDIUM]: 5
    statistics_during_period(hass, start, None, {entity_id}, "hour", None, {"mean"})  # PR301[MEDIUM]: 5
    recorder = get_instance(hass)
    await recorder.async_add_executor_job(  # ok: PR301
        partial(get_significant_states, hass, start, entity_ids=[entity_id]))
    await recorder.async_add_executor_job(lambda: get_significant_states(hass, start))  # ok: PR301
    await recorder.async_add_executor_job(history.get_last_state_changes, hass, 1, entity_id)  # ok: PR301
    return states


# ---- archives: on a file it is file IO, on an in-memory buffer compression ---

async def archives(path: str, payload: bytes):
    import tarfile
    import zipfile

    zipfile.ZipFile(path, "w")  # PR301[MEDIUM]: 5 "file IO"
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED)  # ok: PR301
    archive.writestr("notebook.html", payload)  # PR305[MEDIUM]: 5 "compression"
    archive.namelist()  # ok: PR305
    zipfile.ZipFile(io.BytesIO(payload))  # ok: PR301
    tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz")  # ok: PR301
