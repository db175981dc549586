"""On-disk cache of the project context, keyed by the content of the files
it was built from.

The key is a hash of every file's content hash (plus persistlint's version
and the settings). To avoid re-reading an unchanged tree on every editor
save, a file whose size and modification time match the previous manifest
reuses the content hash recorded there.

Several flake8 ``-j`` workers may start cold at once: the first takes an
exclusive lock and builds, the others wait and then read its result.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from persistlint import __version__
from persistlint.context import incremental

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

CACHE_DIR = ".persistlint_cache"
FORMAT = 2  # 2: manifest digests of Python modules are syntax-tree digests


@functools.cache
def tool_fingerprint() -> str:
    """persistlint's version and the state of its own modules: an edited
    rule in an editable install invalidates cached results as a release does."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(__version__.encode())
    for module in sorted(package.rglob("*.py")):
        stat = module.stat()
        digest.update(f"{module.relative_to(package)}\0{stat.st_mtime_ns}\0{stat.st_size}\0".encode())
    return digest.hexdigest()


def manifest(root: Path, files: list[Path], previous: dict[str, list]) -> dict[str, list]:
    """``{relpath: [mtime_ns, size, context digest]}`` for every file
    (:func:`persistlint.context.incremental.context_digest`)."""
    result: dict[str, list] = {}
    for path in files:
        relative = path.relative_to(root).as_posix()
        try:
            stat = path.stat()
        except OSError:
            continue
        known = previous.get(relative)
        if known and known[0] == stat.st_mtime_ns and known[1] == stat.st_size:
            result[relative] = known
            continue
        try:
            digest = incremental.context_digest(path, path.read_bytes())
        except OSError:
            continue
        result[relative] = [stat.st_mtime_ns, stat.st_size, digest]
    return result


def key(settings: str, files: dict[str, list]) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{tool_fingerprint()}\0{settings}\0".encode())
    for relative in sorted(files):
        digest.update(f"{relative}\0{files[relative][2]}\0".encode())
    return digest.hexdigest()


class ContextCache:
    def __init__(self, root: Path) -> None:
        self.directory = root / CACHE_DIR
        self.file = self.directory / "context.json"
        self.usable = True

    def _ensure_directory(self) -> bool:
        if not self.usable:
            return False
        try:
            self.directory.mkdir(exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by persistlint\n*\n", encoding="utf-8")
            return True
        except OSError:
            self.usable = False  # read-only checkout: work without a cache
            return False

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("format") == FORMAT else None

    def previous_manifest(self) -> dict[str, list]:
        data = self._read()
        return data.get("manifest", {}) if data else {}

    def load(self, key: str) -> dict[str, Any] | None:
        data = self._read()
        if data and data.get("key") == key:
            return data.get("context")
        return None

    def save(self, key: str, manifest: dict[str, list], context: dict[str, Any]) -> None:
        if not self._ensure_directory():
            return
        payload = {"format": FORMAT, "key": key, "manifest": manifest, "context": context}
        try:
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(payload, out)
            os.replace(temporary, self.file)  # readers see the old or the new file, never half
        except OSError:
            self.usable = False

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        if fcntl is None or not self._ensure_directory():
            yield
            return
        try:
            lock = open(self.directory / "lock", "w")  # noqa: SIM115 - held for the block
        except OSError:
            yield
            return
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
