from shop.models import Order
from shop.tasks import send_receipt


def create_order(status):
    order = Order.objects.create(status=status)
    return order


def announce(order_id):
    send_receipt.delay(order_id)
