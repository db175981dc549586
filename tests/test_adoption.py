"""Adopting persistlint on an existing codebase: a baseline of known
findings, a severity floor, ``report --select/--ignore``, and what an empty
input says. Everything through the real ``flake8`` and ``persistlint``
commands on a copy of the sample project, plus the fingerprint itself."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from persistlint import baseline
from persistlint.diagnostic import Diagnostic, Effort, Severity
from tests import harness

SHOP = harness.TESTDATA / "projects" / "shop"
BASELINE = "persistlint-baseline.json"
SLEEPY = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"
SUMMARY = re.compile(r"^persistlint: (\d+) findings? .*; overall \d+\.\d/10; report ")


def copy_of_shop(directory: Path) -> Path:
    root = directory / "shop"
    shutil.copytree(SHOP, root, ignore=shutil.ignore_patterns(".persistlint_cache", "__pycache__"))
    return root


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return copy_of_shop(tmp_path)


@pytest.fixture(scope="module")
def warm_shop(tmp_path_factory) -> Path:
    """A copy the tests only read: its caches serve them all."""
    return copy_of_shop(tmp_path_factory.mktemp("warm"))


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=ci", "-c", "user.email=ci@example.com", *args],
                   cwd=root, check=True, capture_output=True)


def report(root: Path, *args: str) -> subprocess.CompletedProcess:
    return harness.persistlint("report", *args, cwd=root)


def flake8_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stdout.splitlines() if re.search(r": P[QTR]\d{3} ", line)]


def shift_lines(path: Path, count: int) -> None:
    """Insert ``count`` comment lines at the top: every finding moves down."""
    path.write_text("# moved\n" * count + path.read_text(encoding="utf-8"), encoding="utf-8")


def test_three_commands_adopt_the_sample_project(shop):
    """The README's three commands: write the baseline, commit it, run with
    it (exit 0); code moving keeps it green; a new defect gives exit 1 and
    is the only finding shown."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(shop, "init", "-q")
    git(shop, "add", "-A")
    git(shop, "commit", "-qm", "legacy code")

    written = report(shop, "--format", "json", "-o", BASELINE)
    assert written.returncode == 1, written.stderr  # the legacy findings
    known = json.loads((shop / BASELINE).read_text(encoding="utf-8"))
    assert sum(len(c["findings"]) for c in known["categories"]) == 27
    git(shop, "add", BASELINE)
    git(shop, "commit", "-qm", "persistlint baseline")

    clean = report(shop, "--baseline", BASELINE)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "persistlint: 0 findings, 27 more in the baseline; overall 10.0/10" in clean.stderr
    with_flake8 = harness.flake8("--select=PQ,PT,PR", f"--persistlint-baseline={BASELINE}", ".", cwd=shop)
    assert with_flake8.returncode == 0, with_flake8.stdout + with_flake8.stderr

    shifted = ("app/worker.py", "app/api/orders.py")  # most of the findings
    for name in shifted:
        shift_lines(shop / name, 7)
    assert report(shop, "--baseline", BASELINE).returncode == 0
    assert harness.flake8("--select=PQ,PT,PR", f"--persistlint-baseline={BASELINE}", *shifted,
                          cwd=shop).returncode == 0

    (shop / "app" / "poller.py").write_text(SLEEPY, encoding="utf-8")
    new = report(shop, "--baseline", BASELINE, "--format", "json")
    assert new.returncode == 1
    found = [f for c in json.loads(new.stdout)["categories"] for f in c["findings"]]
    assert [(f["code"], f["location"]) for f in found] == [("PR303", "app/poller.py:5")]
    flagged = harness.flake8("--select=PQ,PT,PR", f"--persistlint-baseline={BASELINE}", ".", cwd=shop)
    assert flagged.returncode == 1
    assert [line.split(": ")[0] for line in flake8_lines(flagged)] == ["./app/poller.py:5:5"]


def test_baseline_from_the_config_file(shop):
    """``baseline = FILE`` in [tool.persistlint] (relative to the project
    root) serves flake8 and the report; ``--no-baseline`` writes a new one;
    ``min_severity`` next to it."""
    assert report(shop, "--format", "json", "-o", BASELINE).returncode == 1
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8")
                         + f'\n[tool.persistlint]\nbaseline = "{BASELINE}"\n', encoding="utf-8")
    (shop / "app" / "poller.py").write_text(SLEEPY, encoding="utf-8")
    from_subdirectory = harness.flake8("--select=PR", "poller.py", cwd=shop / "app")
    assert [line.split(":")[0] for line in flake8_lines(from_subdirectory)] == ["poller.py"]
    everything = json.loads(report(shop, "--format", "json", "--no-baseline").stdout)
    assert sum(len(c["findings"]) for c in everything["categories"]) == 28
    shown = json.loads(report(shop, "--format", "json").stdout)
    assert [f["location"] for c in shown["categories"] for f in c["findings"]] == ["app/poller.py:5"]
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + 'min_severity = "high"\n', encoding="utf-8")
    floored = harness.flake8("--select=PR", "poller.py", cwd=shop / "app")  # the new finding is MEDIUM
    assert floored.returncode == 0 and floored.stdout == ""
    assert report(shop).returncode == 0


def test_duplicate_findings_are_counted(tmp_path):
    """Two equal lines with the same finding: the baseline knows two; a
    third copy is new."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "p"\n', encoding="utf-8")
    twice = "import time\n\n\nasync def poll():\n    time.sleep(1)\n    time.sleep(1)\n"
    (root / "app.py").write_text(twice, encoding="utf-8")
    assert report(root, "--format", "json", "-o", BASELINE).returncode == 1
    assert report(root, "--baseline", BASELINE).returncode == 0
    (root / "app.py").write_text(twice + "    time.sleep(1)\n", encoding="utf-8")
    result = harness.flake8("--select=PR", f"--persistlint-baseline={BASELINE}", "app.py", cwd=root)
    assert [line.split(": ")[0] for line in flake8_lines(result)] == ["app.py:7:5"]


def test_baseline_that_is_not_a_report(shop):
    (shop / "bad.json").write_text('{"categories": [{"findings": [{"code": "PQ107"}]}]}', encoding="utf-8")
    for result in (report(shop, "--baseline", "bad.json"),
                   harness.flake8("--select=PQ", "--persistlint-baseline=bad.json", "app", cwd=shop)):
        assert result.returncode == 2
        [line] = result.stderr.splitlines()
        assert "baseline" in line and "fingerprint" in line


def test_severity_floor(warm_shop):
    everything = json.loads(report(warm_shop, "--format", "json").stdout)
    counts = everything["severity_counts"]
    high = json.loads(report(warm_shop, "--format", "json", "--min-severity", "high").stdout)
    assert high["severity_counts"] == {"critical": counts["critical"], "high": counts["high"],
                                       "medium": 0, "low": 0}
    worker = [f for c in everything["categories"] for f in c["findings"] if f["path"] == "app/worker.py"]
    assert len({f["severity"] for f in worker}) > 2
    for floor in ("CRITICAL", "medium"):
        kept = harness.flake8("--select=PQ,PT,PR", f"--persistlint-min-severity={floor}", "app/worker.py",
                              cwd=warm_shop)
        wanted = ("CRITICAL",) if floor == "CRITICAL" else ("CRITICAL", "HIGH", "MEDIUM")
        assert sorted(line.split(": ")[1].split()[0] for line in flake8_lines(kept)) == \
            sorted(f["code"] for f in worker if f["severity"] in wanted)
    summary = report(warm_shop, "--min-severity", "critical", "-o", str(warm_shop.parent / "r.md"))
    assert SUMMARY.match(summary.stderr.splitlines()[-1])
    assert "below the severity floor" in summary.stderr


def test_report_select_and_ignore_as_flake8(warm_shop):
    """Prefixes, as flake8's --select/--ignore: the report keeps the same
    codes as flake8 with the same options."""
    def report_codes(*args):
        data = json.loads(report(warm_shop, "--format", "json", *args).stdout)
        return sorted(f["code"] + ":" + f["location"] for c in data["categories"] for f in c["findings"])

    def flake8_codes(*args):
        lines = flake8_lines(harness.flake8(*args, ".", cwd=warm_shop))
        return sorted(f"{line.split(': ')[1].split()[0]}:{line.split(':')[0][2:]}:{line.split(':')[1]}"
                      for line in lines)

    everything = report_codes()
    for select, ignore in (("PQ1", ""), ("PT,PR30", "PR301"), ("PQ107,PT201", "")):
        args = [f"--select={select}"] + ([f"--ignore={ignore}"] if ignore else [])
        found = report_codes(*args)
        assert found == [code for code in everything if code.startswith(tuple(select.split(",")))
                         and not (ignore and code.startswith(ignore))]
        assert found
    # and the same codes as flake8 given the same options
    assert report_codes("--select=PT,PR30", "--ignore=PR301") == flake8_codes("--select=PT,PR30", "--ignore=PR301")
    only_queries = json.loads(report(warm_shop, "--format", "json", "--select=PQ").stdout)
    scores = {c["category"]: c["score"] for c in only_queries["categories"]}
    assert scores["Transaction Correctness"] is None and scores["Runtime Performance"] is None
    assert only_queries["overall_score"] == scores["Query Efficiency"]  # the checked category alone
    text = report(warm_shop, "--select=PQ").stdout
    assert "| Runtime Performance | - | Not checked" in text


def test_no_python_files(tmp_path):
    """An empty directory or a non-Python file: said on stderr, no report,
    exit 2 (a CI job pointed at the wrong path must not pass)."""
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    for args in ([], ["notes.txt"]):
        result = report(tmp_path, *args)
        assert result.returncode == 2
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert "No Python files found" in line
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text(SLEEPY, encoding="utf-8")
    only_tests = report(tmp_path, "tests")
    assert only_tests.returncode == 2 and "--include-tests" in only_tests.stderr
    assert report(tmp_path, "tests", "--include-tests").returncode == 1


def finding(line: int, code: str = "PR303", path: str = "a.py") -> Diagnostic:
    return Diagnostic(path, line, 4, code, Severity.MEDIUM, Effort.S, "issue", "principle", "fix")


def test_fingerprint_ignores_line_numbers_and_whitespace():
    lines = {1: "    time.sleep(1)", 2: "time.sleep( 1 )", 5: "time.sleep(1)", 9: "\ttime.sleep(1)  "}
    prints = baseline.fingerprints([finding(1), finding(5), finding(9)], lambda d: lines[d.line])
    first = prints[0].split(":")[0]
    assert prints == [f"{first}:1", f"{first}:2", f"{first}:3"]
    other = baseline.fingerprints([finding(2)], lambda d: lines[d.line])[0]
    assert other.split(":")[0] != first  # a different text is a different finding
    elsewhere = baseline.fingerprints([finding(1, path="b.py")], lambda d: lines[d.line])[0]
    assert elsewhere.split(":")[0] != first


def test_floor_and_baseline_reuse_the_caches(warm_shop, monkeypatch):
    """Both apply after the analysis: changing them re-analyses nothing."""
    from persistlint.report import run

    monkeypatch.chdir(warm_shop)
    first = run.collect(["."], jobs=1)
    (warm_shop.parent / "known.json").write_text(report(warm_shop, "--format", "json").stdout, encoding="utf-8")
    again = run.collect(["."], jobs=1, overrides={"min_severity": "HIGH",
                                                  "baseline": str(warm_shop.parent / "known.json")})
    assert again.from_cache == again.files == first.files
    assert again.context.key == first.context.key
    assert again.diagnostics == [] and again.hidden_by_baseline + again.below_floor == len(first.diagnostics)
