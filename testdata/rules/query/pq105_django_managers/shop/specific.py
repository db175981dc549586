from shop.models import Note


def notes_by_revision(revisions):
    return [
        (revision, {note.id: note for note in Note.objects.filter(text=revision).specific()})  # PQ107[HIGH]: 47 "Note"
        for revision in revisions
    ]


def described(revisions):
    return [Note.objects.filter(text=revision).describe() for revision in revisions]  # ok: PQ107


def notes_at_once(revisions):
    return list(Note.objects.filter(text__in=revisions).specific())  # ok: PQ107
