"""A helper whose first query is the same for every item of the caller's
loop (the organization's owner) and whose second is not (the user of each
email): the second is the query per item."""
from sqlalchemy import select

from app.db import AsyncSession
from app.models import Organization, User


async def welcome(session: AsyncSession, email: str, organization: Organization) -> str:
    owner = await session.get(User, organization.owner_id)
    user = await session.scalar(select(User).where(User.email == email))
    return f"{owner.email} welcomes {user.email}"


async def greet(session: AsyncSession, organization: Organization) -> str:
    owner = await session.get(User, organization.owner_id)
    return f"{owner.email} says hello"


async def welcome_all(session: AsyncSession, organization: Organization, emails: list[str]) -> list[str]:
    return [await welcome(session, email, organization) for email in emails]  # PQ107[HIGH]: 19 "welcome -> session.scalar"


async def greet_all(session: AsyncSession, organization: Organization, emails: list[str]) -> list[str]:
    return [await greet(session, organization) + email for email in emails]  # ok: PQ107 (the same query each time)
