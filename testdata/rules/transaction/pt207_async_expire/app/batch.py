from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import SessionLocal
from app.models import Job


async def mark_done(session: AsyncSession, job: Job) -> None:
    job.status = "done"
    await session.commit()


async def label(job: Job) -> str:
    return f"job {job.id}"


async def finish_all(session: AsyncSession) -> list[str]:
    jobs = (await session.execute(select(Job).where(Job.status == "running"))).scalars().all()
    names = []
    for job in jobs:
        names.append(job.status)  # PT207[HIGH]: 22 "mark_done"
        await mark_done(session, job)
    return names


async def finish_all_prefetched(session: AsyncSession) -> list[str]:
    jobs = (await session.execute(select(Job).where(Job.status == "running"))).scalars().all()
    names = [job.status for job in jobs]  # ok: PT207
    for job in jobs:
        await label(job)
    return names


async def finish_one(job_id: int) -> str:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        await mark_done(session, job)
        return job.status  # PT207[HIGH]: 16 "mark_done"


async def finish_one_refreshed(job_id: int) -> str:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        await mark_done(session, job)
        await session.refresh(job)
        return job.status  # ok: PT207


async def count_each(session: AsyncSession, job_id: int) -> int:
    job = (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()
    seen = 0
    for _ in range(3):
        seen += len(job.status)  # PT207[HIGH]: 21 "next iteration"
        job.status = "counted"
        await session.commit()
    return seen


async def sync_statuses(session: AsyncSession, updates: dict[int, str]) -> list[int]:
    jobs = (await session.execute(select(Job))).scalars().all()
    for job in jobs:
        if job.id in updates:
            job.status = updates[job.id]
            await session.commit()
    stale = []
    for job in jobs:
        if job.status == "stale":  # PT207[HIGH]: 12 "after session.commit()"
            stale.append(job.id)
    return stale


async def sync_statuses_reloaded(session: AsyncSession, updates: dict[int, str]) -> list[int]:
    jobs = (await session.execute(select(Job))).scalars().all()
    for job in jobs:
        job.status = updates.get(job.id, job.status)
    await session.commit()
    fresh = (await session.execute(select(Job))).scalars().all()
    return [job.id for job in fresh if job.status == "stale"]  # ok: PT207


async def close_in_own_session(job_id: int) -> None:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)  # PQ101[MEDIUM]: 21
        job.status = "closed"
        await session.commit()  # ok: PT207


async def close_each(session: AsyncSession) -> None:
    jobs = (await session.execute(select(Job))).scalars().all()
    for job in jobs:
        await close_in_own_session(job.id)  # ok: PT207 PQ107[HIGH]: 15
