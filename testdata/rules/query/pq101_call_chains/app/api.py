from django.shortcuts import get_object_or_404
from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.orm import Session

from app.models import Invoice, User

app = FastAPI()


def get_session() -> Session:
    return Session()


@app.get("/users/{user_id}/greeting")
def greeting(user_id: int, tasks: BackgroundTasks, session: Session = Depends(get_session)):
    user = session.get(User, user_id)
    tasks.add_task(send_welcome, user.id)
    return {"text": greet(session, user.id), "audit": audit(session, user_id)}


def greet(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)  # PQ103[MEDIUM]: 12 "read name"
    return f"Hello {user.name}"


def audit(session: Session, user_id: int):
    user = session.query(User).filter(User.id == user_id).one()  # PQ101[HIGH]: 12 "greeting()"
    user.name = user.name.strip()
    session.commit()


def send_welcome(user_id: int):
    session = Session()
    user = session.get(User, user_id)  # ok: PQ101, PQ103
    return user


def invoice_view(request, invoice_id):
    invoice = Invoice.objects.get(pk=invoice_id)
    return render_total(invoice.pk)


def render_total(invoice_id):
    invoice = Invoice.objects.get(pk=invoice_id)  # PQ103[MEDIUM]: 15 "read number, total"
    return f"{invoice.number}: {invoice.total}"


def close_invoice_view(request, invoice_id):
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.total:
        close_invoice(invoice.pk)


def close_invoice(invoice_id):
    invoice = Invoice.objects.filter(pk=invoice_id).first()  # PQ101[MEDIUM]: 15 "Invoice"
    invoice.number = "closed"
    invoice.save()

