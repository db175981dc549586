from django.http import JsonResponse

from catalog.models import Author, Book


def book_list(request):
    books = Book.objects.all()
    return JsonResponse({"books": [{"title": b.title, "author": b.author.name} for b in books]})


def book_list_fast(request):
    books = Book.objects.select_related("author").all()
    return JsonResponse({"books": [{"title": b.title, "author": b.author.name} for b in books]})


def author_detail(request, author_id):
    author = Author.objects.get(pk=author_id)
    titles = [book.title for book in author.books.all()]
    return JsonResponse({"name": author.name, "titles": titles})
