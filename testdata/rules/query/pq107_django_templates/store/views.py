from django.shortcuts import render
from django.template.loader import render_to_string

from store.models import Brand, Product


def products(request):
    return render(request, "store/products.html", {
        "products": Product.objects.order_by("name"),  # PQ107[HIGH]: 21 "select_related('brand') and prefetch_related('variants__supplier')"
    })


def products_eager(request):
    rows = Product.objects.select_related("brand").prefetch_related("variants", "variants__supplier")
    return render(request, "store/products.html", {"products": rows})  # ok: PQ107


def products_half_eager(request):
    context = {"products": Product.objects.select_related("brand").prefetch_related("variants")}  # PQ107[HIGH]: 28 "variants__supplier"
    return render(request, "store/products.html", context)


def names(request):
    return render_to_string("names.html", {
        "products": Product.objects.all(),  # ok: PQ107 - the foreign key column only
        "brands": Brand.objects.all(),  # PQ107[HIGH]: 19 "prefetch_related('products')"
    })


def missing(request):
    return render(request, "store/absent.html", {"products": Product.objects.all()})  # ok: PQ107


def escaping(request):
    return render(request, "../../store/models.py", {"products": Product.objects.all()})  # ok: PQ107


def catalogue(request):
    return render(request, "store/catalogue.html", {
        "products": Product.objects.all(),  # PQ107[HIGH]: 21 "product.skus (line 1: skus runs"
    })


def catalogue_prefetched(request):
    return render(request, "store/catalogue.html", {
        "products": Product.objects.prefetch_related("variants"),  # ok: PQ107
    })


def prices(request):
    return render(request, "store/prices.html", {
        "products": Product.objects.all(),  # ok: PQ107 - the setting is read through a cache
        "taxed": Product.objects.all(),  # PQ107[HIGH]: 18 "product.vat (line 2: vat -> fresh -> load runs"
    })


def codes(request):
    listed = [product.code for product in Product.objects.all()]  # ok: PQ107
    return render(request, "store/codes.html", {"products": Product.objects.all(), "listed": listed})  # ok: PQ107
