"""A session a web framework hangs on each request (Pyramid's
``config.add_request_method(..., name="db")``): ``request.db`` is a session
because the module hands it a mapped model; ``request.session`` is not."""

from app.models import Member, Org


def members_view(request):
    rows = request.db.query(Member).all()
    return [member.org.name for member in rows]  # PQ107[HIGH]: 13 "Member.org"


def rename_view(request, names: dict):
    for org_id, name in names.items():
        org = request.db.get(Org, org_id)  # PQ107[HIGH]: 15
        org.name = name


def visited_view(request, pages: list):
    for page in pages:
        request.session.get(page)  # ok: PQ107


class JournalViews:
    def __init__(self, request):
        self.request = request

    def hand_over(self, deleted):
        journals = self.request.db.query(Member).filter(Member.org_id == 1).all()
        for journal in journals:
            print(journal.org.name)  # ok: PQ107 (every row has org_id == 1: the identity map answers)
        for member in self.request.db.query(Member).all():
            print(member.org.name)  # PQ107[HIGH]: 19 "Member.org"
