from app.db import AsyncSession
from app.repository import OrganizationRepository


async def rename_flow(session: AsyncSession, organization_id: int) -> None:
    repository = OrganizationRepository(session)
    organization = await repository.get_by_id(organization_id)
    await audit(session, organization.id)
    await describe(session, organization.id)


async def audit(session: AsyncSession, organization_id: int) -> None:
    repository = OrganizationRepository(session)
    organization = await repository.get_by_id(organization_id)  # PQ101[MEDIUM]: 26 "already loaded at app/flows.py:7"
    organization.name = organization.name.upper()


async def describe(session: AsyncSession, organization_id: int) -> str:
    repository = OrganizationRepository(session)
    organization = await repository.get_by_id(organization_id)  # PQ103[MEDIUM]: 26 "only to read name"
    return organization.name
