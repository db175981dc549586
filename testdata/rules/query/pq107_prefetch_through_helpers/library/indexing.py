from library.models import Document, Note, prepare_previous
from library.text import (
    build_node, build_node_tags, build_text, build_text_by_query, field_labels, field_labels_of_partly_prefetched,
    first_note,
)


def identity(iterable):
    return iterable


def index_all(iter_wrapper=identity):
    documents = Document.objects.prefetch_related("tags", "notes", "field_values")
    for document in iter_wrapper(documents):
        build_node(document, size=3)  # ok: PQ107
    for document in documents:
        build_text(doc=document)  # ok: PQ107
        document.tag_names()  # ok: PQ107


def index_some(ids):
    documents = Document.objects.prefetch_related("tags", "notes", "field_values")
    for document in documents.filter(id__in=ids) if ids else documents:
        build_node(document)  # ok: PQ107
    for document in Document.objects.filter(id__in=ids) if ids else documents:
        build_node(document)  # PQ107[HIGH]: 9


def index_partly_prefetched():
    for document in Document.objects.prefetch_related("tags"):
        build_node(document)  # PQ107[HIGH]: 9 "build_node -> build_text -> doc.notes.all"


def index_by_queries():
    for document in Document.objects.prefetch_related("tags", "notes", "field_values"):
        build_text_by_query(document)  # PQ107[HIGH]: 9 "Note.objects.filter"
        first_note(document)  # PQ107[HIGH]: 9 "document.notes.filter"
        document.first_tag()  # PQ107[HIGH]: 9


def index_without_prefetch():
    for document in Document.objects.all():
        document.tag_names()  # PQ107[HIGH]: 9 "self.tags.all"
        build_text(document)  # PQ107[HIGH]: 9


def label_fields():
    for document in Document.objects.prefetch_related("field_values__field"):
        field_labels(document)  # ok: PQ107
    for document in Document.objects.prefetch_related("field_values"):
        field_labels_of_partly_prefetched(document)  # ok: PQ107


def note_dicts(document: Document):
    notes = list(Note.objects.filter(document=document).order_by("id"))
    prepare_previous(notes)
    return [note.to_dict() for note in notes]  # ok: PQ107


def note_dicts_unprepared(document: Document):
    notes = list(Note.objects.filter(document=document).order_by("id"))
    return [note.to_dict() for note in notes]  # PQ107[HIGH]: 13 "to_dict -> previous"


def note_documents():
    for note in Note.objects.select_related("document").prefetch_related("document__tags"):
        document = note.document
        build_node_tags(document)  # ok: PQ107
        build_node_tags(note.document)  # ok: PQ107
    for note in Note.objects.select_related("document"):
        document = note.document
        build_node_tags(document)  # PQ107[HIGH]: 9 "document.tags.all"
