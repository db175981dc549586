"""Model instances handed around without annotations: the related
managers a function calls on a parameter prove which model it holds."""

from shop.models import Line


def copy_variants(product, target):
    return [(variant.sku, variant.product.name) for variant in product.variants.all()]  # PQ107[HIGH]: 27 "Variant.product"


def copy_lines(basket):
    """``lines`` is a to-many relation of Basket only; ``owner`` agrees."""
    copied = [Line(basket=basket, product=line.product) for line in basket.lines.all()]  # PQ107[HIGH]: 43
    print(basket.owner)
    return copied


def copy_lines_eagerly(basket):
    return [line.product.name for line in basket.lines.select_related("product")]  # ok: PQ107


def not_a_model(order):
    """No model has both ``lines`` and ``total``: nothing is proven."""
    print(order.total)
    return [line.product for line in order.lines.all()]  # ok: PQ107


def no_manager(basket):
    """Attribute reads alone prove nothing."""
    return [line.product for line in basket.lines]  # ok: PQ107
