"""Columns a query leaves out (``load_only``, ``defer``, Django ``only``/
``defer``) and then reads per row: one query per row for each."""
from sqlalchemy import select
from sqlalchemy.orm import Session, defer, load_only, selectinload

from app.models import Book, Customer, Order


def newest_first(session: Session):
    orders = session.scalars(select(Order).options(load_only(Order.id))).all()
    return sorted(orders, key=lambda order: order.customer_id)  # PQ107[HIGH]: 45 "Order.customer_id"


def customer_names(session: Session):
    customers = session.query(Customer).options(defer(Customer.name)).all()
    return [customer.name for customer in customers]  # PQ107[HIGH]: 13 "drop it from defer"


def loaded_names(session: Session):
    customers = session.query(Customer).options(load_only(Customer.id, Customer.name)).all()
    return [customer.name for customer in customers] + [c.id for c in customers]  # ok: PQ107


def related_columns(session: Session):
    orders = session.scalars(select(Order).options(selectinload(Order.lines).load_only(Order.id))).all()
    return [order.customer_id for order in orders]  # ok: PQ107


def book_titles():
    return [book.title for book in Book.objects.only("id")]  # PQ107[HIGH]: 13 "add it to only"


def book_titles_loaded():
    return [book.title for book in Book.objects.only("title")]  # ok: PQ107


def titles_in_order(books: list):
    return sorted(books, key=lambda book: book.title)  # ok: PQ107
