"""What a call or a value is (:mod:`persistlint.context.infer`), and the
inference boundary: the answers never depend on which libraries happen to
be installed, and inference never enters a third-party package."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import astroid
import pytest
from astroid import nodes

from persistlint.context import infer
from persistlint.diagnostic import Evidence

INFERRED, IMPORT_ALIAS, ANNOTATION = Evidence.INFERRED, Evidence.IMPORT_ALIAS, Evidence.ANNOTATION


def module_of(root: Path, source: str, name: str = "app/main.py", **others: str) -> nodes.Module:
    """Parse ``name`` in a project at ``root`` holding ``others`` too
    (keys are paths with ``/`` written as ``__``)."""
    (root / "pyproject.toml").touch()
    for other, text in {**others, name.replace("/", "__"): source}.items():
        path = root / other.replace("__", "/")
        path = path if path.suffix == ".py" else path.with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        if path.parent != root:
            (path.parent / "__init__.py").touch()
    target = root / name
    return infer.parse(target.read_text(encoding="utf-8"), target, root)


def call(module: nodes.Module, text: str) -> nodes.Call:
    found = [c for c in module.nodes_of_class(nodes.Call) if c.as_string() == text]
    assert len(found) == 1, [c.as_string() for c in module.nodes_of_class(nodes.Call)]
    return found[0]


def resolved(module: nodes.Module, text: str) -> tuple[str, Evidence] | None:
    found = infer.resolve_call(call(module, text))
    return (found.qualname, found.evidence) if found else None


def type_of(module: nodes.Module, name: str, line_text: str) -> tuple[str, Evidence] | None:
    """The type of the Name ``name`` where it is used in the call ``line_text``."""
    use = next(n for n in call(module, line_text).nodes_of_class(nodes.Name) if n.name == name)
    found = infer.resolve_type(use)
    return (found.qualname, found.evidence) if found else None


# ---------------------------------------------------------------- resolution

@pytest.mark.parametrize("source, text, expected", [
    ("from time import sleep as nap\nnap(1)\n", "nap(1)", ("time.sleep", INFERRED)),
    ("import time as t\nt.sleep(1)\n", "t.sleep(1)", ("time.sleep", INFERRED)),
    ("import requests as r\nr.get(u)\n", "r.get(u)", ("requests.get", INFERRED)),
    ("from pathlib import Path\np = Path(x)\np.read_bytes()\n", "p.read_bytes()",
     ("pathlib.Path.read_bytes", INFERRED)),
    ("import os.path\nos.path.exists(p)\n", "os.path.exists(p)", ("os.path.exists", IMPORT_ALIAS)),
    ("import time\nnap = time.sleep\nnap(1)\n", "nap(1)", ("time.sleep", INFERRED)),
    ("with open(p) as f:\n    f.read()\n", "f.read()", ("io.TextIOWrapper.read", INFERRED)),
    ("import somelib.thing\nsomelib.thing.go()\n", "somelib.thing.go()", ("somelib.thing.go", IMPORT_ALIAS)),
    ("from somelib import thing as t\nt.go()\n", "t.go()", ("somelib.thing.go", IMPORT_ALIAS)),
])
def test_aliases_and_instances(tmp_path, source, text, expected):
    qualname, evidence = resolved(module_of(tmp_path, source), text)
    assert qualname == expected[0]
    assert evidence >= expected[1]


SESSIONS = """
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker

engine = create_async_engine("postgresql+asyncpg://db/app")
AsyncSessionLocal = async_sessionmaker(engine, expire_on_commit=False)
SessionLocal = sessionmaker()


async def get_db():
    async with AsyncSessionLocal() as session:
        yield session


async def annotated_default(s: AsyncSession = Depends(get_db)):
    await s.get(User, 1)


async def annotated_alias(s: Annotated[AsyncSession, Depends(get_db)]):
    await s.execute(select(User))


async def unannotated_depends(db=Depends(get_db)):
    await db.commit()


async def from_async_factory():
    async with AsyncSessionLocal() as session:
        res = await session.execute(select(User))
        res.scalars()


def from_sync_factory():
    session = SessionLocal()
    session.query(User)
    with SessionLocal() as other:
        other.scalars(select(User))
"""


@pytest.mark.parametrize("text, expected", [
    ("s.get(User, 1)", ("sqlalchemy.ext.asyncio.AsyncSession.get", ANNOTATION)),
    ("s.execute(select(User))", ("sqlalchemy.ext.asyncio.AsyncSession.execute", ANNOTATION)),
    ("select(User)", None),  # several: checked below
    ("db.commit()", ("sqlalchemy.ext.asyncio.AsyncSession.commit", INFERRED)),
    ("session.execute(select(User))", ("sqlalchemy.ext.asyncio.AsyncSession.execute", INFERRED)),
    ("res.scalars()", ("sqlalchemy.Result.scalars", INFERRED)),
    ("session.query(User)", ("sqlalchemy.orm.Session.query", INFERRED)),
    ("other.scalars(select(User))", ("sqlalchemy.orm.Session.scalars", INFERRED)),
    ("AsyncSessionLocal()", None),
])
def test_sessions(tmp_path, text, expected):
    module = module_of(tmp_path, SESSIONS)
    if expected is None:
        found = [infer.resolve_call(c) for c in module.nodes_of_class(nodes.Call) if c.as_string() == text]
        assert found and all(f is not None for f in found)
        return
    found = resolved(module, text)
    assert found is not None
    assert found[0] == expected[0]
    assert found[1] >= expected[1]


def test_select_and_sessionmaker_calls(tmp_path):
    module = module_of(tmp_path, SESSIONS)
    selects = {infer.resolve_call(c).qualname for c in module.nodes_of_class(nodes.Call)
               if c.as_string() == "select(User)"}
    assert selects == {"sqlalchemy.select"}
    factory = infer.resolve_call(next(c for c in module.nodes_of_class(nodes.Call)
                                      if c.as_string() == "AsyncSessionLocal()"))
    assert factory.qualname == "sqlalchemy.ext.asyncio.async_sessionmaker.__call__"


def test_project_helper_from_another_module(tmp_path):
    module = module_of(tmp_path, """
        from app.db import open_session, pause
        from app import db


        def use():
            pause(1)
            db.pause(2)
            s = open_session()
            s.commit()
    """, app__db="""
        import time
        from sqlalchemy.orm import Session


        def open_session() -> Session:
            return Session()


        def pause(seconds):
            time.sleep(seconds)
    """)
    assert resolved(module, "pause(1)") == ("app.db.pause", INFERRED)
    assert resolved(module, "db.pause(2)") == ("app.db.pause", INFERRED)
    assert resolved(module, "s.commit()")[0] == "sqlalchemy.orm.Session.commit"


def test_relative_imports(tmp_path):
    module = module_of(tmp_path, """
        from .helpers import pause
        from . import helpers
        from ..shared.clock import tick


        def use():
            pause(1)
            helpers.pause(2)
            tick()
    """, name="pkg/sub/main.py", pkg__sub__helpers="def pause(seconds):\n    pass\n",
                       pkg__shared__clock="def tick():\n    pass\n")
    assert resolved(module, "pause(1)") == ("pkg.sub.helpers.pause", INFERRED)
    assert resolved(module, "helpers.pause(2)") == ("pkg.sub.helpers.pause", INFERRED)
    assert resolved(module, "tick()") == ("pkg.shared.clock.tick", INFERRED)


def test_src_layout(tmp_path):
    module = module_of(tmp_path, "from app.util import go\ngo()\n", name="src/app/main.py",
                       src__app__util="def go():\n    pass\n")
    assert resolved(module, "go()") == ("app.util.go", INFERRED)


def test_awaited_project_function_result(tmp_path):
    module = module_of(tmp_path, """
        from sqlalchemy.ext.asyncio import AsyncSession
        from app.repo import load


        async def use(session: AsyncSession):
            result = await load(session)
            result.scalars()
    """, app__repo="""
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession


        async def load(session: AsyncSession):
            return await session.execute(select(1))
    """)
    found = resolved(module, "result.scalars()")
    assert found is not None and found[0] == "sqlalchemy.Result.scalars"


def test_unknown_stays_unknown(tmp_path):
    """On doubt: None, so that rules stay silent."""
    module = module_of(tmp_path, "def f(thing):\n    thing.sleep(1)\n    mystery()\n")
    assert resolved(module, "thing.sleep(1)") is None
    assert resolved(module, "mystery()") is None


# ---------------------------------------------------------------- boundary

def test_third_party_package_is_never_built(tmp_path, monkeypatch):
    """A library on sys.path that is neither stubbed nor stdlib is outside
    the boundary: calls into it resolve from the import statement, and
    astroid never reads (let alone imports) its source."""
    site = tmp_path / "site"
    package = site / "hugelib"
    package.mkdir(parents=True)
    marker = tmp_path / "IMPORTED"
    (package / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        + "".join(f"def f{i}():\n    return {i}\n" for i in range(20000))
        + "def go():\n    return 1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    project = tmp_path / "proj"
    project.mkdir()
    module = module_of(project, "import hugelib\nfrom hugelib import go\nhugelib.go()\ngo()\n")
    assert resolved(module, "hugelib.go()") == ("hugelib.go", IMPORT_ALIAS)
    assert resolved(module, "go()") == ("hugelib.go", IMPORT_ALIAS)
    assert "hugelib" not in infer.MANAGER.astroid_cache
    assert "hugelib" not in sys.modules
    assert not marker.exists()


def test_stubbed_libraries_come_from_the_stubs(tmp_path):
    """Whatever is installed, the modules astroid holds for the stubbed
    libraries are the stubs (no file), never an installed package."""
    module_of(tmp_path, SESSIONS)
    for name in ("sqlalchemy", "sqlalchemy.orm", "sqlalchemy.ext.asyncio", "fastapi"):
        held = infer.MANAGER.astroid_cache[name]
        assert not (held.file and Path(held.file).is_file()), f"{name} was built from {held.file}"
    site_packages = [p for p in sys.path if p.endswith("site-packages")]
    for name, held in infer.MANAGER.astroid_cache.items():
        file = getattr(held, "file", None) or ""
        if any(file.startswith(p) for p in site_packages):
            pytest.fail(f"{name} was built from an installed package: {file}")


def _stub_built(name: str, transformed: bool) -> nodes.Module:
    from astroid.builder import AstroidBuilder

    from persistlint.context import brain

    infer.BOUNDARY.install()
    return AstroidBuilder(infer.MANAGER, apply_transforms=transformed).string_build(
        brain.stub_sources()[name], modname=name)


def _outline(module: nodes.Module) -> tuple:
    """What a transform may change in a tree: its text and structure, the
    names each scope binds, and the nodes given an inference tip."""
    scopes = [(scope.name, sorted((name, [(type(node).__name__, node.lineno, node.as_string()) for node in found])
                                  for name, found in scope.locals.items()))
              for scope in module.nodes_of_class((nodes.Module, nodes.ClassDef, nodes.FunctionDef))]
    tips = [node.as_string() for node in module.nodes_of_class(nodes.NodeNG)
            if getattr(node, "_explicit_inference", None) is not None]
    return module.as_string(), module.repr_tree(), scopes, tips


def test_stubs_built_without_transforms_are_what_the_transforms_would_build():
    """The stubs astroid's transforms leave as they are are built without
    them (the cost of an editor's first inference through SQLAlchemy); the
    list of the others is exact, so a new stub or an astroid update that
    makes a transform apply shows here."""
    from persistlint.context import brain

    changed = set()
    for name in brain.STUBS:
        if _outline(_stub_built(name, True)) != _outline(_stub_built(name, False)):
            changed.add(name)
    assert changed - brain.UNTRANSFORMED_ON_PURPOSE == set(brain.TRANSFORMED_STUBS)
    assert not brain.UNTRANSFORMED_ON_PURPOSE & brain.TRANSFORMED_STUBS
    built = infer.BOUNDARY.built_stub("sqlalchemy.orm")  # as inference builds it (a package, so marked)
    expected = _outline(_stub_built("sqlalchemy.orm", True))
    assert built is not None and _outline(built)[::2] == expected[::2] and _outline(built)[3] == expected[3]


# The same resolutions, printed as JSON, in a fresh interpreter.
_PROBE = """
import json, sys
from pathlib import Path
from astroid import nodes
from persistlint.context import infer
root = Path(sys.argv[1])
source = (root / "app.py").read_text()
module = infer.parse(source, root / "app.py", root)
print(json.dumps([[c.as_string(), *(lambda r: [r.qualname, r.evidence.name] if r else [None, None])(
    infer.resolve_call(c))] for c in module.nodes_of_class(nodes.Call)]))
"""

# Libraries that look installed and would do harm if anything imported or
# inferred into them.
_FAKE_LIBRARY = """
raise SystemExit("{name} must never be imported by persistlint")
class Session:
    def execute(self, statement):
        return 1
class AsyncSession(Session):
    pass
def select(*a):
    return None
def Depends(x):
    return x
"""


def test_results_do_not_depend_on_installed_libraries(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").touch()
    (project / "app.py").write_text(SESSIONS + "\nimport requests\nrequests.get(u)\n", encoding="utf-8")
    fake = tmp_path / "fake_site"
    for name in ("sqlalchemy", "sqlalchemy/orm", "sqlalchemy/ext", "sqlalchemy/ext/asyncio",
                 "fastapi", "requests"):
        (fake / name).mkdir(parents=True, exist_ok=True)
        (fake / name / "__init__.py").write_text(_FAKE_LIBRARY.format(name=name), encoding="utf-8")

    def probe(extra_path: str | None) -> list:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": extra_path or ""}
        result = subprocess.run([sys.executable, "-c", _PROBE, str(project)], capture_output=True,
                                text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    plain = probe(None)
    shadowed = probe(str(fake))
    assert plain == shadowed
    resolved_names = {qualname for _, qualname, _ in plain if qualname}
    assert {"sqlalchemy.ext.asyncio.AsyncSession.execute", "sqlalchemy.orm.Session.query",
            "requests.get", "sqlalchemy.select"} <= resolved_names


def test_type_alias_annotations_local_and_imported(tmp_path):
    module = module_of(tmp_path, """
        from typing import Annotated, Optional

        from fastapi import Depends
        from sqlalchemy import select
        from sqlalchemy.ext.asyncio import AsyncSession

        from app.deps import DB, get_db

        LocalDB = Annotated[AsyncSession, Depends(get_db)]
        MaybeDB = Optional[LocalDB]


        async def imported_alias(db: DB):
            await db.execute(select(1))


        async def local_alias(db: LocalDB):
            await db.scalars(select(2))


        async def alias_of_alias(db: MaybeDB):
            await db.get(3, 4)
    """, app__deps="""
        from typing import Annotated

        from fastapi import Depends
        from sqlalchemy.ext.asyncio import AsyncSession


        async def get_db():
            yield AsyncSession()


        DB = Annotated[AsyncSession, Depends(get_db)]
    """)
    assert resolved(module, "db.execute(select(1))")[0] == "sqlalchemy.ext.asyncio.AsyncSession.execute"
    assert resolved(module, "db.scalars(select(2))")[0] == "sqlalchemy.ext.asyncio.AsyncSession.scalars"
    assert resolved(module, "db.get(3, 4)")[0] == "sqlalchemy.ext.asyncio.AsyncSession.get"


def test_new_types_type_aliases_and_unions_are_their_base(tmp_path):
    module = module_of(tmp_path, """
        from app.db import AsyncReadSession, AsyncSession, Plain


        async def nested_new_type(session: AsyncSession):
            await session.get(1, 2)


        async def union_of_new_types(session: AsyncSession | AsyncReadSession):
            await session.scalars(3)


        async def type_alias(session: Plain):
            await session.execute(4)
    """, app__db="""
        from typing import NewType, TypeAlias

        from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession

        AsyncReadSession = NewType("AsyncReadSession", _AsyncSession)
        AsyncSession = NewType("AsyncSession", AsyncReadSession)
        Plain: TypeAlias = _AsyncSession
    """)
    assert resolved(module, "session.get(1, 2)")[0] == "sqlalchemy.ext.asyncio.AsyncSession.get"
    assert resolved(module, "session.scalars(3)")[0] == "sqlalchemy.ext.asyncio.AsyncSession.scalars"
    assert resolved(module, "session.execute(4)")[0] == "sqlalchemy.ext.asyncio.AsyncSession.execute"


def test_attributes_set_in_a_generic_base_class_and_self_classmethods(tmp_path):
    module = module_of(tmp_path, """
        from typing import Generic, Self, TypeVar

        from sqlalchemy.orm import Session

        M = TypeVar("M")


        class Base(Generic[M]):
            def __init__(self, session: Session):
                self.session = session

            @classmethod
            def from_session(cls, session: Session) -> Self:
                return cls(session)


        class OrgRepository(Base[int]):
            def names(self, ids):
                return [self.session.get(1, i) for i in ids]


        def use(session: Session):
            repository = OrgRepository.from_session(session)
            repository.names([1])
    """)
    assert resolved(module, "self.session.get(1, i)")[0] == "sqlalchemy.orm.Session.get"
    assert type_of(module, "repository", "repository.names([1])")[0] == "app.main.OrgRepository"


def test_loop_variables_take_the_item_type_of_an_annotated_collection(tmp_path):
    module = module_of(tmp_path, """
        from collections.abc import Sequence

        from sqlalchemy.orm import Session


        def each(sessions: list[Session], more: Sequence[Session], untyped):
            for s in sessions:
                s.get(1, 2)
            for t in more:
                t.flush()
            for u in untyped:
                u.commit()
    """)
    assert resolved(module, "s.get(1, 2)")[0] == "sqlalchemy.orm.Session.get"
    assert resolved(module, "t.flush()")[0] == "sqlalchemy.orm.Session.flush"
    assert resolved(module, "u.commit()") is None


def test_loop_variables_over_a_call_annotated_to_return_a_collection(tmp_path):
    module = module_of(tmp_path, """
        from sqlalchemy.orm import Session


        class Repo:
            def sessions(self) -> list[Session]:
                return []

            async def more(self) -> list[Session]:
                return []

            def untyped(self):
                return []


        async def each(repo: Repo):
            for s in repo.sessions():
                s.get(1, 2)
            for t in await repo.more():
                t.flush()
            for u in repo.untyped():
                u.commit()
    """)
    assert resolved(module, "s.get(1, 2)")[0] == "sqlalchemy.orm.Session.get"
    assert resolved(module, "t.flush()")[0] == "sqlalchemy.orm.Session.flush"
    assert resolved(module, "u.commit()") is None


def test_an_attribute_defined_from_itself_is_unknown_not_endless(tmp_path):
    module = module_of(tmp_path, """
        class Category:
            def save(self):
                self.name = self.name.strip()
                self.name.upper()
    """)
    assert resolved(module, "self.name.upper()") is None


def test_assigned_values_follow_assignments_made_only_in_a_branch():
    """``query = refine(query)`` under an ``if`` may not run: the value
    before it reaches the use too; one that always runs ends the list."""
    from persistlint.context.bindings import assigned_values

    module = astroid.parse(textwrap.dedent("""
        def search(session, negate, ids):
            query = session.query(Record)
            query = query.filter(Record.size > 0)
            if negate:
                query = refine(query)
            for i in ids:
                query = query.filter(Record.id != i)
            use(query)
            query = query.limit(5)
            use(query)
    """))
    uses = [call.args[0] for call in module.nodes_of_class(nodes.Call) if call.func.as_string() == "use"]
    first, second = ([value.as_string() for value in assigned_values(use)] for use in uses)
    assert first == ["query.filter(Record.id != i)", "refine(query)", "query.filter(Record.size > 0)"]
    assert second == ["query.limit(5)"]
