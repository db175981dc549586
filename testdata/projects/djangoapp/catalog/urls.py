from django.urls import path

from catalog import views

urlpatterns = [
    path("books/", views.book_list),
    path("books/fast/", views.book_list_fast),
    path("authors/<int:author_id>/", views.author_detail),
]
