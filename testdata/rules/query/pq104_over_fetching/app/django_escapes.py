from django.apps.registry import Apps

from app.models import Article


def shadowed_names(article: Article):
    titles = [article.f1 for article in Article.objects.filter(f2="x")]  # PQ104[MEDIUM]: 41 "only('f1')"
    return titles, article.f5, article.f6, article.f7, article.f8


def loaded_for_caller(pk: int) -> Article:
    article = Article.objects.filter(pk=pk).first()  # ok: PQ104
    print(article.f1)
    return article


def stored_on_holder(holder, pk: int) -> None:
    article = Article.objects.get(pk=pk)  # ok: PQ104
    holder.article = article
    print(article.f2)


def read_here(pk: int) -> str:
    article = Article.objects.get(pk=pk)  # PQ104[LOW]: 15
    return article.f1


def fill_slugs(apps: Apps, schema_editor) -> None:
    """A data migration: the model comes from the historical app registry."""
    Article = apps.get_model("app", "Article")
    for article in Article.objects.exclude(f1="").only("f1"):  # ok: PQ104
        print(article.id, article.f1)


def fill_slugs_wide() -> None:
    for article in Article.objects.exclude(f1=""):  # PQ104[MEDIUM]: 20
        print(article.id, article.f1)
