from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    country = models.ForeignKey("Country", on_delete=models.CASCADE)


class Country(models.Model):
    name = models.CharField(max_length=100)


class Tag(models.Model):
    name = models.CharField(max_length=50)
    slug = models.SlugField()


class Post(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="posts")
    tags = models.ManyToManyField(Tag, related_name="posts")
    original = models.ForeignKey("self", null=True, on_delete=models.CASCADE, related_name="translations")

    @property
    def author_label(self):
        return f"{self.title} by {self.author.name}"

    def shout(self):
        return self.title.upper()


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    body = models.TextField()

    @property
    def author_display(self):
        return self.author.name.title()
