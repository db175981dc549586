from fastapi import APIRouter, Depends
from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Customer, Invoice
from app.schemas import CustomerWithInvoices, InvoiceBrief, InvoiceFromDict, InvoiceOut, InvoiceTotals

router = APIRouter()


def get_db() -> Session: ...


@router.get("/invoices", response_model=list[InvoiceOut])
def list_invoices(db: Session = Depends(get_db)):
    return db.scalars(select(Invoice)).all()  # PQ107[HIGH]: 12 "selectinload(Invoice.customer)"


@router.get("/invoices/eager", response_model=list[InvoiceOut])
def list_invoices_eager(db: Session = Depends(get_db)):
    return db.scalars(select(Invoice).options(joinedload(Invoice.customer))).all()  # ok: PQ107


@router.get("/invoices/annotated")
def list_invoices_annotated(db: Session = Depends(get_db)) -> list[InvoiceBrief]:
    invoices = db.scalars(select(Invoice).where(Invoice.total > 0)).all()
    return invoices  # PQ107[HIGH]: 12 "customer"


@router.get("/invoices/totals", response_model=list[InvoiceTotals])
def invoice_totals(db: Session = Depends(get_db)):
    return db.scalars(select(Invoice)).all()  # ok: PQ107 - the foreign key column only


@router.get("/invoices/{invoice_id}", response_model=InvoiceOut)
def one_invoice(invoice_id: int, db: Session = Depends(get_db)):
    return db.get(Invoice, invoice_id)  # ok: PQ107 - one row


@router.get("/customers", response_model=list[CustomerWithInvoices])
def customers(db: Session = Depends(get_db)):
    rows = db.scalars(select(Customer).options(selectinload(Customer.invoices))).all()
    return rows  # PQ107[HIGH]: 12 "selectinload(Customer.invoices).selectinload(Invoice.customer)"


def export(db: Session):
    invoices = db.scalars(select(Invoice)).all()
    shown = [InvoiceOut.model_validate(invoice) for invoice in invoices]  # PQ107[HIGH]: 14 "InvoiceOut.model_validate(invoice)"
    brief = TypeAdapter(list[InvoiceBrief]).validate_python(invoices)  # PQ107[HIGH]: 13
    raw = [InvoiceFromDict.model_validate(invoice) for invoice in invoices]  # ok: PQ107 - not from attributes
    asked = [InvoiceFromDict.model_validate(i, from_attributes=True) for i in invoices]  # PQ107[HIGH]: 14
    first = db.scalars(select(Invoice).limit(5)).all()
    few = [InvoiceOut.model_validate(invoice) for invoice in first]  # PQ107[MEDIUM]: 12
    return shown, brief, raw, asked, few
