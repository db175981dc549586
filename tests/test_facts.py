"""The fact layer in ``persistlint/context/``: typed function summaries and
their propagation through project calls, the one blocking table, and the
layering (facts never import rules, the registry or the report)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from persistlint.context import blocking, summaries
from tests.harness import REPO
from tests.test_context import context_of, write

LAYERED = """
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
    import functools
    import httpx
    import time


    class Base(DeclarativeBase):
        pass


    class Org(Base):
        __tablename__ = "orgs"
        id: Mapped[int] = mapped_column(primary_key=True)
        members = relationship("Member")

        def member_names(self):
            return [m.name for m in self.members]


    class Member(Base):
        __tablename__ = "members"
        id: Mapped[int] = mapped_column(primary_key=True)


    class OrgRepository:
        def __init__(self, session: AsyncSession):
            self.session = session

        async def get(self, org_id: int) -> Org | None:
            return await self.session.get(Org, org_id)

        async def rename(self, org: Org, name: str) -> None:
            org.name = name
            await self.session.commit()


    class OrgService:
        def __init__(self, repo: OrgRepository):
            self.repo = repo

        async def load(self, org_id: int):
            return await self.repo.get(org_id)


    async def sync_all(service: OrgService, ids):
        for org_id in ids:
            await service.load(org_id)


    def ping():
        return httpx.get("https://example.invalid")


    def notify():
        ping()


    @functools.lru_cache
    def settings():
        time.sleep(1)


    def uses_settings():
        settings()


    def even(n):
        return n == 0 or odd(n - 1)


    def odd(n):
        return n != 0 and even(n - 1)
"""


@pytest.fixture(scope="module")
def layered(tmp_path_factory):
    root = write(tmp_path_factory.mktemp("layered"), {"pyproject.toml": "", "app/__init__.py": "",
                                                      "app/orgs.py": LAYERED})
    return context_of(root)


def summary(context, name: str) -> summaries.FunctionSummary:
    return context.functions[f"app.orgs.{name}"]


def test_own_query_of_a_repository_method(layered):
    get = summary(layered, "OrgRepository.get")
    assert [(q.what, q.model) for q in get.queries] == [("self.session.get", "Org")]
    assert get.reach("query").chain == ()


def test_query_propagates_through_service_and_repository_with_the_chain(layered):
    reach = summary(layered, "sync_all").reach("query")
    assert reach is not None
    assert reach.chain == ("app.orgs.OrgService.load", "app.orgs.OrgRepository.get")
    assert reach.names() == ["load", "get", "self.session.get"]


def test_commit_made_by_a_repository_reaches_its_callers_only(layered):
    assert summary(layered, "OrgRepository.rename").reach("commit") is not None
    assert summary(layered, "OrgService.load").reach("commit") is None


def test_lazy_relationship_read_in_a_model_method_is_a_query(layered):
    names = summary(layered, "Org.member_names")
    assert [q.what for q in names.queries] == ["self.members (lazy load)"]


def test_network_reaches_through_a_sync_helper(layered):
    reach = summary(layered, "notify").reach("network")
    assert reach is not None and reach.chain == ("app.orgs.ping",)
    assert reach.what == "httpx.get"


def test_blocking_does_not_propagate_through_a_memoised_helper(layered):
    assert summary(layered, "settings").reach("block") is not None
    assert summary(layered, "uses_settings").reach("block") is None
    assert summary(layered, "uses_settings").reach("sleep") is not None  # it still waits, once


def test_recursion_reaches_a_fixed_point(layered):
    assert summary(layered, "even").reaches == {}
    assert summary(layered, "odd").reaches == {}


def test_summaries_round_trip_through_json(layered):
    for name, found in layered.functions.items():
        data = json.loads(json.dumps(found.to_json()))
        again = summaries.FunctionSummary.from_json(data)
        assert again.to_json() == found.to_json(), name


def test_effect_of_call_answers_at_the_call_site(tmp_path):
    from astroid import nodes

    root = write(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/orgs.py": LAYERED})
    context = context_of(root)
    from persistlint.context import FileContext, infer

    module = infer.parse((root / "app/orgs.py").read_text(), root / "app/orgs.py", root)
    fctx = FileContext(module, root / "app/orgs.py", "app/orgs.py", context, context.settings)
    call = next(c for c in module.nodes_of_class(nodes.Call) if c.func.as_string() == "service.load")
    reach = summaries.effect_of_call(call, "query", fctx)
    assert reach.chain[0] == "app.orgs.OrgService.load"
    assert reach.line == call.lineno


# ---------------------------------------------------------------- one blocking table

@pytest.mark.parametrize("qualname", sorted(
    name for name, kind in blocking.FUNCTIONS.items() if kind in blocking.EXTERNAL_OF_KIND))
def test_every_blocking_wait_is_external_work_for_transactions(qualname):
    """PT202/PT205 read the same table PR301/PR303 read: every sync network,
    file or sleep entry is external work inside a transaction, but for the
    loads a library answers from its cache after the first one."""
    expected = None if qualname in blocking.FIRST_USE_ONLY else blocking.EXTERNAL_OF_KIND[blocking.FUNCTIONS[qualname]]
    assert blocking.external_kind(qualname) == expected


@pytest.mark.parametrize("qualname, expected", [
    ("urllib3.request", "network"),
    ("socket.create_connection", "network"),
    ("redis.Redis.get", "network"),
    ("httpx.AsyncClient.post", "network"),
    ("aiohttp.ClientSession.get", "network"),
    ("boto3.BaseClient.put_object", "network"),
    ("boto3.BaseClient.generate_presigned_url", None),
    ("asyncio.sleep", "sleep"),
    ("aiofiles.open", "file"),
    ("io.TextIOWrapper.read", "file"),
    ("json.loads", None),
    ("subprocess.run", None),
    ("zoneinfo.ZoneInfo", None),  # a time zone is read once, then cached
    ("dateutil.tz.gettz", None),
])
def test_external_kind(qualname, expected):
    assert blocking.external_kind(qualname) == expected


# ---------------------------------------------------------------- layering

FACT_LAYER = REPO / "persistlint" / "context"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted(FACT_LAYER.glob("*.py")), ids=lambda p: p.name)
def test_the_fact_layer_imports_no_rule_registry_or_report(path):
    forbidden = [name for name in _imports(path)
                 if name.startswith(("persistlint.rules", "persistlint.registry", "persistlint.report"))]
    assert forbidden == []


def test_rule_packages_hold_rule_modules_only():
    rules = REPO / "persistlint" / "rules"
    for family in (p for p in rules.iterdir() if p.is_dir() and p.name != "__pycache__"):
        strays = [p.name for p in family.glob("*.py")
                  if p.name != "__init__.py" and not re.fullmatch(r"p[qtrx]\d{3}_[a-z0-9_]+\.py", p.name)]
        assert strays == [], family.name


def _part(module: str) -> str:
    """The top-level part of the package a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_two_parts_of_the_package_import_each_other():
    """Layers, not circles: the one allowed pair is the rule decorator's
    registry, which discovers the rule modules that import it."""
    package = REPO / "persistlint"
    edges: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        relative = path.relative_to(package.parent).with_suffix("")
        source = _part(".".join(relative.parts))
        for name in _imports(path):
            target = _part(name) if name.startswith("persistlint.") else ""
            if target and target != source and ((package / target).is_dir() or (package / f"{target}.py").is_file()):
                edges.setdefault(source, set()).add(target)
    circles = sorted((a, b) for a, targets in edges.items() for b in targets
                     if a < b and a in edges.get(b, set()))
    assert circles == [("registry", "rules")]
