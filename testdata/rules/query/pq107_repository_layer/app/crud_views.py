from app import crud
from app.crud import organization
from app.db import AsyncSession


async def owner_emails(db: AsyncSession) -> list[str]:
    return [o.owner.email for o in await organization.get_all(db)]  # PQ107[HIGH]: 13 "Organization.owner"


async def owner_emails_through_the_module(db: AsyncSession) -> list[str]:
    return [o.owner.email for o in await crud.organization.get_all(db)]  # PQ107[HIGH]: 13 "Organization.owner"


async def emails(db: AsyncSession) -> list[str]:
    return [u.email for u in await crud.user.get_all(db)]  # ok: PQ107


async def owner_email(db: AsyncSession, organization_id: int) -> str:
    found = await crud.organization.get(db, organization_id)
    return found.owner.email  # ok: PQ107
