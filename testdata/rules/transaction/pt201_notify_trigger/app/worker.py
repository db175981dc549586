from sqlalchemy import text, update
from sqlalchemy.orm import Session

from app.db import AsyncSessionLocal, SessionLocal
from app.models import Account, Job, Report, Task


def process(item):
    return item


def mark_progress(session: Session, job: Job, value: int):
    job.progress = value  # ok: PT201
    session.flush()


def progress_in_loop(job_id: int, items):
    with SessionLocal() as session, session.begin():
        job = session.get(Job, job_id)
        for number, item in enumerate(items):
            process(item)
            job.progress = number  # PT201[CRITICAL]: 13 "trigger jobs_notify NOTIFYs 'job_progress'"
            session.flush()


def progress_after_setup(session: Session, job_id: int, items):
    with session.begin():
        job = session.get(Job, job_id)
        job.status = "running"  # ok: PT201
        for number, item in enumerate(items):
            process(item)
            job.progress = number  # PT201[CRITICAL]: 13
            session.flush()


def progress_committed_each_step(session: Session, job: Job, items):
    for number, item in enumerate(items):
        process(item)
        job.progress = number  # ok: PT201
        session.commit()


def status_sequence(session: Session, job_id: int, items):
    try:
        job = session.get(Job, job_id)
        job.status = "running"
        session.flush()
        for item in items:
            process(item)
        job.status = "done"  # PT201[CRITICAL]: 9 "updated 2 times"
        session.commit()
    except Exception:
        session.rollback()
        raise


def status_back_to_back(session: Session, job: Job):
    with session.begin():
        job.status = "validated"
        session.flush()
        job.status = "queued"  # PT201[MEDIUM]: 9


def progress_collapsed_into_one_update(session: Session, job: Job, items):
    with session.begin():
        for number, item in enumerate(items):
            process(item)
            job.progress = number  # PT201[MEDIUM]: 13 "flushed once"


def intentional_single_transaction(session: Session, job: Job, items):
    # One transaction on purpose (ADR-7): a failed batch must not show partial progress.
    with session.begin():
        for number, item in enumerate(items):
            process(item)
            job.progress = number  # PT201[HIGH]: 13
            session.flush()


def balances_without_notify(session: Session, account_ids):
    with session.begin():
        for account_id in account_ids:
            session.execute(update(Account).where(Account.id == account_id).values(balance=0))  # PT201[HIGH]: 13 "accounts_total takes effect" PQ102[HIGH]: 13


def raw_sql_progress(session: Session, job_id: int, items):
    with session.begin():
        for number, item in enumerate(items):
            process(item)
            session.execute(text("UPDATE public.jobs SET progress = :p WHERE id = :id"),  # PT201[CRITICAL]: 13 PQ102[HIGH]: 13
                            {"p": number, "id": job_id})


def progress_through_helper(session: Session, job: Job, items):
    with session.begin():
        for number, item in enumerate(items):
            process(item)
            mark_progress(session, job, number)  # PT201[CRITICAL]: 13


def dropped_trigger(session: Session, task: Task, items):
    with session.begin():
        for number, item in enumerate(items):
            process(item)
            task.progress = number  # ok: PT201
            session.flush()


def table_without_trigger(session: Session, report: Report, items):
    with session.begin():
        for number, item in enumerate(items):
            process(item)
            report.progress = number  # ok: PT201
            session.flush()


def column_the_trigger_ignores(session: Session, job: Job, names):
    with session.begin():
        for name in names:
            job.name = name  # ok: PT201
            session.flush()


def single_update(session: Session, job: Job):
    with session.begin():
        job.status = "done"  # ok: PT201
        job.progress = 100  # ok: PT201


async def async_progress(job_id: int, items):
    async with AsyncSessionLocal() as session, session.begin():
        job = await session.get(Job, job_id)
        for number, item in enumerate(items):
            process(item)
            job.progress = number  # PT201[CRITICAL]: 13
            await session.flush()
