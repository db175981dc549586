from app.db import SessionLocal
from app.models import Job


def test_progress(items):
    with SessionLocal() as session, session.begin():
        job = session.get(Job, 1)
        for number, _ in enumerate(items):
            job.progress = number  # ok: PT201
            session.flush()
