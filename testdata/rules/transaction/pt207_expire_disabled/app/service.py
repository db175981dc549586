from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job


async def passed_in(session: AsyncSession, job_id: int) -> str:
    """The project's only session factory keeps instances fresh after commit."""
    job = await session.get(Job, job_id)
    job.status = "done"
    await session.commit()
    return job.status  # ok: PT207
