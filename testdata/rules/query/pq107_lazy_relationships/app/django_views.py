from app.models import Author, Book, Bookmark


def books(request):
    for book in Book.objects.filter(title__startswith="A"):
        print(book.author.name)  # PQ107[HIGH]: 15 "select_related"
    for book in Book.objects.select_related("author"):
        print(book.author.name)  # ok: PQ107
    for author in Author.objects.all():
        print(author.books.count())  # PQ107[HIGH]: 15 "prefetch_related('books')"
    for author in Author.objects.prefetch_related("books"):
        print(author.books.all())  # ok: PQ107
    for book in Book.objects.only("title"):
        print(book.title)  # ok: PQ107
    for book in Book.objects.order_by("-id")[:5]:
        print(book.author)  # PQ107[MEDIUM]: 15
    for book in Book.objects.order_by("-id")[:50]:
        print(book.author)  # PQ107[HIGH]: 15


def nested(authors):
    for author in authors:
        for book in Book.objects.filter(author=author):  # PQ107[HIGH]: 21 "Book once per item of authors"
            print(book.title)
        titles = list(Book.objects.filter(author_id=author.id).values_list("title", flat=True))  # PQ107[HIGH]: 23
        print(titles)
    for book in Book.objects.filter(title="x"):  # ok: PQ107
        print(book.title)


def bookmarked(owner_ids):
    targets = [mark.target for mark in Bookmark.objects.filter(object_id__in=owner_ids)]  # PQ107[HIGH]: 16 "prefetch_related('target')"
    loaded = [mark.target for mark in Bookmark.objects.prefetch_related("target")]  # ok: PQ107
    ids = [mark.object_id for mark in Bookmark.objects.all()]  # ok: PQ107
    return targets, loaded, ids


def one_authors_books(author_id):
    """Django keeps no identity map: each row loads its own author."""
    for book in Book.objects.filter(author_id=author_id):
        print(book.author.name)  # PQ107[HIGH]: 15
