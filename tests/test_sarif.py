"""``persistlint report --format sarif``: valid SARIF 2.1.0 (the official
schema in ``../shared/sarif``, never copied here) within GitHub code
scanning's documented constraints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from persistlint import registry
from persistlint.cli import main
from persistlint.diagnostic import Diagnostic, Effort, Severity
from persistlint.report import model, sarif
from tests import harness
from tests.harness import SHARED

SCHEMA = SHARED / "sarif" / "sarif-schema-2.1.0.json"

SOURCE = '''import time
import requests


async def handler():
    time.sleep(1)


async def fetch(url):
    response = requests.get(url)
    time.sleep(1)
    return response
'''


@pytest.fixture(scope="module")
def validator():
    if not SCHEMA.is_file():
        pytest.skip("../shared/sarif is not present")
    from jsonschema import Draft4Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    for name, text in {"pyproject.toml": "[project]\nname = 'p'\n", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _sarif(root: Path, monkeypatch) -> dict:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["report", ".", "--format", "sarif", "--date", "2026-02-01"])
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def _errors(validator, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_valid_sarif_with_rules_results_and_notifications(tmp_path, monkeypatch, validator):
    root = _project(tmp_path, {"app/jobs.py": SOURCE, "app/broken.py": "def f(:\n",
                               "app/naïve dir/x.py": "import time\n\n\nasync def g():\n    time.sleep(1)\n"})
    document = _sarif(root, monkeypatch)
    assert _errors(validator, document) == []
    assert document["version"] == "2.1.0" and len(document["runs"]) == 1
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    rules = registry.all_rules()
    scored = [code for code in rules if not code.startswith("PX")]
    assert [r["id"] for r in driver["rules"]] == scored  # every scored rule, results or not
    assert [n["id"] for n in driver["notifications"]] == [c for c in rules if c.startswith("PX")]
    for descriptor in driver["rules"]:
        assert descriptor["shortDescription"]["text"] and descriptor["fullDescription"]["text"]
        assert descriptor["help"]["markdown"].startswith("## What it does")
        assert len(descriptor["properties"]["tags"]) <= sarif.MAX_TAGS
    assert driver["rules"][[r["id"] for r in driver["rules"]].index("PR303")]["helpUri"].startswith("https://")

    results = run["results"]
    assert results and len(results) <= sarif.MAX_RESULTS
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == sarif.LEVEL[Severity[result["properties"]["severity"]]]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert result["partialFingerprints"]["primaryLocationLineHash"]
        assert result["properties"]["effort"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "app/na%C3%AFve%20dir/x.py" in uris
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"

    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["PX001"]
    assert "PX001" not in {r["ruleId"] for r in results}


def test_fingerprints_survive_code_moving_down(tmp_path, monkeypatch, validator):
    root = _project(tmp_path, {"app/jobs.py": SOURCE})
    before = _sarif(root, monkeypatch)["runs"][0]["results"]
    (root / "app" / "jobs.py").write_text("# a new header comment\n\n" + SOURCE, encoding="utf-8")
    after = _sarif(root, monkeypatch)["runs"][0]["results"]

    def prints(results):
        return sorted((r["ruleId"], r["partialFingerprints"]["primaryLocationLineHash"]) for r in results)

    assert prints(before) == prints(after)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after] != \
        [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before]
    hashes = [h for _, h in prints(after)]
    assert len(set(hashes)) == len(hashes)  # two identical `time.sleep(1)` lines told apart


def test_columns_count_code_points(validator):
    line = "    café = time.sleep(1)"
    byte_offset = line.encode("utf-8").index(b"time")
    assert sarif._column(line, byte_offset) == line.index("time") + 1


def test_results_are_capped_at_githubs_limit(validator, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    diagnostics = [Diagnostic(path="a.py", line=n, col=0, code="PR303", severity=Severity.MEDIUM,
                              effort=Effort.S, issue=f"sleep {n}", principle="p", recommendation="r")
                   for n in range(1, 6)]
    diagnostics.append(Diagnostic(path="b.py", line=1, col=0, code="PT201", severity=Severity.CRITICAL,
                                  effort=Effort.M, issue="x", principle="p", recommendation="r"))
    document = sarif.to_sarif(model.make("2026-02-01", "/nonexistent", {}, diagnostics))
    assert _errors(validator, document) == []
    results = document["runs"][0]["results"]
    assert len(results) == 3 and results[0]["ruleId"] == "PT201"  # the most severe kept
    note = document["runs"][0]["invocations"][0]["toolExecutionNotifications"][-1]
    assert "only the 3 most severe" in note["message"]["text"]


@pytest.mark.parametrize("git_entry", ["directory", "worktree file"])
def test_uris_are_relative_to_the_repository_top(tmp_path, validator, git_entry):
    """A project in ``backend/`` of a monorepo: the URIs name
    ``backend/app/worker.py`` under the repository top, so code scanning
    puts the alerts on the right files, whichever directory ran the report."""
    repository = tmp_path / "repo"
    root = _project(repository, {"app/worker.py": SOURCE})
    backend = root.rename(repository / "backend")
    if git_entry == "directory":
        (repository / ".git").mkdir()
    else:
        (repository / ".git").write_text("gitdir: /elsewhere/.git/worktrees/repo\n", encoding="utf-8")
    for cwd, args in ((backend, ["."]), (repository, ["backend"])):
        result = harness.persistlint("report", *args, "--format", "sarif", cwd=cwd)
        assert result.returncode == 1, result.stderr
        document = json.loads(result.stdout)
        assert _errors(validator, document) == []
        run = document["runs"][0]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
        assert uris == {"backend/app/worker.py"}
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repository.resolve().as_uri() + "/"


def test_uris_without_a_repository_are_relative_to_the_project(tmp_path, monkeypatch, validator):
    root = _project(tmp_path, {"app/worker.py": SOURCE})
    run = _sarif(root, monkeypatch)["runs"][0]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]} == {"app/worker.py"}
