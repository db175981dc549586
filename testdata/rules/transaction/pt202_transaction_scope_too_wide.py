import json
import smtplib

import aiohttp
import asyncpg
import boto3
import httpx
import requests
from django.db import transaction
from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from billing_pb2_grpc import BillingStub

engine = create_engine("postgresql://localhost/shop")
s3 = boto3.client("s3")


async def notify_carrier(order_id: int):
    async with httpx.AsyncClient() as client:
        await client.post("https://carrier.example/shipments", json={"id": order_id})


async def ship(session: AsyncSession, order):
    async with session.begin():
        order.status = "shipped"
        async with httpx.AsyncClient() as client:
            await client.post("https://carrier.example/shipments", json={"id": order.id})  # PT202[HIGH]: 19 "client.post()"


async def ship_through_helper(session: AsyncSession, order):
    async with session.begin():
        order.status = "shipped"
        await notify_carrier(order.id)  # PT202[HIGH]: 15 "notify_carrier -> httpx.AsyncClient.post"


async def ship_after_commit(session: AsyncSession, order):
    async with session.begin():
        order.status = "shipped"
    await notify_carrier(order.id)  # ok: PT202


def charge(session: Session, invoice_id: int):
    invoice = session.execute(text("SELECT id, total FROM invoices WHERE id = :id"), {"id": invoice_id}).one()
    quote = requests.get("https://fx.example/rates")  # ok: PT202
    session.execute(text("UPDATE invoices SET rate = :r WHERE id = :id"), {"r": quote.json(), "id": invoice.id})
    requests.post("https://ledger.example/entries", json={"id": invoice_id})  # PT202[HIGH]: 5 "first write"
    session.commit()
    requests.post("https://ledger.example/done", json={"id": invoice_id})  # ok: PT202


def export_invoice(session: Session, invoice):
    with session.begin():
        invoice.exported = True
        with open(f"/srv/exports/{invoice.id}.json", "w") as handle:  # PT202[MEDIUM]: 14 "File IO"
            json.dump({"id": invoice.id}, handle)


@transaction.atomic
def refund(order):
    order.status = "refunded"
    order.save()
    requests.post("https://payments.example/refunds", json={"id": order.pk})  # PT202[HIGH]: 5


def refund_after_commit(order):
    with transaction.atomic():
        order.status = "refunded"
        order.save()
        transaction.on_commit(lambda: requests.post("https://payments.example/refunds"))  # ok: PT202


async def settle(dsn: str, batch_id: int):
    conn = await asyncpg.connect(dsn)
    async with conn.transaction():
        await conn.execute("UPDATE batches SET settled = true WHERE id = $1", batch_id)
        async with aiohttp.ClientSession() as http:
            await http.post("https://bank.example/settle", json={"batch": batch_id})  # PT202[HIGH]: 19


def archive(batch_id: int, payload: bytes):
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM staging WHERE batch = :b"), {"b": batch_id})
        s3.put_object(Bucket="archive", Key=str(batch_id), Body=payload)  # PT202[HIGH]: 9


def mail_receipt(session: Session, order, channel):
    with session.begin():
        order.receipt_sent = True
        smtplib.SMTP("localhost").sendmail("shop@example.com", [order.email], "paid")  # PT202[HIGH]: 9
        BillingStub(channel).Charge(order.id)  # PT202[HIGH]: 9


def read_then_call(session: Session, order_id: int):
    with session.begin():
        pass
    order = session.get(dict, order_id)
    requests.get("https://crm.example/customers")  # ok: PT202
    return order
