"""A CRUD base that is handed its model when it is made, with instances made
once at the top of the module (the FastAPI project template's layout)."""
from typing import Any, Generic, Type, TypeVar

from sqlalchemy import select

from app.db import AsyncSession
from app.models import Organization, User

ModelType = TypeVar("ModelType")


class CRUDBase(Generic[ModelType]):
    def __init__(self, model: Type[ModelType]):
        self.model = model

    async def get(self, db: AsyncSession, id: Any) -> ModelType | None:
        return await db.get(self.model, id)

    async def get_all(self, db: AsyncSession) -> list[ModelType]:
        result = await db.execute(select(self.model))
        return list(result.scalars().all())


class CRUDOrganization(CRUDBase[Organization]):
    pass


organization = CRUDOrganization(Organization)
user = CRUDBase(User)
