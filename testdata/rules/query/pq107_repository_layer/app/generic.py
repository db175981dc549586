"""Rows and entities of a generic repository: ``select(self.model)`` in the
base class, the model named by the subclass the caller holds."""
from sqlalchemy.orm import joinedload

from app.db import AsyncSession
from app.models import Organization
from app.repository import OrganizationRepository, ProductRepository


async def owner_emails(session: AsyncSession) -> list[str]:
    organizations = await OrganizationRepository(session).list()
    return [organization.owner.email for organization in organizations]  # PQ107[HIGH]: 13 "Organization.owner"


async def owner_emails_loaded(session: AsyncSession) -> list[str]:
    organizations = await OrganizationRepository(session).list_loaded(joinedload(Organization.owner))
    return [organization.owner.email for organization in organizations]  # ok: PQ107


async def prices(session: AsyncSession) -> list[int]:
    return [product.price for product in await ProductRepository(session).list()]  # ok: PQ107
