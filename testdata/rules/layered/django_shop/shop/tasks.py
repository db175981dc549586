from celery import shared_task


@shared_task
def reindex_product(product_id: int) -> int:
    return product_id
