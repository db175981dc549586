import csv
import io
import time
from pathlib import Path

import requests
from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.config import EXPORT_DIR, PAYMENTS_URL
from app.db import get_session
from app.models import Order, OrderItem
from app.schemas import OrderIn, StatusChange
from app.services.pricing import order_totals

router = APIRouter(prefix="/orders", tags=["orders"])


@router.get("/")
async def list_orders(session: AsyncSession = Depends(get_session)):
    result = await session.execute(select(Order).order_by(Order.placed_at.desc()).limit(100))
    orders = []
    for order in result.scalars():
        orders.append({
            "number": order.number,
            "customer": order.customer.name,
            "total": str(order.total),
            "items": len(order.items),
        })
    return orders


@router.get("/with-customers")
async def list_orders_with_customers(session: AsyncSession = Depends(get_session)):
    stmt = select(Order).options(selectinload(Order.customer)).limit(100)
    result = await session.execute(stmt)
    return [{"number": o.number, "customer": o.customer.name} for o in result.scalars()]


@router.get("/{order_id}/lines")
async def order_lines(order_id: int, session: AsyncSession = Depends(get_session)):
    order = await session.get(Order, order_id)
    if order is None:
        raise HTTPException(status_code=404)
    lines = []
    for item in order.items:
        row = await session.execute(select(OrderItem).where(OrderItem.id == item.id))
        lines.append(row.scalar_one())
    return [{"sku": line.sku, "quantity": line.quantity} for line in lines]


@router.post("/")
async def create_order(payload: OrderIn, session: AsyncSession = Depends(get_session)):
    order = Order(number=f"SO-{int(time.time())}", customer_id=payload.customer_id,
                  shipping_address=payload.shipping_address)
    session.add(order)
    for line in payload.lines:
        session.add(OrderItem(order=order, sku=line.sku, quantity=line.quantity,
                              unit_price=line.unit_price))
    order.subtotal, order.tax, order.total = await order_totals(payload.lines)
    await session.commit()
    return {"id": order.id, "number": order.number}


@router.post("/{order_id}/pay")
async def pay_order(order_id: int, session: AsyncSession = Depends(get_session)):
    async with session.begin():
        order = await session.get(Order, order_id)
        order.status = "paying"
        response = requests.post(f"{PAYMENTS_URL}/charges",
                                 json={"order": order.number, "amount": str(order.total)})
        order.status = "paid" if response.status_code == 201 else "payment_failed"
    return {"status": order.status}


@router.post("/status")
async def change_status(change: StatusChange, session: AsyncSession = Depends(get_session)):
    for order_id in change.order_ids:
        await session.execute(update(Order).where(Order.id == order_id).values(status=change.status))
    await session.commit()
    return {"updated": len(change.order_ids)}


@router.get("/export.csv")
async def export_orders(session: AsyncSession = Depends(get_session)):
    result = await session.execute(select(Order).limit(5000))
    body = "number,status,total\n"
    for order in result.scalars():
        body += f"{order.number},{order.status},{order.total}\n"
    Path(EXPORT_DIR, "last_export.csv").write_text(body)
    return body


@router.get("/export-buffered.csv")
async def export_orders_buffered(session: AsyncSession = Depends(get_session)):
    result = await session.execute(select(Order.number, Order.status, Order.total).limit(5000))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["number", "status", "total"])
    writer.writerows(result.all())
    return buffer.getvalue()


@router.get("/stats")
async def order_stats(session: AsyncSession = Depends(get_session)):
    result = await session.execute(select(Order).where(Order.status == "paid"))
    orders = result.scalars().all()
    revenue = sum([order.total for order in orders])
    has_big = any([order.total > 1000 for order in orders])
    has_refund = any(order.status == "refunded" for order in orders)
    return {"revenue": str(revenue), "has_big_orders": has_big, "has_refund": has_refund}


@router.post("/{order_id}/invoice")
async def upload_invoice(order_id: int):
    template = open(Path(EXPORT_DIR) / "invoice_template.html").read()
    logo = Path(EXPORT_DIR, "logo.png").read_bytes()
    time.sleep(0.5)  # give the PDF renderer time to pick up the template
    return {"order": order_id, "template_bytes": len(template), "logo_bytes": len(logo)}
