from typing import Annotated, NewType

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

engine = create_async_engine("postgresql+asyncpg://localhost/billing")
SessionFactory = async_sessionmaker(engine)

AsyncSession = NewType("AsyncSession", _AsyncSession)


async def get_session():
    async with SessionFactory() as session:
        yield session


DbSession = Annotated[_AsyncSession, Depends(get_session)]
