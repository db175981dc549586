from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models as dj
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    orders = relationship("Order", back_populates="customer")


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    customer = relationship("Customer", back_populates="orders")
    lines = relationship("OrderLine", lazy="selectin")
    notes = relationship("Note", lazy="raise")
    events = relationship("Event", lazy="dynamic")


class OrderLine(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))


class Author(dj.Model):
    name = dj.CharField(max_length=100)


class Book(dj.Model):
    title = dj.CharField(max_length=100)
    author = dj.ForeignKey(Author, on_delete=dj.CASCADE, related_name="books")


class Bookmark(dj.Model):
    content_type = dj.ForeignKey(ContentType, on_delete=dj.CASCADE)
    object_id = dj.PositiveIntegerField()
    target = GenericForeignKey("content_type", "object_id")


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("invoice_lines.id"))


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    product = relationship("Product", uselist=False)


class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lines = relationship("InvoiceLine")

    def product_ids(self):
        """How this invoice was loaded is its caller's business."""
        return [line.product.id for line in self.lines]  # ok: PQ107
