import sqlite3

import asyncpg
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, load_only

from app.models import Article, Customer, Product, Tag

app = FastAPI()
ALL_USERS = "SELECT * FROM users"


def emails(session: Session):
    customers = session.scalars(select(Customer)).all()  # PQ104[MEDIUM]: 17 "16 columns of Customer"
    return [c.c1 for c in customers]


def product_names(session: Session):
    for product in session.query(Product).filter(Product.c2 == "x"):  # PQ104[LOW]: 20 "12 columns"
        print(product.c1, product.c3)


def one_customer(session: Session, customer_id: int):
    customer = session.execute(select(Customer).where(Customer.id == customer_id)).scalar_one()  # PQ104[LOW]: 16
    return customer.c1


def narrow(session: Session):
    rows = session.scalars(select(Customer).options(load_only(Customer.c1))).all()  # ok: PQ104
    names = [c.c1 for c in rows]
    columns = session.execute(select(Customer.c1, Customer.c2)).all()  # ok: PQ104
    tags = session.scalars(select(Tag)).all()  # ok: PQ104
    return names, columns, [t.name for t in tags]


def uses_many_attributes(session: Session):
    rows = session.scalars(select(Customer)).all()  # ok: PQ104
    return [(c.c1, c.c2, c.c3, c.c4) for c in rows]


def passes_rows_on(session: Session):
    for customer in session.scalars(select(Customer)):  # ok: PQ104
        print(customer)


@app.get("/customers")
async def list_customers(session: AsyncSession):
    result = await session.execute(select(Customer).limit(100))  # PQ104[MEDIUM]: 20 "list endpoint"
    return result.scalars().all()


@app.get("/customers/{customer_id}")
async def get_customer(session: AsyncSession, customer_id: int):
    return await session.get(Customer, customer_id)  # ok: PQ104


async def async_names(session: AsyncSession):
    rows = (await session.scalars(select(Product))).all()  # PQ104[LOW]: 12
    return {p.c1 for p in rows}


def django_titles():
    return [a.f1 for a in Article.objects.filter(f2="x").order_by("f3")]  # PQ104[MEDIUM]: 27 "only('f1')"


def django_narrow():
    titles = [a.f1 for a in Article.objects.only("f1")]  # ok: PQ104
    pairs = list(Article.objects.values_list("f1", "f2"))  # ok: PQ104
    return titles, pairs


def raw(conn: sqlite3.Connection):
    everyone = conn.execute(ALL_USERS).fetchall()  # PQ104[MEDIUM]: 16 "SELECT *"
    cursor = conn.cursor()
    cursor.execute("SELECT * FROM users WHERE id = ?", (1,))  # PQ104[LOW]: 5
    first = cursor.fetchone()
    cursor.execute("SELECT count(*) FROM users")  # ok: PQ104
    cursor.execute("SELECT id, email FROM users")  # ok: PQ104
    return everyone, first


async def raw_async(pool: asyncpg.Pool, session: AsyncSession):
    rows = await pool.fetch("SELECT * FROM users")  # PQ104[MEDIUM]: 18
    result = await session.execute(text("SELECT u.* FROM users u JOIN orders o ON o.user_id = u.id"))  # PQ104[MEDIUM]: 20
    return rows, result.all()


def helper_returning_rows(session: Session):
    return session.scalars(select(Customer)).all()  # ok: PQ104


@app.get("/articles")
def list_articles():
    return Article.objects.filter(f1="x")  # ok: PQ104


def reads_a_property(session: Session):
    return [c.display_name for c in session.scalars(select(Customer)).all()]  # ok: PQ104


def reassigned_query(session: Session, flag: bool):
    stmt = select(Customer)
    if flag:
        stmt = stmt.where(Customer.c1 == "x")
    stmt = stmt.order_by(Customer.c2)
    rows = session.scalars(stmt).all()  # PQ104[MEDIUM]: 12
    return [r.c3 for r in rows]
