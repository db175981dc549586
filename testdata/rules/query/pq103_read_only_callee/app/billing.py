from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.models import Account, Shop


def charge(session: Session, account_id: int):
    account = session.get(Account, account_id)
    send_receipt(session, account.id)
    audit_account(session, account.id)
    mark_charged(session, account.id)


def send_receipt(session: Session, account_id: int) -> str:
    account = session.get(Account, account_id)  # PQ103[MEDIUM]: 15 "read email, plan"
    return f"{account.email} ({account.plan})"


def audit_account(session: Session, account_id: int) -> str:
    account = session.get(Account, account_id)  # ok: PQ103  # PQ101[MEDIUM]: 15
    return f"{account.email} {account.plan} {account.region} {account.owner}"


def mark_charged(session: Session, account_id: int):
    account = session.get(Account, account_id)  # ok: PQ103  # PQ101[MEDIUM]: 15
    account.plan = "paid"


async def notify(session: AsyncSession, account_id: int):
    account = await session.get(Account, account_id)
    if account is not None:
        await greet(session, account.id)


async def greet(session: AsyncSession, account_id: int) -> str:
    account = (await session.scalars(select(Account).where(Account.id == account_id))).one()  # PQ103[MEDIUM]: 15
    return account.email


def shop_page(shop_id):
    shop = Shop.objects.get(pk=shop_id)
    return shop_title(shop.pk)


def shop_title(shop_id):
    shop = Shop.objects.get(id=shop_id)  # PQ103[MEDIUM]: 12 "read name"
    return shop.name


def unrelated_title(shop_id):
    shop = Shop.objects.get(id=shop_id)  # ok: PQ103
    return shop.name
