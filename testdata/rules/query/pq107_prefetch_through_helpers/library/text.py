from library.models import Document, Note


def build_text(doc: Document) -> str:
    notes = ",".join(str(note.note) for note in doc.notes.all())
    values = [value.value for value in doc.field_values.all()]
    return notes + ",".join(values)


def build_text_by_query(doc: Document) -> str:
    return ",".join(str(note.note) for note in Note.objects.filter(document=doc))


def build_node(document: Document, *, size: int | None = None):
    text = build_text(document)
    return [tag.name for tag in document.tags.all()], text, size


def first_note(document: Document):
    return document.notes.filter(note__startswith="a").first()


def field_labels(doc: Document):
    return [value.field.name for value in doc.field_values.all()]  # ok: PQ107


def field_labels_of_partly_prefetched(doc: Document):
    return [value.field.name for value in doc.field_values.all()]  # PQ107[HIGH]: 13 "FieldValue.field"


def build_node_tags(document: Document):
    return [tag.name for tag in document.tags.all()]
