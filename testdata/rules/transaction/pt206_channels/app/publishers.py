import asyncpg
import redis.asyncio as redis

from app import channels

cache = redis.Redis()


async def stock_changed(connection: asyncpg.Connection, sku: str):
    await connection.execute(f"NOTIFY {channels.STOCK_CHANNEL}")  # ok: PT206


async def job_progress(job_id: int, percent: int):
    await cache.publish(f"job:{job_id}", percent)  # ok: PT206


async def signed_up(user_id: int):
    await cache.publish(channels.USER_SIGNUP, user_id)  # ok: PT206


async def metrics(sample: dict):
    await cache.publish("metrics", str(sample))  # PT206[HIGH]: 11 "'metrics'"
