from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("postgresql://localhost/app"))
AsyncSessionLocal = async_sessionmaker(create_async_engine("postgresql+asyncpg://localhost/app"),
                                       expire_on_commit=False)
