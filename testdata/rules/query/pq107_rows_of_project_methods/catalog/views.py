from catalog.models import Product


def option_names(product_id):
    """``product`` is typed by the query that returns it, not by inference:
    its method's rows are the rows of ``self.attributes.all()``."""
    product = Product.objects.get(pk=product_id)
    return [attribute.option.name for attribute in product.get_all_attributes()]  # PQ107[HIGH]: 13


def option_names_loaded(product_id):
    product = Product.objects.get(pk=product_id)
    return [attribute.option.name for attribute in product.get_attributes_with_options()]  # ok: PQ107
