from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.http import require_POST
from rest_framework.viewsets import ModelViewSet

from shop import services
from shop.models import Order
from shop.tasks import refresh_dashboard, send_receipt


@require_POST
def place_order(request):
    order = Order.objects.create(status="new")
    send_receipt.delay(order.pk)  # PT208[HIGH]: 5 "ATOMIC_REQUESTS"
    return JsonResponse({"id": order.pk})


@require_POST
def place_order_through_services(request):
    order = services.create_order("new")
    services.announce(order.pk)  # PT208[HIGH]: 5 "announce -> send_receipt.delay"
    return JsonResponse({"id": order.pk})


@require_POST
def place_order_on_commit(request):
    order = Order.objects.create(status="new")
    transaction.on_commit(lambda: send_receipt.delay(order.pk))  # ok: PT208
    return JsonResponse({"id": order.pk})


@require_POST
@transaction.non_atomic_requests
def place_order_autocommit(request):
    order = Order.objects.create(status="new")
    send_receipt.delay(order.pk)  # ok: PT208
    return JsonResponse({"id": order.pk})


@require_POST
def refresh(request):
    refresh_dashboard.delay()  # ok: PT208
    return JsonResponse({})


class OrderViewSet(ModelViewSet):
    def perform_update(self, serializer):
        order = Order.objects.get(pk=self.kwargs["pk"])
        order.status = serializer.validated_data["status"]
        order.save()
        send_receipt.delay(order.pk)  # PT208[HIGH]: 9


@require_POST
def replace_orders(request):
    Order.objects.filter(status="draft").delete()
    Order.objects.bulk_create([Order(status="draft")])  # ok: PT203
    return JsonResponse({})
