"""The symbol index of the cached context (:mod:`persistlint.context.symbols`):
what it records, and that linting one file answers from it exactly what
inference through the imported modules answers, without building them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from persistlint.context import forget_projects, project_context
from persistlint.settings import Settings

FILES = {
    "pyproject.toml": "",
    "app/__init__.py": "from app.repo import Repo\n",
    "app/models.py": """
        class Org:
            name: str
    """,
    "app/repo.py": """
        import functools

        from app.models import Org

        class Repo:
            def __init__(self, session):
                self.session = session

            def get(self, org_id) -> Org:
                return self.session.get(Org, org_id)

            def all(self) -> list[Org]:
                return []

            @property
            def first(self):
                return None

        def make_repo(session) -> Repo:
            return Repo(session)

        @functools.cache
        def cached(session):
            return Repo(session)

        def twice():
            return 1

        def twice():
            return 2
    """,
    "app/service.py": """
        from app import Repo
        from app.repo import cached, make_repo, twice

        def handle(session):
            repo = make_repo(session)
            org = repo.get(1)
            for each in repo.all():
                print(each)
            cached(session)
            twice()
            return Repo(session), org
    """,
}


def write(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_index_records_definitions_returns_and_aliases(tmp_path):
    root = write(tmp_path)
    forget_projects()
    index = project_context(root, Settings(cache=False)).symbols
    repo = index["app.repo"]
    assert repo["Repo"] == {"kind": "class", "qualname": "app.repo.Repo"}
    assert repo["Repo.get"]["returns"] == ["app.models.Org", "ANNOTATION"]
    assert repo["Repo.all"]["element"] == ["app.models.Org", "ANNOTATION"]
    assert repo["make_repo"] == {"kind": "function", "qualname": "app.repo.make_repo",
                                 "returns": ["app.repo.Repo", "ANNOTATION"], "element": None,
                                 "summary": True}
    # a decorator may make it anything, a name bound twice is either: inference decides
    assert "cached" not in repo and "twice" not in repo and "Repo.first" not in repo
    assert index["app"]["Repo"] == {"kind": "alias", "qualname": "app.repo.Repo"}


_LINT_ONE_FILE = """
import json, sys
from pathlib import Path
from astroid import nodes
from persistlint.context import infer, project_context, symbols
from persistlint.settings import Settings

root = Path(sys.argv[1])
context = project_context(root, Settings())
if sys.argv[2] == "without":
    symbols.ACTIVE.use(root, None)
path = root / "app" / "service.py"
buffer = path.read_text(encoding="utf-8") + "# typed, not saved\\n"
module = infer.parse(buffer, path, root)
answers = {}
for call in module.nodes_of_class(nodes.Call):
    found = infer.resolve_call(call)
    typed = infer.resolve_type(call)
    answers[call.as_string()] = [found and [found.qualname, found.evidence.name],
                                 typed and [typed.qualname, typed.evidence.name]]
for loop in module.nodes_of_class(nodes.For):
    found = infer.element_type(loop.iter)
    answers["for " + loop.iter.as_string()] = found and [found.qualname, found.evidence.name]
print(json.dumps({"answers": answers, "built": sorted(n for n in infer.MANAGER.astroid_cache
                                                      if n.startswith("app"))}))
"""


def lint_one_file(root: Path, mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _LINT_ONE_FILE, str(root), mode],
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def test_one_file_answers_from_the_index_as_inference_does(tmp_path):
    root = write(tmp_path)
    lint_one_file(root, "with")  # builds and caches the context
    indexed, inferred = lint_one_file(root, "with"), lint_one_file(root, "without")
    assert indexed["answers"] == inferred["answers"]
    assert indexed["answers"]["make_repo(session)"] == [["app.repo.make_repo", "INFERRED"],
                                                        ["app.repo.Repo", "INFERRED"]]
    assert indexed["answers"]["for repo.all()"] == ["app.models.Org", "ANNOTATION"]
    # the module of a return annotation is not built to read it
    assert "app.models" in inferred["built"] and "app.models" not in indexed["built"]


def test_index_records_state_attributes_per_module(tmp_path):
    (tmp_path / "pyproject.toml").touch()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text(textwrap.dedent("""
        import boto3

        async def lifespan(app):
            app.state.s3 = boto3.client("s3")
            app.state.user_id = compute()
    """), encoding="utf-8")
    forget_projects()
    index = project_context(tmp_path, Settings(cache=False)).symbols
    assert index["app.main"]["state:s3"] == {"kind": "state", "types": [["boto3.BaseClient", "INFERRED"]]}
    assert "state:user_id" not in index["app.main"]  # a value of no known type says nothing
    from persistlint.context import symbols
    assert symbols.state_types(index, "s3", "app.routes") == [("boto3.BaseClient", symbols.Evidence.INFERRED)]
    assert symbols.state_types(index, "s3", "app.main") == []  # a module answers from its own tree
