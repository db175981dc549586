from decimal import Decimal

from pydantic import BaseModel


class OrderLineIn(BaseModel):
    sku: str
    quantity: int
    unit_price: Decimal


class OrderIn(BaseModel):
    customer_id: int
    shipping_address: str
    lines: list[OrderLineIn]


class StatusChange(BaseModel):
    order_ids: list[int]
    status: str
