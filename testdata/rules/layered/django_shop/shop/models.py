from django.db import models


class TagQuerySet(models.QuerySet):
    def popular(self):
        return self.filter(uses__gt=100)


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    uses = models.IntegerField(default=0)

    objects = TagQuerySet.as_manager()


class ProductManager(models.Manager):
    def available(self):
        return self.filter(stock__gt=0)


class Product(models.Model):
    name = models.CharField(max_length=100)
    stock = models.IntegerField(default=0)
    tags = models.ManyToManyField(Tag, related_name="products")

    objects = ProductManager()

    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags.all()]


class Basket(models.Model):
    owner = models.CharField(max_length=100)


class Line(models.Model):
    basket = models.ForeignKey(Basket, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    quantity = models.IntegerField(default=1)


class Stock(models.Model):
    product = models.OneToOneField(Product, on_delete=models.CASCADE)
    count = models.IntegerField(default=0)
