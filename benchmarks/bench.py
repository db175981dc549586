"""persistlint benchmark: cold and warm cost as ratios against plain flake8.

Generates a deterministic corpus of FastAPI + async SQLAlchemy code (models,
repositories, services, routers, Celery workers; a few real defects sprinkled
in) and, in the same invocation, times on that tree:

* flake8 over the tree, cold (no ``.persistlint_cache``) and warm, with
  ``-j 1`` and ``-j auto``,
* ``flake8 --select=E501`` with persistlint merely installed,
* the editor path: one unsaved buffer through stdin with a warm context,
  and again after a comment was appended to an unrelated module,
* ``persistlint report`` cold and warm (when the command exists).

Each scenario runs plain flake8 (pycodestyle + pyflakes only) and then the
same with persistlint, back to back, and the table at the end gives the
ratio of the two. Every run is a fresh subprocess; peak memory is the largest resident set of
that run's processes (``wait4`` rusage: with ``-j`` that is the largest
single worker, not the sum). Only the plugins of flake8 itself and of
persistlint are loaded, so that other flake8 plugins installed in the
environment do not distort the comparison.

Usage::

    python benchmarks/bench.py                 # 2000 modules, temp dir
    python benchmarks/bench.py --modules 600 --keep benchmarks/corpus
    python benchmarks/bench.py --only editor   # just the scenarios named so
    python benchmarks/bench.py --only editor --repeat 9   # medians of 9 rounds of each
    python benchmarks/bench.py --profile       # cProfile of one cold in-process pass
    python benchmarks/bench.py --profile --only editor   # ... of one editor run, warm context

Not a test: the figures depend on the machine. Compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULES_PER_DOMAIN = 6  # models, repository, service, router, worker, schemas

# flake8 restricted to the named plugin distributions, same flake8 otherwise.
_FLAKE8_WITH = """
import sys
from flake8.plugins import finder
allowed = set(sys.argv.pop(1).split(","))
found = finder._find_importlib_plugins
finder._find_importlib_plugins = lambda: (p for p in found() if p.package in allowed)
from flake8.main.cli import main
sys.exit(main())
"""
PLAIN = "flake8,pyflakes,pycodestyle,mccabe"  # "flake8": its own formatters
WITH_PERSISTLINT = PLAIN + ",persistlint"


# --------------------------------------------------------------------- corpus

def _model(domain: str, other: str, rng: random.Random) -> str:
    cls = domain.capitalize()
    item = cls + "Item"
    extra = "\n".join(f"    field_{i}: Mapped[str] = mapped_column(String(64), default=\"\")"
                      for i in range(rng.randint(2, 8)))
    lazy = rng.choice(['"select"', '"selectin"', '"joined"', '"select"'])
    return f'''\
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base


class {cls}(Base):
    __tablename__ = "{domain}"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    {other}_id: Mapped[int | None] = mapped_column(ForeignKey("{other}.id"), nullable=True)
{extra}

    items: Mapped[list[{item}]] = relationship(back_populates="parent", lazy={lazy})


class {item}(Base):
    __tablename__ = "{domain}_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("{domain}.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[{cls}] = relationship(back_populates="items")
'''


def _repository(domain: str, rng: random.Random) -> str:
    cls = domain.capitalize()
    return f'''\
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.{domain}.models import {cls}, {cls}Item


class {cls}Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, {domain}_id: int) -> {cls} | None:
        return await self.session.get({cls}, {domain}_id)

    async def list_active(self, limit: int = 100) -> list[{cls}]:
        result = await self.session.execute(
            select({cls}).where({cls}.status == "active").limit(limit))
        return list(result.scalars().all())

    async def list_with_items(self) -> list[{cls}]:
        result = await self.session.execute(select({cls}).options(selectinload({cls}.items)))
        return list(result.scalars().all())

    async def add(self, name: str) -> {cls}:
        entity = {cls}(name=name)
        self.session.add(entity)
        await self.session.flush()
        return entity

    async def archive(self, ids: list[int]) -> None:
        await self.session.execute(update({cls}).where({cls}.id.in_(ids)).values(status="archived"))

    async def items_of(self, {domain}_id: int) -> list[{cls}Item]:
        result = await self.session.execute(select({cls}Item).where({cls}Item.parent_id == {domain}_id))
        return list(result.scalars().all())
'''


def _service(domain: str, other: str, rng: random.Random) -> str:
    cls, other_cls = domain.capitalize(), other.capitalize()
    defects = []
    if rng.random() < 0.3:  # N+1 on a lazy relationship
        defects.append('''
    async def quantities(self) -> dict[int, int]:
        totals = {}
        for entity in await self.repository.list_active():
            rows = await self.repository.items_of(entity.id)
            totals[entity.id] = sum(row.quantity for row in rows)
        return totals
''')
    if rng.random() < 0.2:  # blocking sleep in async code
        defects.append('''
    async def throttle(self) -> None:
        time.sleep(0.1)
''')
    if rng.random() < 0.2:  # blocking file IO in async code
        defects.append('''
    async def export(self, target: Path) -> None:
        data = target.read_text(encoding="utf-8")
        await self.repository.add(data[:200])
''')
    body = "".join(defects)
    return f'''\
from __future__ import annotations

import logging
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from app.{domain}.repository import {cls}Repository
from app.{other}.repository import {other_cls}Repository
from app.{domain}.schemas import {cls}Out

log = logging.getLogger(__name__)


class {cls}Service:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = {cls}Repository(session)
        self.related = {other_cls}Repository(session)

    async def create(self, name: str) -> {cls}Out:
        try:
            entity = await self.repository.add(name)
            await self.session.commit()
        except Exception:
            await self.session.rollback()
            raise
        log.info("created %s", entity.id)
        return {cls}Out(id=entity.id, name=entity.name)

    async def overview(self) -> list[{cls}Out]:
        entities = await self.repository.list_with_items()
        return [{cls}Out(id=e.id, name=e.name, items=len(e.items)) for e in entities]

    async def archive_stale(self, ids: list[int]) -> int:
        await self.repository.archive(ids)
        await self.session.commit()
        return len(ids)
{body}'''


def _router(domain: str, rng: random.Random) -> str:
    cls = domain.capitalize()
    return f'''\
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.{domain}.schemas import {cls}In, {cls}Out
from app.{domain}.service import {cls}Service

router = APIRouter(prefix="/{domain}", tags=["{domain}"])


@router.get("/", response_model=list[{cls}Out])
async def list_{domain}(session: AsyncSession = Depends(get_session)) -> list[{cls}Out]:
    return await {cls}Service(session).overview()


@router.post("/", response_model={cls}Out, status_code=201)
async def create_{domain}(payload: {cls}In, session: AsyncSession = Depends(get_session)) -> {cls}Out:
    return await {cls}Service(session).create(payload.name)


@router.get("/{{item_id}}", response_model={cls}Out)
async def get_{domain}(item_id: int, session: AsyncSession = Depends(get_session)) -> {cls}Out:
    entity = await {cls}Service(session).repository.get(item_id)
    if entity is None:
        raise HTTPException(status_code=404)
    return {cls}Out(id=entity.id, name=entity.name)
'''


def _worker(domain: str, rng: random.Random) -> str:
    cls = domain.capitalize()
    return f'''\
from __future__ import annotations

import time

from celery import shared_task
from sqlalchemy import select

from app.db import SyncSession
from app.{domain}.models import {cls}


@shared_task
def reindex_{domain}(batch: int = 500) -> int:
    done = 0
    with SyncSession() as session:
        for entity in session.scalars(select({cls}).limit(batch)):
            entity.status = "indexed"
            done += 1
        session.commit()
    time.sleep(0.01)
    return done
'''


def _schemas(domain: str, rng: random.Random) -> str:
    cls = domain.capitalize()
    return f'''\
from __future__ import annotations

from pydantic import BaseModel


class {cls}In(BaseModel):
    name: str


class {cls}Out(BaseModel):
    id: int
    name: str
    items: int = 0
'''


_DB = '''\
from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

engine = create_async_engine("postgresql+asyncpg://app@db/app", pool_size=10, max_overflow=5,
                             pool_pre_ping=True)
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)
SyncSession = sessionmaker(create_engine("postgresql+psycopg2://app@db/app"))


class Base(DeclarativeBase):
    pass


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:
        yield session
'''


def generate(target: Path, modules: int, seed: int) -> int:
    """Write the corpus; returns the number of Python modules written."""
    rng = random.Random(seed)
    domains = [f"d{index:04d}" for index in range(max(1, modules // MODULES_PER_DOMAIN))]
    app = target / "app"
    app.mkdir(parents=True)
    (target / "pyproject.toml").write_text(
        '[project]\nname = "corpus"\nversion = "0"\n'
        'dependencies = ["fastapi", "sqlalchemy[asyncio]>=2", "asyncpg", "celery"]\n', encoding="utf-8")
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "db.py").write_text(_DB, encoding="utf-8")
    written = 2
    routers = []
    for domain in domains:
        other = rng.choice(domains)
        package = app / domain
        package.mkdir()
        files = {
            "__init__.py": "",
            "models.py": _model(domain, other, rng),
            "repository.py": _repository(domain, rng),
            "service.py": _service(domain, other, rng),
            "router.py": _router(domain, rng),
            "worker.py": _worker(domain, rng),
            "schemas.py": _schemas(domain, rng),
        }
        for name, text in files.items():
            (package / name).write_text(text, encoding="utf-8")
        written += len(files)
        routers.append(domain)
    imports = "\n".join(f"from app.{d}.router import router as {d}_router" for d in routers)
    includes = "\n".join(f"app.include_router({d}_router)" for d in routers)
    (app / "main.py").write_text(f"from fastapi import FastAPI\n\n{imports}\n\napp = FastAPI()\n{includes}\n",
                                 encoding="utf-8")
    return written + 1


# --------------------------------------------------------------------- runs

def measure(command: list[str], cwd: Path, stdin: Path | None = None) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS MiB, exit status, stderr tail) of one fresh run."""
    with open(stdin or os.devnull, "rb") as feed:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdin=feed, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, process.returncode, stderr[-400:]


def flake8(plugins: str, jobs: str, *extra: str, target: str = "app") -> list[str]:
    return [sys.executable, "-c", _FLAKE8_WITH, plugins, "--isolated", "-j", jobs, *extra, target]


def drop_cache(corpus: Path) -> None:
    shutil.rmtree(corpus / ".persistlint_cache", ignore_errors=True)


# The file an editor lints (its unsaved buffer, through stdin), and the
# unrelated module whose comment is edited between two saves.
EDITED_FILE = "app/d0000/service.py"
UNRELATED_FILE = "app/d0001/repository.py"


def editor(plugins: str) -> list[str]:
    """What an editor runs on save or while typing: one buffer on stdin."""
    return flake8(plugins, "1", "--stdin-display-name", EDITED_FILE, target="-")


def run_all(corpus: Path, jobs_auto: str, with_report: bool,
            only: str = "", repeat: int = 1) -> list[tuple[str, float, float, float, float]]:
    """(scenario, plain wall, plain peak, persistlint wall, persistlint peak) per scenario.

    Each scenario times plain flake8 and then the same work with persistlint,
    back to back, so that the ratio compares runs under the same load;
    ``repeat`` such pairs give the medians of each column."""
    rows: list[tuple[str, float, float, float, float]] = []
    saved = (corpus / EDITED_FILE).read_text(encoding="utf-8")
    buffers = Path(tempfile.mkdtemp(prefix="persistlint-bench-buffers-"))  # outside the project

    def typed(label: str, round_: int = 0) -> Path:
        """The editor's buffer: the saved file plus what was typed since (a
        different text per scenario and round, as while typing)."""
        buffer = buffers / f"buffer-{len(rows)}-{round_}.py"
        buffer.write_text(f"{saved}# typing for {label} ({round_})\n", encoding="utf-8")
        return buffer

    def run(label: str, command: list[str], stdin: Path | None = None) -> tuple[float, float]:
        wall, peak, status, stderr = measure(command, corpus, stdin)
        failed = status not in (0, 1) or "Traceback" in stderr
        flag = f"  (FAILED, exit {status}: {stderr.strip().splitlines()[-1:]})" if failed else ""
        print(f"  {label:<48} {wall:8.2f} s {peak:8.0f} MiB{flag}", flush=True)
        return wall, peak

    def scenario(label: str, plain: list[str], persistlint: list[str], *, cold: bool = False,
                 before=None, stdin=None) -> None:
        """``stdin``: the buffer of each round, from the round's number."""
        if only not in label:
            return
        pairs = []
        for round_ in range(repeat):
            buffer = stdin(round_) if stdin else None
            base = run(f"{label}: plain", plain, buffer)
            if cold:
                drop_cache(corpus)
            if before:
                before()
            pairs.append((*base, *run(f"{label}: persistlint", persistlint, buffer)))
        rows.append((label, *(statistics.median(column) for column in zip(*pairs))))

    def edit_unrelated() -> None:
        with open(corpus / UNRELATED_FILE, "a", encoding="utf-8") as out:
            out.write(f"# edited at {time.time()}\n")

    for jobs in ("1", jobs_auto):
        scenario(f"flake8 -j {jobs}, cold", flake8(PLAIN, jobs, "--select=E,F,W,C90"),
                 flake8(WITH_PERSISTLINT, jobs), cold=True)
        scenario(f"flake8 -j {jobs}, warm", flake8(PLAIN, jobs, "--select=E,F,W,C90"),
                 flake8(WITH_PERSISTLINT, jobs))
    scenario(f"flake8 --select=E501 -j {jobs_auto}, installed only",
             flake8(PLAIN, jobs_auto, "--select=E501"), flake8(WITH_PERSISTLINT, jobs_auto, "--select=E501"),
             cold=True)
    warm_editor, after_edit = "editor: one file, warm context", "editor: one file after an unrelated edit"
    if only in warm_editor or only in after_edit:
        run("(warm the context for the editor runs)", flake8(WITH_PERSISTLINT, jobs_auto))
    scenario(warm_editor, editor(PLAIN), editor(WITH_PERSISTLINT), stdin=lambda round_: typed(warm_editor, round_))
    scenario(after_edit, editor(PLAIN), editor(WITH_PERSISTLINT), before=edit_unrelated,
             stdin=lambda round_: typed(after_edit, round_))
    if with_report:
        report = [sys.executable, "-c", "from persistlint.cli import main; main()",
                  "report", "--format", "json", "--exit-zero", "-o", os.devnull, "."]
        scenario(f"persistlint report, cold (vs flake8 -j {jobs_auto})",
                 flake8(PLAIN, jobs_auto, "--select=E,F,W,C90"), report, cold=True)
        scenario(f"persistlint report, warm (vs flake8 -j {jobs_auto})",
                 flake8(PLAIN, jobs_auto, "--select=E,F,W,C90"), report)
    shutil.rmtree(buffers, ignore_errors=True)
    return rows


def compiled(package: Path) -> None:
    """Write the bytecode of persistlint's modules, as ``pip install`` does:
    flake8's own modules are compiled, and an editable install run with
    ``PYTHONDONTWRITEBYTECODE`` set would otherwise compile persistlint's
    in every timed process."""
    import compileall

    compileall.compile_dir(str(package), quiet=1)


def table(rows: list[tuple[str, float, float, float, float]]) -> None:
    """All ratios in one markdown table (ratio = persistlint / plain flake8)."""
    print("\n| scenario | plain flake8 | with persistlint | time ratio | peak memory ratio |")
    print("|---|---|---|---|---|")
    for label, base_wall, base_peak, wall, peak in rows:
        print(f"| {label} | {base_wall:.2f} s, {base_peak:.0f} MiB | {wall:.2f} s, {peak:.0f} MiB "
              f"| x{wall / base_wall:.2f} | x{peak / base_peak:.2f} |")


def profile(corpus: Path, top: int) -> None:
    """cProfile of one cold in-process pass over the corpus, as flake8 -j 1 does it."""
    import cProfile
    import pstats

    from persistlint import engine

    drop_cache(corpus)
    files = sorted(str(p) for p in (corpus / "app").rglob("*.py"))
    profiler = cProfile.Profile()
    profiler.enable()
    for path in files:
        engine.analyse(path, Path(path).read_text(encoding="utf-8"), {"cache": "false"})
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def profile_editor(corpus: Path, top: int) -> None:
    """cProfile of one editor run (a fresh flake8 process on one buffer)
    with a warm context: imports, astroid's bootstrap, the context read
    from the cache, and the analysis."""
    from persistlint import cli

    compiled(Path(cli.__file__).parent)
    measure(flake8(WITH_PERSISTLINT, "1"), corpus)  # warms the context
    scratch = Path(tempfile.mkdtemp(prefix="persistlint-bench-profile-"))
    try:
        script, buffer = scratch / "flake8_with.py", scratch / "buffer.py"
        script.write_text(_FLAKE8_WITH, encoding="utf-8")
        buffer.write_text((corpus / EDITED_FILE).read_text(encoding="utf-8") + "# typed\n", encoding="utf-8")
        with open(buffer, "rb") as feed:
            done = subprocess.run([sys.executable, "-m", "cProfile", "-s", "cumulative", str(script),
                                   *editor(WITH_PERSISTLINT)[3:]], cwd=corpus, stdin=feed,
                                  capture_output=True, text=True, check=False)
        lines = done.stdout.splitlines()
        header = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        print("\n".join(lines[max(0, header - 4):header + 1 + top]))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", type=int, default=2000, help="corpus size in modules (default 2000)")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--keep", type=Path,
                        help="write the corpus here and keep it (e.g. benchmarks/corpus)")
    parser.add_argument("--jobs", default=str(os.cpu_count() or 1), help="the -j of the parallel runs")
    parser.add_argument("--no-report", action="store_true", help="skip the persistlint report runs")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each scenario this many times, plain and persistlint back to back; "
                             "the table gives the medians")
    parser.add_argument("--only", default="", help="run only the scenarios whose name contains this text")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of a cold pass instead (with --only editor: of one editor run)")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()

    scratch = None
    if args.keep:
        corpus = args.keep.resolve()
        shutil.rmtree(corpus, ignore_errors=True)
    else:
        scratch = tempfile.mkdtemp(prefix="persistlint-bench-")
        corpus = Path(scratch) / "corpus"
    try:
        count = generate(corpus, args.modules, args.seed)
        lines = sum(p.read_text(encoding="utf-8").count("\n") for p in corpus.rglob("*.py"))
        print(f"corpus: {count} modules, {lines} lines in {corpus}")
        if args.profile and "editor" in args.only:
            profile_editor(corpus, args.top)
            return
        if args.profile:
            profile(corpus, args.top)
            return
        from persistlint import cli

        compiled(Path(cli.__file__).parent)
        with_report = not args.no_report and "report" in cli.main.commands
        table(run_all(corpus, args.jobs, with_report, args.only, max(1, args.repeat)))
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
