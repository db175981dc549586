from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.models import Job
from app.worker import process_job

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post("/reconcile")
async def start_reconcile(order_ids: list[int], background: BackgroundTasks,
                          session: AsyncSession = Depends(get_session)):
    async with session.begin():
        job = Job(kind="reconcile", payload=str(order_ids))
        session.add(job)
        await session.flush()
        job_id = job.id
    background.add_task(process_job, job_id)
    return {"job": job_id}


@router.get("/{job_id}")
async def job_status(job_id: int, session: AsyncSession = Depends(get_session)):
    job = await session.get(Job, job_id)
    return {"status": job.status, "progress": job.progress, "total": job.total_steps}
