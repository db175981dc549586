"""The project context: tech stack, model registry, session/engine settings,
the on-disk cache and the ``persistlint context`` command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from persistlint.context import build, cache, forget_projects, stack
from persistlint.settings import Settings
from tests.harness import TESTDATA

PROJECTS = TESTDATA / "projects"
SHOP = PROJECTS / "shop"
DJANGOAPP = PROJECTS / "djangoapp"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def context_of(root: Path, **settings):
    """The context built from scratch, without touching any cache."""
    return build.load_or_build(root, Settings(cache=False, **settings))


def named(entry: dict | None) -> tuple | None:
    return (entry["name"], entry["version"]) if entry else None


# ---------------------------------------------------------------- tech stack

def test_tech_stack_doc_table_names_the_stack(tmp_path):
    write(tmp_path, {
        "docs/project/tech_stack.md": """
            # Stack
            | Layer | Technology | Version |
            |-------|------------|---------|
            | Database | PostgreSQL | 15 |
            | ORM | SQLAlchemy | 1.4 |
            | Web | Flask | 3.0 |
            | Concurrency | gevent | |
            """,
        "requirements.txt": "SQLAlchemy>=2.0\nfastapi\nasyncpg\n",
    })
    found, problems = stack.detect(tmp_path)
    assert problems == []
    assert named(found["db"]) == ("PostgreSQL", "15")
    assert named(found["orm"]) == ("SQLAlchemy", "1.x")
    assert named(found["web"]) == ("Flask", "3.0")
    assert named(found["async"]) == ("gevent", None)
    assert found["orm"]["source"] == "docs/project/tech_stack.md"


def test_tech_stack_doc_bullets_skip_negated_mentions(tmp_path):
    write(tmp_path, {"docs/project/tech_stack.md": """
        - **Database:** MariaDB 10.11 (migrated away from PostgreSQL in 2023)
        - **ORM:** Peewee
        - Background jobs run on plain threads, no Celery.
        - Web: Django 5.0, no FastAPI
        """})
    found, _ = stack.detect(tmp_path)
    assert named(found["db"]) == ("MariaDB", "10.11")
    assert named(found["orm"]) == ("Peewee", None)
    assert named(found["web"]) == ("Django", "5.0")
    assert "task_queue" not in found


def test_doc_names_orm_over_its_driver(tmp_path):
    write(tmp_path, {"docs/project/tech_stack.md": "Postgres via asyncpg.\nSQLModel on top.\n"})
    found, _ = stack.detect(tmp_path)
    assert named(found["orm"]) == ("SQLModel", None)
    assert named(found["db"]) == ("PostgreSQL", None)


def test_requirements_follow_includes_and_read_versions(tmp_path):
    write(tmp_path, {
        "requirements.txt": "-r requirements/base.txt\ngunicorn==22.0  # server\n",
        "requirements/base.txt": """
            SQLAlchemy==1.4.52
            psycopg2-binary>=2.9 ; python_version >= "3.8"
            flask~=3.0
            --index-url https://pypi.example/simple
            -e git+https://example.com/lib.git#egg=lib
            """,
    })
    found, problems = stack.detect(tmp_path)
    assert problems == []
    assert named(found["orm"]) == ("SQLAlchemy", "1.x")
    assert named(found["db"]) == ("PostgreSQL", None)
    assert named(found["web"]) == ("Flask", "3.0")
    assert found["async"] is None


def test_requirements_missing_include_is_a_problem(tmp_path):
    write(tmp_path, {"requirements.txt": "-r base.txt\nfastapi\n"})
    found, problems = stack.detect(tmp_path)
    assert problems == ["requirements.txt: included file base.txt not found"]
    assert named(found["web"]) == ("FastAPI", None)


def test_pep621_dependencies_and_optional_dependencies(tmp_path):
    write(tmp_path, {"pyproject.toml": """
        [project]
        name = "svc"
        dependencies = ["sqlalchemy[asyncio]>=2.0.25", "starlette", "fastapi>=0.110"]
        [project.optional-dependencies]
        pg = ["asyncpg>=0.29"]
        """})
    found, problems = stack.detect(tmp_path)
    assert problems == []
    assert named(found["orm"]) == ("SQLAlchemy", "2.x")
    assert named(found["web"]) == ("FastAPI", "0.110")  # over the Starlette it is built on
    assert named(found["db"]) == ("PostgreSQL", None)
    assert named(found["async"]) == ("asyncio", None)


def test_poetry_dependencies(tmp_path):
    write(tmp_path, {"pyproject.toml": """
        [tool.poetry.dependencies]
        python = "^3.11"
        SQLAlchemy = {version = "^2.0", extras = ["asyncio"]}
        aiomysql = "*"
        [tool.poetry.group.web.dependencies]
        litestar = "^2.8"
        """})
    found, _ = stack.detect(tmp_path)
    assert named(found["orm"]) == ("SQLAlchemy", "2.x")
    assert named(found["db"]) == ("MySQL", None)
    assert named(found["web"]) == ("Litestar", "2.8")
    assert named(found["async"]) == ("asyncio", None)


def test_setup_cfg_install_requires(tmp_path):
    write(tmp_path, {"setup.cfg": """
        [metadata]
        name = svc
        [options]
        install_requires =
            peewee>=3.17
            trio
            quart
        """})
    found, _ = stack.detect(tmp_path)
    assert named(found["orm"]) == ("Peewee", "3.17")
    assert named(found["async"]) == ("trio", None)
    assert named(found["web"]) == ("Quart", None)


def test_setup_py_is_read_not_run(tmp_path):
    write(tmp_path, {"setup.py": """
        import sys
        from setuptools import setup
        sys.exit("must not run")
        setup(name="svc", install_requires=["tortoise-orm>=0.20", "sanic"])
        """})
    found, _ = stack.detect(tmp_path)
    assert named(found["orm"]) == ("Tortoise", "0.20")
    assert named(found["web"]) == ("Sanic", None)


def test_pipfile(tmp_path):
    write(tmp_path, {"Pipfile": """
        [packages]
        django = "==4.2.11"
        "psycopg" = {version = ">=3.1", extras = ["binary"]}
        [dev-packages]
        pytest = "*"
        """})
    found, _ = stack.detect(tmp_path)
    assert named(found["orm"]) == ("Django", "4.2.11")
    assert named(found["web"]) == ("Django", "4.2.11")
    assert named(found["db"]) == ("PostgreSQL", None)


def test_package_json_and_prisma_schema(tmp_path):
    write(tmp_path, {
        "package.json": '{"dependencies": {"pg": "^8.11", "express": "^4"}, "devDependencies": {"prisma": "^5"}}',
    })
    found, _ = stack.detect(tmp_path)
    assert named(found["db"]) == ("PostgreSQL", None)
    assert named(found["orm"]) == ("Prisma", None)

    other = write(tmp_path / "other", {
        "package.json": '{"dependencies": {"@prisma/client": "^5"}}',
        "prisma/schema.prisma": 'datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n',
    })
    found, _ = stack.detect(other)
    assert named(found["db"]) == ("MySQL", None)
    assert found["db"]["source"] == "prisma/schema.prisma"


def test_go_mod(tmp_path):
    write(tmp_path, {"go.mod": """
        module example.com/svc

        go 1.22

        require (
            github.com/jackc/pgx/v5 v5.5.5
            gorm.io/gorm v1.25.9 // indirect
        )
        """})
    found, _ = stack.detect(tmp_path)
    assert named(found["db"]) == ("PostgreSQL", None)
    assert named(found["orm"]) == ("GORM", None)


@pytest.mark.parametrize("image, expected", [
    ("postgres:16", ("PostgreSQL", "16")),
    ("postgres:16.2-alpine", ("PostgreSQL", "16.2")),
    ("postgis/postgis:15-3.4", ("PostgreSQL", "15")),
    ("timescale/timescaledb:2.14.2-pg16", ("PostgreSQL", "16")),
    ("docker.io/library/mysql:8", ("MySQL", "8")),
    ("mariadb", ("MariaDB", None)),
    ("${DB_IMAGE:-postgres:14-alpine}", ("PostgreSQL", "14")),
])
def test_compose_images_name_the_database(tmp_path, image, expected):
    write(tmp_path, {"docker-compose.yml": f"""
        services:
          db:
            image: "{image}"
          cache:
            image: redis:7
          app:
            build: .
        """})
    found, problems = stack.detect(tmp_path)
    assert problems == []
    assert named(found["db"]) == expected
    assert named(found["cache"]) == ("Redis", "7")


def test_later_source_adds_only_the_missing_version(tmp_path):
    write(tmp_path, {
        "requirements.txt": "asyncpg\n",
        "compose.yaml": "services:\n  db:\n    image: postgres:16\n  other:\n    image: mysql:8\n",
    })
    found, _ = stack.detect(tmp_path)
    assert found["db"] == {"name": "PostgreSQL", "version": "16", "source": "requirements.txt",
                           "version_source": "compose.yaml"}


def test_doc_wins_over_manifests(tmp_path):
    write(tmp_path, {
        "docs/project/tech_stack.md": "* MySQL 8\n",
        "requirements.txt": "asyncpg\n",
    })
    found, _ = stack.detect(tmp_path)
    assert named(found["db"]) == ("MySQL", "8")


def test_monorepo_service_manifests_come_after_the_root(tmp_path):
    write(tmp_path, {
        "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        "compose.yml": "services:\n  db:\n    image: postgres:17\n",
        "backend/pyproject.toml": '[project]\nname = "api"\ndependencies = ["fastapi", "sqlmodel>=0.0.16"]\n',
        "frontend/package.json": '{"dependencies": {"react": "^18"}}',
        "docs/requirements.txt": "flask\n",  # documentation tooling, not a service
    })
    found, _ = stack.detect(tmp_path)
    assert found["orm"] == {"name": "SQLModel", "version": "0.0.16", "source": "backend/pyproject.toml"}
    assert named(found["web"]) == ("FastAPI", None)
    assert named(found["db"]) == ("PostgreSQL", "17")
    assert stack.subprojects(tmp_path) == [tmp_path / "backend", tmp_path / "frontend"]


def test_an_edited_service_manifest_invalidates_the_cached_context(tmp_path):
    write(tmp_path, {"backend/requirements.txt": "flask\n", "backend/app.py": "x = 1\n"})
    first = build.load_or_build(tmp_path, Settings())
    assert named(first.tech_stack["web"]) == ("Flask", None)
    write(tmp_path, {"backend/requirements.txt": "django\n"})
    forget_projects()
    second = build.load_or_build(tmp_path, Settings())
    assert second.key != first.key
    assert named(second.tech_stack["web"]) == ("Django", None)


def test_alembic_ini_url_names_the_database(tmp_path):
    write(tmp_path, {"alembic.ini": "[alembic]\nsqlalchemy.url = sqlite+aiosqlite:///app.db\n"})
    found, _ = stack.detect(tmp_path)
    assert named(found["db"]) == ("SQLite", None)
    assert named(found["migrations"]) == ("Alembic", None)


def test_no_manifests_means_unknown_stack(tmp_path):
    assert stack.detect(tmp_path) == ({"db": None, "orm": None, "async": None, "web": None}, [])


def test_broken_inputs_are_problems_not_exceptions(tmp_path):
    write(tmp_path, {
        "pyproject.toml": "[project\nname = 'x'\n",
        "Pipfile": "[packages]\ndjango = \n",
        "package.json": "{not json",
        "docker-compose.yml": "services:\n  db:\n    image: [postgres\n",
        "requirements-dev.txt": b"\xff\xfeSQLAlchemy\n",
        "setup.cfg": "install_requires = no section header\n",
        "setup.py": "setup(install_requires=[\n",
        "docs/project/tech_stack.md": b"\x80\x81 binary",
        "requirements.txt": "fastapi\n",
    })
    found, problems = stack.detect(tmp_path)
    assert named(found["web"]) == ("FastAPI", None)
    named_files = sorted(problem.split(":")[0] for problem in problems)
    assert named_files == ["Pipfile", "docker-compose.yml", "docs/project/tech_stack.md", "package.json",
                           "pyproject.toml", "requirements-dev.txt", "setup.cfg", "setup.py"]
    assert all("\n" not in problem for problem in problems)


def test_broken_manifests_reach_the_context_problems(tmp_path):
    write(tmp_path, {"package.json": "[1, 2", "app.py": "x = 1\n"})
    context = context_of(tmp_path)
    assert any(problem.startswith("package.json: not valid JSON") for problem in context.problems)


# ---------------------------------------------------------------- models

SQLALCHEMY_MODELS = """
    from datetime import datetime
    import sqlalchemy as sa
    from sqlalchemy import Column, ForeignKey, Integer, String, Table
    from sqlalchemy.orm import (DeclarativeBase, Mapped, backref, declarative_base,
                                declared_attr, mapped_column, relationship)
    from sqlalchemy.orm import mapped_column as col

    class Base(DeclarativeBase):
        pass

    class AuditMixin:
        created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)
        updated_at = Column(sa.DateTime)

        @declared_attr
        def created_by(cls):
            return Column(String(50))

    class SoftDeleteMixin:
        deleted_at: Mapped[datetime | None]

    class Entity(AuditMixin, Base):
        __abstract__ = True
        id: Mapped[int] = mapped_column(primary_key=True)

    class Tag(Entity):
        __tablename__ = "tags"
        label: Mapped[str] = col(String(40))

    class Customer(SoftDeleteMixin, Entity):
        __tablename__ = "customers"
        name: Mapped[str]
        orders: Mapped[list["Order"]] = relationship(back_populates="customer", lazy="selectin")
        notes = relationship("Note", lazy="dynamic")

    class Order(Entity):
        __tablename__ = "orders"
        customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
        kind: Mapped[str] = mapped_column(String(20))
        customer: Mapped["Customer"] = relationship(back_populates="orders")
        tags = relationship(Tag, secondary="order_tags", backref="orders")
        __mapper_args__ = {"polymorphic_on": "kind"}

    class RushOrder(Order):
        __mapper_args__ = {"polymorphic_identity": "rush"}
        deadline = Column(sa.DateTime)

    class Refund(Order):
        __tablename__ = "refunds"
        id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
        reason: Mapped[str]

    LegacyBase = declarative_base()

    class Note(LegacyBase):
        __tablename__ = "notes"
        id = Column(Integer, primary_key=True)
        customer_id = Column(Integer, ForeignKey("customers.id"))
        author = relationship("Customer", backref=backref("authored_notes", lazy="joined"))

    class Report(LegacyBase):
        __table__ = Table("reports", LegacyBase.metadata, Column("id", Integer, primary_key=True))

    class NamedByClass(Base):
        @declared_attr.directive
        def __tablename__(cls) -> str:
            return f"app_{cls.__name__.lower()}"
        id: Mapped[int] = mapped_column(primary_key=True)
    """


@pytest.fixture(scope="module")
def sqlalchemy_context(tmp_path_factory):
    forget_projects()
    root = write(tmp_path_factory.mktemp("sa"), {"pyproject.toml": "", "app/__init__.py": "",
                                                 "app/models.py": SQLALCHEMY_MODELS})
    return context_of(root)


def test_sqlalchemy_columns_include_mixins_and_inheritance(sqlalchemy_context):
    models = sqlalchemy_context.models
    assert sorted(models) == ["Customer", "NamedByClass", "Note", "Order", "Refund", "Report",
                              "RushOrder", "Tag"]
    # Entity (abstract) gives id and AuditMixin's three columns (one a declared_attr)
    assert sorted(models["Tag"]["column_names"]) == ["created_at", "created_by", "id", "label", "updated_at"]
    assert models["Customer"]["columns"] == 6  # + name, + SoftDeleteMixin.deleted_at
    assert models["Order"]["columns"] == 6
    assert models["RushOrder"]["columns"] == 7
    assert models["RushOrder"]["table"] == "orders"  # single-table inheritance
    assert models["Refund"]["columns"] == 7  # joined inheritance: its own id replaces the parent's
    assert models["Refund"]["table"] == "refunds"
    assert (models["Report"]["table"], models["Report"]["column_names"]) == ("reports", ["id"])
    assert models["NamedByClass"]["table"] == "app_namedbyclass"
    assert models["Order"]["qualname"] == "app.models.Order"
    assert (models["Order"]["path"], models["Order"]["orm"]) == ("app/models.py", "sqlalchemy")


def test_sqlalchemy_relationships_and_lazy_strategies(sqlalchemy_context):
    models = sqlalchemy_context.models
    orders = models["Customer"]["relationships"]["orders"]
    assert (orders["target"], orders["lazy"], orders["uselist"]) == ("Order", "selectin", True)
    customer = models["Order"]["relationships"]["customer"]
    assert (customer["target"], customer["lazy"], customer["uselist"]) == ("Customer", "select", False)
    assert models["Customer"]["relationships"]["notes"]["lazy"] == "dynamic"
    assert models["Customer"]["relationships"]["notes"]["uselist"] is True  # a dynamic collection
    # no annotation, no uselist: the foreign key tells the sides apart
    assert models["Note"]["relationships"]["author"]["uselist"] is False
    assert models["Note"]["foreign_key_tables"] == ["customers"]
    tags = models["Order"]["relationships"]["tags"]
    assert (tags["target"], tags["uselist"]) == ("Tag", True)
    assert models["RushOrder"]["relationships"]["customer"]["target"] == "Customer"  # inherited
    tagged = models["Tag"]["relationships"]["orders"]  # many-to-many: a collection both ways
    assert (tagged["target"], tagged["uselist"], tagged["via"]) == ("Order", True, "backref")
    authored = models["Customer"]["relationships"]["authored_notes"]  # from Note's backref
    assert (authored["target"], authored["lazy"], authored["via"]) == ("Note", "joined", "backref")
    assert authored["uselist"] is True


def test_as_declarative_base_and_registry_mapped_classes(tmp_path):
    write(tmp_path, {"models.py": """
        from typing import Any
        from sqlalchemy import Column, ForeignKey, Integer, String
        from sqlalchemy.ext.declarative import as_declarative, declared_attr
        from sqlalchemy.orm import registry, relationship

        @as_declarative()
        class Base:
            id: Any
            __name__: str

            @declared_attr
            def __tablename__(cls) -> str:
                return cls.__name__.lower()

        class User(Base):
            id = Column(Integer, primary_key=True)
            email = Column(String, unique=True)
            items = relationship("Item", back_populates="owner")

        class Item(Base):
            id = Column(Integer, primary_key=True)
            owner_id = Column(Integer, ForeignKey("user.id"))
            owner = relationship("User", back_populates="items")

        mapper_registry = registry()

        @mapper_registry.mapped
        class AuditEntry:
            __tablename__ = "audit_entries"
            id = Column(Integer, primary_key=True)
        """})
    models = context_of(tmp_path).models
    assert sorted(models) == ["AuditEntry", "Item", "User"]  # the decorated Base is no model
    assert (models["User"]["table"], models["User"]["columns"]) == ("user", 2)
    assert models["Item"]["relationships"]["owner"]["target"] == "User"
    assert models["Item"]["relationships"]["owner"]["uselist"] is False  # Item holds the foreign key
    assert models["User"]["relationships"]["items"]["uselist"] is True
    assert models["AuditEntry"]["table"] == "audit_entries"


def test_model_keys_are_qualnames_when_class_names_clash(tmp_path):
    model = """
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        class Base(DeclarativeBase):
            pass
        class Item(Base):
            __tablename__ = "{table}"
            id: Mapped[int] = mapped_column(primary_key=True)
        """
    write(tmp_path, {"shop/__init__.py": "", "shop/models.py": model.format(table="shop_items"),
                     "stock/__init__.py": "", "stock/models.py": model.format(table="stock_items"),
                     "stock/base.py": ""})
    models = context_of(tmp_path).models
    assert sorted(models) == ["shop.models.Item", "stock.models.Item"]
    assert models["shop.models.Item"]["table"] == "shop_items"
    assert models["stock.models.Item"]["qualname"] == "stock.models.Item"


def test_model_with_an_unreadable_base_is_found_from_its_table_and_columns(tmp_path):
    write(tmp_path, {"models.py": """
        from sqlalchemy import Column, Integer, String
        from company_platform.db import Base  # not part of the project

        class Invoice(Base):
            __tablename__ = "invoices"
            id = Column(Integer, primary_key=True)
            number = Column(String(20))

        class Settings(Base):
            enabled = True
        """})
    context = context_of(tmp_path)
    assert list(context.models) == ["Invoice"]
    assert context.models["Invoice"]["columns"] == 2
    assert context.tech_stack["orm"] == {"name": "SQLAlchemy", "version": None, "source": "models.py:4"}


def test_flask_sqlalchemy_models_and_write_only_collections(tmp_path):
    write(tmp_path, {
        "pyproject.toml": "",
        "blog/__init__.py": """
            from flask_sqlalchemy import SQLAlchemy
            db = SQLAlchemy()
            """,
        "blog/models.py": """
            import sqlalchemy.orm as so
            from blog import db

            class BlogPost(db.Model):
                id: so.Mapped[int] = so.mapped_column(primary_key=True)
                author_id = db.Column(db.Integer, db.ForeignKey("user.id"))
                author = db.relationship("User", back_populates="posts")

            class User(db.Model):
                __tablename__ = "users"
                id: so.Mapped[int] = so.mapped_column(primary_key=True)
                posts: so.WriteOnlyMapped["BlogPost"] = so.relationship(back_populates="author")
                drafts: so.DynamicMapped["BlogPost"] = so.relationship(viewonly=True)
            """,
    })
    models = context_of(tmp_path).models
    assert models["BlogPost"]["table"] == "blog_post"  # Flask-SQLAlchemy's default name
    assert models["BlogPost"]["columns"] == 2
    assert models["BlogPost"]["relationships"]["author"]["target"] == "User"
    posts = models["User"]["relationships"]["posts"]
    assert (posts["target"], posts["lazy"], posts["uselist"]) == ("BlogPost", "write_only", True)
    assert models["User"]["relationships"]["drafts"]["lazy"] == "dynamic"
    assert models["User"]["table"] == "users"


def test_sqlmodel_models(tmp_path):
    write(tmp_path, {"models.py": """
        from typing import Optional
        from sqlmodel import Field, Relationship, SQLModel

        class TeamBase(SQLModel):
            name: str = Field(index=True)
            headquarters: str

        class Team(TeamBase, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            heroes: list["Hero"] = Relationship(back_populates="team",
                                                sa_relationship_kwargs={"lazy": "selectin"})

        class Hero(SQLModel, table=True):
            __tablename__ = "heroes"
            id: int | None = Field(default=None, primary_key=True)
            name: str
            team_id: int | None = Field(default=None, foreign_key="team.id")
            team: Optional["Team"] = Relationship(back_populates="heroes")

        class HeroRead(SQLModel):
            id: int
            name: str
        """})
    models = context_of(tmp_path).models
    assert sorted(models) == ["Hero", "Team"]
    assert models["Team"]["table"] == "team"
    assert sorted(models["Team"]["column_names"]) == ["headquarters", "id", "name"]
    assert models["Team"]["relationships"]["heroes"] == {"target": "Hero", "lazy": "selectin",
                                                         "uselist": True, "back_populates": "team"}
    assert models["Hero"]["table"] == "heroes"
    assert models["Hero"]["columns"] == 3
    team = models["Hero"]["relationships"]["team"]
    assert (team["target"], team["lazy"], team["uselist"]) == ("Team", "select", False)
    assert models["Hero"]["orm"] == "sqlmodel"
    assert models["Hero"]["foreign_key_tables"] == ["team"]


@pytest.fixture(scope="module")
def django_context(tmp_path_factory):
    forget_projects()
    return context_of(DJANGOAPP)


def test_django_models_tables_fields_and_relations(django_context):
    models = django_context.models
    assert sorted(models) == ["Author", "Book", "Tag"]  # the abstract TimeStamped is no model
    book = models["Book"]
    assert book["table"] == "catalog_book"
    assert models["Tag"]["table"] == "catalog_tags"  # Meta.db_table
    # implicit id, own fields, two foreign keys, the abstract parent's timestamps; not the M2M
    assert sorted(book["column_names"]) == ["author_id", "created_at", "editor_id", "id", "isbn", "pages",
                                            "title", "updated_at"]
    assert book["relationships"]["author"]["target"] == "Author"
    assert book["relationships"]["author"]["lazy"] == "select"
    assert book["relationships"]["tags"]["uselist"] is True
    reverse = models["Author"]["relationships"]
    assert reverse["books"] == {"target": "Book", "lazy": "select", "uselist": True, "via": "reverse"}
    assert set(reverse) == {"books"}  # related_name="+" has no reverse accessor
    assert "book_set" in models["Tag"]["relationships"]
    assert book["orm"] == "django"


def test_reverse_accessors_are_not_reversed_again(tmp_path):
    write(tmp_path, {"tracker/__init__.py": "", "tracker/models.py": """
        from django.db import models

        class Ticket(models.Model):
            component = models.ForeignKey("Component", on_delete=models.CASCADE, related_name="tickets")
            owner = models.OneToOneField("Component", on_delete=models.CASCADE, db_column="owner")

        class Component(models.Model):
            name = models.CharField(max_length=50, primary_key=True)

        class Tracked(models.Model):
            watcher = models.ForeignKey("Component", on_delete=models.CASCADE,
                                        related_name="%(app_label)s_%(class)s_watched")
            class Meta:
                abstract = True

        class Milestone(Tracked):
            due = models.DateField()
        """})
    models = context_of(tmp_path).models
    assert set(models["Ticket"]["relationships"]) == {"component", "owner"}
    assert models["Ticket"]["column_names"] == ["id", "component_id", "owner"]
    assert models["Component"]["column_names"] == ["name"]  # its own primary key: no implicit id
    reverse = models["Component"]["relationships"]
    assert reverse["tickets"]["uselist"] is True
    assert reverse["ticket"]["uselist"] is False  # a one-to-one's reverse is one object
    assert reverse["tracker_milestone_watched"]["target"] == "Milestone"  # related_name template


def test_django_settings_and_stack(django_context):
    db = django_context.db_config
    assert db["expire_on_commit"] is None and db["session_factories"] == []
    assert db["atomic_requests"] is True
    assert db["pool"] == {"engine": "DATABASES['default']", "conn_max_age": 60}
    assert db["engines"][0]["dialect"] == "postgresql"
    stack_found = django_context.tech_stack
    assert named(stack_found["web"]) == ("Django", "5.0")
    assert named(stack_found["orm"]) == ("Django", "5.0")
    assert named(stack_found["db"]) == ("PostgreSQL", None)
    assert stack_found["db"]["source"] == "requirements.txt"  # via -r requirements/base.txt


# ---------------------------------------------------------------- sessions and engines

def test_session_factories_prefer_the_async_one(tmp_path):
    write(tmp_path, {"db.py": """
        import os
        from sqlalchemy import create_engine
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
        from sqlalchemy.orm import sessionmaker as make_sessions
        from sqlalchemy.pool import NullPool

        DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+asyncpg://app@db/app")

        sync_engine = create_engine("postgresql+psycopg2://app@db/app", pool_size=20, max_overflow=0,
                                    pool_recycle=1800, isolation_level="REPEATABLE READ")
        async_engine = create_async_engine(DATABASE_URL, poolclass=NullPool, echo=False)

        SyncSession = make_sessions(bind=sync_engine, expire_on_commit=False, autoflush=False)
        AsyncSessionLocal = async_sessionmaker(async_engine)
        """})
    context = context_of(tmp_path)
    db = context.db_config
    assert db["expire_on_commit"] is True  # async_sessionmaker's default
    assert db["autoflush"] is True
    assert db["session_factory"] == "db.AsyncSessionLocal"
    factories = {f["name"]: f for f in db["session_factories"]}
    assert factories["db.SyncSession"]["kind"] == "sync"
    assert factories["db.SyncSession"]["expire_on_commit"] is False
    assert factories["db.SyncSession"]["autoflush"] is False
    assert factories["db.AsyncSessionLocal"]["kind"] == "async"
    assert factories["db.AsyncSessionLocal"]["line"] == 14
    engines = {e["name"]: e for e in db["engines"]}
    assert engines["db.sync_engine"]["url_driver"] == "postgresql+psycopg2"
    assert engines["db.sync_engine"]["pool_size"] == 20
    assert engines["db.async_engine"]["driver"] == "asyncpg"  # the URL's default in os.environ.get
    assert engines["db.async_engine"]["async"] is True
    # the main engine is the one the main factory is bound to
    assert db["pool"]["engine"] == "db.async_engine"
    assert db["pool"]["poolclass"] == "NullPool"
    assert db["pool"]["pool_size"] is None
    # no manifest names the stack: the code does
    assert context.tech_stack["db"] == {"name": "PostgreSQL", "version": None, "source": "db.py:9"}
    assert context.tech_stack["async"] == {"name": "asyncio", "version": None, "source": "db.py:14"}
    assert context.tech_stack["orm"] is None and context.tech_stack["web"] is None


def test_pool_settings_merge_over_defaults(tmp_path):
    write(tmp_path, {"db.py": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import Session, scoped_session, sessionmaker

        engine = create_engine("mysql+pymysql://app@db/app", pool_size=20, pool_pre_ping=True,
                               isolation_level="READ COMMITTED")
        ScopedSession = scoped_session(sessionmaker(bind=engine, expire_on_commit=False))

        def report():
            with Session(engine) as session:
                return session.execute("select 1")
        """})
    db = context_of(tmp_path).db_config
    assert db["session_factory"] == "db.ScopedSession"
    assert db["expire_on_commit"] is False
    assert db["session_factories"][0]["scoped"] is True
    direct = db["session_factories"][1]
    assert (direct["name"], direct["factory"], direct["expire_on_commit"]) == ("db.report.session", False, True)
    pool = db["pool"]
    assert (pool["pool_size"], pool["max_overflow"], pool["pool_pre_ping"]) == (20, 10, True)
    assert set(pool["defaults"]) == {"max_overflow", "pool_timeout", "pool_recycle", "poolclass"}
    assert db["isolation_level"] == "READ COMMITTED"


def test_sessionmaker_of_async_sessions_is_async(tmp_path):
    write(tmp_path, {"db.py": """
        from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_async_engine("sqlite+aiosqlite:///app.db")
        SessionLocal = sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
        Unknown = sessionmaker(engine, **{"expire_on_commit": True})
        """})
    db = context_of(tmp_path).db_config
    assert db["session_factory"] == "db.SessionLocal"
    assert db["session_factories"][0]["kind"] == "async"
    assert db["expire_on_commit"] is False
    assert db["session_factories"][1]["expire_on_commit"] is None  # hidden in **kwargs


def test_no_session_factory_means_unknown_settings(tmp_path):
    write(tmp_path, {"app.py": "import sqlite3\nconnection = sqlite3.connect('x.db')\n"})
    db = context_of(tmp_path).db_config
    assert db["expire_on_commit"] is None
    assert db["session_factories"] == [] and db["engines"] == [] and db["pool"] == {}


# ---------------------------------------------------------------- the sample project and the cache

@pytest.fixture
def shop_copy(tmp_path):
    return Path(shutil.copytree(SHOP, tmp_path / "shop", ignore=shutil.ignore_patterns(cache.CACHE_DIR)))


def test_unchanged_project_reuses_the_cache_and_an_edit_rebuilds_it(shop_copy):
    settings = Settings()
    first = build.load_or_build(shop_copy, settings)
    cache_file = shop_copy / cache.CACHE_DIR / "context.json"
    stored = json.loads(cache_file.read_text(encoding="utf-8"))
    assert stored["key"] == first.key
    written_at = cache_file.stat().st_mtime_ns

    forget_projects()
    second = build.load_or_build(shop_copy, settings)
    assert second.key == first.key
    assert second.to_json() == first.to_json()
    assert cache_file.stat().st_mtime_ns == written_at  # read, not rewritten

    models_py = shop_copy / "app" / "models.py"
    models_py.write_text(models_py.read_text(encoding="utf-8").replace(
        "    error: Mapped[str | None] = mapped_column(Text)\n",
        "    error: Mapped[str | None] = mapped_column(Text)\n    attempts: Mapped[int] = mapped_column(default=0)\n"),
        encoding="utf-8")
    forget_projects()
    third = build.load_or_build(shop_copy, settings)
    assert third.key != first.key
    assert third.models["Job"]["columns"] == first.models["Job"]["columns"] + 1
    assert json.loads(cache_file.read_text(encoding="utf-8"))["key"] == third.key


def test_sample_project_context(shop_copy):
    context = build.load_or_build(shop_copy, Settings(cache=False))
    models = context.models
    assert sorted(models) == ["Customer", "Job", "Order", "OrderItem"]
    assert models["Job"]["table"] == "jobs"
    assert models["Job"]["columns"] == 9  # seven own + TimestampMixin's two
    assert models["Order"]["relationships"]["items"]["lazy"] == "selectin"
    assert models["Order"]["relationships"]["customer"]["lazy"] == "select"
    db = context.db_config
    assert db["session_factory"] == "app.db.SessionLocal"
    assert db["expire_on_commit"] is True
    assert db["pool"]["engine"] == "app.db.engine"
    assert (db["pool"]["pool_size"], db["pool"]["max_overflow"], db["pool"]["pool_pre_ping"]) == (10, 5, True)
    assert [e["url_driver"] for e in db["engines"]] == ["postgresql+asyncpg", "postgresql+asyncpg"]
    assert context.problems == []


def _persistlint_command() -> list[str]:
    installed = shutil.which("persistlint")
    return [installed] if installed else [sys.executable, "-m", "persistlint.cli"]


def test_context_command_prints_the_sample_project_context(shop_copy):
    result = subprocess.run([*_persistlint_command(), "context", str(shop_copy)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"tech_stack", "db_config", "models", "entrypoints", "best_practices",
            "codebase_root"} <= set(data)
    assert Path(data["codebase_root"]) == shop_copy.resolve()
    tech = data["tech_stack"]
    assert named(tech["db"]) == ("PostgreSQL", "16")
    assert named(tech["orm"]) == ("SQLAlchemy", "2.x")
    assert named(tech["async"]) == ("asyncio", None)
    assert tech["web"]["name"] == "FastAPI"
    assert "task_queue" not in tech  # the doc says "no Celery"
    db = data["db_config"]
    assert db["expire_on_commit"] is True
    assert db["pool"]["pool_size"] == 10
    jobs_triggers = [t for t in db["triggers"] if t["table"] == "jobs"]
    assert len(jobs_triggers) == 1
    trigger = jobs_triggers[0]
    assert "UPDATE" in trigger["event"]
    assert (trigger["function"], trigger["notifies"], trigger["channel"]) == (
        "notify_job_progress", True, "job_progress")
    assert data["models"]["Order"]["columns"] == 13
    assert data["entrypoints"]["app.api.orders.list_orders"]["kind"] == "request_handler"
    assert isinstance(data["best_practices"], list)


def test_context_command_rebuild_writes_no_cache(shop_copy):
    result = subprocess.run([*_persistlint_command(), "context", "--rebuild", str(shop_copy / "app")],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["models"]["Customer"]["table"] == "customers"
    assert not (shop_copy / cache.CACHE_DIR).exists()
