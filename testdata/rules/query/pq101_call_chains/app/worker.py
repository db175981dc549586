from celery import shared_task
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import Job, User
from app.repository import JobRepository


async def run_once(session: AsyncSession, repo: JobRepository):
    job = await repo.acquire_next_pending()
    if job is None:
        return
    await process_job(session, job.id)
    await describe_job(session, job.id)
    await archive_job(repo, job.id)


async def process_job(session: AsyncSession, job_id: int):
    job = await session.get(Job, job_id)  # PQ101[MEDIUM]: 17 "already loaded at app/worker.py:11"
    job.status = "running"
    await session.commit()


async def describe_job(session: AsyncSession, job_id: int) -> str:
    job = (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()  # PQ103[MEDIUM]: 11 "read owner, status"
    return f"{job.status} for {job.owner}"


async def archive_job(repo: JobRepository, job_id: int):
    job = await repo.get_by_id(job_id)  # PQ101[MEDIUM]: 17 "expire_on_commit=False"
    return job


async def sweep(repo: JobRepository, jobs: list[Job], user: User):
    for job in jobs:
        await repo.set_status(job.id, "stale")  # PQ102[HIGH]: 15 "through set_status()"
    for job_id in (1, 2, 3):
        await repo.remove(job_id)  # PQ102[MEDIUM]: 15
    await repo.set_status(user.id, "x")  # ok: PQ102


async def fresh_ids(session: AsyncSession, job_ids: list[int]):
    for job_id in job_ids:
        await process_job(session, job_id)  # ok: PQ101  # PQ107[HIGH]: 15 "fresh_ids -> process_job -> session.get"


def enqueue(session: Session, job_id: int):
    job = session.get(Job, job_id)
    run_job_task(job.id)


@shared_task
def run_job_task(job_id: int):
    session = Session()
    job = session.get(Job, job_id)  # ok: PQ101
    job.status = "queued"
    session.commit()  # PT204[MEDIUM]: 5
