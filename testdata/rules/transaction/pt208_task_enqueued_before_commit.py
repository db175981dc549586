import dramatiq
import redis
from arq.connections import ArqRedis
from celery import Celery, shared_task
from django.db import models, transaction
from fastapi import BackgroundTasks
from kafka import KafkaProducer
from rq import Queue
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

app = Celery("shop")
bus = redis.Redis()
producer = KafkaProducer(bootstrap_servers="kafka:9092")
queue = Queue("receipts")


class Base(DeclarativeBase):
    pass


class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    total: Mapped[int]


class Order(models.Model):
    status = models.CharField(max_length=20)


class OutboxMessage(models.Model):
    topic = models.CharField(max_length=50)
    payload = models.JSONField()


@app.task
def send_receipt(order_id):
    return order_id


@shared_task
def rebuild_search_index():
    return None


@dramatiq.actor
def charge_card(invoice_id):
    return invoice_id


def announce_order(order_id):
    send_receipt.delay(order_id)


def place_order():
    with transaction.atomic():
        order = Order.objects.create(status="new")
        send_receipt.delay(order.pk)  # PT208[HIGH]: 9 "send_receipt.delay"


@transaction.atomic
def cancel_order(order: Order):
    order.status = "cancelled"
    order.save()
    rebuild_search_index.delay()  # PT208[MEDIUM]: 5


def place_order_through_helper():
    with transaction.atomic():
        order = Order.objects.create(status="new")
        announce_order(order.pk)  # PT208[HIGH]: 9 "announce_order -> send_receipt.delay"


def place_order_published(order: Order):
    with transaction.atomic():
        order.save()
        bus.publish("orders", str(order.pk))  # PT208[HIGH]: 9 "bus.publish"


def place_order_on_commit():
    with transaction.atomic():
        order = Order.objects.create(status="new")
        transaction.on_commit(lambda: send_receipt.delay(order.pk))  # ok: PT208


def place_order_delay_on_commit():
    with transaction.atomic():
        order = Order.objects.create(status="new")
        send_receipt.delay_on_commit(order.pk)  # ok: PT208


def place_order_after_block():
    with transaction.atomic():
        order = Order.objects.create(status="new")
    send_receipt.delay(order.pk)  # ok: PT208


def place_order_with_outbox(order: Order):
    with transaction.atomic():
        order.save()
        OutboxMessage.objects.create(topic="receipts", payload={"order": order.pk})  # ok: PT208


def read_only_block(order_id):
    with transaction.atomic():
        order = Order.objects.get(pk=order_id)
        send_receipt.delay(order.pk)  # ok: PT208


def bill(session: Session, invoice: Invoice):
    session.add(invoice)
    charge_card.send(invoice.id)  # PT208[HIGH]: 5 "charge_card.send"
    session.commit()


def bill_after_commit(session: Session, invoice: Invoice):
    session.add(invoice)
    session.commit()
    charge_card.send(invoice.id)  # ok: PT208


def bill_in_block(session: Session, invoice: Invoice):
    with session.begin():
        session.add(invoice)
        queue.enqueue(send_receipt, invoice.id)  # PT208[HIGH]: 9 "queue.enqueue"
        producer.send("invoices", b"created")  # PT208[MEDIUM]: 9


def bill_then_publish(session: Session, invoice: Invoice):
    with session.begin():
        session.add(invoice)
    producer.send("invoices", b"created")  # ok: PT208


def send_by_name(session: Session, invoice: Invoice):
    session.add(invoice)
    app.send_task("billing.charge", args=[invoice.id])  # PT208[HIGH]: 5
    session.commit()


async def bill_async(session: AsyncSession, jobs: ArqRedis, invoice: Invoice):
    async with session.begin():
        session.add(invoice)
        await jobs.enqueue_job("charge", invoice.id)  # PT208[HIGH]: 15 "jobs.enqueue_job"


async def bill_with_background_tasks(session: AsyncSession, tasks: BackgroundTasks, invoice: Invoice):
    async with session.begin():
        session.add(invoice)
        tasks.add_task(charge_card, invoice.id)  # ok: PT208


def bill_for_the_caller(session: Session, invoice: Invoice):
    session.add(invoice)
    session.flush()
    charge_card.send(invoice.id)  # PT208[HIGH]: 5 "the caller's commit"


def bill_nothing_written(session: Session, invoice_id: int):
    invoice = session.get(Invoice, invoice_id)
    charge_card.send(invoice.id)  # ok: PT208


def publish_order(order_id, notify=True):
    if not notify:
        return
    announce_order(order_id)


def publish_order_when_asked(order_id, notify=False):
    if notify:
        announce_order(order_id)


def place_orders_quietly(ids):
    with transaction.atomic():
        order = Order.objects.create(status="new")
        publish_order(order.pk)  # PT208[HIGH]: 9 "publish_order -> announce_order -> send_receipt.delay"
        publish_order(order.pk, notify=False)  # ok: PT208 (the flag switches the job off)
        publish_order_when_asked(order.pk, notify=True)  # PT208[HIGH]: 9
        publish_order_when_asked(order.pk, notify=None)  # ok: PT208


class Announced:
    pk = 0

    def save(self, *args, broadcast=True, **kwargs):
        if not broadcast:
            return
        announce_order(self.pk)


class Shipment(Announced):
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)


def ship():
    with transaction.atomic():
        Order.objects.create(status="shipped")
        shipment = Shipment()
        shipment.save(broadcast=False)  # ok: PT208 (the flag reaches the base's test through **kwargs)
        shipment.save()  # PT208[MEDIUM]: 9 "save -> save -> announce_order -> send_receipt.delay"
