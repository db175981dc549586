"""Compare persistlint's runtime family with flake8-async and ruff, line by line.

Runs, on the same trees:

* flake8 with flake8-async and persistlint (``--select=ASYNC,PR``: flake8
  runs every installed plugin whatever ``--select`` says, so one run serves
  both and their findings are split by code),
* ``ruff check --select ASYNC,C4,PERF``,

and prints, for every line any of them reports, what each found. It exits
non-zero when a peer's blocking-call finding (flake8-async ASYNC2xx, ruff
ASYNC2xx) has no persistlint PR301/PR303/PR307 on the same line, or a ruff
"needless list comprehension" finding (C419, C403, C404, C411) has no PR302,
except for two documented differences:

* calls that wait for no disk or network (``os.path.normpath``, ``abspath``,
  ``relpath``, ``expanduser``, ``Path.absolute``, ``f.fileno()`` ...), see
  ``NOT_BLOCKING`` in ``persistlint/context/blocking.py``;
* test files, which persistlint leaves out by default; lines silenced with
  ``# noqa: PR3xx``; and the deliberate near misses of persistlint's own
  fixtures (``# ok: PR3xx``, e.g. a local function named ``open``).

Every such line is printed with the reason.

Usage (the peers are the optional ``compare`` extra)::

    pip install ruff flake8-async     # or: pip install -e .[compare]
    python benchmarks/compare_peers.py                      # testdata/rules/runtime + testdata/peers
    python benchmarks/compare_peers.py path/to/project ...
    python benchmarks/compare_peers.py --only-differences
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path, PurePosixPath

from persistlint.context.blocking import NOT_BLOCKING
from persistlint.settings import is_test_file

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = (REPO / "testdata" / "rules" / "runtime", REPO / "testdata" / "peers")

TOOLS = ("flake8-async", "ruff", "persistlint")
PEER_BLOCKING = re.compile(r"^ASYNC2\d\d$")
PERSISTLINT_BLOCKING = {"PR301", "PR303", "PR307"}
RUFF_NEEDLESS_LIST = {"C419", "C403", "C404", "C411"}

_FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<text>.*)$")
_SEVERITY = re.compile(r"^\[(?P<severity>[A-Z]+)\]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=list(DEFAULT_PATHS))
    parser.add_argument("--only-differences", action="store_true",
                        help="print only lines where the tools disagree")
    parser.add_argument("--ruff-preview", action="store_true", help="also run ruff's preview rules")
    options = parser.parse_args(argv)

    missing_tools = [tool for tool in ("flake8", "ruff") if shutil.which(tool) is None]
    if missing_tools or not _flake8_has_async_plugin():
        print("needs ruff and flake8-async: pip install ruff flake8-async", file=sys.stderr)
        return 2

    findings: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for root in _roots(options.paths):
        for path, line, code, text in _flake8(root, _nested_roots(root)):
            tool = "persistlint" if code.startswith("PR") else "flake8-async"
            if tool == "flake8-async" and not PEER_BLOCKING.match(code):
                continue  # flake8-async's other rules (cancellation, checkpoints) are another topic
            severity = _SEVERITY.match(text)
            findings[(path, line)][tool].append(f"{code}[{severity['severity']}]" if severity else code)
    for path, line, code in _ruff(options.paths, options.ruff_preview):
        findings[(path, line)]["ruff"].append(code)

    failures = 0
    counts: dict[str, int] = defaultdict(int)
    for (path, line) in sorted(findings):
        found = findings[(path, line)]
        for tool, codes in found.items():
            counts[tool] += len(codes)
        verdict = _verdict(path, line, found)
        if verdict.startswith("MISSING"):
            failures += 1
        if options.only_differences and verdict in {"same", "persistlint only", "context only"}:
            continue
        columns = " | ".join(f"{tool}: {','.join(found.get(tool, [])) or '-'}" for tool in TOOLS)
        print(f"{_display(path)}:{line}  {columns}  [{verdict}]")
    print()
    print("findings: " + ", ".join(f"{tool} {counts[tool]}" for tool in TOOLS))
    print(f"peer findings without a persistlint counterpart: {failures}")
    return 1 if failures else 0


def _verdict(path: str, line: int, found: dict[str, list[str]]) -> str:
    codes = {tool: {c.split("[")[0] for c in found.get(tool, [])} for tool in TOOLS}
    peer_blocking = {c for c in codes["flake8-async"] | codes["ruff"] if PEER_BLOCKING.match(c)}
    needless_list = codes["ruff"] & RUFF_NEEDLESS_LIST
    ours = codes["persistlint"]
    if not peer_blocking and not needless_list:
        return "persistlint only" if ours else "context only"
    gaps = []
    if peer_blocking and not ours & PERSISTLINT_BLOCKING:
        gaps.append(f"{','.join(sorted(peer_blocking))} without PR301/PR303/PR307")
    if needless_list and "PR302" not in ours:
        gaps.append(f"{','.join(sorted(needless_list))} without PR302")
    if not gaps:
        return "same"
    excuse = _documented_difference(path, line)
    return f"documented: {excuse}" if excuse else "MISSING " + "; ".join(gaps)


def _documented_difference(path: str, line: int) -> str | None:
    """Why persistlint deliberately reports nothing on this line, if it does."""
    if is_test_file(PurePosixPath(_display(path))):
        return "test file (persistlint leaves tests out by default)"
    try:
        source = Path(path).read_text(encoding="utf-8")
    except OSError:
        return None
    text = source.splitlines()[line - 1] if 0 < line <= len(source.splitlines()) else ""
    comment = text[text.index("#"):] if "#" in text else ""
    if re.search(r"noqa:[^#]*\bPR3\d\d", comment):
        return "silenced with noqa"
    if _only_not_blocking(source, line):
        return "no disk or network wait (NOT_BLOCKING in _blocking.py)"
    if re.search(r"ok:\s*PR3\d\d", comment):
        return "deliberate near miss of a persistlint fixture"
    return None


def _roots(paths: list[Path]) -> list[Path]:
    """Each given directory, and every mini project (a ``pyproject.toml``)
    under it, is linted with itself as the project root."""
    roots = []
    for path in paths:
        path = path.resolve()
        base = path if path.is_dir() else path.parent
        roots.append(path)
        roots.extend(sorted(p.parent for p in base.rglob("pyproject.toml") if p.parent != base))
    return roots


def _nested_roots(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return [p.parent for p in root.rglob("pyproject.toml") if p.parent != root]


def _flake8(root: Path, excluded: list[Path]):
    project = root if root.is_dir() else root.parent
    command = [sys.executable, "-m", "flake8", "--isolated", "--select=ASYNC,PR",
               f"--persistlint-project-root={project}", "--no-persistlint-cache", str(root)]
    if excluded:
        command.insert(4, "--extend-exclude=" + ",".join(str(p) for p in excluded))
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise SystemExit(f"flake8 failed: {result.stderr.strip()}")
    for row in result.stdout.splitlines():
        match = _FLAKE8_LINE.match(row)
        if match:
            yield str(Path(match["path"]).resolve()), int(match["line"]), match["code"], match["text"]


def _ruff(paths: list[Path], preview: bool):
    command = ["ruff", "check", "--isolated", "--no-cache", "--exit-zero", "--output-format", "json",
               "--select", "ASYNC,C4,PERF"] + (["--preview"] if preview else []) + [str(p) for p in paths]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"ruff failed: {result.stderr.strip()}")
    for item in json.loads(result.stdout or "[]"):
        code = item.get("code") or ""
        if code in RUFF_NEEDLESS_LIST and "list comprehension" not in item.get("message", ""):
            code += "(set)"  # a set comprehension: PR302 covers lists only
        if PEER_BLOCKING.match(code.partition("(")[0]) or code.startswith(("C4", "PERF")):
            yield str(Path(item["filename"]).resolve()), item["location"]["row"], code


def _flake8_has_async_plugin() -> bool:
    result = subprocess.run([sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True,
                            check=False)
    return "flake8-async" in result.stdout


def _only_not_blocking(source: str, line: int) -> bool:
    """Whether every call on the line is one of the documented calls that
    wait for no disk or network (matched by the name written)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line:
            func = node.func
            names.append(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    leaves = {name.rpartition(".")[2] for name in NOT_BLOCKING} | {"Path", "PurePath"}
    return bool(names) and all(name in leaves for name in names)


def _display(path: str) -> str:
    try:
        return Path(path).relative_to(REPO).as_posix()
    except ValueError:
        return path


if __name__ == "__main__":
    sys.exit(main())
