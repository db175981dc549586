import hashlib
import os

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.db import get_session
from app.models import Customer

router = APIRouter(prefix="/customers", tags=["customers"])


class SignUp(BaseModel):
    email: str
    name: str
    password: str


@router.post("/")
async def sign_up(data: SignUp, session: AsyncSession = Depends(get_session)):
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", data.password.encode(), salt, 600_000)
    customer = Customer(email=data.email, name=data.name, password_hash=digest, password_salt=salt)
    session.add(customer)
    await session.commit()
    await session.refresh(customer)
    return {"id": customer.id}


@router.get("/{customer_id}/orders")
async def customer_orders(customer_id: int, session: AsyncSession = Depends(get_session)):
    customer = await session.scalar(
        select(Customer).options(selectinload(Customer.orders)).where(Customer.id == customer_id)
    )
    summary = ""
    for order in customer.orders:
        summary += order.number + ";"
    return {"orders": summary}
