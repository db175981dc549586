import sqlite3

import asyncpg
from django.db import connection, models
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Session

CLOSE = "UPDATE tickets SET open = 0 WHERE id = ?"
STATES = ["new", "open", "closed"]


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    pass


class Article(models.Model):
    pass


def sqlalchemy_sync(session: Session, ticket_ids, tickets):
    for ticket_id in ticket_ids:
        session.execute(update(Ticket).where(Ticket.id == ticket_id).values(open=False))  # PQ102[HIGH]: 9 "UPDATE of Ticket"
        session.execute(delete(Ticket).where(Ticket.id == ticket_id))  # PQ102[HIGH]: 9 "DELETE"
        session.query(Ticket).filter(Ticket.id == ticket_id).update({"open": False})  # PQ102[HIGH]: 9
        session.query(Ticket).filter_by(id=ticket_id).delete()  # PQ102[HIGH]: 9
    for ticket in tickets:
        stmt = update(Ticket).where(Ticket.id == ticket.id).values(seen=True)
        session.execute(stmt)  # PQ102[HIGH]: 9
    for state in STATES:
        session.execute(update(Ticket).where(Ticket.state == state).values(seen=True))  # PQ102[MEDIUM]: 9
    session.execute(update(Ticket).where(Ticket.id.in_(ticket_ids)).values(open=False))  # ok: PQ102


def batched_delete(session: Session):
    while True:
        result = session.execute(delete(Ticket).where(Ticket.id.in_(select(Ticket.id).limit(1000))))  # ok: PQ102
        if result.rowcount == 0:
            break
    for _ in range(5):
        session.execute(delete(Ticket).where(Ticket.expired))  # ok: PQ102


async def sqlalchemy_async(session: AsyncSession, ticket_ids):
    for ticket_id in ticket_ids:
        await session.execute(update(Ticket).where(Ticket.id == ticket_id).values(open=False))  # PQ102[HIGH]: 15
    await session.execute(update(Ticket), [{"id": i, "open": False} for i in ticket_ids])  # ok: PQ102


def django_orm(article_ids, articles):
    for article_id in article_ids:
        Article.objects.filter(pk=article_id).update(published=True)  # PQ102[HIGH]: 9 "filter(id__in=ids).update()"
        Article.objects.filter(pk=article_id).delete()  # PQ102[HIGH]: 9
    for article in articles:
        article.delete()  # ok: PQ102
    Article.objects.filter(pk__in=article_ids).update(published=True)  # ok: PQ102


def raw(conn: sqlite3.Connection, ticket_ids):
    for ticket_id in ticket_ids:
        conn.execute(CLOSE, (ticket_id,))  # PQ102[HIGH]: 9 "executemany"
        conn.execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,))  # PQ107[HIGH]: 9
    conn.executemany(CLOSE, [(i,) for i in ticket_ids])  # ok: PQ102
    with connection.cursor() as cursor:
        for ticket_id in ticket_ids:
            cursor.execute("DELETE FROM tickets WHERE id = %s", [ticket_id])  # PQ102[HIGH]: 13


async def raw_async(pool: asyncpg.Pool, session: AsyncSession, ticket_ids):
    for ticket_id in ticket_ids:
        await pool.execute("UPDATE tickets SET open = false WHERE id = $1", ticket_id)  # PQ102[HIGH]: 15
        await session.execute(text("DELETE FROM tickets WHERE id = :id"), {"id": ticket_id})  # PQ102[HIGH]: 15


def per_group(session: Session, groups: dict):
    for name, ids in groups.items():
        Article.objects.filter(id__in=ids).delete()  # ok: PQ102
        session.execute(update(Ticket).where(Ticket.id.in_(ids)).values(group=name))  # ok: PQ102
