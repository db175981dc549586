from django.core.management.base import BaseCommand

from shop.models import Product, Tag


class Command(BaseCommand):
    help = "Populate the database with demo data"

    def handle(self, *args, **options):
        for index in range(500):
            product = Product.objects.create(name=f"product {index}")  # PQ105[MEDIUM]: 23
            tag = Tag.objects.create(name=f"tag {index}")  # PQ105[MEDIUM]: 19
            product.tags.add(tag)  # ok: PQ107
        for index in range(500):
            Product.objects.get(name=f"product {index}")  # PQ107[MEDIUM]: 13 "data-seeding"
