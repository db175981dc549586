from shop.models import Basket, Category, Line, Product, Stock, Tag, Variant, Warehouse


def create_tags(names):
    for name in names:
        Tag.objects.create(name=name)  # PQ105[MEDIUM]: 9 "bulk_create"
    Tag.objects.bulk_create([Tag(name=name) for name in names])  # ok: PQ105
    for name in ("new", "sale", "hot"):
        Tag.objects.create(name=name)  # PQ105[MEDIUM]: 9


def restock(items):
    for item in items:
        stock, _ = Stock.objects.get_or_create(variant=item)  # PQ105[MEDIUM]: 20
        stock.quantity += 1
        stock.save()  # PQ105[MEDIUM]: 9 "save"
    Stock.objects.filter(variant__in=items).update(quantity=0)  # ok: PQ102


def basket_names(basket: Basket):
    names = []
    for line in basket.lines.all():
        names.append(line.product.name)  # PQ107[HIGH]: 22 "select_related('product')"
    for line in basket.lines.select_related("product"):
        names.append(line.product.name)  # ok: PQ107
    return names


def first_stock(variants: list[Variant]):
    for variant in variants:
        variant.stocks.filter(quantity__gt=0).first()  # PQ107[HIGH]: 9
    return [product.tags.count() for product in Product.objects.all()]  # PQ107[HIGH]: 13 "prefetch_related('tags')"


def prefetched_counts():
    return [product.tags.count() for product in Product.objects.prefetch_related("tags")]  # ok: PQ107


def prefetched_from_a_list(with_variants: bool):
    fields = ["tags"]
    if with_variants:
        fields.extend(["variants"])
    for product in Product.objects.prefetch_related(*fields):
        product.tags.count()  # ok: PQ107
        product.variants.count()  # ok: PQ107
    for product in Product.objects.prefetch_related(*[]):
        product.tags.count()  # PQ107[HIGH]: 9


def sliced(limit: int):
    lines = list(Line.objects.filter(quantity__gt=1)[:limit])
    return [line.product.name for line in lines]  # PQ107[HIGH]: 13


def custom_manager_rows():
    for product in Product.active_objects.all():
        product.variants.count()  # PQ107[HIGH]: 9
    for stock in Stock.objects.available():
        print(stock.warehouse.name)  # PQ107[HIGH]: 15 "select_related('warehouse')"
    for stock in Stock.objects.available().with_places():
        print(stock.warehouse.name)  # ok: PQ107 - the queryset method loads it


def tagged(products, tag: Tag):
    for product in products:
        product.tags.add(tag)  # ok: PQ107
    created = Product.objects.bulk_create([Product(name=n) for n in ("a", "b")])
    for product in created:
        product.tags.add(tag)  # ok: PQ107


def rename_categories(categories):
    for category in Category.objects.filter(name__startswith=" "):
        category.save()  # PQ105[MEDIUM]: 9 "overrides save()"


def prune_categories():
    for category in Category.objects.filter(name=""):
        category.delete()  # PQ105[MEDIUM]: 9 "in one statement: filter(pk__in=ids).delete()"


def close_warehouses(names):
    for warehouse in Warehouse.objects.filter(name__in=names):
        warehouse.delete()  # PQ105[MEDIUM]: 9 "Warehouse overrides delete()"


def rename_products(names):
    for product in Product.objects.filter(name__in=names):
        product.name = product.name.title()
        product.save()  # PQ105[MEDIUM]: 9 "bulk_update"


def shadowed(product: Product, variants):
    skus = [variant.sku for variant in Variant.objects.filter(product=product)]
    for variant in variants:
        print(variant.product.name)  # ok: PQ107
    return skus


async def rename_async(loop):
    import asyncio

    from asgiref.sync import sync_to_async

    for tag in await sync_to_async(list)(Tag.objects.filter(hidden=True)):
        tag.name = tag.name.strip()
        await tag.asave()  # PQ105[MEDIUM]: 15 "bulk_update"
    tags = await asyncio.to_thread(list, Tag.objects.filter(hidden=False))
    for tag in tags:
        await tag.asave()  # PQ105[MEDIUM]: 15
    lines = await loop.run_in_executor(None, list, Line.objects.filter(quantity=0))
    names = [line.product.name for line in lines]  # PQ107[HIGH]: 14 "select_related('product')"
    for tag in await sync_to_async(sorted)(await tag_names()):
        print(tag)  # ok: PQ107 - not rows of a query
    return names


async def tag_names():
    return ["a", "b"]


def newest_lines_first():
    return [line.product.name for line in Line.objects.filter(quantity__gt=0).reverse()]  # PQ107[HIGH]: 13
