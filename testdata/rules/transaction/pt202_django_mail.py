"""Django mail is network IO: it holds an atomic block open while the mail
server answers, and blocks an event loop."""
from celery import shared_task
from django.core.mail import EmailMessage, EmailMultiAlternatives, mail_admins, send_mail, send_mass_mail
from django.db import transaction


def confirm(order):
    with transaction.atomic():
        order.status = "confirmed"
        order.save()
        send_mail("Confirmed", "Thanks", "shop@example.com", [order.email])  # PT202[HIGH]: 9 "Network call"
        send_mass_mail([("Shipped", "Soon", "shop@example.com", [order.email])])  # PT202[HIGH]: 9
        mail_admins("New order", str(order.pk))  # PT202[HIGH]: 9


@transaction.atomic
def invoice(order):
    order.invoiced = True
    order.save()
    message = EmailMessage("Invoice", "Attached", to=[order.email])
    message.send()  # PT202[HIGH]: 5
    EmailMultiAlternatives("Invoice", "Text", to=[order.email]).send()  # PT202[HIGH]: 5


def confirm_after_commit(order):
    with transaction.atomic():
        order.status = "confirmed"
        order.save()
        transaction.on_commit(lambda: send_mail("Confirmed", "Thanks", None, [order.email]))  # ok: PT202


@shared_task
def send_confirmation(email: str):
    send_mail("Confirmed", "Thanks", "shop@example.com", [email])  # ok: PT202 (no transaction)


async def notify(email: str):
    send_mail("Hello", "Hi", "shop@example.com", [email])  # PR301[MEDIUM]: 5 "network IO"
