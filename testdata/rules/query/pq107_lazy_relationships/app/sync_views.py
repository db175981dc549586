from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from app.models import Customer, InvoiceLine, Order


def report(session: Session):
    orders = session.scalars(select(Order)).all()
    for order in orders:
        print(order.customer.name)  # PQ107[HIGH]: 15 "Order.customer"
        print(order.customer.id)  # ok: PQ107
        print(order.lines, order.notes, order.events)  # ok: PQ107
        print(order.id, order.customer_id)  # ok: PQ107


def legacy_query(session: Session):
    for order in session.query(Order).filter(Order.id > 10):
        print(order.customer)  # PQ107[HIGH]: 15
    for order in session.query(Order).options(joinedload(Order.customer)).all():
        print(order.customer)  # ok: PQ107
    names = [c.orders for c in session.query(Customer).all()]  # PQ107[HIGH]: 14 "Customer.orders"
    return names


def eager(session: Session):
    stmt = select(Order).options(selectinload(Order.customer))
    for order in session.scalars(stmt):
        print(order.customer)  # ok: PQ107
    joined = select(Order).join(Order.customer).options(contains_eager(Order.customer))
    for order in session.execute(joined).scalars().unique():
        print(order.customer)  # ok: PQ107
    for order in session.scalars(select(Order).limit(5)):
        print(order.customer)  # PQ107[MEDIUM]: 15


def not_rows(session: Session, orders: list):
    for order in orders:
        print(order.customer)  # ok: PQ107
    order = session.get(Order, 1)
    return order.customer  # ok: PQ107


def nested_relationships(session: Session):
    from app.models import Invoice

    stmt = select(Invoice).options(selectinload(Invoice.lines))
    for invoice in session.scalars(stmt):
        for line in invoice.lines:
            print(line.product)  # PQ107[HIGH]: 19 "InvoiceLine.product"
    eager = select(Invoice).options(selectinload(Invoice.lines).joinedload(InvoiceLine.product))
    for invoice in session.scalars(eager):
        for line in invoice.lines:
            print(line.product)  # ok: PQ107


def stub_result_is_not_small():
    session = Session()
    orders = session.query(Order).all()
    for order in orders:
        print(order.customer)  # PQ107[HIGH]: 15
    for order_id in orders:
        session.get(Order, order_id)  # PQ107[HIGH]: 9


def one_customers_orders(session: Session, customer_id: int):
    """Every row has the same customer: the first row loads it, the session's
    identity map answers the others without SQL."""
    for order in session.query(Order).filter_by(customer_id=customer_id):
        print(order.customer.name)  # ok: PQ107
    for order in session.scalars(select(Order).where(Order.customer_id == customer_id)):
        print(order.customer.name)  # ok: PQ107
    return [describe_order(order) for order in session.query(Order).filter_by(customer_id=customer_id)]  # ok: PQ107


def some_customers_orders(session: Session, customer_ids: list[int]):
    for order in session.query(Order).filter(Order.customer_id.in_(customer_ids)):
        print(order.customer.name)  # PQ107[HIGH]: 15
    for order in session.query(Order).filter_by(id=customer_ids[0]):
        print(order.customer.name)  # PQ107[HIGH]: 15
    return [describe_order(order) for order in session.query(Order).filter(Order.id > 10)]  # PQ107[HIGH]: 13


def describe_order(order: Order) -> str:
    return f"{order.id} for {order.customer.name}"
