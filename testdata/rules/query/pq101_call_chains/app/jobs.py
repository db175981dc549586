"""Jobs on a Celery app whose module is not in the tree (``app.queue`` is
imported, never defined here): the decorator's name says what they are."""
from app.models import Invoice
from app.queue import celery


def archive_invoice_view(request, invoice_id):
    invoice = Invoice.objects.get(pk=invoice_id)
    if invoice.total:
        archive_invoice(invoice.pk)
        stamp_invoice(invoice.pk)


@celery.task
def archive_invoice(invoice_id):
    invoice = Invoice.objects.filter(pk=invoice_id).first()  # ok: PQ101
    invoice.number = "archived"
    invoice.save()


@celery.tasks
def stamp_invoice(invoice_id):
    invoice = Invoice.objects.filter(pk=invoice_id).first()  # PQ101[MEDIUM]: 15 "Invoice"
    invoice.number = "stamped"
    invoice.save()
