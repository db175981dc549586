import asyncpg
import redis.asyncio as redis

from app.channels import STOCK_CHANNEL

cache = redis.Redis()


def on_event(connection, pid, channel, payload):
    return payload


async def listen(dsn: str):
    connection = await asyncpg.connect(dsn)
    await connection.add_listener("order_event", on_event)  # PT206[CRITICAL]: 11 "'order_events'"
    await connection.add_listener(STOCK_CHANNEL, on_event)  # ok: PT206
    await connection.execute("LISTEN invoice_paid")  # ok: PT206
    await connection.execute("LISTEN refunds")  # PT206[MEDIUM]: 11 "nothing in the project publishes to"


async def follow_jobs():
    pubsub = cache.pubsub()
    await pubsub.psubscribe("job:*")  # ok: PT206
    await pubsub.subscribe("user_signup")  # PT206[CRITICAL]: 11 "'user-signup'"
    await pubsub.subscribe("heartbeat")  # PT206[MEDIUM]: 11
