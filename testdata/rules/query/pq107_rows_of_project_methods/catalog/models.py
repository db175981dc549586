from django.db import models

from catalog.managers import VisibleManager


class Option(models.Model):
    name = models.CharField(max_length=50)


class Product(models.Model):
    name = models.CharField(max_length=100)
    objects = VisibleManager()

    def get_all_attributes(self):
        return self.attributes.all()

    def get_attributes_of(self, kind):
        return Attribute.objects.filter(product=self, kind=kind)

    def get_attributes_with_options(self):
        return self.attributes.select_related("option")

    def get_attribute_names(self):
        return self.attributes.values_list("code", flat=True)

    def labels(self):
        return [attribute.option.name for attribute in self.get_all_attributes()]  # PQ107[HIGH]: 17

    def labels_loaded(self):
        return [attribute.option.name for attribute in self.get_attributes_with_options()]  # ok: PQ107

    def option_labels(self, kind):
        for attribute in self.get_attributes_of(kind):
            attribute.option_label()  # PQ107[HIGH]: 13 "option_label -> self.option"

    def option_labels_loaded(self):
        for attribute in self.get_attributes_with_options():
            attribute.option_label()  # ok: PQ107

    def codes(self):
        return [code.upper() for code in self.get_attribute_names()]  # ok: PQ107


class Attribute(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="attributes")
    option = models.ForeignKey(Option, on_delete=models.CASCADE)
    code = models.CharField(max_length=50)
    kind = models.CharField(max_length=50)
    objects = VisibleManager()

    def option_label(self):
        return f"{self.code}: {self.option.name}"


def reset_codes(product: Product):
    for attribute in product.get_all_attributes():
        attribute.code = ""
        attribute.save()  # PQ105[MEDIUM]: 9 "product.get_all_attributes()"


def reset_codes_in_bulk(product: Product):
    attributes = list(product.get_all_attributes())
    for attribute in attributes:
        attribute.code = ""
    Attribute.objects.bulk_update(attributes, ["code"])  # ok: PQ105
