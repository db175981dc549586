"""Background worker: picks pending jobs and runs them, reporting progress
through the jobs table (a trigger turns progress updates into NOTIFYs)."""

import asyncio
import json
import logging
import time

from sqlalchemy import select

from app.db import SessionLocal
from app.models import Job, Order

log = logging.getLogger(__name__)

POLL_INTERVAL = 2.0


async def acquire_next_job() -> Job | None:
    async with SessionLocal() as session:
        async with session.begin():
            result = await session.execute(
                select(Job).where(Job.status == "pending").order_by(Job.id).limit(1).with_for_update(skip_locked=True)
            )
            job = result.scalar_one_or_none()
            if job is not None:
                job.status = "running"
        return job


async def process_job(job_id: int) -> None:
    session = SessionLocal()
    job = await session.get(Job, job_id)
    order_ids = json.loads(job.payload or "[]")
    job.total_steps = len(order_ids)
    for step, order_id in enumerate(order_ids, start=1):
        order = await session.get(Order, order_id)
        order.status = "reconciled"
        job.progress = step
        await session.flush()
        await asyncio.sleep(0.1)
    job.status = "done"
    await session.commit()
    await session.close()


async def process_job_with_milestones(job_id: int) -> None:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        order_ids = json.loads(job.payload or "[]")
        for step, order_id in enumerate(order_ids, start=1):
            order = await session.get(Order, order_id)
            order.status = "reconciled"
            job.progress = step
            await session.commit()


async def run_forever() -> None:
    while True:
        job = await acquire_next_job()
        if job is None:
            time.sleep(POLL_INTERVAL)
            continue
        try:
            await process_job(job.id)
        except Exception:
            log.exception("job %s failed", job.id)


if __name__ == "__main__":
    asyncio.run(run_forever())
