from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

engine = create_async_engine("postgresql+asyncpg://localhost/app")
SessionLocal = async_sessionmaker(engine)
FreshSessionLocal = async_sessionmaker(engine, expire_on_commit=False)
SyncSessionLocal = sessionmaker(bind=create_engine("postgresql://localhost/app"))


async def get_db():
    async with SessionLocal() as session:
        yield session
