from django.db import models


class Brand(models.Model):
    name = models.CharField(max_length=50)


class Product(models.Model):
    name = models.CharField(max_length=100)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="products")


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    supplier = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="supplied")
    sku = models.CharField(max_length=30)
