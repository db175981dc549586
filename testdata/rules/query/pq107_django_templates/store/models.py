from django.core.cache import cache
from django.db import models


class Setting(models.Model):
    key = models.CharField(max_length=20)
    value = models.CharField(max_length=50)

    @classmethod
    def cached(cls, key):
        def load():
            return cls.objects.filter(key=key).first()

        return cache.get_or_set(f"setting:{key}", load)  # the query runs on a cache miss only

    @classmethod
    def fresh(cls, key):
        def load():
            return cls.objects.filter(key=key).first()

        return load()


class Brand(models.Model):
    name = models.CharField(max_length=50)


class Product(models.Model):
    name = models.CharField(max_length=100)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")

    @property
    def skus(self):
        return ", ".join(variant.sku for variant in self.variants.all())

    def label(self):
        return self.name.title()

    @property
    def currency(self):
        return Setting.cached("currency")

    @property
    def vat(self):
        return Setting.fresh("vat")

    @property
    def code(self):
        if not self.name:
            self.name = "unnamed"
            self.save()  # filled once: the query in save() is not one per read
        return self.name.upper()

    def save(self, *args, **kwargs):
        if Product.objects.filter(name=self.name).exclude(pk=self.pk).exists():
            self.name = f"{self.name}-{self.pk}"
        super().save(*args, **kwargs)


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    supplier = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="supplied")
    sku = models.CharField(max_length=30)
