"""Property: whatever hostile entries a checkout holds (links, FIFOs, odd
names, a damaged or planted cache), the real ``flake8`` and ``persistlint
report`` finish without a traceback and without hanging, write nothing
outside ``<root>/.persistlint_cache``, and report the intact files exactly
as they would without the hostile entries.

The intact project is two files whose finding depends on the project
context: ``export`` is a request handler only because the other module
registers it, so its sleep is HIGH (MEDIUM without the context).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from persistlint.context import cache
from tests import harness

INTACT = {
    "pyproject.toml": '[project]\nname = "proj"\n',
    "app/__init__.py": "",
    "app/handlers.py": "import time\n\n\nasync def export():\n    time.sleep(1)\n",
    "app/routes.py": (
        "from fastapi import APIRouter\n\nfrom app.handlers import export\n\n"
        "router = APIRouter()\n"
        'router.add_api_route("/export", export, methods=["POST"])\n'),
}
EXPECTED = "app/handlers.py:5:5: PR303 [HIGH]"
LIMIT = 90  # seconds per command: a hang fails the example


def _link(target: str):
    return lambda root, outside: os.symlink(target.format(outside=outside), root / _name_of(root))


def _name_of(root: Path) -> str:
    """A fresh ``app/odd_<n>.py`` name."""
    count = len(list((root / "app").iterdir()))
    return f"app/odd_{count}.py"


def _fifo(root: Path, outside: Path) -> None:
    os.mkfifo(root / _name_of(root))


def _undecodable(root: Path, outside: Path) -> None:
    with open(os.fsencode(root / "app") + b"/caf\xe9_%d.py" % len(list((root / "app").iterdir())), "wb") as out:
        out.write(b"import time\n\n\nasync def f():\n    time.sleep(1)\n")


def _loop(root: Path, outside: Path) -> None:
    name = root / _name_of(root)
    os.symlink(name.name, name)


def _cache_dir(root: Path) -> Path:
    directory = root / cache.CACHE_DIR
    if not os.path.lexists(directory):
        directory.mkdir()
    return directory


def _cache_entry(name: str, make):
    """Plant ``make(path, outside)`` as the cache file ``name`` (unless the
    cache folder is a link or the entry is already planted)."""
    def plant(root: Path, outside: Path) -> None:
        directory = _cache_dir(root)
        if not directory.is_symlink() and not os.path.lexists(directory / name):
            make(directory / name, outside)
    return plant


def _to_victim(path: Path, outside: Path) -> None:
    os.symlink(outside / "victim", path)


def _dangling(path: Path, outside: Path) -> None:
    os.symlink(outside / f"created-{path.name.strip('.')}", path)


def _body(data: bytes):
    return lambda path, outside: path.write_bytes(data)


def _subdirectory(path: Path, outside: Path) -> None:
    (path / "inner").mkdir(parents=True)


def _linked_cache(root: Path, outside: Path) -> None:
    if not os.path.lexists(root / cache.CACHE_DIR):
        (outside / "cache").mkdir(exist_ok=True)
        os.symlink(outside / "cache", root / cache.CACHE_DIR)


HOSTILE = {
    "dangling link": _link("{outside}/missing.py"),
    "link out of the project": _link("{outside}/victim"),
    "link loop": _loop,
    "FIFO": _fifo,
    "undecodable name": _undecodable,
    "cache lock link": _cache_entry("lock", _to_victim),
    "cache .gitignore dangling link": _cache_entry(".gitignore", _dangling),
    "cache context link": _cache_entry(cache.CONTEXT_FILE, _to_victim),
    "cache results dangling link": _cache_entry("report-results.json", _dangling),
    "cache context garbage": _cache_entry(cache.CONTEXT_FILE, _body(b'{"format": 2, "key": ')),
    "cache context wrong shape": _cache_entry(cache.CONTEXT_FILE, _body(json.dumps(
        {"format": cache.FORMAT, "key": "k", "hashed_at": 0, "manifest": {}, "context": {"models": "oops"}}).encode())),
    "cache results wrong shape": _cache_entry("report-results.json", _body(b'{"format": 1, "files": {"x": 5}}')),
    "cache context is a directory": _cache_entry(cache.CONTEXT_FILE, _subdirectory),
    "cache folder is a link": _linked_cache,
}


def _snapshot(*bases: Path) -> dict[str, tuple]:
    """Every entry under ``bases`` outside the cache folder: kind, size and
    content hash (links by their target)."""
    found: dict[str, tuple] = {}
    for base in bases:
        for directory, subdirs, files in os.walk(base):
            subdirs[:] = [d for d in subdirs if d != cache.CACHE_DIR or Path(directory) != base]
            if Path(directory) == base:
                files = [f for f in files if f != cache.CACHE_DIR]  # a linked cache folder is listed as a file
            for name in subdirs + files:
                path = Path(directory, name)
                info = os.lstat(path)
                if stat.S_ISLNK(info.st_mode):
                    found[str(path)] = ("link", os.readlink(path))
                elif stat.S_ISREG(info.st_mode):
                    found[str(path)] = ("file", hashlib.sha1(path.read_bytes()).hexdigest())
                else:
                    found[str(path)] = (stat.S_IFMT(info.st_mode),)
    return found


def _persistlint_lines(stdout: str, path: str) -> list[str]:
    return sorted(line.split(" -> ")[0] for line in stdout.splitlines()
                  if line.startswith(path) and ": P" in line)


def _write_intact(root: Path) -> None:
    for name, text in INTACT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("intact") / "proj"
    _write_intact(root)
    result = harness.flake8("--select=PR,PX", "app", cwd=root, timeout=LIMIT, only=("persistlint",))
    lines = _persistlint_lines(result.stdout, "app/handlers.py")
    assert any(line.startswith(EXPECTED) for line in lines), result.stdout
    return lines


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(os, "O_NOFOLLOW"), reason="POSIX checkouts")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plants=st.lists(st.sampled_from(sorted(HOSTILE)), min_size=1, max_size=5), run_report=st.booleans())
def test_hostile_trees(baseline, plants, run_report):
    base = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        root, outside = base / "proj", base / "outside"
        _write_intact(root)
        outside.mkdir()
        (outside / "victim").write_text("precious\n", encoding="utf-8")
        for plant in plants:
            HOSTILE[plant](root, outside)
        before = _snapshot(root, outside)

        # the intact files named explicitly: flake8 itself must not be the one to open a FIFO
        result = harness.flake8("--select=PR,PX", "app/handlers.py", "app/routes.py", cwd=root,
                                timeout=LIMIT, only=("persistlint",))
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert _persistlint_lines(result.stdout, "app/handlers.py") == baseline, plants
        if run_report and "FIFO" not in plants:  # flake8's discovery would hand the report the FIFO
            report = harness.persistlint("report", "--format", "json", "-j", "1", ".", cwd=root, timeout=LIMIT)
            assert report.returncode in (0, 1), report.stderr
            assert "Traceback" not in report.stderr
            findings = [f for c in json.loads(report.stdout)["categories"] for f in c["findings"]]
            assert ("app/handlers.py", 5, "PR303", "HIGH") in {
                (f["path"], f["line"], f["code"], f["severity"]) for f in findings}

        assert _snapshot(root, outside) == before, plants
        assert (outside / "victim").read_text(encoding="utf-8") == "precious\n"
    finally:
        shutil.rmtree(base, ignore_errors=True)
