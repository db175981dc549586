"""A base class's ``self.row_to_dict(row)`` runs the implementations of the
subclasses that inherit the calling method, not of those that override it."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Member, Org


class Readout:
    def __init__(self, session: Session):
        self.session = session

    def rows(self):
        return [self.row_to_dict(org) for org in self.session.scalars(select(Org)).all()]  # ok: PQ107

    def row_to_dict(self, org):
        raise NotImplementedError


class NameReadout(Readout):
    def row_to_dict(self, org):
        return {"name": org.name}


class MemberReadout(Readout):
    def rows(self):
        return [{"name": org.name} for org in self.session.scalars(select(Org)).all()]

    def row_to_dict(self, org):
        return {"first": self.session.get(Member, org.id)}


class Report(Readout):
    def rows(self):
        return [self.row_to_dict(org) for org in self.session.scalars(select(Org)).all()]  # PQ107[HIGH]: 17 "row_to_dict"


class MemberReport(Report):
    def row_to_dict(self, org):
        return {"first": self.session.get(Member, org.id)}
