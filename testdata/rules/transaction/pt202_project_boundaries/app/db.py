import functools
import time
from contextlib import contextmanager

from django.db import transaction
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker(bind=create_engine("postgresql://localhost/shop"))


@contextmanager
def tx():
    with transaction.atomic():
        yield


def traced_atomic(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction.atomic():
            return func(*args, **kwargs)
    return wrapper


def atomic_transaction():
    return transaction.atomic()


@contextmanager
def session_scope():
    session = SessionLocal()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def timed(label):
    started = time.monotonic()
    yield
    print(label, time.monotonic() - started)


class UnitOfWork:
    def __enter__(self):
        self.session = SessionLocal()
        return self.session

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None:
                self.session.commit()  # ok: PT204
            else:
                self.session.rollback()
        finally:
            self.session.close()
