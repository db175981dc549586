import asyncio
import json
from decimal import Decimal

import httpx

from app.config import PAYMENTS_URL, TAX_TABLE_PATH


def load_tax_table() -> dict[str, str]:
    with open(TAX_TABLE_PATH) as handle:
        return json.load(handle)


async def order_totals(lines) -> tuple[Decimal, Decimal, Decimal]:
    rates = await asyncio.to_thread(load_tax_table)
    subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
    tax = subtotal * Decimal(rates.get("default", "0.2"))
    return subtotal, tax, subtotal + tax


async def exchange_rate(currency: str) -> Decimal:
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(f"{PAYMENTS_URL}/rates/{currency}")
    return Decimal(response.json()["rate"])
