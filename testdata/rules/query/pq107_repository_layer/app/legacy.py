"""A sync function that calls an ``async def`` without awaiting it makes a
coroutine that never runs: no query per item (the code is broken, not slow).
Handed to ``asyncio.run`` it does run."""
import asyncio

from sqlalchemy import insert

from app.db import AsyncSession
from app.models import Product
from app.repository import OrganizationRepository


def names_never_awaited(repository: OrganizationRepository, ids: list[int]) -> None:
    for organization_id in ids:
        found = repository.get_by_id(organization_id)  # ok: PQ107
        for name in found:
            print(name)


def names_run(repository: OrganizationRepository, ids: list[int]) -> None:
    for organization_id in ids:
        found = repository.get_by_id(organization_id)  # PQ107[HIGH]: 17
        print(asyncio.run(found))


async def insert_in_chunks(session: AsyncSession, rows: list[dict], chunk: int = 1000) -> None:
    for start in range(0, len(rows), chunk):
        await session.execute(insert(Product).values(rows[start:start + chunk]))  # ok: PQ105


async def insert_each(session: AsyncSession, rows: list[dict]) -> None:
    for row in rows:
        await session.execute(insert(Product).values(**row))  # PQ105[MEDIUM]: 15
