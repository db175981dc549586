from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Order


def test_report(session: Session):
    for order in session.scalars(select(Order)).all():
        assert order.customer  # ok: PQ107
    for i in range(100):
        session.get(Order, i)  # ok: PQ107
