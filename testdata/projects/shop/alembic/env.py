import asyncio

from alembic import context
from sqlalchemy.ext.asyncio import create_async_engine

from app.config import DATABASE_URL
from app.db import Base
import app.models  # noqa: F401  (registers the tables on Base.metadata)

target_metadata = Base.metadata


def do_run_migrations(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    connectable = create_async_engine(DATABASE_URL)
    async with connectable.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await connectable.dispose()


asyncio.run(run_migrations_online())
