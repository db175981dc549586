"""The project's tech stack: database, ORM, async runtime and web framework.

Read, in this order of priority, from

1. ``docs/project/tech_stack.md`` (what the team says it uses: a table or a
   list naming technologies and versions),
2. Python dependency manifests: ``requirements*.txt`` and
   ``requirements/*.txt`` (following ``-r``), ``pyproject.toml`` (PEP 621,
   PEP 735 groups, Poetry), ``setup.cfg``, ``setup.py``, ``Pipfile``,
3. other ecosystems' manifests: ``package.json``, ``prisma/schema.prisma``,
   ``go.mod``,
4. container images in ``docker-compose*.yml`` / ``compose*.yml`` and the
   database URL in ``alembic.ini``.

Manifests of a monorepo's services (direct subdirectories such as
``backend/`` with a manifest of their own) are read after the root's.

The first source that names a technology wins; a later source that names the
same technology may add the version the first one left out (the compose
image usually knows the database version that requirements cannot). In the
prose of ``tech_stack.md`` negated mentions ("no Celery", "migrated away from
MySQL") do not count.

Every value is None or ``{"name", "version", "source"}``. Besides the four
keys ``db``, ``orm``, ``async`` and ``web`` the result may hold extras
(``cache``, ``task_queue``, ``migrations``). A file that cannot be read is a
one-line problem naming it, never an exception.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from persistlint.context import files
from persistlint.context.files import subprojects

KEYS = ("db", "orm", "async", "web")
#: manifests, compose files and tech_stack.md are a few kilobytes; past
#: this they are data (and reading them would cost more than the analysis)
MAX_MANIFEST_BYTES = 512 * 1024
EXTRA_KEYS = ("cache", "task_queue", "migrations")


@attrs.frozen
class Technology:
    key: str  # db, orm, async, web or an extra key
    name: str
    rank: int = 0  # within one source, the lower rank wins the key


# -------------------------------------------------------------- what names mean

def _table(key: str, entries: Iterable[tuple[str, str]]) -> dict[str, Technology]:
    return {package: Technology(key, name, rank) for rank, (package, name) in enumerate(entries)}


#: Python distribution names (PEP 503 normalised) -> technologies. A package
#: may mean more than one thing (Django is ORM and web framework; a driver
#: names the database).
PYTHON_PACKAGES: dict[str, list[Technology]] = {}


def _add(table: dict[str, Technology]) -> None:
    for package, technology in table.items():
        PYTHON_PACKAGES.setdefault(package, []).append(technology)


# Within a source the first of each list wins: an ORM over the driver it sits
# on, FastAPI over the Starlette it is built on, aiohttp (often just an HTTP
# client) last.
_add(_table("orm", [
    ("sqlmodel", "SQLModel"), ("sqlalchemy", "SQLAlchemy"), ("flask-sqlalchemy", "SQLAlchemy"),
    ("django", "Django"), ("tortoise-orm", "Tortoise"), ("peewee", "Peewee"),
    ("pony", "Pony"), ("piccolo", "Piccolo"), ("ormar", "Ormar"),
    ("asyncpg", "asyncpg"), ("psycopg", "psycopg"), ("psycopg-binary", "psycopg"),
    ("psycopg-c", "psycopg"), ("psycopg2", "psycopg2"), ("psycopg2-binary", "psycopg2"),
    ("pymysql", "pymysql"), ("aiosqlite", "sqlite3"),
]))
_add(_table("db", [
    ("asyncpg", "PostgreSQL"), ("psycopg", "PostgreSQL"), ("psycopg-binary", "PostgreSQL"),
    ("psycopg-c", "PostgreSQL"), ("psycopg2", "PostgreSQL"), ("psycopg2-binary", "PostgreSQL"),
    ("pg8000", "PostgreSQL"), ("aiopg", "PostgreSQL"), ("pymysql", "MySQL"),
    ("mysqlclient", "MySQL"), ("aiomysql", "MySQL"), ("asyncmy", "MySQL"),
    ("mysql-connector-python", "MySQL"), ("mariadb", "MariaDB"), ("aiosqlite", "SQLite"),
    ("pyodbc", "SQL Server"), ("pymssql", "SQL Server"), ("oracledb", "Oracle"),
    ("cx-oracle", "Oracle"), ("pymongo", "MongoDB"), ("motor", "MongoDB"),
]))
_add(_table("web", [
    ("fastapi", "FastAPI"), ("litestar", "Litestar"), ("django", "Django"),
    ("flask", "Flask"), ("quart", "Quart"), ("sanic", "Sanic"), ("starlette", "Starlette"),
    ("aiohttp", "aiohttp"),
]))
_add(_table("async", [
    ("trio", "trio"), ("gevent", "gevent"), ("anyio", "anyio"), ("uvloop", "asyncio"),
]))
_add(_table("cache", [("redis", "Redis"), ("valkey", "Valkey"), ("pymemcache", "Memcached")]))
_add(_table("task_queue", [
    ("celery", "Celery"), ("dramatiq", "Dramatiq"), ("arq", "arq"), ("rq", "RQ"), ("huey", "Huey"),
]))
_add(_table("migrations", [("alembic", "Alembic")]))

#: Packages that run on asyncio without saying so in a dependency of its own.
ASYNCIO_IMPLIED_BY = frozenset({
    "fastapi", "starlette", "litestar", "aiohttp", "sanic", "quart", "asyncpg", "aiosqlite",
    "aiomysql", "asyncmy", "motor", "arq", "tortoise-orm", "databases",
})

#: npm packages -> technologies.
NPM_PACKAGES: dict[str, list[Technology]] = {}
for _package, _technology in {
    "pg": Technology("db", "PostgreSQL"), "postgres": Technology("db", "PostgreSQL"),
    "pg-promise": Technology("db", "PostgreSQL"), "mysql": Technology("db", "MySQL"),
    "mysql2": Technology("db", "MySQL"), "sqlite3": Technology("db", "SQLite"),
    "better-sqlite3": Technology("db", "SQLite"), "mongodb": Technology("db", "MongoDB"),
    "mongoose": Technology("db", "MongoDB"), "prisma": Technology("orm", "Prisma"),
    "@prisma/client": Technology("orm", "Prisma"), "typeorm": Technology("orm", "TypeORM", 1),
    "sequelize": Technology("orm", "Sequelize", 1), "drizzle-orm": Technology("orm", "Drizzle", 1),
    "redis": Technology("cache", "Redis"), "ioredis": Technology("cache", "Redis"),
}.items():
    NPM_PACKAGES[_package] = [_technology]

#: Go module paths -> technologies.
GO_MODULES = {
    "github.com/lib/pq": Technology("db", "PostgreSQL"),
    "github.com/jackc/pgx": Technology("db", "PostgreSQL"),
    "github.com/go-sql-driver/mysql": Technology("db", "MySQL"),
    "github.com/mattn/go-sqlite3": Technology("db", "SQLite"),
    "modernc.org/sqlite": Technology("db", "SQLite"),
    "go.mongodb.org/mongo-driver": Technology("db", "MongoDB"),
    "gorm.io/gorm": Technology("orm", "GORM"),
    "github.com/redis/go-redis": Technology("cache", "Redis"),
    "github.com/go-redis/redis": Technology("cache", "Redis"),
}

#: Container image repositories (last path component) -> technologies.
IMAGES = {
    "postgres": Technology("db", "PostgreSQL"), "postgresql": Technology("db", "PostgreSQL"),
    "postgis": Technology("db", "PostgreSQL"), "timescaledb": Technology("db", "PostgreSQL"),
    "timescaledb-ha": Technology("db", "PostgreSQL"), "pgvector": Technology("db", "PostgreSQL"),
    "mysql": Technology("db", "MySQL"), "mariadb": Technology("db", "MariaDB"),
    "mongo": Technology("db", "MongoDB"), "mssql": Technology("db", "SQL Server"),
    "redis": Technology("cache", "Redis"), "valkey": Technology("cache", "Valkey"),
    "memcached": Technology("cache", "Memcached"), "rabbitmq": Technology("task_queue", "RabbitMQ"),
}

#: SQLAlchemy URL dialects -> databases.
URL_DIALECTS = {
    "postgresql": "PostgreSQL", "postgres": "PostgreSQL", "mysql": "MySQL",
    "mariadb": "MariaDB", "sqlite": "SQLite", "mssql": "SQL Server", "oracle": "Oracle",
}

#: Prose names in tech_stack.md (regex, case-insensitive) -> technologies.
#: In prose the first-named technology of a kind is the one in use, except
#: that a lower rank wins: an ORM over the driver under it ("SQLAlchemy over
#: asyncpg"), a framework over what it is built on or uses as a client.
DOC_NAMES: list[tuple[re.Pattern[str], Technology]] = [
    (re.compile(pattern, re.I), technology) for pattern, technology in [
        (r"postgre(?:s|sql)|\bpostgis\b|timescale", Technology("db", "PostgreSQL")),
        (r"\bmariadb\b", Technology("db", "MariaDB")),
        (r"\bmysql\b", Technology("db", "MySQL")),
        (r"\bsqlite3?\b", Technology("db", "SQLite")),
        (r"\bmongo(?:db)?\b", Technology("db", "MongoDB")),
        (r"\bsql server\b|\bmssql\b", Technology("db", "SQL Server")),
        (r"\bsqlmodel\b", Technology("orm", "SQLModel", 0)),
        (r"\bsqlalchemy\b", Technology("orm", "SQLAlchemy", 1)),
        (r"\bdjango\b", Technology("orm", "Django", 1)),
        (r"\btortoise\b", Technology("orm", "Tortoise", 1)),
        (r"\bpeewee\b", Technology("orm", "Peewee", 1)),
        (r"\basyncpg\b", Technology("orm", "asyncpg", 2)),
        (r"\bpsycopg2\b", Technology("orm", "psycopg2", 2)),
        (r"\bpsycopg(?:3| 3)?\b", Technology("orm", "psycopg", 2)),
        (r"\bpymysql\b", Technology("orm", "pymysql", 2)),
        (r"\bfastapi\b", Technology("web", "FastAPI", 0)),
        (r"\blitestar\b", Technology("web", "Litestar", 0)),
        (r"\bdjango\b", Technology("web", "Django", 0)),
        (r"\bflask\b", Technology("web", "Flask", 0)),
        (r"\bquart\b", Technology("web", "Quart", 0)),
        (r"\bsanic\b", Technology("web", "Sanic", 0)),
        (r"\bstarlette\b", Technology("web", "Starlette", 1)),
        (r"\baiohttp\b", Technology("web", "aiohttp", 1)),
        (r"\basyncio\b", Technology("async", "asyncio", 0)),
        (r"\btrio\b", Technology("async", "trio", 0)),
        (r"\banyio\b", Technology("async", "anyio", 0)),
        (r"\bgevent\b", Technology("async", "gevent", 0)),
        (r"\bredis\b", Technology("cache", "Redis")),
        (r"\bcelery\b", Technology("task_queue", "Celery")),
        (r"\balembic\b", Technology("migrations", "Alembic")),
    ]
]

_VERSION_AFTER_NAME = re.compile(r"^[\s|:*_`()\[\],\-–=]*v?(\d+(?:\.\d+){0,2}(?:\.x)?)\b", re.I)
_DOC_VERSION = re.compile(r"(?<![\w.])v?(\d+(?:\.\d+){0,2}(?:\.x)?)(?![\w.])", re.I)


# -------------------------------------------------------------- the result

class _Stack:
    """Collects what the sources say, first source first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.found: dict[str, dict] = {}
        self.problems: list[str] = []

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def read_text(self, path: Path) -> str | None:
        """A manifest's text: regular files inside the project only, at
        most :data:`MAX_MANIFEST_BYTES` of it; each refusal or cut is a problem."""
        refused = files.unreadable_reason(path, self.root)
        if refused is not None:
            self.problems.append(f"{self.relative(path)}: {refused}")
            return None
        try:
            text, capped = files.read_text(path, MAX_MANIFEST_BYTES)
        except (files.SourceError, UnicodeDecodeError) as exc:
            reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc).removeprefix("cannot read file: ")
            self.problems.append(f"{self.relative(path)}: cannot read ({reason})")
            return None
        if capped:
            self.problems.append(f"{self.relative(path)}: larger than {MAX_MANIFEST_BYTES} bytes; "
                                 f"only the first {MAX_MANIFEST_BYTES} read")
        return text

    def offer(self, source: str, hits: Iterable[tuple[Technology, str | None]]) -> None:
        """One source's findings: per key its best-ranked technology, taken
        when the key is still open; a version for a technology already known
        by the same name fills the version in."""
        best: dict[str, tuple[Technology, str | None]] = {}
        for technology, version in hits:
            held = best.get(technology.key)
            if held is None or technology.rank < held[0].rank:
                best[technology.key] = (technology, version)
            elif held[0].name == technology.name and version and not held[1]:
                best[technology.key] = (held[0], version)
        for key, (technology, version) in best.items():
            current = self.found.get(key)
            if current is None:
                self.found[key] = {"name": technology.name, "version": version, "source": source}
            elif current["name"] == technology.name and version and not current["version"]:
                current["version"] = version
                current["version_source"] = source

    def result(self) -> dict:
        stack = {key: self.found.get(key) for key in KEYS}
        for key in EXTRA_KEYS:
            if key in self.found:
                stack[key] = self.found[key]
        return stack


def detect(root: Path) -> tuple[dict, list[str]]:
    """Return (tech_stack, problems)."""
    stack = _Stack(root)
    _read(root, stack, (_tech_stack_doc,))
    for base in (root, *subprojects(root)):
        _read(base, stack, _MANIFEST_READERS)
    return stack.result(), stack.problems


def _read(base: Path, stack: _Stack, readers) -> None:
    for reader in readers:
        try:
            reader(base, stack)
        except RecursionError:  # pathological nesting in a manifest
            stack.problems.append(f"{stack.relative(base)}: a manifest is too deeply nested to read")


# -------------------------------------------------------------- tech_stack.md

def _tech_stack_doc(base: Path, stack: _Stack) -> None:
    path = base / "docs" / "project" / "tech_stack.md"
    if not path.is_file():
        return
    text = stack.read_text(path)
    if text is None:
        return
    hits = []
    for line in text.splitlines():
        plain = line.replace("**", "").replace("`", "")
        for pattern, technology in DOC_NAMES:
            match = pattern.search(plain)
            if match and not _NEGATED.search(_clause_before(plain, match.start())):
                hits.append((technology, _doc_version(technology, plain, match.end())))
    stack.offer(stack.relative(path), hits)


#: Words that say a technology is not (or no longer) used: "(no Celery)",
#: "migrated away from MySQL", "instead of Flask".
_NEGATED = re.compile(r"\b(?:no|not|without|instead of|rather than|replac\w*|migrat\w*|"
                      r"away from|formerly|previously|dropped|removed|deprecated|legacy)\b", re.I)


def _clause_before(line: str, start: int) -> str:
    """The part of the line's clause (cell, parenthesis, sentence) before
    a match."""
    before = line[:start]
    cut = max(before.rfind(mark) for mark in "|;,.()")
    return before[cut + 1:]


def _doc_version(technology: Technology, line: str, after: int) -> str | None:
    """The version written right after the name (``PostgreSQL 16``,
    ``| SQLAlchemy | 2.0 |``, ``FastAPI (0.110)``)."""
    match = _VERSION_AFTER_NAME.match(line[after:])
    if match is None and line.lstrip().startswith("|"):
        # a table row: the version may sit in a later cell
        match = _DOC_VERSION.search(line[after:])
    version = match.group(1) if match else None
    return _normalise_version(technology.name, version)


def _normalise_version(name: str, version: str | None) -> str | None:
    if version is None:
        return None
    if name == "SQLAlchemy":
        major = version.split(".")[0]
        return f"{major}.x" if major in {"1", "2"} else None
    return version


# -------------------------------------------------------------- Python manifests

def _normalise_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_hits(requirement: str) -> list[tuple[Technology, str | None]]:
    """What one PEP 508 requirement string says."""
    # imported here: a process that reads the stack from the cached context
    # (the editor's lint-on-save) never parses a manifest
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        parsed = Requirement(requirement)
    except InvalidRequirement:
        return []
    return _package_hits(parsed.name, _specifier_version(str(parsed.specifier)), parsed.extras)


def _package_hits(name: str, version_spec: str | None, extras: Iterable[str] = ()
                  ) -> list[tuple[Technology, str | None]]:
    package = _normalise_name(name)
    hits = []
    for technology in PYTHON_PACKAGES.get(package, ()):
        version = version_spec if technology.key in {"orm", "web"} else None
        hits.append((technology, _normalise_version(technology.name, version)))
    extras = {_normalise_name(e) for e in extras}
    if package in ASYNCIO_IMPLIED_BY or (package == "sqlalchemy" and "asyncio" in extras):
        hits.append((Technology("async", "asyncio", 2), None))
    for extra in extras & {"postgresql", "postgresql-asyncpg", "postgresql-psycopg", "asyncpg"}:
        hits.append((Technology("db", "PostgreSQL", 5), None))
    return hits


_SPEC_VERSION = re.compile(r"(==|===|~=|>=|\^|~|>)\s*v?(\d+(?:\.\d+)*)")
_UPPER_BOUND = re.compile(r"<\s*(\d+)(?:\.0)*(?![.\d])")


def _specifier_version(spec: str) -> str | None:
    """The version a specifier pins or starts from (``==1.4.46``,
    ``>=2.0``, ``^2.0``); for an upper bound only (``<2``), the major below."""
    match = _SPEC_VERSION.search(spec or "")
    if match:
        return match.group(2)
    bound = _UPPER_BOUND.search(spec or "")
    if bound and int(bound.group(1)) > 0:
        return f"{int(bound.group(1)) - 1}"
    return None


def _requirements(base: Path, stack: _Stack) -> None:
    files = sorted(base.glob("requirements*.txt")) + sorted(base.glob("requirements/*.txt"))
    seen: set[Path] = set()
    for path in files:
        hits = list(_requirements_file(path, stack, seen))
        if hits:
            stack.offer(stack.relative(path), hits)


def _requirements_file(path: Path, stack: _Stack, seen: set[Path], included_from: Path | None = None,
                       written: str = "") -> Iterator[tuple[Technology, str | None]]:
    resolved = files.resolved(path)
    if resolved in seen:
        return
    seen.add(resolved)
    if included_from is not None and not _inside(resolved, stack.root):
        # -r /etc/passwd, -r ../../secrets.txt, or a link leading out: never read
        stack.problems.append(f"{stack.relative(included_from)}: included file {files.printable(written)} "
                              f"is outside the project; not read")
        return
    if not path.is_file():
        stack.problems.append(f"{stack.relative(included_from or path)}: included file "
                              f"{stack.relative(path)} not found")
        return
    text = stack.read_text(path)
    if text is None:
        return
    for raw in _logical_lines(text):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        include = re.match(r"^(?:-r|--requirement)(?:\s+|=)?(\S+)", line)
        if include:
            yield from _requirements_file(path.parent / include.group(1), stack, seen, path, include.group(1))
            continue
        if line.startswith("-"):
            continue  # -e, -c, --index-url and other options
        yield from _requirement_hits(line.split(";")[0].strip() if "@" not in line else line)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(files.resolved(root))
    except ValueError:
        return False
    return True


def _logical_lines(text: str) -> Iterator[str]:
    """Lines with backslash continuations joined."""
    pending: list[str] = []
    for line in text.splitlines():
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        yield " ".join([*pending, line])
        pending = []
    if pending:
        yield " ".join(pending)


def _load_toml(path: Path, stack: _Stack) -> dict | None:
    text = stack.read_text(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        stack.problems.append(f"{stack.relative(path)}: not valid TOML ({exc})")
        return None


def _pyproject(base: Path, stack: _Stack) -> None:
    path = base / "pyproject.toml"
    if not path.is_file():
        return
    data = _load_toml(path, stack)
    if data is None:
        return
    hits = []
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    hits += _pep508_list(project.get("dependencies"))
    optional = project.get("optional-dependencies")
    if isinstance(optional, dict):
        for group in optional.values():
            hits += _pep508_list(group)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group in groups.values():
            hits += _pep508_list(group)
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    hits += _version_table(poetry.get("dependencies"))
    hits += _version_table(poetry.get("dev-dependencies"))
    poetry_groups = poetry.get("group")
    if isinstance(poetry_groups, dict):
        for group in poetry_groups.values():
            if isinstance(group, dict):
                hits += _version_table(group.get("dependencies"))
    stack.offer(stack.relative(path), hits)


def _pep508_list(value) -> list[tuple[Technology, str | None]]:
    if not isinstance(value, list):
        return []
    hits = []
    for item in value:
        if isinstance(item, str):
            hits += _requirement_hits(item)
    return hits


def _version_table(value) -> list[tuple[Technology, str | None]]:
    """Poetry and Pipfile tables: ``name = "^2.0"`` or
    ``name = {version = "^2.0", extras = ["asyncio"]}``."""
    if not isinstance(value, dict):
        return []
    hits = []
    for name, spec in value.items():
        extras: list[str] = []
        if isinstance(spec, dict):
            extras = [e for e in spec.get("extras", []) if isinstance(e, str)]
            spec = spec.get("version")
        version = _specifier_version(spec) if isinstance(spec, str) and spec != "*" else None
        hits += _package_hits(str(name), version, extras)
    return hits


def _setup_cfg(base: Path, stack: _Stack) -> None:
    path = base / "setup.cfg"
    if not path.is_file():
        return
    text = stack.read_text(path)
    if text is None:
        return
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as exc:
        stack.problems.append(f"{stack.relative(path)}: not a valid config file ({exc.__class__.__name__})")
        return
    lines = []
    if parser.has_option("options", "install_requires"):
        lines += parser.get("options", "install_requires").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            lines += value.splitlines()
    stack.offer(stack.relative(path), _pep508_list([line.strip() for line in lines if line.strip()]))


def _setup_py(base: Path, stack: _Stack) -> None:
    """``install_requires=[...]`` / ``extras_require={...}`` string
    literals of a ``setup()`` call; the script is never run."""
    path = base / "setup.py"
    if not path.is_file():
        return
    text = stack.read_text(path)
    if text is None:
        return
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        stack.problems.append(f"{stack.relative(path)}: cannot parse")
        return
    requirements = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in {"install_requires", "extras_require"}:
            requirements += [n.value for n in ast.walk(node.value)
                             if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    stack.offer(stack.relative(path), _pep508_list(requirements))


def _pipfile(base: Path, stack: _Stack) -> None:
    path = base / "Pipfile"
    if not path.is_file():
        return
    data = _load_toml(path, stack)
    if data is None:
        return
    stack.offer(stack.relative(path), _version_table(data.get("packages")) + _version_table(data.get("dev-packages")))


# -------------------------------------------------------------- other ecosystems

def _package_json(base: Path, stack: _Stack) -> None:
    path = base / "package.json"
    if not path.is_file():
        return
    text = stack.read_text(path)
    if text is None:
        return
    try:
        data = json.loads(text)
    except ValueError as exc:
        stack.problems.append(f"{stack.relative(path)}: not valid JSON ({exc})")
        return
    hits = []
    if isinstance(data, dict):
        for section in ("dependencies", "devDependencies", "peerDependencies"):
            packages = data.get(section)
            if isinstance(packages, dict):
                for name in packages:
                    hits += [(t, None) for t in NPM_PACKAGES.get(name, ())]
    stack.offer(stack.relative(path), hits)


def _prisma_schema(base: Path, stack: _Stack) -> None:
    for path in (base / "prisma" / "schema.prisma", base / "schema.prisma"):
        if not path.is_file():
            continue
        text = stack.read_text(path) or ""
        match = re.search(r'datasource\s+\w+\s*\{[^}]*provider\s*=\s*"(\w+)"', text)
        if match and match.group(1) in URL_DIALECTS:
            hits = [(Technology("db", URL_DIALECTS[match.group(1)]), None), (Technology("orm", "Prisma"), None)]
            stack.offer(stack.relative(path), hits)
        return


def _go_mod(base: Path, stack: _Stack) -> None:
    path = base / "go.mod"
    if not path.is_file():
        return
    text = stack.read_text(path)
    if text is None:
        return
    hits = []
    for line in text.splitlines():
        words = line.split("//")[0].split()
        if words and words[0] == "require":
            words = words[1:]
        if not words:
            continue
        for module, technology in GO_MODULES.items():
            if words[0] == module or words[0].startswith(module + "/"):
                hits.append((technology, None))
    stack.offer(stack.relative(path), hits)


_COMPOSE_PATTERNS = ("docker-compose*.yml", "docker-compose*.yaml", "compose*.yml", "compose*.yaml")
_ENV_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}")


def _compose_files(base: Path, stack: _Stack) -> None:
    import yaml  # only when the stack is read (see _requirement_hits)

    files = sorted({p for pattern in _COMPOSE_PATTERNS for p in base.glob(pattern) if p.is_file()})
    for path in files:
        text = stack.read_text(path)
        if text is None:
            continue
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            at = f" at line {where.line + 1}" if where is not None else ""
            stack.problems.append(f"{stack.relative(path)}: not valid YAML{at}")
            continue
        services = data.get("services") if isinstance(data, dict) else None
        if not isinstance(services, dict):
            continue
        hits = []
        for service in services.values():
            image = service.get("image") if isinstance(service, dict) else None
            if isinstance(image, str):
                hits += _image_hits(image)
        stack.offer(stack.relative(path), hits)


def _image_hits(image: str) -> list[tuple[Technology, str | None]]:
    """``postgres:16-alpine`` -> PostgreSQL 16; ``postgis/postgis:15-3.4``
    -> PostgreSQL 15; ``timescale/timescaledb:2.14.2-pg16`` -> PostgreSQL 16."""
    image = _ENV_DEFAULT.sub(lambda m: m.group(1), image).split("@")[0]
    repository, _, tag = image.rpartition(":") if ":" in image.rpartition("/")[2] else (image, "", "")
    name = repository.rpartition("/")[2].lower()
    technology = IMAGES.get(name)
    if technology is None:
        return []
    pg_major = re.search(r"pg(\d+)", tag)
    if pg_major and technology.name == "PostgreSQL":
        version = pg_major.group(1)
    else:
        leading = re.match(r"v?(\d+(?:\.\d+)*)", tag)
        version = leading.group(1) if leading else None
    return [(technology, version)]


def _alembic_ini(base: Path, stack: _Stack) -> None:
    """``sqlalchemy.url = postgresql+psycopg2://...`` names the database and
    the driver; the file also says Alembic is used."""
    path = base / "alembic.ini"
    if not path.is_file():
        return
    text = stack.read_text(path)
    if text is None:
        return
    hits = [(Technology("migrations", "Alembic"), None)]
    match = re.search(r"^\s*sqlalchemy\.url\s*=\s*([a-z0-9]+)(?:\+(\w+))?://", text, re.M)
    if match and match.group(1) in URL_DIALECTS:
        hits.append((Technology("db", URL_DIALECTS[match.group(1)]), None))
    stack.offer(stack.relative(path), hits)


_MANIFEST_READERS = (_requirements, _pyproject, _setup_cfg, _setup_py, _pipfile, _package_json,
                     _prisma_schema, _go_mod, _compose_files, _alembic_ini)


# -------------------------------------------------------------- what the code shows

#: ORM names of the model registry -> the stack's names.
_REGISTRY_ORMS = {"sqlalchemy": "SQLAlchemy", "sqlmodel": "SQLModel", "django": "Django"}


def complete_from_code(tech_stack: dict, models: dict, db_settings: dict) -> None:
    """Fill keys no file named from what the code itself shows: the
    dialect of an engine's URL (``create_engine("postgresql://...")``), the
    ORM the models are declared with, asyncio when sessions or engines are
    async. Manifests and the doc always win; this only fills gaps."""
    engines = db_settings.get("engines") or []
    if tech_stack.get("db") is None:
        for engine in engines:
            name = URL_DIALECTS.get(engine.get("dialect") or "")
            if name:
                tech_stack["db"] = {"name": name, "version": None,
                                    "source": f"{engine['path']}:{engine['line']}"}
                break
    if tech_stack.get("orm") is None:
        for model in models.values():
            name = _REGISTRY_ORMS.get(model.get("orm"))
            if name:
                tech_stack["orm"] = {"name": name, "version": None,
                                     "source": f"{model['path']}:{model['line']}"}
                break
    if tech_stack.get("async") is None:
        async_uses = [f for f in db_settings.get("session_factories") or [] if f.get("kind") == "async"]
        async_uses += [e for e in engines if e.get("async")]
        if async_uses:
            tech_stack["async"] = {"name": "asyncio", "version": None,
                                   "source": f"{async_uses[0]['path']}:{async_uses[0]['line']}"}
