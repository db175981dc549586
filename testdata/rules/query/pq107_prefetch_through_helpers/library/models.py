from functools import cached_property

from django.db import models
from softdelete_library.models import SoftDeleteModel  # a library that is not installed


class Tag(models.Model):
    name = models.CharField(max_length=50)


class Document(models.Model):
    title = models.CharField(max_length=100)
    tags = models.ManyToManyField(Tag, related_name="documents")

    def tag_names(self):
        return [tag.name for tag in self.tags.all()]

    def first_tag(self):
        return self.tags.filter(name__startswith="a").first()


class Note(SoftDeleteModel):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="notes")
    note = models.TextField()

    @cached_property
    def previous(self):
        return Note.objects.filter(document=self.document_id, id__lt=self.id).first()

    def to_dict(self):
        return {"note": self.note, "previous": self.previous}


def prepare_previous(notes):
    """Sets ``previous`` on every note from the list itself: no query per note."""
    for earlier, note in zip([None, *notes], notes):
        note.previous = earlier


class Field(models.Model):
    name = models.CharField(max_length=50)


class FieldValue(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="field_values")
    field = models.ForeignKey(Field, on_delete=models.CASCADE)
    value = models.TextField()
