from contextlib import contextmanager
from functools import lru_cache

from fastapi import Request
from sqlalchemy.orm.session import Session

from app.db import AsyncSession, DbSession, PlainSession, ScopedSession, SessionDep, SessionLocal, open_session
from app.models import Org


async def sync_orgs(session: AsyncSession, ids):
    for i in ids:
        await session.get(Org, i)  # PQ107[HIGH]: 15 "once per item of ids"
    await session.get(Org, ids[0])  # ok: PQ107


def through_annotated(session: SessionDep, ids):
    for i in ids:
        session.get(Org, i)  # PQ107[HIGH]: 9


def through_type_alias(s: DbSession, ids):
    for i in ids:
        s.get(Org, i)  # PQ107[HIGH]: 9


def through_plain_alias(s: PlainSession, ids):
    for i in ids:
        s.get(Org, i)  # PQ107[HIGH]: 9


def through_orm_session_module(s: Session, ids):
    for i in ids:
        s.get(Org, i)  # PQ107[HIGH]: 9


def through_scoped_session(ids):
    for i in ids:
        ScopedSession.get(Org, i)  # PQ107[HIGH]: 9


def through_factory(ids):
    s = SessionLocal()
    for i in ids:
        s.get(Org, i)  # PQ107[HIGH]: 9


def through_project_context_manager(ids):
    with open_session() as s:
        for i in ids:
            s.get(Org, i)  # PQ107[HIGH]: 13


def per_tenant(tenant_ids):
    for tenant_id in tenant_ids:
        with open_session() as s:
            s.get(Org, tenant_id)  # ok: PQ107


def from_request_state(request: Request, ids):
    db: Session = request.state.db
    for i in ids:
        db.get(Org, i)  # PQ107[HIGH]: 9


class OrgService:
    def __init__(self, session: Session):
        self.session = session

    def names(self, ids):
        return [self.session.get(Org, i).name for i in ids]  # PQ107[HIGH]: 17

    def first(self, ids):
        return self.session.get(Org, ids[0])  # ok: PQ107


class UnknownHolder:
    def __init__(self, thing):
        self.thing = thing

    def names(self, ids):
        return [self.thing.get(Org, i) for i in ids]  # ok: PQ107


@lru_cache(maxsize=None)
def cached_org(org_id):
    with open_session() as s:
        return s.get(Org, org_id)


def cached_names(ids):
    return [cached_org(i) for i in ids]  # ok: PQ107


def fetch_org(org_id):
    with open_session() as s:
        return s.get(Org, org_id)


def fetched_names(ids):
    return [fetch_org(i) for i in ids]  # PQ107[HIGH]: 13 "fetched_names -> fetch_org -> s.get"


def by_batches(batches_of_ids):
    for batch in batches_of_ids:
        ScopedSession.get(Org, batch[0])  # ok: PQ107


@contextmanager
def tenant_session(tenant_id):
    session = SessionLocal(info={"schema": tenant_id})
    try:
        yield session
    finally:
        session.close()


def sync_tenant(tenant_id):
    with tenant_session(tenant_id) as s:
        return s.get(Org, tenant_id)


def sync_in_caller_session(s: Session, tenant_id):
    return s.get(Org, tenant_id)


def per_tenant_helper(tenant_ids, session: Session):
    for tenant_id in tenant_ids:
        sync_tenant(tenant_id)  # ok: PQ107
        sync_in_caller_session(session, tenant_id)  # PQ107[HIGH]: 9 "sync_in_caller_session"


def rename_tenant(tenant_id):
    with tenant_session(tenant_id) as s:
        s.add(Org(name=tenant_id))
        s.commit()


def rename_in_caller_session(s: Session, tenant_id):
    s.add(Org(name=tenant_id))
    s.commit()


def rename_tenants(tenant_ids, session: Session):
    for tenant_id in tenant_ids:
        rename_tenant(tenant_id)  # ok: PQ105
        rename_in_caller_session(session, tenant_id)  # PQ105[MEDIUM]: 9 "rename_in_caller_session()"
