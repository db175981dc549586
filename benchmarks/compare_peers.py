"""Compare persistlint's runtime family with flake8-async and ruff, line by line.

Runs, on the same trees:

* flake8 with flake8-async and persistlint (``--select=ASYNC,PR``: flake8
  runs every installed plugin whatever ``--select`` says, so one run serves
  both and their findings are split by code),
* ``ruff check --select ASYNC,C4,PERF``,

and prints, for every line any of them reports, what each found. It exits
non-zero when a peer's blocking-call finding (flake8-async ASYNC2xx, ruff
ASYNC2xx) has no persistlint PR301/PR303/PR305/PR307 on the same line, or a ruff
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
    python benchmarks/compare_peers.py --cache path/to/big/project   # reuse its persistlint cache
    python benchmarks/compare_peers.py --eval-files flake8-async/tests/eval_files

``--eval-files`` measures recall on flake8-async's own annotated test files
(a checkout of github.com/python-trio/flake8-async, never copied here): every
line annotated ``# ASYNC2xx:`` in the blocking-call files that asyncio code
can hit should carry a persistlint PR301/PR303/PR305/PR307. Those files are
written for name matching and use some modules without importing them
(``os.system()``, ``httpx.Client()``); the measurement adds the missing
imports on line 1 of a temporary copy, so a name means what the file
intends and line numbers stay. The lines persistlint deliberately does not
report are listed with the reason (``DELIBERATE_MISSES``).
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
PERSISTLINT_BLOCKING = {"PR301", "PR303", "PR305", "PR307"}
RUFF_NEEDLESS_LIST = {"C419", "C403", "C404", "C411"}

_FLAKE8_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<text>.*)$")
_SEVERITY = re.compile(r"^\[(?P<severity>[A-Z]+)\]")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=list(DEFAULT_PATHS))
    parser.add_argument("--only-differences", action="store_true",
                        help="print only lines where the tools disagree")
    parser.add_argument("--ruff-preview", action="store_true", help="also run ruff's preview rules")
    parser.add_argument("--cache", action="store_true",
                        help="let persistlint use the project's cache (a warm context and stored "
                             "per-file results make a re-run on a big tree quick)")
    parser.add_argument("--eval-files", type=Path, metavar="DIR",
                        help="measure recall on flake8-async's annotated eval files in DIR")
    options = parser.parse_args(argv)
    if options.eval_files is not None:
        return eval_recall(options.eval_files)

    missing_tools = [tool for tool in ("flake8", "ruff") if shutil.which(tool) is None]
    if missing_tools or not _flake8_has_async_plugin():
        print("needs ruff and flake8-async: pip install ruff flake8-async", file=sys.stderr)
        return 2

    findings: dict[tuple[str, int], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for root in _roots(options.paths):
        for path, line, code, text in _flake8(root, _nested_roots(root), options.cache):
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


# ---------------------------------------------------------------- flake8-async's eval files

#: The blocking-call eval files of flake8-async that apply to asyncio code; a
#: file with an ``_asyncio`` twin is the trio spelling of the same lines.
EVAL_FILES = re.compile(r"^async2[1-5]\w*\.py$")
_EVAL_ANNOTATION = re.compile(r"# ASYNC2[1-5]\d(?:_asyncio)?:")
#: Names the eval files use without importing them, and the import they mean.
_EVAL_IMPORTS = {
    "os": "import os", "subprocess": "import subprocess", "httpx": "import httpx",
    "httpx2": "import httpx2", "Optional": "from typing import Optional",
    "request": "from urllib import request", "urlopen": "from urllib.request import urlopen",
    "P_WAIT": "from os import P_WAIT", "P_NOWAIT": "from os import P_NOWAIT",
}

#: Annotated lines persistlint does not report, on purpose: (a pattern, and
#: whether it is matched on the line itself or on the two lines before) -> why.
DELIBERATE_MISSES = {
    (r"\b(?:_path_)?normpath\(|\brelpath\(", "line"):
        "path string arithmetic: waits for no disk (NOT_BLOCKING in the blocking table)",
    (r"^\s*f = (?:7|arbitrary_function\(\))$", "before"):
        "the name was just rebound to something that is not a file (flake8-async lists it as a known false positive)",
}


def eval_recall(directory: Path) -> int:
    """Print persistlint's recall of the annotated blocking-call lines in
    flake8-async's eval files; non-zero exit below 0.95."""
    import tempfile

    files = sorted(p for p in directory.glob("*.py") if EVAL_FILES.match(p.name)
                   and not (p.with_name(p.stem + "_asyncio.py")).exists())
    if not files:
        print(f"no flake8-async eval files (async2xx*.py) in {directory}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        for path in files:
            (root / path.name).write_text(_with_missing_imports(path.read_text(encoding="utf-8")),
                                          encoding="utf-8")
        reported: dict[tuple[str, int], set[str]] = defaultdict(set)
        for path, line, code, _text in _flake8(root, []):
            if code.startswith("PR"):
                reported[(Path(path).name, line)].add(code)
        total = found = 0
        deliberate: list[str] = []
        missed: list[str] = []
        for path in files:
            for number, text in enumerate((root / path.name).read_text(encoding="utf-8").splitlines(), 1):
                if not _EVAL_ANNOTATION.search(text):
                    continue
                total += 1
                if reported[(path.name, number)] & {"PR301", "PR303", "PR305", "PR307"}:
                    found += 1
                    continue
                why = _deliberate(root / path.name, number)
                row = f"{path.name}:{number}: {_code_part(text).strip()}"
                (deliberate if why else missed).append(f"{row}  -- {why}" if why else row)
    print(f"annotated blocking-call lines: {total}; persistlint reports {found} ({found / total:.3f})")
    print(f"deliberately not reported ({len(deliberate)}):")
    print("\n".join("  " + row for row in deliberate) or "  none")
    print(f"missed ({len(missed)}):")
    print("\n".join("  " + row for row in missed) or "  none")
    return 0 if found / total >= 0.95 else 1


def _with_missing_imports(source: str) -> str:
    """``source`` with the imports of the names it uses but never binds,
    put on line 1 so that every line keeps its number."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    bound = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    imports = [_EVAL_IMPORTS[name] for name in sorted(used - bound) if name in _EVAL_IMPORTS]
    if not imports:
        return source
    first, _, rest = source.partition("\n")
    return "; ".join(imports) + "  " + first + "\n" + rest


def _deliberate(path: Path, line: int) -> str | None:
    source = path.read_text(encoding="utf-8")
    if _receiver_rebound_at_module_level(source, line):
        return ("the module rebinds the receiver to a non-client value before any function runs "
                "(persistlint reads the binding in force at call time)")
    lines = source.splitlines()
    texts = {"line": [_code_part(lines[line - 1])],
             "before": [_code_part(text) for text in lines[max(0, line - 3):line - 1]]}
    for (pattern, where), reason in DELIBERATE_MISSES.items():
        if any(re.search(pattern, text) for text in texts[where]):
            return reason
    return None


def _receiver_rebound_at_module_level(source: str, line: int) -> bool:
    """``client = httpx.Client()`` ... ``client: int = 4`` at module level,
    then ``client.send()`` on ``line``: the last module-level binding of the
    receiver is not a call."""
    tree = ast.parse(source)
    receivers = {node.func.value.id for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and node.lineno == line
                 and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)}
    for name in receivers:
        values = [statement.value for statement in tree.body
                  if isinstance(statement, (ast.Assign, ast.AnnAssign)) and any(
                      isinstance(target, ast.Name) and target.id == name
                      for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target]))]
        if len(values) > 1 and not isinstance(values[-1], ast.Call):
            return True
    return False


def _code_part(text: str) -> str:
    return text.split("#", 1)[0].rstrip()


def _verdict(path: str, line: int, found: dict[str, list[str]]) -> str:
    codes = {tool: {c.split("[")[0] for c in found.get(tool, [])} for tool in TOOLS}
    peer_blocking = {c for c in codes["flake8-async"] | codes["ruff"] if PEER_BLOCKING.match(c)}
    needless_list = codes["ruff"] & RUFF_NEEDLESS_LIST
    ours = codes["persistlint"]
    if not peer_blocking and not needless_list:
        return "persistlint only" if ours else "context only"
    gaps = []
    if peer_blocking and not ours & PERSISTLINT_BLOCKING:
        gaps.append(f"{','.join(sorted(peer_blocking))} without PR301/PR303/PR305/PR307")
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
        return "no disk or network wait (NOT_BLOCKING in context/blocking.py)"
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


def _flake8(root: Path, excluded: list[Path], cache: bool = False):
    project = root if root.is_dir() else root.parent
    command = [sys.executable, "-m", "flake8", "--isolated", "--select=ASYNC,PR",
               f"--persistlint-project-root={project}",
               "--persistlint-cache" if cache else "--no-persistlint-cache", str(root)]
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
