import requests
from celery import shared_task

from app.db import UnitOfWork, atomic_transaction, session_scope, timed, traced_atomic, tx
from app.models import Order


@shared_task
def send_receipt(order_id):
    return order_id


def ship(order: Order):
    with tx():
        order.status = "shipped"
        order.save()
        requests.post("https://carrier.example/shipments", json={"id": order.pk})  # PT202[HIGH]: 9 "opened by tx()"


def ship_outside(order: Order):
    with tx():
        order.status = "shipped"
        order.save()
    requests.post("https://carrier.example/shipments", json={"id": order.pk})  # ok: PT202


@traced_atomic
def refund(order: Order):
    order.status = "refunded"
    order.save()
    send_receipt.delay(order.pk)  # PT208[HIGH]: 5


def refund_with_factory(order: Order):
    with atomic_transaction():
        order.status = "refunded"
        order.save()
        requests.post("https://payments.example/refunds", json={"id": order.pk})  # PT202[HIGH]: 9


def record(payload: dict):
    with session_scope() as session:
        session.add(Order(**payload))
        requests.post("https://audit.example/records", json=payload)  # PT202[HIGH]: 9 "session_scope()"


def record_then_notify(payload: dict):
    with session_scope() as session:
        session.add(Order(**payload))
    requests.post("https://audit.example/records", json=payload)  # ok: PT202


def record_in_unit_of_work(payload: dict):
    with UnitOfWork() as session:
        session.add(Order(**payload))
        requests.post("https://audit.example/records", json=payload)  # PT202[HIGH]: 9


def timed_call(order: Order):
    with timed("ship"):
        order.save()
        requests.post("https://carrier.example/shipments", json={"id": order.pk})  # ok: PT202
