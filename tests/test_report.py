"""``persistlint report``: scores, markdown and JSON (golden files), the
flake8 equivalence, the per-file cache, ``--merge`` and exit statuses.

Golden files live in ``tests/golden/``. After an intended change to the
report or to the sample project, regenerate them with::

    PERSISTLINT_UPDATE_GOLDENS=1 python -m pytest tests/test_report.py -k golden

and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from persistlint.cli import main
from persistlint.diagnostic import Diagnostic, Effort, Severity
from persistlint.context import knowledge
from persistlint.report import markdown, model, run, scoring
from tests.harness import TESTDATA

GOLDEN = Path(__file__).parent / "golden"
SHOP = TESTDATA / "projects" / "shop"
UPDATE = os.environ.get("PERSISTLINT_UPDATE_GOLDENS") == "1"
DATE = "2026-01-15"
L, M, H, C = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL


def diagnostic(code="PR303", severity=M, path="app/a.py", line=1, issue="Sync sleep", **extra) -> Diagnostic:
    return Diagnostic(path=path, line=line, col=extra.get("col", 0), code=code, severity=severity,
                      effort=Effort.S, issue=issue, principle="p",
                      recommendation=extra.get("recommendation", "use await asyncio.sleep(1)"))


def invoke(*args: str):
    return CliRunner().invoke(main, ["report", *args])


# -- scores ---------------------------------------------------------------------------

@pytest.mark.parametrize(("counts", "expected"), [
    ({}, "10.0"),
    ({L: 1}, "9.8"),
    ({L: 3}, "9.4"),  # 10 - 3*0.2 in floats is 9.399999999999999
    ({L: 7}, "8.6"),
    ({M: 1, L: 1}, "9.3"),
    ({C: 1, H: 1, M: 1, L: 1}, "6.3"),
    ({C: 5}, "0.0"),  # exactly 10 points of penalty
    ({C: 6}, "0.0"),  # never below zero
    ({L: 49}, "0.2"),
    ({L: 50}, "0.0"),
    ({H: 9, M: 1, L: 2}, "0.1"),
])
def test_category_score(counts, expected):
    score = scoring.score_from_counts(counts)
    assert str(score) == expected


@pytest.mark.parametrize(("scores", "expected"), [
    (("10.0", "10.0", "10.0"), "10.0"),
    (("9.9", "9.9", "10.0"), "9.9"),
    (("10.0", "6.3", "0.0"), "5.4"),
    (("0.0", "0.0", "0.1"), "0.0"),
    (("0.0", "0.1", "0.1"), "0.1"),
    (("8.0", "10.0", "5.0"), "7.7"),
])
def test_overall_is_the_mean_with_one_decimal(scores, expected):
    assert str(scoring.mean_score(Decimal(s) for s in scores)) == expected


def test_scores_by_category_ignore_internal_diagnostics():
    found = [diagnostic("PQ107", H), diagnostic("PQ102", C, line=2), diagnostic("PT201", L),
             diagnostic("PR301", M), diagnostic("PX001", L)]
    scores = scoring.score(found)
    by_name = {c.category: c for c in scores.categories}
    assert [c.category for c in scores.categories] == list(scoring.CATEGORIES)
    assert by_name["Query Efficiency"].score == Decimal("7.0")
    assert [d.code for d in by_name["Query Efficiency"].findings] == ["PQ102", "PQ107"]  # CRITICAL first
    assert by_name["Transaction Correctness"].score == Decimal("9.8")
    assert by_name["Runtime Performance"].score == Decimal("9.5")
    assert scores.overall == Decimal("8.8")  # (7.0 + 9.8 + 9.5) / 3 = 8.766...
    assert scores.counts == {C: 1, H: 1, M: 1, L: 1}
    assert scores.worst.category == "Query Efficiency"


# -- markdown -----------------------------------------------------------------------

def test_table_cells_never_break_the_table():
    text = markdown.table(["A", "B"], [[markdown.cell("x | y"), markdown.cell("line one\nline two")]])
    assert text.splitlines()[:2] == ["| A | B |", "|---|---|"]  # no padding
    row = text.splitlines()[2]
    assert row.count("|") - row.count("\\|") == 3
    assert "x \\| y" in row and "line one<br>line two" in row


@pytest.mark.parametrize(("text", "expected"), [
    ("__x__ is bold", "\\_\\_x\\_\\_ is bold"),
    ("<img src=x onerror=alert(1)> in a literal",
     "&lt;img `src=x` `onerror=alert(1)`&gt; in a literal"),
    ("session.get(Order, order_id) loads Order", "`session.get(Order, order_id)` loads Order"),
    ("reads a | b", "reads a \\| b"),
    ("session.execute(select(M).where(M.x == 'a|b'... loads M", "`session.execute(select(M).where(M.x == 'a\\|b'...` loads M"),
    ("wrap the writes in `with session.begin():`, e.g. here", "wrap the writes in `with session.begin():`, e.g. here"),
    ("[link](javascript:x) *em*", "\\[link\\](javascript:x) \\*em\\*"),
    ("Tom & Jerry", "Tom &amp; Jerry"),
])
def test_cell_text_is_escaped_for_markdown_and_html(text, expected):
    assert markdown.cell(text) == expected


def test_finding_rows_lead_with_the_rule_code():
    report = model.make(DATE, "/nowhere", {}, [diagnostic("PQ107", H, issue="N+1 query: <b>x</b>")])
    text = markdown.render(report)
    assert "| HIGH | `app/a.py:1` | PQ107 N+1 query: &lt;b&gt;x&lt;/b&gt; |" in text
    assert "<b>" not in text


@pytest.mark.parametrize(("severities", "word"), [
    ([H] * 27, "poor"),  # 1.0/10 overall but no CRITICAL finding: not "critical"
    ([C] * 15, "critical"),
    ([C], "poor"),  # 9.3/10, but a CRITICAL finding
    ([H], "fair"),  # 9.7/10, but a HIGH finding
    ([M, L], "good"),
])
def test_health_word_follows_scores_and_worst_severity(severities, word):
    findings = [diagnostic(("PQ107", "PT202", "PR303")[i % 3], severity, line=i + 1)
                for i, severity in enumerate(severities)]
    summary = markdown.executive_summary(model.make(DATE, "/nowhere", {}, findings))
    assert summary.startswith(f"Overall health is {word} at ")


def test_markdown_sections_in_order_and_empty_categories():
    report = model.make(DATE, "/nowhere", {}, [diagnostic("PR303", H, issue="a | b")])
    text = markdown.render(report)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        f"# Persistence & Performance Audit Report - {DATE}", "## Executive Summary",
        "## Compliance Score", "## Severity Summary", "## Findings by Category",
        "### 1. Query Efficiency", "### 2. Transaction Correctness", "### 3. Runtime Performance",
        "## Recommended Actions (Priority-Sorted)", "## Sources Consulted"]
    assert text.count("No issues found.") == 4  # two empty categories, in the table and the section
    assert "| **Overall**" in text and "**9.7/10**" in text
    assert "a \\| b" in text


def test_sources_list_only_what_applies():
    django = knowledge.references_for({"db": {"name": "PostgreSQL", "version": "16"},
                                       "orm": {"name": "Django", "version": "5.0"},
                                       "async": None, "web": {"name": "Django", "version": "5.0"}}, {})
    urls = [r["url"] for r in django]
    assert "https://docs.djangoproject.com/en/stable/topics/db/optimization/" in urls
    assert "https://docs.djangoproject.com/en/stable/topics/db/transactions/" in urls
    assert "https://www.postgresql.org/docs/current/sql-notify.html" in urls
    assert not any("sqlalchemy" in url or "asyncio" in url or "fastapi" in url for url in urls)
    fastapi = knowledge.references_for({"db": None, "orm": {"name": "SQLModel", "version": None},
                                        "async": None, "web": {"name": "FastAPI", "version": None}}, {})
    titles = " ".join(r["title"] for r in fastapi)
    assert "Session basics" in titles and "asyncio" in titles and "Dependencies with yield" in titles
    assert knowledge.references_for({"db": None, "orm": None, "async": None, "web": None}, {}) == []
    assert all(set(r) == {"title", "url", "technology"} and r["url"].startswith("https://")
               for r in django + fastapi)


# -- golden files on the sample project ----------------------------------------------

@pytest.fixture(scope="module")
def shop_copy(tmp_path_factory) -> Path:
    if not SHOP.is_dir():
        pytest.skip("testdata/projects/shop is not present")
    root = tmp_path_factory.mktemp("golden") / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".persistlint_cache", "__pycache__"))
    return root


def _normalised(text: str, root: Path) -> str:
    return text.replace(str(root), "<root>")


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run with PERSISTLINT_UPDATE_GOLDENS=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("fmt", "golden"), [("markdown", "shop.md"), ("json", "shop.json")])
def test_golden(shop_copy, fmt, golden, monkeypatch):
    monkeypatch.chdir(shop_copy)
    result = invoke(".", "--format", fmt, "--date", DATE, "--jobs", "1")
    assert result.exit_code in (0, 1), result.stderr
    _check_golden(golden, _normalised(result.stdout, shop_copy))


def test_json_shape(shop_copy, monkeypatch):
    monkeypatch.chdir(shop_copy)
    data = json.loads(invoke(".", "--format", "json", "--date", DATE).stdout)
    assert set(data) == {"tool", "date", "root", "context", "overall_score", "severity_counts",
                         "categories", "internal"}
    assert data["tool"]["name"] == "persistlint" and data["date"] == DATE
    assert set(data["severity_counts"]) == {"critical", "high", "medium", "low"}
    assert [c["category"] for c in data["categories"]] == list(scoring.CATEGORIES)
    for category in data["categories"]:
        assert list(category) == ["category", "score", "total_issues", "critical", "high", "medium",
                                  "low", "findings"]
        assert category["total_issues"] == len(category["findings"])
        penalty = (20 * category["critical"] + 10 * category["high"] + 5 * category["medium"]
                   + 2 * category["low"])
        assert category["score"] == max(0, 100 - penalty) / 10
        for item in category["findings"]:
            assert list(item) == ["code", "severity", "location", "path", "line", "col", "issue",
                                  "principle", "recommendation", "effort", "fingerprint"]
            assert item["location"] == f"{item['path']}:{item['line']}"
            assert not Path(item["path"]).is_absolute()
    assert {"tech_stack", "db_config", "best_practices"} <= set(data["context"])


# -- the same findings as flake8 -------------------------------------------------------

NOQA_FILE = '''import time


async def a():
    time.sleep(1)  # noqa: PR303
    time.sleep(2)  # noqa
    time.sleep(3)  # noqa: PQ101
    time.sleep(4)
'''


def _flake8_set(root: Path, *extra: str) -> set[tuple]:
    completed = subprocess.run([sys.executable, "-m", "flake8", "--select=PQ,PT,PR", "-j", "1",
                                *extra, "."], cwd=root, capture_output=True, text=True, timeout=300)
    assert completed.returncode in (0, 1), completed.stderr
    found = set()
    for line in completed.stdout.splitlines():
        path, line_no, col, message = line.split(":", 3)
        found.add((Path(path).as_posix().removeprefix("./"), int(line_no), int(col), message.strip()))
    return found


def _report_set(root: Path, *extra: str) -> set[tuple]:
    completed = subprocess.run([sys.executable, "-m", "persistlint.cli", "report", ".", "--format",
                                "json", *extra], cwd=root, capture_output=True, text=True, timeout=300)
    assert completed.returncode in (0, 1), completed.stderr
    data = json.loads(completed.stdout)
    return {(f["path"], f["line"], f["col"], f"{f['code']} [{f['severity']}] {f['issue']} -> {f['recommendation']}")
            for category in data["categories"] for f in category["findings"]}


def _mixed_project(tmp_path: Path, with_shop: bool) -> Path:
    """The sample project (if asked and present) plus noqa cases, a test
    file, and files left out by the [flake8] section (per-file-ignores,
    extend-exclude, a --persistlint-exclude option)."""
    root = tmp_path / "mixed"
    if with_shop and SHOP.is_dir():
        shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".persistlint_cache", "__pycache__"))
    else:
        (root / "app").mkdir(parents=True)
        (root / "pyproject.toml").write_text("[project]\nname = 'mixed'\n")
    (root / "app" / "noqa_cases.py").write_text(NOQA_FILE)
    (root / "tests").mkdir(exist_ok=True)
    (root / "tests" / "test_slow.py").write_text("import time\n\n\nasync def test_x():\n    time.sleep(1)\n")
    (root / "setup.cfg").write_text("[flake8]\nper-file-ignores =\n    app/ignored.py: PR303\n"
                                    "extend-exclude = legacy\npersistlint-exclude = app/skipped.py\n")
    for name in ("app/ignored.py", "legacy/old.py", "app/skipped.py"):
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text("import time\n\n\nasync def b():\n    time.sleep(1)\n")
    return root


def test_findings_equal_flake8(tmp_path):
    mixed_project = _mixed_project(tmp_path, with_shop=True)
    by_flake8 = _flake8_set(mixed_project)
    by_report = _report_set(mixed_project)
    assert by_report == by_flake8
    lines = {(path, line) for path, line, _, _ in by_report}
    assert ("app/noqa_cases.py", 7) in lines and ("app/noqa_cases.py", 8) in lines
    assert not {("app/noqa_cases.py", 5), ("app/noqa_cases.py", 6)} & lines
    skipped = ("tests/", "app/ignored.py", "legacy/", "app/skipped.py")
    assert not any(path.startswith(skipped) for path, _ in lines)


def test_findings_equal_flake8_with_tests_included(tmp_path):
    mixed_project = _mixed_project(tmp_path, with_shop=False)
    by_flake8 = _flake8_set(mixed_project, "--persistlint-include-tests")
    by_report = _report_set(mixed_project, "--include-tests")
    assert by_report == by_flake8
    assert any(path == "tests/test_slow.py" for path, *_ in by_report)


# -- cache, parallelism, merge ---------------------------------------------------------

def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    for name, text in {"pyproject.toml": "[project]\nname = 'p'\n", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


SLEEPY = "import time\n\n\nasync def f{n}():\n    time.sleep({n})\n"


def test_rerun_is_served_from_the_cache_until_a_file_changes(tmp_path, monkeypatch):
    root = _project(tmp_path, {f"app/m{n}.py": SLEEPY.format(n=n) for n in range(6)})
    monkeypatch.chdir(root)
    first = run.collect(["."], jobs=1)
    assert first.from_cache == 0 and first.files == 6
    second = run.collect(["."], jobs=1)
    assert second.from_cache == 6 and second.diagnostics == first.diagnostics
    (root / "app" / "m0.py").write_text(SLEEPY.format(n=0) + "    time.sleep(9)\n")
    third = run.collect(["."], jobs=1)
    # the edited file is analysed again; the others read nothing of it and are kept
    assert third.from_cache == 5
    assert len(third.diagnostics) == len(first.diagnostics) + 1


def test_parallel_equals_serial(tmp_path, monkeypatch):
    root = _project(tmp_path, {f"app/m{n}.py": SLEEPY.format(n=n) for n in range(12)}
                    | {"pyproject.toml": "[project]\nname = 'p'\n[tool.persistlint]\ncache = false\n"})
    monkeypatch.chdir(root)
    serial = run.collect(["."], jobs=1)
    parallel = run.collect(["."], jobs=3)
    assert parallel.diagnostics == serial.diagnostics and len(serial.diagnostics) == 12
    assert parallel.from_cache == 0


def test_merge_of_shards_equals_the_whole(tmp_path, monkeypatch):
    root = _project(tmp_path, {"app/a.py": SLEEPY.format(n=1), "app/b.py": SLEEPY.format(n=2),
                               "lib/c.py": SLEEPY.format(n=3)})
    monkeypatch.chdir(root)
    assert invoke("app", "--format", "json", "-o", "app.json", "--date", DATE).exit_code == 1
    assert invoke("lib", "--format", "json", "-o", "lib.json", "--date", DATE).exit_code == 1
    assert invoke(".", "--format", "json", "-o", "all.json", "--date", DATE).exit_code == 1
    merged = invoke("--merge", "app.json", "lib.json", "app.json", "--format", "json")
    assert merged.exit_code == 1, merged.stderr
    whole = json.loads(Path("all.json").read_text())
    combined = json.loads(merged.stdout)
    assert combined["categories"] == whole["categories"]  # duplicates counted once
    assert combined["overall_score"] == whole["overall_score"] == 9.5  # (10 + 10 + 8.5) / 3: three MEDIUM
    assert combined["date"] == DATE


def test_merge_rejects_what_is_not_a_report(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("x.json").write_text("[1, 2]")
    result = invoke("--merge", "x.json")
    assert result.exit_code == 2 and "x.json: not a persistlint JSON report" in result.stderr


# -- exit statuses -----------------------------------------------------------------------

def test_exit_statuses(tmp_path, monkeypatch):
    root = _project(tmp_path, {"app/a.py": SLEEPY.format(n=1)})
    monkeypatch.chdir(root)
    assert invoke(".").exit_code == 1
    assert invoke(".", "--exit-zero").exit_code == 0
    (root / "app" / "a.py").write_text("import asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n")
    clean = invoke(".")
    assert clean.exit_code == 0 and "No issues found." in clean.stdout
    bad_date = invoke(".", "--date", "15/01/2026")
    assert bad_date.exit_code == 2 and bad_date.stderr.count("\n") == 1
    (root / "pyproject.toml").write_text("[tool.persistlint]\ninclude_tests = 'maybe'\n")
    bad_config = invoke(".")
    assert bad_config.exit_code == 2 and "include_tests" in bad_config.stderr
    assert bad_config.stderr.count("\n") == 1
    assert invoke(".", "--dry-run").exit_code == 2  # only with --linear


def test_internal_diagnostics_are_listed_apart(tmp_path, monkeypatch):
    root = _project(tmp_path, {"app/a.py": SLEEPY.format(n=1), "app/broken.py": "def f(:\n"})
    monkeypatch.chdir(root)
    data = json.loads(invoke(".", "--format", "json").stdout)
    assert [item["code"] for item in data["internal"]] == ["PX001"]
    assert sum(c["total_issues"] for c in data["categories"]) == 1
    text = invoke(".").stdout
    assert "### Analysis notes (not scored)" in text and "app/broken.py:1" in text
