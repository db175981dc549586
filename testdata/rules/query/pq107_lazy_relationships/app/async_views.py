from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.models import Order

app = FastAPI()


@app.get("/orders")
async def list_orders(session: AsyncSession):
    result = await session.execute(select(Order))
    rows = result.scalars().all()
    return [{"id": o.id, "customer": o.customer.name} for o in rows]  # PQ107[HIGH]: 38


@app.get("/orders/eager")
async def list_orders_eager(session: AsyncSession):
    rows = (await session.scalars(select(Order).options(selectinload(Order.customer)))).all()
    return [{"id": o.id, "customer": o.customer.name} for o in rows]  # ok: PQ107
