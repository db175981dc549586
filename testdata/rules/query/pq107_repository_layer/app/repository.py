from abc import ABC, abstractmethod
from typing import Generic, Self, TypeVar

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert

from app.db import AsyncReadSession, AsyncSession
from app.models import Organization, Product

M = TypeVar("M")


class RepositoryBase(Generic[M]):
    model: type[M]

    def __init__(self, session: AsyncSession | AsyncReadSession):
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> Self:
        return cls(session)

    async def get_by_id(self, id: int) -> M | None:
        return await self.session.get(self.model, id)

    async def get_one(self, statement: Select) -> M:
        result = await self.session.execute(statement)
        return result.unique().scalar_one()

    async def list(self) -> list[M]:
        result = await self.session.execute(select(self.model))
        return list(result.scalars().all())

    async def list_loaded(self, *options) -> list[M]:
        return list((await self.session.scalars(select(self.model).options(*options))).all())

    async def delete_by_id(self, id: int) -> None:
        await self.session.execute(delete(self.model).where(self.model.id == id))


class OrganizationRepository(RepositoryBase[Organization]):
    model = Organization

    async def list_all(self) -> list[Organization]:
        return list((await self.session.scalars(select(Organization))).all())

    async def rename(self, id: int, name: str) -> None:
        await self.session.execute(update(Organization).where(Organization.id == id).values(name=name))

    async def create(self, name: str) -> Organization:
        organization = Organization(name=name)
        self.session.add(organization)
        await self.session.flush()
        return organization

    async def add(self, organization: Organization, *, flush: bool = False) -> Organization:
        self.session.add(organization)
        if flush:
            await self.session.flush()
        return organization

    async def count(self) -> int:
        return (await self.session.scalar(select(func.count()).select_from(Organization))) or 0

    def default_name(self) -> str:
        return "unnamed"


class ProductRepository(RepositoryBase[Product]):
    model = Product

    async def upsert(self, organization_id: int, price: int) -> None:
        statement = insert(Product).values(organization_id=organization_id, price=price)
        await self.session.execute(statement.on_conflict_do_nothing())


class PriceSource(ABC):
    @abstractmethod
    async def price_of(self, product_id: int) -> int: ...


class DatabasePriceSource(PriceSource):
    def __init__(self, session: AsyncSession):
        self.session = session

    async def price_of(self, product_id: int) -> int:
        return await self.session.scalar(select(Product.price).where(Product.id == product_id))


class OwnedRepository(RepositoryBase[Organization]):
    """Names its model only through the type argument of its base."""

    async def owner_emails(self) -> list[str]:
        return [organization.owner.email for organization in await self.list()]  # PQ107[HIGH]: 17 "Organization.owner"
