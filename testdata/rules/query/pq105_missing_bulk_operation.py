import sqlite3

from django.db import models
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Session
from sqlmodel import Session as ModelSession


class Base(DeclarativeBase):
    pass


class Tag(Base):
    pass


class Label(models.Model):
    pass


def sqlalchemy_sync(session: Session, names, rows, tags):
    for name in names:
        session.add(Tag(name=name))  # PQ105[LOW]: 9 "session.add"
    for row in rows:
        tag = Tag(**row)
        session.add(tag)  # PQ105[MEDIUM]: 9 "session.commit()"
        session.commit()
    for tag in tags:
        session.delete(tag)  # PQ105[MEDIUM]: 9
        session.flush()
    for name in names:
        session.merge(Tag(name=name))  # PQ105[MEDIUM]: 9
        session.execute(select(Tag).where(Tag.name == name))  # PQ107[HIGH]: 9
    for tag in tags:
        session.merge(tag, load=False)  # ok: PQ105 - attached without a statement or a write
        session.execute(select(Tag).where(Tag.name == tag.name))  # PQ107[HIGH]: 9
    for row in rows:
        session.execute(insert(Tag).values(**row))  # PQ105[MEDIUM]: 9 "insert(M), rows"
    for _ in range(3):
        session.add(Tag())  # PQ105[MEDIUM]: 9 "session.commit()"
        session.commit()
    session.add_all([Tag(name=name) for name in names])  # ok: PQ105
    session.execute(insert(Tag), rows)  # ok: PQ105
    session.add(Tag(name="one"))  # ok: PQ105


async def sqlalchemy_async(session: AsyncSession, names, tags):
    for name in names:
        session.add(Tag(name=name))  # PQ105[LOW]: 9
    for tag in tags:
        await session.delete(tag)  # PQ105[LOW]: 15
    for name in names:
        session.add(Tag(name=name))  # PQ105[MEDIUM]: 9
        await session.commit()


def sqlmodel_loop(names):
    with ModelSession() as session:
        for name in names:
            session.add(Tag(name=name))  # PQ105[LOW]: 13


def django_orm(names, labels):
    for name in names:
        Label.objects.create(name=name)  # PQ105[MEDIUM]: 9 "bulk_create"
    for name in names:
        label = Label(name=name)
        label.save()  # PQ105[MEDIUM]: 9
    for label in Label.objects.filter(stale=True):
        label.delete()  # PQ105[MEDIUM]: 9 "filter(pk__in=ids).delete()"
    for label in Label.objects.filter(stale=False):
        label.name = label.name.strip()
        label.save()  # PQ105[MEDIUM]: 9 "bulk_update"
    Label.objects.bulk_create([Label(name=name) for name in names])  # ok: PQ105
    Label(name="x").save()  # ok: PQ105


def raw(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO tags (name) VALUES (?)", (row["name"],))  # PQ105[MEDIUM]: 9 "executemany"
    conn.executemany("INSERT INTO tags (name) VALUES (?)", [(r["name"],) for r in rows])  # ok: PQ105
