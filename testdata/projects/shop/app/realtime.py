"""Forwards job progress NOTIFYs to websocket subscribers."""

import asyncio

import asyncpg

from app.config import DATABASE_URL

JOB_PROGRESS_CHANNEL = "job_progress"


async def listen(queue: asyncio.Queue) -> None:
    connection = await asyncpg.connect(DATABASE_URL.replace("+asyncpg", ""))

    def forward(_connection, _pid, _channel, payload):
        queue.put_nowait(payload)

    await connection.add_listener(JOB_PROGRESS_CHANNEL, forward)
