"""The rows of one entity's to-many relationship: its first read loads
them, and a lazy relation read per row is one query per row."""
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Customer, Invoice, InvoiceLine, Order


def fetch_invoice(session: Session, invoice_id: int) -> Invoice:
    return session.get(Invoice, invoice_id)


def fetch_invoice_with_products(session: Session, invoice_id: int) -> Invoice:
    statement = select(Invoice).where(Invoice.id == invoice_id) \
        .options(selectinload(Invoice.lines).selectinload(InvoiceLine.product))
    return session.scalars(statement).one()


def products(session: Session, invoice_id: int):
    invoice = fetch_invoice(session, invoice_id)
    return [line.product.id for line in invoice.lines]  # PQ107[HIGH]: 13 "selectinload(Invoice.lines).selectinload(InvoiceLine.product)"


def products_loaded(session: Session, invoice_id: int):
    invoice = fetch_invoice_with_products(session, invoice_id)
    return [line.product.id for line in invoice.lines]  # ok: PQ107


def customers_of_orders(session: Session, customer_id: int):
    """``order.customer`` is the customer itself: the identity map has it."""
    customer = session.get(Customer, customer_id)
    return [order.customer.name for order in customer.orders]  # ok: PQ107


def lines_of_orders(session: Session, customer_id: int):
    """``order.lines`` loads with selectin: no query per order."""
    customer = session.get(Customer, customer_id)
    return [len(order.lines) for order in customer.orders]  # ok: PQ107


def page_of_orders(session: Session):
    page = session.query(Order).paginate(page=1, per_page=50)
    return [order.customer.name for order in page.items]  # PQ107[HIGH]: 13 "page.items"


def fetch_invoice_with_lines(session: Session, invoice_id: int):
    query = select(Invoice).where(Invoice.id == invoice_id).options(selectinload(Invoice.lines))
    return session.scalars(query).one()


def products_of_loaded_lines(session: Session, invoice_id: int):
    """The lines come with the invoice, their products do not."""
    invoice = fetch_invoice_with_lines(session, invoice_id)
    return [line.product.id for line in invoice.lines]  # PQ107[HIGH]: 13 "InvoiceLine.product"
