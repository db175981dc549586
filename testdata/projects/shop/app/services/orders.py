from sqlalchemy import select

from app.db import SessionLocal
from app.models import Order, OrderItem


async def archive_order(order_id: int) -> None:
    session = SessionLocal()
    order = await session.get(Order, order_id)
    order.status = "archived"
    await session.commit()
    await session.close()


async def copy_order(order_id: int) -> int:
    async with SessionLocal() as session:
        async with session.begin():
            original = await session.get(Order, order_id)
            copy = Order(number=f"{original.number}-COPY", customer_id=original.customer_id,
                         shipping_address=original.shipping_address)
            session.add(copy)
            await session.flush()
            copy_id = copy.id
            for item in original.items:
                session.add(OrderItem(order_id=copy.id, sku=item.sku, quantity=item.quantity,
                                      unit_price=item.unit_price))
        return copy_id


async def pending_count() -> int:
    async with SessionLocal() as session:
        result = await session.execute(select(Order).where(Order.status == "pending"))
        return len(result.scalars().all())
