"""The streamed body of a boto3 response downloads while it is read, also
when the client call that returned it ran in a thread."""
import asyncio
import functools
import json

import aioboto3
import boto3

s3 = boto3.client("s3")
lambda_client = boto3.client("lambda")


class Backend:
    def __init__(self, bucket: str):
        self._client = boto3.client("s3")
        self._bucket = bucket

    async def pull(self, key: str) -> bytes:
        resp = await asyncio.to_thread(self._client.get_object, Bucket=self._bucket, Key=key)
        return resp["Body"].read()  # PR301[MEDIUM]: 16 "network IO"

    async def pull_in_thread(self, key: str) -> bytes:
        def get_and_read() -> bytes:
            resp = self._client.get_object(Bucket=self._bucket, Key=key)
            return resp["Body"].read()  # ok: PR301

        return await asyncio.to_thread(get_and_read)


async def through_executor(key: str):
    loop = asyncio.get_running_loop()
    resp = await loop.run_in_executor(None, functools.partial(s3.get_object, Bucket="b", Key=key))
    first = resp["Body"].read()  # PR301[MEDIUM]: 13
    other = await loop.run_in_executor(None, lambda: s3.get_object(Bucket="b", Key=key))
    body = other["Body"]
    for line in body.iter_lines():  # PR301[MEDIUM]: 17
        print(line)
    return first


async def direct(key: str):
    resp = s3.get_object(Bucket="b", Key=key)  # PR301[MEDIUM]: 12
    return resp["Body"].read()  # PR301[MEDIUM]: 12


async def invoke(payload: dict):
    resp = await asyncio.to_thread(lambda_client.invoke, FunctionName="f", Payload=json.dumps(payload))
    return resp["Payload"].read()  # PR301[MEDIUM]: 12


async def read_offloaded(key: str):
    resp = await asyncio.to_thread(s3.get_object, Bucket="b", Key=key)
    return await asyncio.to_thread(resp["Body"].read)  # ok: PR301


async def async_client(key: str):
    session = aioboto3.Session()
    async with session.client("s3") as client:
        resp = await client.get_object(Bucket="b", Key=key)
        async with resp["Body"] as stream:
            return await stream.read()  # ok: PR301


async def other_mapping(key: str, cached: dict):
    return cached["Body"].read()  # ok: PR301
