import sqlite3

from django.db import models
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Session


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    pass


class Article(models.Model):
    pass


def sync_counts(session: Session):
    total = len(session.query(Ticket).all())  # PQ108[MEDIUM]: 13 "every Ticket row"
    open_ = len(session.scalars(select(Ticket).where(Ticket.open)).all())  # PQ108[MEDIUM]: 13
    rows = session.execute(select(Ticket)).scalars().all()
    if rows:  # PQ108[MEDIUM]: 8 "exists"
        return total + open_
    return session.scalar(select(func.count()).select_from(Ticket))  # ok: PQ108


def rows_used_after_count(session: Session):
    rows = session.scalars(select(Ticket)).all()
    if not rows:  # ok: PQ108
        return []
    print(len(rows))  # ok: PQ108
    return [row.id for row in rows]


async def async_counts(session: AsyncSession):
    result = await session.scalars(select(Ticket))
    tickets = result.all()
    return len(tickets)  # PQ108[MEDIUM]: 12


def django_counts():
    published = Article.objects.filter(published=True)
    if published:  # PQ108[MEDIUM]: 8 ".exists()"
        print("some")
    n = len(Article.objects.all())  # PQ108[MEDIUM]: 9 ".count()"
    drafts = Article.objects.filter(published=False)
    for draft in drafts:
        print(draft)
    if drafts:  # ok: PQ108
        print(len(drafts))  # ok: PQ108
    return n, Article.objects.filter(published=True).count()  # ok: PQ108


def raw(conn: sqlite3.Connection, names: list):
    cursor = conn.cursor()
    cursor.execute("SELECT id FROM tickets")
    count = len(cursor.fetchall())  # PQ108[MEDIUM]: 13
    return count + len(names)  # ok: PQ108
