"""Rows loaded to set the same value on each: the next flush sends one
UPDATE per row, where one ``update()`` does it for all."""
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Journal, User


def hand_over(session: Session, user: User, deleted: User) -> None:
    journals = session.scalars(select(Journal).where(Journal.submitted_by_id == user.id)).all()
    for journal in journals:
        journal.submitted_by = deleted  # PQ102[HIGH]: 9 "update(Journal)"
        journal.action = "handed over"  # ok: PQ102 (one finding per loop)
    session.commit()


def hand_over_in_one_statement(session: Session, user: User, deleted: User) -> None:
    session.execute(update(Journal).where(Journal.submitted_by_id == user.id).values(submitted_by_id=deleted.id))


def normalise(session: Session) -> None:
    for journal in session.scalars(select(Journal)):
        journal.action = journal.action.lower()  # ok: PQ102 (a value per row)


def only_some(session: Session, deleted: User) -> None:
    for journal in session.scalars(select(Journal)):
        if journal.action == "spam":
            journal.submitted_by = deleted  # ok: PQ102 (under a condition)


def not_rows(journals: list[Journal], deleted: User) -> None:
    for journal in journals:
        journal.submitted_by = deleted  # ok: PQ102
