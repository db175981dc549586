import requests
from sqlalchemy import ForeignKey, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    orders: Mapped[list["Order"]] = relationship(back_populates="customer")


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str]
    customer: Mapped[Customer] = relationship(back_populates="orders")


class OrderLine(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    sku: Mapped[str]


def place(session: Session, customer_id: int, sku: str):
    order = Order(customer_id=customer_id, status="new")
    session.add(order)
    session.commit()  # PT203[HIGH]: 5 "commits order before the child"
    session.add(OrderLine(order_id=order.id, sku=sku))
    session.commit()  # ok: PT203


def open_account(session: Session, name: str):
    customer = Customer()
    session.add(customer)
    session.commit()  # PT203[HIGH]: 5
    order = Order(status="new")
    customer.orders.append(order)
    session.commit()


def attach_line(session: Session, order: Order, line: OrderLine):
    session.add(order)
    session.commit()  # PT203[HIGH]: 5
    line.order_id = order.id
    session.add(line)
    session.commit()


def transfer(session: Session, source: int, target: int, amount: int):
    session.execute(text("UPDATE balances SET amount = amount - :a WHERE id = :s"), {"a": amount, "s": source})
    session.commit()  # PT203[MEDIUM]: 5 "splits related writes"
    session.execute(text("UPDATE balances SET amount = amount + :a WHERE id = :t"), {"a": amount, "t": target})
    session.commit()


def seed(session: Session):
    session.add(Customer())
    session.commit()  # ok: PT203
    session.execute(text("INSERT INTO settings (name) VALUES ('theme')"))
    session.commit()


def claim_then_call(session: Session, order: Order):
    order.status = "processing"
    session.commit()  # ok: PT203
    requests.post("https://warehouse.example/pick", json={"id": order.id})
    order.status = "picked"
    session.commit()


def per_item(session: Session, orders: list[Order]):
    for order in orders:
        order.status = "archived"
        session.commit()  # ok: PT203


def either_branch(session: Session, order: Order, paid: bool):
    if paid:
        order.status = "paid"
        session.commit()  # ok: PT203
    else:
        order.status = "unpaid"
        session.commit()  # ok: PT203


def retry_in_handler(session: Session, order: Order):
    try:
        order.status = "paid"
        session.commit()  # ok: PT203
    except Exception:
        session.rollback()
        order.status = "failed"
        session.commit()  # ok: PT203


def write_then_read(session: Session, order: Order):
    order.status = "paid"
    session.commit()  # ok: PT203
    total = session.execute(text("SELECT count(*) FROM orders")).scalar()
    session.commit()
    return total


def one_transaction(session: Session, customer_id: int, sku: str):
    with session.begin():
        order = Order(customer_id=customer_id, status="new")
        session.add(order)
        session.flush()
        session.add(OrderLine(order_id=order.id, sku=sku))  # ok: PT203
