from django.db import models


class TagQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(hidden=False)


class StockQuerySet(models.QuerySet):
    def available(self):
        return self.filter(quantity__gt=0)

    def with_places(self):
        return self.select_related("warehouse")


class StockManager(models.Manager.from_queryset(StockQuerySet)):
    pass


class ActiveManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(active=True)


class Tag(models.Model):
    name = models.CharField(max_length=50)
    hidden = models.BooleanField(default=False)
    objects = TagQuerySet.as_manager()


class Product(models.Model):
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    tags = models.ManyToManyField(Tag, related_name="products")
    objects = models.Manager()
    active_objects = ActiveManager()


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=30)


class Warehouse(models.Model):
    name = models.CharField(max_length=50)

    def delete(self, *args, **kwargs):
        self.stock_set.update(quantity=0)
        return super().delete(*args, **kwargs)


class Stock(models.Model):
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stocks")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.CASCADE)
    quantity = models.IntegerField(default=0)
    objects = StockManager()


class Basket(models.Model):
    owner = models.CharField(max_length=50)


class Line(models.Model):
    basket = models.ForeignKey(Basket, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.IntegerField(default=1)


class Category(models.Model):
    name = models.CharField(max_length=50)
    parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE)

    def save(self, *args, **kwargs):
        self.name = self.name.strip()
        super().save(*args, **kwargs)


class SpecificMixin:
    """A queryset mixin: inference cannot type ``self._clone()`` from it alone."""

    def specific(self, defer=False):
        clone = self._clone()
        clone.defer_specific = defer
        return clone

    def describe(self):
        return "notes"


class NoteQuerySet(SpecificMixin, models.QuerySet):
    pass


class Note(models.Model):
    text = models.CharField(max_length=50)

    objects = NoteQuerySet.as_manager()
