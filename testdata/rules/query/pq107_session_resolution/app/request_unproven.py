"""Nothing in this module hands ``request.db`` what only a session takes:
what it holds is not known here."""


def touch_all(request, pages: list):
    for page in pages:
        request.db.get(page)  # ok: PQ107
