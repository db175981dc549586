"""Sessions handed around without annotations: what the function hands
them (a mapped model to ``query``/``get``, a statement to ``execute``)
proves what they are; their names prove nothing."""

from sqlalchemy import select, text, update

from app.models import Member, Org


def get_org(*, db_session, org_id):
    return db_session.query(Org).filter(Org.id == org_id).one_or_none()


def all_members(*, db_session):
    return db_session.query(Member).all()


def org_names(db_session, members):
    for member in members:
        print(get_org(db_session=db_session, org_id=member.org_id).name)  # PQ107[HIGH]: 15 "get_org"


def member_orgs(db_session):
    for member in all_members(db_session=db_session):
        print(member.org.name)  # PQ107[HIGH]: 15 "Member.org"


def rename(connection, org_ids):
    for org_id in org_ids:
        connection.execute(update(Org).where(Org.id == org_id).values(name="x"))  # PQ102[HIGH]: 9


def count_members(db, org_ids):
    counted = text("SELECT count(*) FROM members WHERE org_id = :o")
    return [db.scalar(counted, {"o": org_id}) for org_id in org_ids]  # PQ107[HIGH]: 13


class OrgReader:
    def __init__(self, session):
        self.session = session

    async def one(self, org_id):
        statement = select(Org).where(Org.id == org_id)
        return (await self.session.execute(statement)).scalar_one()

    async def many(self, org_ids):
        return [await self.one(org_id) for org_id in org_ids]  # PQ107[HIGH]: 23 "one"


def not_sessions(cache, index, db, keys):
    """Near misses: a dict's ``get`` and a search index's ``query`` of a
    key, and an untyped ``db`` handed nothing that proves a session."""
    for key in keys:
        cache.get(key, None)  # ok: PQ107
        index.query(key)  # ok: PQ107
        db.get(key)  # ok: PQ107
        db.execute(key)  # ok: PQ107


def rebound(session, org_ids):
    """A rebound name is not the parameter any more: nothing to prove."""
    session = session or make_session()
    for org_id in org_ids:
        session.query(Org).get(org_id)  # ok: PQ107


def make_session():
    return None


def lambda_parameters(rows, text):
    """A lambda's parameter is untyped too: its one expression is its body."""
    return [re_sub(lambda match: f"@{match.group(1)}", text) for _ in rows]  # ok: PX001


def re_sub(replace, text):
    return text


class Worker:
    def __init__(self, factory, engine):
        self.factory = factory
        self.engine = engine

    async def sync_orgs(self, org_ids):
        async with self.factory() as session:
            for org_id in org_ids:
                await session.execute(select(Org).where(Org.id == org_id))  # PQ107[HIGH]: 23

    def count(self, org_ids):
        connection = self.engine.connect()
        for org_id in org_ids:
            connection.execute(text("SELECT 1 FROM orgs WHERE id = :i"), {"i": org_id})  # PQ107[HIGH]: 13

    def files(self, paths):
        with self.factory() as handle:
            for path in paths:
                handle.execute(path)  # ok: PQ107


def tenant_orgs(factory, tenant_id):
    with factory(tenant_id) as tenant:
        return tenant.execute(select(Org)).scalars().all()


def per_tenant(factory, tenant_ids):
    """A session of its own per tenant, proven a session by what it runs."""
    for tenant_id in tenant_ids:
        tenant_orgs(factory, tenant_id)  # ok: PQ107
