from sqlalchemy import select, update

from app.db import AsyncSession
from app.models import Member, Org


class OrgRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get_by_id(self, org_id: int) -> Org | None:
        return await self.session.get(Org, org_id)

    async def list_all(self) -> list[Org]:
        return list((await self.session.scalars(select(Org))).all())

    async def mark_synced(self, org_id: int) -> None:
        await self.session.execute(update(Org).where(Org.id == org_id).values(synced=True))

    async def save(self, org: Org) -> None:
        self.session.add(org)
        await self.session.commit()  # PT204[LOW]: 15 "long-lived object"

    async def members_of(self, org_ids: list[int]) -> list[Member]:
        return list((await self.session.scalars(select(Member).where(Member.org_id.in_(org_ids)))).all())
