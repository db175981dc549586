from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job


class JobRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get_by_id(self, job_id: int) -> Job | None:
        return await self.session.get(Job, job_id)  # ok: PQ101

    async def set_status(self, job_id: int, status: str) -> None:
        await self.session.execute(update(Job).where(Job.id == job_id).values(status=status))

    async def remove(self, job_id: int) -> None:
        await self.session.execute(delete(Job).where(Job.id == job_id))

    async def acquire_next_pending(self) -> Job | None:
        stmt = select(Job).where(Job.status == "pending").limit(1)
        return (await self.session.scalars(stmt)).first()
