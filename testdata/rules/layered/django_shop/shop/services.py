from django.db import transaction

from shop.models import Basket, Line, Product, Stock, Tag
from shop.tasks import reindex_product


def import_tags(names: list[str]) -> None:
    for name in names:
        Tag.objects.create(name=name)  # PQ105[MEDIUM]: 9


def import_tags_in_bulk(names: list[str]) -> None:
    Tag.objects.bulk_create([Tag(name=name) for name in names])  # ok: PQ105


def restock(products: list[Product]) -> None:
    for product in products:
        stock, _ = Stock.objects.get_or_create(product=product)  # PQ105[MEDIUM]: 20
        stock.count += 10
        stock.save()  # PQ105[MEDIUM]: 9


def basket_summary(basket: Basket) -> list[str]:
    return [line.product.name for line in basket.lines.all()]  # PQ107[HIGH]: 13


def basket_summary_eager(basket: Basket) -> list[str]:
    return [line.product.name for line in basket.lines.select_related("product")]  # ok: PQ107


def tag_report(products: list[Product]) -> dict[int, list[str]]:
    return {product.id: product.tag_names() for product in products}  # PQ107[HIGH]: 25 "tag_names"


def rename_product(product_id: int, name: str) -> None:
    with transaction.atomic():
        product = Product.objects.get(pk=product_id)
        product.name = name
        product.save()
        reindex_product.delay(product.pk)  # PT208[HIGH]: 9


def rename_product_on_commit(product_id: int, name: str) -> None:
    with transaction.atomic():
        product = Product.objects.get(pk=product_id)
        product.name = name
        product.save()
        transaction.on_commit(lambda: reindex_product.delay(product.pk))  # ok: PT208


def line_count(basket: Basket) -> int:
    return basket.lines.count()  # ok: PQ107
