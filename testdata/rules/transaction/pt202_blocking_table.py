"""PT202 reads the blocking table PR301 reads: every network call PR301
knows holds the transaction open, and so do awaited ones."""
import gzip
import socket
import zoneinfo

import boto3
import httpx2
import redis
import urllib3
from sqlalchemy.ext.asyncio import AsyncSession
from dateutil import tz
from sqlalchemy.orm import Session

cache = redis.Redis()
bucket = boto3.resource("s3").Bucket("exports")


def settle(session: Session, order_id: int, payload: bytes):
    with session.begin():
        urllib3.request("POST", "https://ledger.example/entries")  # PT202[HIGH]: 9
        socket.create_connection(("ledger.example", 9000))  # PT202[HIGH]: 9
        cache.set(f"order:{order_id}", "settled")  # PT202[HIGH]: 9
        httpx2.post("https://ledger.example/done")  # PT202[HIGH]: 9
        bucket.put_object(Key=str(order_id), Body=payload)  # PT202[HIGH]: 9
        gzip.compress(payload)  # ok: PT202


async def settle_async(session: AsyncSession, order_id: int):
    async with session.begin():
        async with httpx2.AsyncClient() as client:
            await client.post("https://ledger.example/entries")  # PT202[HIGH]: 19
    cache.get(f"order:{order_id}")  # ok: PT202 # PR301[MEDIUM]: 5


def zone_of(name: str):
    return tz.gettz(name)


def reschedule(session: Session, order_id: int, zone: str):
    with session.begin():
        zoneinfo.ZoneInfo(zone)  # ok: PT202 (read once, then the library's cache answers)
        zone_of(zone)  # ok: PT202
        open(f"/var/spool/orders/{order_id}").read()  # PT202[MEDIUM]: 9
