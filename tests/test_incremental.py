"""The incremental context build: after an edit, the context built from the
previous build's records equals a build from scratch of the edited tree,
and only the edited module and what depends on it is read again."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest

from persistlint.context import build, cache
from persistlint.settings import Settings
from tests.harness import TESTDATA

ROOT = Path(__file__).resolve().parent.parent
SHOP = TESTDATA / "projects" / "shop"
DJANGOAPP = TESTDATA / "projects" / "djangoapp"


def _bench():
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copied(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(cache.CACHE_DIR))
    return target


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A generated FastAPI + SQLAlchemy project of 40-odd modules."""
    target = tmp_path_factory.mktemp("corpus") / "corpus"
    _bench().generate(target, 42, 20240101)
    return target


def serialised(context) -> str:
    return json.dumps(context.to_json(), indent=1)


def from_scratch(root: Path) -> str:
    return serialised(build.load_or_build(root, Settings(cache=False)))


def edit_code(path: Path) -> None:
    """A code change that moves every node after the first statement."""
    text = path.read_text(encoding="utf-8")
    path.write_text(f'"""Edited."""\nEDITED = 1\n{text}', encoding="utf-8")


def rebuilt_after(root: Path, edit) -> object:
    settings = Settings()
    first = build.load_or_build(root, settings)
    assert first.memo[build.RECORDS] is not None, "a complete build leaves records for the next"
    edit(root)
    return build.load_or_build(root, settings)


@pytest.mark.parametrize("project, module, untouched", [
    (SHOP, "app/services/pricing.py", ["app/models.py", "app/worker.py", "app/api/customers.py"]),
    (SHOP, "app/api/customers.py", ["app/models.py", "app/services/pricing.py", "app/worker.py"]),
    (DJANGOAPP, "catalog/views.py", ["catalog/models.py", "library/settings.py"]),
])
def test_an_edit_of_one_module_rebuilds_it_and_its_importers_only(tmp_path, project, module, untouched):
    root = copied(project, tmp_path / "project")
    context = rebuilt_after(root, lambda root: edit_code(root / module))
    assert module in context.memo[build.SUMMARISED]
    assert not set(untouched) & set(context.memo[build.SUMMARISED])
    assert not set(untouched) & set(context.memo[build.LINKED])
    assert context.memo[build.REREAD] == [], "no manifest or migration changed"
    assert serialised(context) == from_scratch(root)


def importers(root: Path, module: str) -> set[str]:
    """The modules that import ``module`` (a path), directly or not, by
    their ``from app.x import y`` lines (the generated code has no other)."""
    imports = {}
    for path in root.rglob("*.py"):
        found = re.findall(r"^from (app[\w.]*) import", path.read_text(encoding="utf-8"), re.M)
        imports[path.relative_to(root).as_posix()] = {name.replace(".", "/") + ".py" for name in found}
    reached, todo = {module}, [module]
    while todo:
        target = todo.pop()
        for importer, names in imports.items():
            if target in names and importer not in reached:
                reached.add(importer)
                todo.append(importer)
    return reached


def test_on_a_generated_project_only_the_module_and_what_imports_it_is_summarised(tmp_path, corpus):
    root = copied(corpus, tmp_path / "corpus")
    edited = "app/d0001/repository.py"
    context = rebuilt_after(root, lambda root: edit_code(root / edited))
    expected = importers(root, edited)
    assert {edited, "app/d0001/service.py", "app/main.py"} <= expected
    assert len(expected) < len(context.memo[build.RECORDS]["modules"]) // 3
    assert set(context.memo[build.SUMMARISED]) == expected
    assert edited in context.memo[build.LINKED] and set(context.memo[build.LINKED]) <= expected
    assert serialised(context) == from_scratch(root)


def test_a_model_edit_rereads_the_models_and_the_result_equals_a_build_from_scratch(tmp_path, corpus):
    root = copied(corpus, tmp_path / "corpus")

    def edit(root: Path) -> None:
        path = root / "app/d0002/models.py"
        path.write_text(path.read_text(encoding="utf-8").replace(
            'String(200), index=True)', 'String(200), index=True)\n    note: Mapped[str] = mapped_column(String(9))'),
            encoding="utf-8")

    context = rebuilt_after(root, edit)
    assert "app/d0002/models.py" in context.memo[build.SUMMARISED]
    assert serialised(context) == from_scratch(root)


def test_added_and_removed_functions_and_modules_give_the_context_of_a_build_from_scratch(tmp_path, corpus):
    root = copied(corpus, tmp_path / "corpus")

    def edit(root: Path) -> None:
        with open(root / "app/d0003/repository.py", "a", encoding="utf-8") as out:
            out.write("\n\nasync def purge(session):\n    await session.commit()\n")
        (root / "app/d0004/worker.py").unlink()
        (root / "app/extra.py").write_text(
            "from app.d0003.repository import purge\n\n\nasync def run(session):\n    await purge(session)\n",
            encoding="utf-8")

    context = rebuilt_after(root, edit)
    assert {"app/d0003/repository.py", "app/extra.py"} <= set(context.memo[build.SUMMARISED])
    assert "app.extra.run" in context.functions
    assert context.functions["app.extra.run"].reach("commit") is not None
    assert "app.d0004.worker.reindex_d0004" not in context.functions
    assert serialised(context) == from_scratch(root)


def test_a_manifest_edit_rereads_the_stack_and_a_migration_edit_the_triggers(tmp_path):
    root = copied(SHOP, tmp_path / "shop")

    def edit(root: Path) -> None:
        with open(root / "pyproject.toml", "a", encoding="utf-8") as out:
            out.write("\n# a comment is a change for a text file\n")

    context = rebuilt_after(root, edit)
    assert context.memo[build.REREAD] == ["tech stack"]
    assert context.memo[build.SUMMARISED] == []
    assert serialised(context) == from_scratch(root)

    migration = next((root / "alembic" / "versions").glob("0002_*.py"))
    edit_code(migration)
    context = build.load_or_build(root, Settings())
    assert "triggers" in context.memo[build.REREAD]
    assert serialised(context) == from_scratch(root)


def test_records_of_the_right_outline_but_wrong_inside_mean_a_build_from_scratch(tmp_path):
    root = copied(SHOP, tmp_path / "shop")
    build.load_or_build(root, Settings())
    path = root / cache.CACHE_DIR / cache.RECORDS_FILE
    records = json.loads(path.read_text(encoding="utf-8"))
    for record in records["modules"].values():
        record["facts"] = {"own": "not a list of summaries"}
    path.write_text(json.dumps(records), encoding="utf-8")
    edit_code(root / "app/services/pricing.py")
    context = build.load_or_build(root, Settings())
    assert len(context.memo[build.SUMMARISED]) == len(records["modules"])
    assert serialised(context) == from_scratch(root)


def test_records_are_kept_apart_from_the_context_a_warm_run_reads(tmp_path):
    root = copied(SHOP, tmp_path / "shop")
    build.load_or_build(root, Settings())
    folder = root / cache.CACHE_DIR
    assert "records" not in json.loads((folder / cache.CONTEXT_FILE).read_text(encoding="utf-8"))
    (folder / cache.RECORDS_FILE).unlink()
    edit_code(root / "app/services/pricing.py")
    context = build.load_or_build(root, Settings())  # no records: from scratch, and records again
    assert len(context.memo[build.SUMMARISED]) > 10
    assert (folder / cache.RECORDS_FILE).is_file()
    assert serialised(context) == from_scratch(root)


def test_a_context_table_answers_whole_table_questions_from_an_index_kept_current():
    from persistlint.context import incremental
    from persistlint.context.summaries import CallSite, FunctionSummary

    def summary(name: str, *callees: str) -> FunctionSummary:
        return FunctionSummary(qualname=name, path="app.py", line=1, end_line=2,
                               calls=tuple(CallSite(callee, 1, 0) for callee in callees))

    table = incremental.Indexed({"a.load": summary("a.load", "db.get"), "b.Repo.load": summary("b.Repo.load"),
                                 "c.run": summary("c.run", "db.get", "a.load")})
    plain = dict(table)

    def asked(query: str, key: str) -> list[str]:
        names = [name for name, _ in incremental.selected(table, query, key)]
        assert names == [name for name, _ in incremental.selected(plain, query, key)]  # the scan's answer
        return names

    assert asked("method", "load") == ["a.load", "b.Repo.load"]
    assert asked("calls", "db.get") == ["a.load", "c.run"]
    table["d.Other.load"] = summary("d.Other.load", "db.get")  # the index follows the change
    plain["d.Other.load"] = table["d.Other.load"]
    assert asked("method", "load") == ["a.load", "b.Repo.load", "d.Other.load"]
    del table["a.load"], plain["a.load"]
    assert asked("calls", "db.get") == ["c.run", "d.Other.load"]
