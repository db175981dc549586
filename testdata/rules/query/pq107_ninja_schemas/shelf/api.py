from ninja import NinjaAPI, Schema

from shelf.models import Book

api = NinjaAPI()


class AuthorOut(Schema):
    name: str


class BookOut(Schema):
    title: str
    author: AuthorOut


class BookRow(Schema):
    title: str
    author_id: int


@api.get("/books", response=list[BookOut])
def books(request):
    return Book.objects.all()  # PQ107[HIGH]: 12 "select_related('author')"


@api.get("/books/eager", response=list[BookOut])
def books_eager(request):
    return Book.objects.select_related("author")  # ok: PQ107


@api.get("/books/ids", response=list[BookRow])
def book_ids(request):
    return Book.objects.all()  # ok: PQ107 - the foreign key column only
