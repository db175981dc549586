import django_tables2 as tables
from django_tables2 import A

from blog.models import Comment, Post


class PostTable(tables.Table):
    author_name = tables.Column(accessor="author.name")

    class Meta:
        model = Post
        fields = ("title", "author_name")


class CountryTable(tables.Table):
    country = tables.Column(accessor=A("author__country__name"))

    class Meta:
        model = Post
        fields = ("title",)


class ForeignKeyTable(tables.Table):
    """A foreign key column shows the related row's ``str()``."""

    class Meta:
        model = Comment
        fields = ("body", "post")


class PlainTable(tables.Table):
    author_ref = tables.Column(accessor="author_id")

    class Meta:
        model = Post
        fields = ("title", "author_ref")
        exclude = ("tags",)


class RenderingTable(tables.Table):
    title = tables.Column()

    class Meta:
        model = Post
        fields = ("title",)

    def render_title(self, value, record):
        return f"{value} ({record.author.name})"
