import logging
import sqlite3

import psycopg2
from fastapi import Depends, FastAPI
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, object_session, sessionmaker

app = FastAPI()
engine = create_engine("postgresql://localhost/shop")
SessionLocal = sessionmaker(bind=engine)
AsyncSessionLocal = async_sessionmaker(create_async_engine("postgresql+asyncpg://localhost/shop"))
log = logging.getLogger(__name__)

shared_session = SessionLocal()


def save_with_module_session(order):
    shared_session.add(order)
    shared_session.commit()  # PT204[MEDIUM]: 5 "module-level session"


def save_with_local_session(order):
    session = SessionLocal()
    session.add(order)
    session.commit()  # PT204[MEDIUM]: 5 "created by SessionLocal() without a context manager"


def touch_owner(order):
    session = object_session(order)
    order.touched = True
    session.commit()  # ok: PT204


def save_closed_in_finally(order):
    session = SessionLocal()
    try:
        session.add(order)
        session.commit()  # ok: PT204
    finally:
        session.close()


def save_in_with_block(order):
    with SessionLocal() as session:
        session.add(order)
        session.commit()  # ok: PT204


def save_in_transaction_block(order):
    with SessionLocal() as session, session.begin():
        session.add(order)
    with SessionLocal.begin() as session:
        session.add(order)


def save_with_rollback(order):
    session = SessionLocal()
    try:
        session.add(order)
        session.commit()  # ok: PT204
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


def save_and_log(order):
    with SessionLocal() as session:
        try:
            session.add(order)
            session.commit()  # ok: PT204
        except Exception:
            log.exception("could not save %s", order)


def save_and_log_then_reuse(order):
    with SessionLocal() as session:
        try:
            session.add(order)
            session.commit()  # PT204[MEDIUM]: 13 "used again at line"
        except Exception:
            log.exception("could not save %s", order)
        session.add(order)


def save_each(orders):
    session = SessionLocal()
    for order in orders:
        order.status = "seen"
        session.commit()  # PT204[MEDIUM]: 9 "created by SessionLocal()"


def save_each_logging_failures(orders):
    with SessionLocal() as session:
        for order in orders:
            try:
                order.status = "seen"
                session.commit()  # PT204[MEDIUM]: 17 "the next iteration of the loop runs on it"
            except Exception:
                log.warning("skipped %s", order)


def save_each_skipping_bad_input(orders):
    with SessionLocal() as session:
        for order in orders:
            try:
                order.status = int(order.raw_status)
                session.commit()  # ok: PT204
            except ValueError:
                log.warning("skipped %s", order)


def save_each_managed(orders):
    with SessionLocal() as session:
        for order in orders:
            order.status = "seen"
            session.commit()  # ok: PT204


def get_db():
    with SessionLocal() as session:
        yield session


def get_db_closing():
    session = SessionLocal()
    try:
        yield session
    finally:
        session.close()


def get_db_leaky() -> Session:
    return SessionLocal()


@app.post("/orders")
def create_order(payload: dict, db: Session = Depends(get_db)):
    db.add(payload)
    db.commit()  # ok: PT204


@app.post("/orders/closing")
def create_order_closing(payload: dict, db: Session = Depends(get_db_closing)):
    db.add(payload)
    db.commit()  # ok: PT204


@app.post("/orders/leaky")
def create_order_leaky(payload: dict, db: Session = Depends(get_db_leaky)):
    db.add(payload)
    db.commit()  # PT204[MEDIUM]: 5 "never closes it"


def mark_paid(db, order_id):
    db.execute("UPDATE invoices SET paid = true WHERE id = %s", order_id)
    db.commit()  # ok: PT204


def publish_release(repo):
    repo.commit()  # ok: PT204


def copy_rows(dsn):
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    cur.execute("INSERT INTO archive SELECT * FROM invoices")
    conn.commit()  # PT204[MEDIUM]: 5


def copy_rows_in_transaction(dsn):
    conn = psycopg2.connect(dsn)
    with conn:
        cur = conn.cursor()
        cur.execute("INSERT INTO archive SELECT * FROM invoices")


def sqlite_with_rollback(path):
    conn = sqlite3.connect(path)
    try:
        conn.execute("DELETE FROM cache")
        conn.commit()  # ok: PT204
    except sqlite3.Error:
        conn.rollback()
        raise


def explicit_transaction_object():
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute("DELETE FROM cache")
        transaction.commit()  # ok: PT204


class OrderService:
    def __init__(self):
        self.session = SessionLocal()

    def save(self, order):
        self.session.add(order)
        self.session.commit()  # PT204[MEDIUM]: 9 "long-lived session"


class OrderRepository:
    def __init__(self, session: Session):
        self.session = session

    def save(self, order):
        self.session.add(order)
        self.session.commit()  # PT204[LOW]: 9 "handed to a long-lived object"


async def save_async(order):
    async with AsyncSessionLocal() as session:
        session.add(order)
        await session.commit()  # ok: PT204


async def save_async_in_block(order):
    async with AsyncSessionLocal() as session:
        async with session.begin():
            session.add(order)


async def save_async_param(session: AsyncSession, order):
    session.add(order)
    try:
        await session.commit()  # ok: PT204
    except BaseException:
        await session.rollback()
        raise


def mark_shipped(session: Session, order):
    order.status = "shipped"
    session.commit()  # ok: PT204


def mark_shipped_quietly(session: Session, order):
    order.status = "shipped"
    try:
        session.commit()  # PT204[MEDIUM]: 9 "the caller goes on"
    except Exception:
        log.exception("could not ship %s", order)


def ship_all(session: Session, orders):
    for order in orders:
        try:
            mark_shipped(session, order)  # PT204[MEDIUM]: 13 "mark_shipped commits session"
        except Exception:
            log.exception("could not ship %s", order)


def ship_all_and_log(session: Session, orders):
    for order in orders:
        try:
            mark_shipped(session, order)  # PT204[MEDIUM]: 13 "the next iteration"
            order.status = "logged"
            session.commit()  # ok: PT204
        except Exception:
            log.exception("could not ship %s", order)


def ship_all_rolling_back(session: Session, orders):
    for order in orders:
        try:
            mark_shipped(session, order)  # ok: PT204
        except Exception:
            session.rollback()
            log.exception("could not ship %s", order)


def ship_all_or_nothing(session: Session, orders):
    for order in orders:
        try:
            mark_shipped(session, order)  # ok: PT204
        except Exception:
            log.exception("could not ship %s", order)
            raise


def ship_each_in_own_session(orders):
    for order in orders:
        try:
            with SessionLocal() as session:
                mark_shipped(session, order)  # ok: PT204
        except Exception:
            log.exception("could not ship %s", order)


def ship_batch_or_log(orders):
    with SessionLocal() as session:
        try:
            for order in orders:
                mark_shipped(session, order)  # ok: PT204
        except Exception:
            log.exception("batch stopped")
