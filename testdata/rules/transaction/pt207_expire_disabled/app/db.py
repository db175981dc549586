from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

SessionLocal = async_sessionmaker(create_async_engine("postgresql+asyncpg://localhost/app"),
                                  expire_on_commit=False)
