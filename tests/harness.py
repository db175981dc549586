"""Inline-expectation fixtures (flake8-async/bugbear eval-file style).

In a fixture, a comment ``# CODE[SEVERITY]: COL`` says exactly one
diagnostic with that code and severity is expected on that line at that
1-based column; an optional quoted string after it must appear in the
message. Several markers may share a line. ``# ok: CODE`` marks a deliberate
near miss: CODE must not be reported on that line.

A fixture is either one file under ``testdata/rules/<family>/`` (its
directory is the project root) or a directory there holding a mini project
(a ``pyproject.toml`` marks its root), for cross-file rules.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import attrs

from persistlint import engine
from persistlint.diagnostic import Diagnostic

REPO = Path(__file__).resolve().parent.parent
TESTDATA = REPO / "testdata"
RULE_FIXTURES = TESTDATA / "rules"
SHARED = REPO.parent / "shared"

EXPECT = re.compile(
    r"(?P<code>P[QTRX]\d{3})\[(?P<severity>CRITICAL|HIGH|MEDIUM|LOW)\]:\s*(?P<col>\d+)"
    r'(?:\s+"(?P<text>[^"]*)")?')
OK = re.compile(r"ok:\s*(?P<codes>P[QTRX]\d{3}(?:\s*,\s*P[QTRX]\d{3})*)")


@attrs.frozen
class Expected:
    path: str
    line: int
    col: int
    code: str
    severity: str
    text: str | None = None


@attrs.frozen
class Fixture:
    root: Path
    files: tuple[Path, ...]

    @property
    def name(self) -> str:
        first = self.files[0] if len(self.files) == 1 else self.root
        return first.relative_to(RULE_FIXTURES).as_posix()


def _comment(line: str) -> str:
    """The comment part of a source line (good enough for fixtures: a ``#``
    inside a string literal is not used before a marker)."""
    index = line.find("#")
    return line[index:] if index >= 0 else ""


def expectations(path: Path) -> tuple[list[Expected], list[tuple[int, str]]]:
    expected, negatives = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        comment = _comment(line)
        for match in EXPECT.finditer(comment):
            expected.append(Expected(str(path), number, int(match["col"]), match["code"],
                                     match["severity"], match["text"]))
        for match in OK.finditer(comment):
            negatives.extend((number, code.strip()) for code in match["codes"].split(","))
    return expected, negatives


def collect(base: Path = RULE_FIXTURES) -> list[Fixture]:
    fixtures = []
    for family in sorted(p for p in base.iterdir() if p.is_dir()):
        for entry in sorted(family.iterdir()):
            if entry.is_file() and entry.suffix == ".py":
                fixtures.append(Fixture(family, (entry,)))
            elif entry.is_dir() and (entry / "pyproject.toml").exists():
                files = tuple(sorted(entry.rglob("*.py")))
                if files:
                    fixtures.append(Fixture(entry, files))
    return fixtures


def run(fixture: Fixture, **overrides) -> list[Diagnostic]:
    options = {"project_root": str(fixture.root), "cache": "false", **overrides}
    found: list[Diagnostic] = []
    for path in fixture.files:
        source = path.read_text(encoding="utf-8")
        diagnostics = engine.analyse(str(path), source, options)
        found.extend(engine.without_noqa(diagnostics, source.splitlines()))
    return found


def compare(fixture: Fixture, diagnostics: list[Diagnostic]) -> list[str]:
    """Problems, both ways: expected but missing, reported but unexpected."""
    problems = []
    expected_all: list[Expected] = []
    negatives: list[tuple[str, int, str]] = []
    for path in fixture.files:
        expected, ok = expectations(path)
        expected_all.extend(expected)
        negatives.extend((str(path), line, code) for line, code in ok)
    remaining = list(diagnostics)
    for want in expected_all:
        match = next((d for d in remaining if d.path == want.path and d.line == want.line
                      and d.col + 1 == want.col and d.code == want.code), None)
        if match is None:
            problems.append(f"missing {want.code}[{want.severity}] at {_short(want.path)}:{want.line}:{want.col}")
            continue
        remaining.remove(match)
        if match.severity.name != want.severity:
            problems.append(f"wrong severity at {_short(want.path)}:{want.line}:{want.col}: "
                            f"{match.code} is {match.severity.name}, expected {want.severity}")
        if want.text and want.text not in match.message():
            problems.append(f"message at {_short(want.path)}:{want.line} lacks {want.text!r}: {match.message()}")
    for extra in remaining:
        problems.append(f"unexpected {_short(extra.path)}:{extra.line}:{extra.col + 1}: {extra.message()}")
    for path, line, code in negatives:
        if any(d.path == path and d.line == line and d.code == code for d in diagnostics):
            problems.append(f"near miss reported: {code} at {_short(path)}:{line}")
    return problems


def _short(path: str) -> str:
    try:
        return Path(path).relative_to(RULE_FIXTURES).as_posix()
    except ValueError:
        return path


def analyse_snippet(tmp_path: Path, code: str, name: str = "snippet.py", **overrides) -> list[Diagnostic]:
    """Diagnostics for a piece of code written into a fresh project."""
    (tmp_path / "pyproject.toml").touch()
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(code, encoding="utf-8")
    options = {"project_root": str(tmp_path), "cache": "false", **overrides}
    return engine.analyse(str(target), code, options)


# flake8 restricted to the plugins of the named distributions (flake8's own
# formatters always): for inputs on which another installed plugin, or
# pyflakes itself, gives up before persistlint is asked.
_FLAKE8_WITH_PLUGINS = """
import sys
from flake8.plugins import finder
allowed = set(sys.argv.pop(1).split(",")) | {"flake8"}
found = finder._find_importlib_plugins
finder._find_importlib_plugins = lambda: (p for p in found() if p.package in allowed)
from flake8.main.cli import main
sys.exit(main())
"""


def flake8(*args: str, cwd: Path, stdin: str | None = None, only: tuple[str, ...] = (),
           prelude: str = "", timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``flake8`` command in a fresh process. ``only``: load just
    these plugin distributions; ``prelude``: Python run in that process first
    (e.g. to make a rule fail)."""
    if only or prelude:
        script = prelude + (_FLAKE8_WITH_PLUGINS if only else
                            "\nimport sys\nfrom flake8.main.cli import main\nsys.exit(main())\n")
        command = [sys.executable, "-c", script, *([",".join(only)] if only else []), *args]
    else:
        command = [sys.executable, "-m", "flake8", *args]
    return subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def persistlint(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``persistlint`` command in a fresh process."""
    return subprocess.run([sys.executable, "-c", "from persistlint.cli import main; main()", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout)
