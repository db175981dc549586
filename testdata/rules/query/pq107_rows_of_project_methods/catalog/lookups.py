"""Entities that a custom manager method returns (``self.visible(user).get()``):
the method cannot know its model, the caller's ``M.objects`` names it; also
through a project helper with several ways out."""
from django.http import Http404

from catalog.models import Attribute, Product


def get_visible_product_or_404(user, fallback=False, **kwargs):
    try:
        return Product.objects.get_visible(user, **kwargs)
    except Product.DoesNotExist:
        pass
    if not fallback:
        raise Http404
    return None


def option_names(request):
    product = Product.objects.get_visible(request.user, pk=1)
    return [attribute.option.name for attribute in product.get_all_attributes()]  # PQ107[HIGH]: 13


def option_names_through_helper(request):
    product = get_visible_product_or_404(request.user, pk=1)
    return [attribute.option.name for attribute in product.get_all_attributes()]  # PQ107[HIGH]: 13


def option_names_loaded(request):
    product = get_visible_product_or_404(request.user, pk=1)
    return [attribute.option.name for attribute in product.get_attributes_with_options()]  # ok: PQ107


def visible_option_names(request):
    return [attribute.option.name for attribute in Attribute.objects.visible(request.user)]  # PQ107[HIGH]: 13


def visible_option_names_loaded(request):
    attributes = Attribute.objects.visible(request.user).select_related("option")
    return [attribute.option.name for attribute in attributes]  # ok: PQ107
