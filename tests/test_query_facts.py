"""Query facts of :mod:`persistlint.context` on small projects: Django
related and custom managers, instances from ``get_or_create``, models whose
``save()`` does more than one write, sessions opened per iteration, writes
and methods reached through repository classes."""

from __future__ import annotations

import textwrap
from pathlib import Path

from astroid import nodes

from persistlint import settings
from persistlint.context import FileContext, dbcalls, infer, loops, models, project_context, summaries
from tests import harness

MODELS = """
    from django.db import models


    class TagQuerySet(models.QuerySet):
        def visible(self):
            return self.filter(hidden=False)


    class Tag(models.Model):
        name = models.CharField(max_length=20)
        objects = TagQuerySet.as_manager()


    class Basket(models.Model):
        owner = models.CharField(max_length=20)


    class Line(models.Model):
        basket = models.ForeignKey(Basket, on_delete=models.CASCADE, related_name="lines")
        tags = models.ManyToManyField(Tag)


    class Node(models.Model):
        name = models.CharField(max_length=20)

        def save(self, *args, **kwargs):
            super().save(*args, **kwargs)
"""


def file_context(root: Path, files: dict[str, str], target: str) -> FileContext:
    (root / "pyproject.toml").touch()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        (path.parent / "__init__.py").touch()
    _, config = settings.resolve(root, {"cache": "false"})
    project = project_context(root, config)
    path = root / target
    source = path.read_text(encoding="utf-8")
    return FileContext(infer.parse(source, path, root), path, target, project, config, source)


def call(fctx: FileContext, text: str) -> nodes.Call:
    found = [c for c in fctx.module.nodes_of_class(nodes.Call) if c.as_string() == text]
    assert len(found) == 1, [c.as_string() for c in fctx.module.nodes_of_class(nodes.Call)]
    return found[0]


def test_django_managers_related_managers_and_get_or_create(tmp_path):
    fctx = file_context(tmp_path, {"shop/models.py": MODELS, "shop/views.py": """
        from shop.models import Basket, Tag


        def view(basket: Basket, names):
            Tag.objects.create(name="a")
            Tag.objects.visible()
            basket.lines.filter(id=1).first()
            for line in basket.lines.all():
                line.tags.count()
            tag, created = Tag.objects.get_or_create(name="b")
            tag.save()
            basket.owner.strip()
    """}, "shop/views.py")
    created = dbcalls.db_call(call(fctx, "Tag.objects.create(name='a')"), fctx)
    assert (created.kind, created.model_name) == (dbcalls.INSERT, "Tag")
    assert dbcalls.row_source(call(fctx, "Tag.objects.visible()"), fctx).model.endswith("Tag")
    first = dbcalls.db_call(call(fctx, "basket.lines.filter(id=1).first()"), fctx)
    assert (first.kind, first.model_name) == (dbcalls.READ, "Line")
    loop = next(fctx.module.nodes_of_class(nodes.For))
    assert dbcalls.row_source(loop.iter, fctx).model == "Line"
    counted = dbcalls.db_call(call(fctx, "line.tags.count()"), fctx)
    assert (counted.kind, counted.model_name) == (dbcalls.READ, "Tag")
    saved = dbcalls.db_call(call(fctx, "tag.save()"), fctx)
    assert (saved.kind, saved.model_name) == (dbcalls.SAVE, "Tag")
    assert dbcalls.db_call(call(fctx, "basket.owner.strip()"), fctx) is None


def test_models_whose_save_does_more_than_one_write(tmp_path):
    fctx = file_context(tmp_path, {"shop/models.py": MODELS + """

    from mptt.models import MPTTModel


    class Category(MPTTModel):
        name = models.CharField(max_length=20)
    """}, "shop/models.py")
    assert models.custom_save("Node", fctx) == "overrides save()"
    assert "MPTT" in models.custom_save("shop.models.Category", fctx)
    assert models.custom_save("Tag", fctx) is None


def test_a_session_opened_in_the_loop_is_per_tenant(tmp_path):
    fctx = file_context(tmp_path, {"app/jobs.py": """
        from sqlalchemy.orm import Session, sessionmaker

        SessionLocal = sessionmaker()


        def per_tenant(tenants, session: Session):
            for tenant in tenants:
                with SessionLocal() as own:
                    own.get(1, tenant)
                session.get(2, tenant)
    """}, "app/jobs.py")
    own, shared = call(fctx, "own.get(1, tenant)"), call(fctx, "session.get(2, tenant)")
    assert loops.opens_session_per_iteration(own, loops.per_iteration_loop(own, fctx), fctx)
    assert not loops.opens_session_per_iteration(shared, loops.per_iteration_loop(shared, fctx), fctx)


def test_writes_and_methods_through_repository_classes(tmp_path):
    fctx = file_context(tmp_path, {"app/repo.py": """
        from abc import ABC, abstractmethod

        from sqlalchemy import delete
        from sqlalchemy.orm import Session


        class Base:
            def __init__(self, session: Session):
                self.session = session

            def remove(self, id):
                self.session.execute(delete(Base).where(Base.id == id))


        class OrgRepository(Base):
            def purge(self, id):
                self.remove(id)


        class Source(ABC):
            @abstractmethod
            def price(self, id): ...


        class DbSource(Source):
            def __init__(self, session: Session):
                self.session = session

            def price(self, id):
                return self.session.get(Base, id)
    """}, "app/repo.py")
    functions = fctx.project.functions
    purge = functions["app.repo.OrgRepository.purge"]
    write, chain = summaries.write_through(purge, frozenset({dbcalls.DELETE}), functions)
    assert write.kind == dbcalls.DELETE and chain == ("app.repo.Base.remove",)
    inherited = summaries.summaries_of_method("app.repo.OrgRepository.remove", fctx)
    assert [s.qualname for s in inherited] == ["app.repo.Base.remove"]
    implementations = summaries.summaries_of_method("app.repo.Source.price", fctx)
    assert [s.qualname for s in implementations] == ["app.repo.DbSource.price"]
    assert implementations[0].reach("query") is not None


#: The PQ107 session-resolution fixture project: its SQLAlchemy models
#: (``Org``, ``Member``) serve the fact tests too.
SESSION_FIXTURE = harness.RULE_FIXTURES / "query" / "pq107_session_resolution" / "app"
SA_MODELS = (SESSION_FIXTURE / "models.py").read_text(encoding="utf-8")


def test_an_untyped_session_is_proven_by_what_it_is_handed(tmp_path):
    """A parameter or ``self`` attribute without an annotation holds a
    session when its function (its class) hands it a mapped model or a
    SQLAlchemy statement: awaited calls make it an AsyncSession, a
    connection's name a Connection. A name alone, a dict's ``get`` of a
    key or a rebound parameter prove nothing."""
    fctx = file_context(tmp_path, {"app/models.py": SA_MODELS, "app/jobs.py": """
        from sqlalchemy import select, update

        from app.models import Org


        def legacy(db_session, org_id):
            db_session.commit()
            return db_session.query(Org).get(org_id)


        async def modern(session, org_id):
            stmt = select(Org).where(Org.id == org_id)
            await session.commit()
            return (await session.execute(stmt)).scalar_one()


        def rename(conn, org_id):
            conn.execute(update(Org).values(name="x"))


        class Reader:
            def __init__(self, db):
                self.db = db

            def one(self, org_id):
                return self.db.get(Org, org_id)

            def close(self):
                self.db.close()


        def guessed(sess, cache, org_id):
            sess.commit()
            cache.get(org_id, None)


        def rebound(session, org_id):
            session = session or None
            session.query(Org).get(org_id)
    """}, "app/jobs.py")

    def held(text):
        found = dbcalls.resolve(call(fctx, text), fctx)
        return (found.qualname, found.evidence.name) if found else None

    assert held("db_session.commit()") == ("sqlalchemy.orm.Session.commit", "USAGE")
    assert held("session.commit()") == ("sqlalchemy.ext.asyncio.AsyncSession.commit", "USAGE")
    assert held("conn.execute(update(Org).values(name='x'))")[0] == "sqlalchemy.engine.Connection.execute"
    assert held("self.db.close()") == ("sqlalchemy.orm.Session.close", "USAGE")
    commit = call(fctx, "sess.commit()")
    assert dbcalls.resolve(commit, fctx) is None
    assert dbcalls.db_call(commit, fctx) is None  # only a name guess, for those who ask for one
    assert held("cache.get(org_id, None)") is None
    assert held("session.query(Org)") is None  # rebound: no parameter any more
    assert dbcalls.db_call(call(fctx, "db_session.query(Org).get(org_id)"), fctx).kind is dbcalls.READ


def test_instance_model_is_one_answer_for_both_families(tmp_path):
    """The model an expression holds, as the related-manager reads (PQ) and
    the attribute writes and expired attributes (PT) ask it: loaded, walked,
    annotated, built, handed back by ``get_or_create``, bound once to any
    of these; nothing for a non-model value or a loop counter."""
    fctx = file_context(tmp_path, {"app/models.py": SA_MODELS, "shop/models.py": MODELS, "app/jobs.py": """
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.models import Member, Org
        from shop.models import Tag


        def work(session: Session, members: list[Member], org_id: int, names):
            session.get(Org, org_id).name = "a"
            loaded = session.scalars(select(Org).where(Org.id == org_id)).one()
            loaded.name = "b"
            result = session.execute(select(Org))
            result.scalar_one().name = "c"
            for row in session.scalars(select(Member)):
                row.email = "d"
            for member in members:
                member.email = "e"
            built = Org(id=6)
            built.name = "f"
            tag, created = Tag.objects.get_or_create(name="a")
            tag.name = "b"
            for index, name in enumerate(names):
                index.real = 7
            session.get(dict, org_id).x = 8
    """}, "app/jobs.py")
    held = {target.as_string(): dbcalls.instance_model(target.expr, fctx)
            for target in fctx.module.nodes_of_class(nodes.AssignAttr)}
    assert {text: found.qualname.rpartition(".")[2] if found else None for text, found in held.items()} == {
        "session.get(Org, org_id).name": "Org",
        "loaded.name": "Org",
        "result.scalar_one().name": "Org",
        "row.email": "Member",
        "member.email": "Member",
        "built.name": "Org",
        "tag.name": "Tag",
        "index.real": None,
        "session.get(dict, org_id).x": None,
    }
    loaded = dbcalls.db_call(call(fctx, "session.get(Org, org_id)"), fctx)
    assert held["session.get(Org, org_id).name"].evidence is loaded.evidence  # as strong as the load
