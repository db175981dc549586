from django.views.generic import ListView
from django_tables2 import SingleTableMixin, SingleTableView

from blog.models import Comment, Post
from blog.tables import CountryTable, ForeignKeyTable, PlainTable, PostTable, RenderingTable


class PostListView(SingleTableView):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "PostTable.author_name (accessor 'author.name')"
    table_class = PostTable


class PostLoadedListView(SingleTableView):
    queryset = Post.objects.select_related("author")  # ok: PQ107
    table_class = PostTable


class CountryListView(SingleTableMixin, ListView):
    model = Post  # PQ107[HIGH]: 13 "select_related('author__country')"
    table_class = CountryTable


class CountryLoadedListView(SingleTableMixin, ListView):
    table_class = CountryTable

    def get_queryset(self):
        return Post.objects.select_related("author__country")  # ok: PQ107


class CommentListView(SingleTableView):
    queryset = Comment.objects.all()  # PQ107[HIGH]: 16 "ForeignKeyTable.post"
    table_class = ForeignKeyTable


class PlainListView(SingleTableView):
    queryset = Post.objects.all()  # ok: PQ107
    table_class = PlainTable


class RenderingListView(SingleTableView):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "render_title -> record.author"
    table_class = RenderingTable


class OwnDataListView(SingleTableView):
    queryset = Post.objects.all()  # ok: PQ107
    table_class = PostTable

    def get_table_data(self):
        return list(Post.objects.select_related("author"))


class FilteredCountryListView(SingleTableMixin, ListView):
    model = Post  # ok: PQ107
    table_class = CountryTable

    def get_queryset(self):
        return super().get_queryset().select_related("author__country")  # ok: PQ107


class FilteredUnloadedListView(SingleTableMixin, ListView):
    model = Post
    table_class = CountryTable

    def get_queryset(self):
        return super().get_queryset().filter(title__isnull=False)  # PQ107[HIGH]: 16 "CountryTable.country"
