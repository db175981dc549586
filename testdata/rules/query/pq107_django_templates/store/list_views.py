from django.views.generic import ListView

from store.models import Brand, Product


class BrandList(ListView):
    model = Brand  # PQ107[HIGH]: 13 "prefetch_related('products')"


class PrefetchedBrandList(ListView):
    queryset = Brand.objects.prefetch_related("products")  # ok: PQ107
    template_name = "store/brand_list.html"


class ProductList(ListView):
    template_name = "store/products.html"
    context_object_name = "products"

    def get_queryset(self):
        return Product.objects.select_related("brand")  # PQ107[HIGH]: 16 "variants__supplier"


class OtherTemplate(ListView):
    model = Product
    template_name = "names.html"  # loops over "products", not this view's names  # ok: PQ107
