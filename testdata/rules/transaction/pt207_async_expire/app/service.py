from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import FreshSessionLocal, SessionLocal, SyncSessionLocal, engine, get_db
from app.models import Job


async def finish(job_id: int) -> str:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        job.status = "done"
        await session.commit()
        return job.status  # PT207[HIGH]: 16 "job.status is read after session.commit()"


async def finish_and_refresh(job_id: int) -> str:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        job.status = "done"
        await session.commit()
        await session.refresh(job)
        return job.status  # ok: PT207


async def finish_without_expiry(job_id: int) -> str:
    async with FreshSessionLocal() as session:
        job = (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()
        job.status = "done"
        await session.commit()
        return job.status  # ok: PT207


async def create(status: str) -> int:
    async with SessionLocal() as session:
        job = Job(status=status)
        session.add(job)
        await session.commit()
        return job.id  # PT207[HIGH]: 16


async def create_endpoint(status: str, session: AsyncSession = Depends(get_db)) -> int:
    job = Job(status=status)
    session.add(job)
    await session.commit()
    return job.id  # PT207[HIGH]: 12


async def read_before_commit(job_id: int) -> str:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        status = job.status  # ok: PT207
        job.status = "seen"
        await session.commit()
        return status


async def reload_after_commit(job_id: int) -> str:
    async with SessionLocal() as session:
        job = await session.get(Job, job_id)
        job.status = "done"
        await session.commit()
        job = await session.get(Job, job_id)
        return job.status  # ok: PT207


async def direct_session_without_expiry(job_id: int) -> str:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        job = await session.get(Job, job_id)
        job.status = "done"
        await session.commit()
        return job.status  # ok: PT207


def sync_session(job_id: int) -> str:
    with SyncSessionLocal() as session:
        job = session.get(Job, job_id)
        job.status = "done"
        session.commit()
        return job.status  # ok: PT207


async def passed_in(session: AsyncSession, job_id: int) -> str:
    job = await session.get(Job, job_id)
    job.status = "done"
    await session.commit()
    return job.status  # PT207[HIGH]: 12


async def finish_selected(job_id: int) -> str:
    async with SessionLocal() as session:
        job = (await session.scalars(select(Job).where(Job.id == job_id))).one()
        job.status = "done"
        await session.commit()
        return job.status  # PT207[HIGH]: 16 "job.status is read after session.commit()"


async def finish_selected_without_expiry(job_id: int) -> str:
    async with FreshSessionLocal() as session:
        job = (await session.scalars(select(Job).where(Job.id == job_id))).one()
        job.status = "done"
        await session.commit()
        return job.status  # ok: PT207
