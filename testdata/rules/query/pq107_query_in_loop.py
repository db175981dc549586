import enum
import sqlite3

import asyncpg
from django.db import models
from fastapi import FastAPI
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlmodel import Session as ModelSession

app = FastAPI()
SessionLocal = scoped_session(sessionmaker())
LOOKUP = "SELECT name FROM users WHERE id = ?"
COLOURS = ("red", "green", "blue")


class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Base(DeclarativeBase):
    pass


class Order(Base):
    pass


class Customer(models.Model):
    pass


def sync_orm(session: Session, order_ids, orders):
    for order_id in order_ids:
        session.get(Order, order_id)  # PQ107[HIGH]: 9 "Order once per item of order_ids"
        session.query(Order).filter(Order.id == order_id).first()  # PQ107[HIGH]: 9
        session.execute(select(Order).where(Order.id == order_id)).scalar_one()  # PQ107[HIGH]: 9
        session.scalars(select(Order).where(Order.id == order_id)).all()  # PQ107[HIGH]: 9
    for order in orders:
        stmt = select(Order).where(Order.parent_id == order.id)
        session.execute(stmt)  # PQ107[HIGH]: 9
        session.execute(update(Order).where(Order.id == order.id))  # ok: PQ107  # PQ102[HIGH]: 9
    names = [session.get(Order, i).name for i in order_ids]  # PQ107[HIGH]: 14
    return names


def small_loops(session: Session):
    for colour in COLOURS:
        session.scalars(select(Order).where(Order.colour == colour)).all()  # PQ107[MEDIUM]: 9
    for day in range(7):
        session.query(Order).filter(Order.day == day).all()  # PQ107[MEDIUM]: 9
    for day in [1, 2, 3]:
        session.get(Order, day)  # PQ107[MEDIUM]: 9
    for colour in Colour:
        session.scalars(select(Order).where(Order.colour == colour.value)).all()  # PQ107[MEDIUM]: 9
    for day in range(11):
        session.get(Order, day)  # PQ107[HIGH]: 9


def not_per_item(session: Session, order_ids):
    orders = session.scalars(select(Order).where(Order.id.in_(order_ids))).all()  # ok: PQ107
    for attempt in range(3):
        try:
            return session.execute(select(Order)).all()  # ok: PQ107
        except Exception:
            continue
    for order in orders:
        print(order.id)
    return orders


def paginate(session: Session):
    page = 0
    while True:
        rows = session.scalars(select(Order).offset(page * 100).limit(100)).all()  # ok: PQ107
        if not rows:
            break
        print(rows)
        page += 1
    for page in range(1000):
        batch = session.scalars(select(Order).offset(page * 100).limit(100)).all()  # ok: PQ107
        if not batch:
            break
        print(batch)


def work_queue(session: Session, pending: list):
    while pending:
        order_id = pending.pop()
        session.get(Order, order_id)  # PQ107[HIGH]: 9


def scoped_and_sqlmodel(order_ids):
    for order_id in order_ids:
        SessionLocal.get(Order, order_id)  # PQ107[HIGH]: 9
    with ModelSession() as session:
        for order_id in order_ids:
            session.exec(select(Order).where(Order.id == order_id)).first()  # PQ107[HIGH]: 13


async def async_orm(session: AsyncSession, order_ids):
    for order_id in order_ids:
        await session.get(Order, order_id)  # PQ107[HIGH]: 15
        result = await session.execute(select(Order).where(Order.id == order_id))  # PQ107[HIGH]: 24
        result.scalar_one()
        (await session.scalars(select(Order).where(Order.id == order_id))).first()  # PQ107[HIGH]: 16
        await session.scalar(select(Order).where(Order.id == order_id))  # PQ107[HIGH]: 15


def django_orm(customer_ids):
    for customer_id in customer_ids:
        Customer.objects.get(pk=customer_id)  # PQ107[HIGH]: 9 "Customer"
        Customer.objects.filter(id=customer_id).first()  # PQ107[HIGH]: 9
        Customer.objects.filter(id=customer_id).update(active=True)  # ok: PQ107  # PQ102[HIGH]: 9
    return Customer.objects.filter(id__in=customer_ids)  # ok: PQ107


def raw_sql(conn: sqlite3.Connection, user_ids):
    cursor = conn.cursor()
    for user_id in user_ids:
        cursor.execute(LOOKUP, (user_id,))  # PQ107[HIGH]: 9 "SQL"
        cursor.execute("UPDATE users SET seen = 1 WHERE id = ?", (user_id,))  # ok: PQ107  # PQ102[HIGH]: 9
    cursor.execute(LOOKUP, (1,))  # ok: PQ107


async def raw_async(pool: asyncpg.Pool, session: AsyncSession, user_ids):
    for user_id in user_ids:
        await pool.fetchrow("SELECT * FROM users WHERE id = $1", user_id)  # PQ107[HIGH]: 15  # PQ104[LOW]: 15
        await session.execute(text(f"SELECT name FROM users WHERE id = {user_id}"))  # PQ107[HIGH]: 15


@app.get("/orders")
def outside_loop(session: Session, order_id: int):
    return session.get(Order, order_id)  # ok: PQ107


async def aiosqlite_loop(path, user_ids):
    import aiosqlite

    async with aiosqlite.connect(path) as db:
        for user_id in user_ids:
            await db.execute("SELECT name FROM users WHERE id = ?", (user_id,))  # PQ107[HIGH]: 19
            await db.execute("INSERT INTO seen VALUES (?)", (user_id,))  # PQ105[MEDIUM]: 19  # ok: PQ107
        db = await aiosqlite.connect(path)
        for user_id in user_ids:
            await db.execute_fetchall("SELECT * FROM users WHERE id = ?", (user_id,))  # PQ107[HIGH]: 19  # PQ104[MEDIUM]: 19


def recheck_each(session: Session, orders):
    for order in orders:
        if session.get(Order, order.id) is None:  # PQ107[HIGH]: 12
            continue
        if order.last:
            return None
    for order in orders:
        if session.scalar(select(Order.id).where(Order.id > order.id)) is None:  # ok: PQ107
            break
    for attempt in range(3):
        try:
            return session.execute(select(Order).where(Order.attempt == attempt)).all()  # ok: PQ107
        except Exception:
            continue


def apply_changes(session: Session, order: Order, changes: dict):
    """Each key of a mapping comes once: a query under ``key == "..."``
    runs once per loop, not once per item."""
    for key, value in changes.items():
        if key == "owner_ids":
            session.execute(select(Order).where(Order.id.in_(value)))  # ok: PQ107
        elif key == "tag_ids":
            session.execute(select(Order).where(Order.id.in_(value)))  # ok: PQ107
        else:
            session.execute(select(Order).where(Order.id == value))  # PQ107[HIGH]: 13
