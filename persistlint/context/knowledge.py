"""The one knowledge base of best-practice references, by technology.

Every entry is an official documentation page. :func:`references_for` picks
those that apply to a project's detected stack; the project context stores
them (``best_practices``) and the report's "Sources Consulted" lists them.

``tech_stack`` has the keys ``db``, ``orm``, ``async`` and ``web``, each None
or ``{"name": ..., "version": ...}``. Names are matched case-insensitively
against each technology's aliases (``postgres``, ``psycopg2`` and
``asyncpg`` all mean PostgreSQL is in use, ``sqlmodel`` means SQLAlchemy).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

# technology -> names (lower case) that show it is in use
ALIASES: dict[str, frozenset[str]] = {
    "SQLAlchemy": frozenset({"sqlalchemy", "sqlmodel", "flask-sqlalchemy", "flask_sqlalchemy"}),
    "PostgreSQL": frozenset({"postgresql", "postgres", "psycopg", "psycopg2", "psycopg2-binary",
                             "asyncpg", "pg"}),
    "Python asyncio": frozenset({"asyncio", "anyio", "uvloop", "trio"}),
    "FastAPI": frozenset({"fastapi"}),
    "Django": frozenset({"django"}),
    "Alembic": frozenset({"alembic"}),
    "psycopg": frozenset({"psycopg", "psycopg2", "psycopg2-binary"}),
    "asyncpg": frozenset({"asyncpg"}),
    "Celery": frozenset({"celery"}),
    "Flask": frozenset({"flask"}),
}

Stack = dict[str, Any]


@attrs.frozen
class Reference:
    technology: str
    title: str
    url: str
    # extra condition beyond "the technology is in use"
    also: Callable[[set[str], dict], bool] | None = None

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "technology": self.technology}


def _async_in_use(names: set[str], db_config: dict) -> bool:
    return bool(names & (ALIASES["Python asyncio"] | {"fastapi", "starlette", "aiohttp", "asyncpg"}))


REFERENCES: tuple[Reference, ...] = (
    Reference("SQLAlchemy", "SQLAlchemy: Session basics (scope, commit, expire_on_commit)",
              "https://docs.sqlalchemy.org/en/20/orm/session_basics.html"),
    Reference("SQLAlchemy", "SQLAlchemy: Relationship loading techniques (N+1, selectinload, joinedload)",
              "https://docs.sqlalchemy.org/en/20/orm/queryguide/relationships.html"),
    Reference("SQLAlchemy", "SQLAlchemy: ORM-enabled INSERT, UPDATE and DELETE (bulk operations)",
              "https://docs.sqlalchemy.org/en/20/orm/queryguide/dml.html"),
    Reference("SQLAlchemy", "SQLAlchemy: Asynchronous I/O (asyncio) extension",
              "https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html", also=_async_in_use),
    Reference("SQLAlchemy", "SQLAlchemy: Connection pooling",
              "https://docs.sqlalchemy.org/en/20/core/pooling.html"),
    Reference("PostgreSQL", "PostgreSQL: NOTIFY",
              "https://www.postgresql.org/docs/current/sql-notify.html"),
    Reference("PostgreSQL", "PostgreSQL: Transaction isolation",
              "https://www.postgresql.org/docs/current/transaction-iso.html"),
    Reference("PostgreSQL", "PostgreSQL: Explicit locking",
              "https://www.postgresql.org/docs/current/explicit-locking.html"),
    Reference("Python asyncio", "Python: Developing with asyncio (running blocking code)",
              "https://docs.python.org/3/library/asyncio-dev.html"),
    Reference("FastAPI", "FastAPI: Dependencies with yield",
              "https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-with-yield/"),
    Reference("FastAPI", "FastAPI: Concurrency and async / await",
              "https://fastapi.tiangolo.com/async/"),
    Reference("FastAPI", "FastAPI: Background tasks",
              "https://fastapi.tiangolo.com/tutorial/background-tasks/"),
    Reference("Django", "Django: Database access optimization",
              "https://docs.djangoproject.com/en/stable/topics/db/optimization/"),
    Reference("Django", "Django: Database transactions",
              "https://docs.djangoproject.com/en/stable/topics/db/transactions/"),
    Reference("Django", "Django: Asynchronous support",
              "https://docs.djangoproject.com/en/stable/topics/async/", also=_async_in_use),
    Reference("Flask", "Flask-SQLAlchemy: Sessions and queries",
              "https://flask-sqlalchemy.readthedocs.io/en/stable/queries/"),
    Reference("Alembic", "Alembic: Tutorial (migration environment and operations)",
              "https://alembic.sqlalchemy.org/en/latest/tutorial.html"),
    Reference("psycopg", "psycopg: Transactions management",
              "https://www.psycopg.org/psycopg3/docs/basic/transactions.html"),
    Reference("asyncpg", "asyncpg: API reference (connections, pools, transactions)",
              "https://magicstack.github.io/asyncpg/current/api/index.html"),
    Reference("Celery", "Celery: Tasks (best practices, database transactions)",
              "https://docs.celeryq.dev/en/stable/userguide/tasks.html"),
)


def stack_names(tech_stack: Stack | None, db_config: dict | None = None) -> set[str]:
    """Lower-case names of the technologies in use: the stack's slots, and
    what the database configuration names (``dialect``, ``driver``,
    ``migrations`` tool) when it knows."""
    names: set[str] = set()
    for slot in (tech_stack or {}).values():
        if isinstance(slot, dict) and isinstance(slot.get("name"), str):
            names.add(slot["name"].strip().lower())
        elif isinstance(slot, str):
            names.add(slot.strip().lower())
    for key in ("dialect", "driver", "migrations"):
        value = (db_config or {}).get(key)
        if isinstance(value, str) and value:
            names.add(value.strip().lower())
    return names


def technologies(names: set[str]) -> set[str]:
    return {technology for technology, aliases in ALIASES.items() if names & aliases}


def references_for(tech_stack: Stack | None, db_config: dict | None) -> list[dict[str, str]]:
    """``[{"title", "url", "technology"}]`` of the references that apply,
    in knowledge-base order."""
    names = stack_names(tech_stack, db_config)
    used = technologies(names)
    if _async_in_use(names, db_config or {}):
        used.add("Python asyncio")  # an async web framework or driver means asyncio code
    return [reference.as_dict() for reference in REFERENCES
            if reference.technology in used
            and (reference.also is None or reference.also(names, db_config or {}))]
