"""A report over an unchanged tree is the stored text of the last one, got
without analysing (astroid is not even loaded); any change that can change
the report makes it run again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from persistlint.context import cache

SLEEPY = "import time\n\n\nasync def f{n}():\n    time.sleep({n})\n"
# reports whether the run loaded astroid, on stderr's last line
_PROBE = """
import atexit, sys
atexit.register(lambda: print("astroid loaded" if "astroid" in sys.modules else "astroid not loaded",
                              file=sys.stderr))
from persistlint.cli import main
main()
"""


def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    files = {"pyproject.toml": "[project]\nname = 'p'\n", "app/__init__.py": "",
             **{f"app/m{n}.py": SLEEPY.format(n=n) for n in range(4)}}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def report(root: Path, *args: str) -> tuple[str, str, int]:
    """(report text, last stderr line, exit status) of a fresh ``persistlint report``."""
    result = subprocess.run([sys.executable, "-c", _PROBE, "report", "--format", "json",
                             "--date", "2026-01-02", *args, "."], cwd=root, capture_output=True, text=True,
                            timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout, result.stderr.strip().splitlines()[-1], result.returncode


def saved_entries(root: Path) -> list[str]:
    return sorted(p.name for p in (root / cache.CACHE_DIR).glob("report-*.json"))


def test_an_unchanged_tree_gets_the_stored_report_without_loading_astroid(tmp_path):
    root = project(tmp_path)
    first, loaded, status = report(root)
    assert loaded == "astroid loaded" and status == 1 and '"PR303"' in first
    assert len(saved_entries(root)) == 1
    again, loaded, status_again = report(root)
    assert loaded == "astroid not loaded"
    assert (again, status_again) == (first, status)


def test_an_edit_a_noqa_comment_or_another_request_runs_the_report_again(tmp_path):
    root = project(tmp_path)
    first, _, _ = report(root)
    (root / "app" / "m1.py").write_text(SLEEPY.format(n=1).replace("(1)\n", "(1)  # noqa: PR303\n"),
                                        encoding="utf-8")
    silenced, loaded, _ = report(root)
    assert loaded == "astroid loaded"
    assert silenced.count('"PR303"') == first.count('"PR303"') - 1
    markdown, loaded, _ = report(root, "--exit-zero", "--select", "PQ")
    assert loaded == "astroid loaded" and "PR303" not in markdown
    unchanged, loaded, _ = report(root)
    assert loaded == "astroid not loaded" and unchanged == silenced


def test_a_linked_entry_is_not_followed_and_only_a_few_entries_are_kept(tmp_path):
    root = project(tmp_path)
    report(root)
    [entry] = saved_entries(root)
    target = tmp_path / "elsewhere.json"
    target.write_text('{"format": 1, "text": "planted", "summary": "planted", "findings": false}',
                      encoding="utf-8")
    (root / cache.CACHE_DIR / entry).unlink()
    (root / cache.CACHE_DIR / entry).symlink_to(target)
    text, loaded, _ = report(root)
    assert "planted" not in text and loaded == "astroid loaded"
    assert target.read_text(encoding="utf-8").startswith('{"format": 1, "text": "planted"')
    for day in range(1, 8):
        report(root, "--date", f"2026-02-0{day}")
    assert len(saved_entries(root)) <= 4
