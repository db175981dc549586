"""Transaction facts of :mod:`persistlint.context` on small projects: what a
call does to a transaction comes from the one database-call classifier
(:func:`dbcalls.db_call`), whatever way the session is reached, and name
guesses stay name guesses."""

from __future__ import annotations

import pytest

from persistlint.context import dbcalls, sql, transactions
from persistlint.diagnostic import Evidence
from tests.test_query_facts import SA_MODELS, SESSION_FIXTURE, call, file_context

#: The sessions of the PQ107 session-resolution fixture (NewType, Annotated,
#: TypeAlias and plain aliases, scoped sessions, a yielding context
#: manager), plus a Flask-SQLAlchemy ``db``; its models use
#: ``declarative_base(cls=Mixin)`` with a ``declared_attr`` table name.
DB = "from flask_sqlalchemy import SQLAlchemy\n" + (SESSION_FIXTURE / "db.py").read_text(encoding="utf-8") \
    + "\n\ndb = SQLAlchemy()\n"
MODELS = SA_MODELS

SESSIONS = """
    from fastapi import Request
    from sqlalchemy import MetaData, Table, insert, update
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.orm.session import Session

    from app.db import (AsyncSession, DbSession, PlainSession, ScopedSession, SessionDep, SessionLocal, db,
                        open_session)
    from app.models import Org

    audit = Table("audit_log", MetaData())


    async def new_type(session: AsyncSession):
        await session.commit()


    def annotated(s1: SessionDep):
        s1.commit()


    def type_alias(s2: DbSession):
        s2.commit()


    def plain_alias(s3: PlainSession):
        s3.commit()


    def session_module(s4: Session):
        s4.commit()


    def scoped():
        ScopedSession.commit()


    def factory():
        s5 = SessionLocal()
        s5.commit()


    def project_context_manager():
        with open_session() as s6:
            s6.commit()


    def flask():
        db.session.commit()


    def request_state(request: Request):
        s7: Session = request.state.db
        s7.commit()


    class Service:
        def __init__(self, session: Session):
            self.session = session

        def save(self, org):
            self.session.add(org)
            self.session.execute(update(Org).where(Org.id == 1).values(name="x"))
            self.session.execute(pg_insert(Org).values(name="y").on_conflict_do_nothing())
            self.session.execute(insert(audit).values(what="saved"))
            self.session.query(Org).filter(Org.id == 2).delete()
            self.session.add_all([org])
            self.session.begin_nested()
            self.session.flush()
            self.session.refresh(org)
            self.session.rollback()
            self.session.close()


    def guessed(db):
        db.commit()
"""

RESOLVED_COMMITS = ["session.commit()", "s1.commit()", "s2.commit()", "s3.commit()", "s4.commit()",
                    "ScopedSession.commit()", "s5.commit()", "s6.commit()", "db.session.commit()",
                    "s7.commit()"]


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    root = tmp_path_factory.mktemp("sessions")
    return file_context(root, {"app/db.py": DB, "app/models.py": MODELS, "app/jobs.py": SESSIONS}, "app/jobs.py")


@pytest.mark.parametrize("text", RESOLVED_COMMITS)
def test_a_commit_through_every_way_of_reaching_a_session(sessions, text):
    found = dbcalls.db_call(call(sessions, text), sessions)
    assert found is not None and (found.kind, found.api) == (dbcalls.COMMIT, "sqlalchemy")
    assert found.evidence > Evidence.NAME_GUESS
    op = transactions.operation(call(sessions, text), sessions)
    assert (op.kind, op.family, op.receiver) == ("commit", "orm", text.rpartition(".commit")[0])
    assert op.evidence is found.evidence


def test_an_unannotated_session_parameter_is_a_name_guess(sessions):
    guessed = call(sessions, "db.commit()")
    assert dbcalls.db_call(guessed, sessions) is None  # the query rules never see guesses
    found = dbcalls.db_call(guessed, sessions, guesses=True)
    assert (found.kind, found.evidence, found.api) == (dbcalls.COMMIT, Evidence.NAME_GUESS, "unknown")
    op = transactions.operation(guessed, sessions)
    assert (op.kind, op.evidence, op.receiver) == ("commit", Evidence.NAME_GUESS, "db")


@pytest.mark.parametrize("text, kind, verb, table, event", [
    ("self.session.add(org)", dbcalls.ADD, None, None, "write"),
    ("self.session.execute(update(Org).where(Org.id == 1).values(name='x'))",
     dbcalls.UPDATE, "UPDATE", "orgs", "write"),
    ("self.session.execute(pg_insert(Org).values(name='y').on_conflict_do_nothing())",
     dbcalls.INSERT, "INSERT", "orgs", "write"),
    ("self.session.execute(insert(audit).values(what='saved'))", dbcalls.INSERT, "INSERT", "audit_log",
     "write"),
    ("self.session.query(Org).filter(Org.id == 2).delete()", dbcalls.DELETE, "DELETE", "orgs", "write"),
    ("self.session.add_all([org])", dbcalls.BULK, None, None, "write"),
    ("self.session.begin_nested()", dbcalls.BEGIN, None, None, "begin"),
    ("self.session.flush()", dbcalls.FLUSH, None, None, "flush"),
    ("self.session.refresh(org)", dbcalls.READ, None, None, "refresh"),
    ("self.session.rollback()", dbcalls.ROLLBACK, None, None, "rollback"),
    ("self.session.close()", dbcalls.CLOSE, None, None, "close"),
])
def test_session_calls_on_an_attribute_set_in_init(sessions, text, kind, verb, table, event):
    found = dbcalls.db_call(call(sessions, text), sessions)
    assert (found.kind, found.verb, found.table, found.receiver) == (kind, verb, table, "self.session")
    op = transactions.operation(call(sessions, text), sessions)
    assert (op.kind, op.verb, op.table, op.receiver, op.family) == (event, verb, table, "self.session", "orm")


def test_unit_of_work_calls_are_no_round_trip_and_no_statement_write(sessions):
    for text in ("self.session.add(org)", "self.session.begin_nested()", "self.session.query(Org)"):
        assert not dbcalls.db_call(call(sessions, text), sessions).reaches_database
    function = next(f for f in sessions.module.body if getattr(f, "name", "") == "Service").body[1]
    kinds = [w.kind for w in dbcalls.writes(function, sessions)]
    assert kinds == [dbcalls.ADD, dbcalls.UPDATE, dbcalls.INSERT, dbcalls.INSERT, dbcalls.DELETE, dbcalls.FLUSH]


DRIVERS = """
    import asyncpg
    import psycopg2
    from django.db import transaction

    from shop.models import Tag


    def raw(dsn, rows):
        conn = psycopg2.connect(dsn)
        cur = conn.cursor()
        cur.execute("UPDATE public.jobs SET done = true WHERE id = %s", (1,))
        cur.executemany("INSERT INTO jobs (id) VALUES (%s)", rows)
        conn.commit()


    async def pooled(dsn):
        conn = await asyncpg.connect(dsn)
        await conn.execute("DELETE FROM jobs")


    def django_writes(names):
        Tag.objects.filter(name="a").update(name="b")
        Tag.objects.bulk_create([Tag(name=n) for n in names])
        tag = Tag.objects.get(name="c")
        tag.delete()
        transaction.commit()
"""


@pytest.fixture(scope="module")
def drivers(tmp_path_factory):
    from tests.test_query_facts import MODELS
    root = tmp_path_factory.mktemp("drivers")
    return file_context(root, {"shop/models.py": MODELS, "shop/jobs.py": DRIVERS}, "shop/jobs.py")


@pytest.mark.parametrize("text, kind, receiver, family, event, verb, table", [
    ("cur.execute('UPDATE public.jobs SET done = true WHERE id = %s', (1, ))", dbcalls.UPDATE, "conn",
     "dbapi", "write", "UPDATE", "jobs"),
    ("cur.executemany('INSERT INTO jobs (id) VALUES (%s)', rows)", dbcalls.BULK, "conn", "dbapi", "write",
     "INSERT", "jobs"),
    ("conn.commit()", dbcalls.COMMIT, "conn", "dbapi", "commit", None, None),
    ("conn.execute('DELETE FROM jobs')", dbcalls.DELETE, "conn", "asyncpg", "write", "DELETE", "jobs"),
    ("Tag.objects.filter(name='a').update(name='b')", dbcalls.UPDATE, "django", "django", "write", "UPDATE",
     "shop_tag"),
    ("Tag.objects.bulk_create([Tag(name=n) for n in names])", dbcalls.BULK, "django", "django", "write",
     "INSERT", "shop_tag"),
    ("tag.delete()", dbcalls.DELETE_ROW, "django", "django", "write", "DELETE", "shop_tag"),
    ("transaction.commit()", dbcalls.COMMIT, "django.db.transaction", "django", "commit", None, None),
])
def test_driver_and_django_calls(drivers, text, kind, receiver, family, event, verb, table):
    found = dbcalls.db_call(call(drivers, text), drivers)
    assert (found.kind, found.receiver, found.verb, found.table) == (kind, receiver, verb, table)
    op = transactions.operation(call(drivers, text), drivers)
    assert (op.kind, op.receiver, op.family, op.verb, op.table) == (event, receiver, family, verb, table)


def test_bulk_writes_are_what_the_query_rules_recommend_not_writes_to_flag(drivers):
    bulk = dbcalls.db_call(call(drivers, "Tag.objects.bulk_create([Tag(name=n) for n in names])"), drivers)
    assert bulk.kind not in dbcalls.WRITE_KINDS


@pytest.mark.parametrize("text, table", [
    ("UPDATE ONLY public.jobs SET x = 1", "jobs"),
    ('INSERT INTO "Jobs" (id) VALUES (1)', "jobs"),
    ("DELETE FROM jobs WHERE id = 1", "jobs"),
    ("SELECT * FROM jobs", None),
    ("", None),
])
def test_sql_table_of_a_write(text, table):
    assert sql.table(text) == table


HELPERS = """
    from sqlalchemy.orm import Session


    class CommitMixin:
        session: Session

        def save(self):
            self.session.commit()


    class Service(CommitMixin):
        def __init__(self, session: Session):
            self.session = session


    def handler(service: "Service", session: Session):
        with session.begin():
            service.save()
"""


def test_a_commit_through_a_mixin_method_on_a_string_annotated_parameter(tmp_path):
    fctx = file_context(tmp_path, {"app/service.py": HELPERS}, "app/service.py")
    op = transactions.operation(call(fctx, "service.save()"), fctx)
    assert (op.kind, op.family, op.via) == ("commit", "helper", ("app.service.CommitMixin.save",))
    assert transactions.transaction_block(op.node, fctx) is not None


HANDLED = """
    import sqlite3

    from django.db import IntegrityError


    class NotFound(Exception):
        pass


    def calls(conn):
        try:
            conn.execute("DELETE FROM steps")
        except IntegrityError:
            conn.execute("UPDATE steps SET done = 1")
        try:
            conn.execute("DELETE FROM jobs")
        except (KeyError, sqlite3.OperationalError):
            pass
        try:
            conn.execute("DELETE FROM tags")
        except NotFound:
            conn.execute("DELETE FROM labels")
        conn.execute("DELETE FROM users")
"""


@pytest.mark.parametrize(("text", "handled"), [
    ("conn.execute('DELETE FROM steps')", True),  # in a try with a database-error handler
    ("conn.execute('UPDATE steps SET done = 1')", True),  # in that handler: the failure path
    ("conn.execute('DELETE FROM jobs')", True),  # one of the handler's types is a database error
    ("conn.execute('DELETE FROM tags')", False),  # a project error is no database failure
    ("conn.execute('DELETE FROM labels')", False),
    ("conn.execute('DELETE FROM users')", False),
])
def test_a_failure_is_handled_by_a_handler_for_database_errors(tmp_path, text, handled):
    fctx = file_context(tmp_path, {"app/jobs.py": HANDLED}, "app/jobs.py")
    assert transactions.failure_handled(call(fctx, text)) is handled
