from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Author(TimeStamped):
    name = models.CharField(max_length=200)
    born = models.DateField(null=True)


class Tag(models.Model):
    label = models.SlugField(unique=True)

    class Meta:
        db_table = "catalog_tags"


class Book(TimeStamped):
    title = models.CharField(max_length=300)
    isbn = models.CharField(max_length=13, unique=True)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    editor = models.ForeignKey("Author", on_delete=models.SET_NULL, null=True, related_name="+")
    tags = models.ManyToManyField(Tag)
    pages = models.PositiveIntegerField(default=0)
