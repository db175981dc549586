from pydantic import BaseModel, ConfigDict, Field


class FromRows(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CustomerOut(FromRows):
    id: int
    name: str


class LineOut(FromRows):
    id: int
    amount: int


class InvoiceOut(FromRows):
    id: int
    total: int
    customer: CustomerOut
    lines: list[LineOut]  # declared lazy="selectin": loaded with the rows


class InvoiceBrief(FromRows):
    id: int
    total: int
    buyer: CustomerOut | None = Field(default=None, validation_alias="customer")


class CustomerWithInvoices(FromRows):
    id: int
    invoices: list[InvoiceOut]


class InvoiceTotals(FromRows):
    id: int
    total: int
    customer_id: int


class InvoiceFromDict(BaseModel):
    """Built from dictionaries: no attributes read."""

    id: int
    customer: CustomerOut
