"""Per-file results, kept on disk for every front end (flake8 and the report).

An entry is one file's diagnostics as the engine found them, before
``# noqa`` (flake8 applies noqa itself; the report applies flake8's check),
with paths relative to the project root. Its key is a hash of:

* the file's text as analysed (an editor's stdin buffer is keyed by what it
  holds, not by the file on disk),
* the project context key, which changes whenever any project file changes:
  a file's findings also depend on other files (call-graph summaries,
  models, entry points, database settings, inference into the project
  modules it imports), so after an edit anywhere every file is analysed
  again and a re-run with nothing changed analyses nothing,
* the settings, the file's path in the project, and persistlint itself (its
  version and the state of its modules).

Each entry is its own file, ``result-<key>.json`` in the cache folder, written
to a temporary file and renamed over the target: concurrent writers (flake8
``-j`` workers, an editor and a pre-commit run) never see half an entry,
and two writers of one key write the same text. Entries not used for
:data:`MAX_AGE_SECONDS` are removed when the project context is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import attrs

from persistlint.context import cache
from persistlint.diagnostic import Diagnostic
from persistlint.settings import Settings

FORMAT = 1
PREFIX = "result-"
MAX_AGE_SECONDS = 7 * 24 * 3600


def file_key(context_key: str, settings: Settings, relpath: str, source: str) -> str:
    digest = hashlib.sha256(
        f"{FORMAT}\0{cache.tool_fingerprint()}\0{context_key}\0{settings!r}\0{relpath}\0".encode())
    digest.update(source.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def cacheable(diagnostics: list[Diagnostic]) -> bool:
    """PX notes (a spent time budget, a failed rule) depend on the moment, not
    only on the inputs: such a file is analysed again next time."""
    return not any(d.code.startswith("PX") for d in diagnostics)


def lookup(root: Path, settings: Settings, context_key: str, relpath: str,
           source: str) -> list[Diagnostic] | None:
    """The stored diagnostics of ``source`` at ``relpath`` in this project
    state, when the disk cache is on and holds them."""
    if not settings.cache or not context_key:
        return None
    return ResultCache(root).get(file_key(context_key, settings, relpath, source))


class ResultCache:
    def __init__(self, root: Path) -> None:
        self.directory = root / cache.CACHE_DIR

    def _entry(self, key: str) -> Path:
        return self.directory / f"{PREFIX}{key}.json"

    def get(self, key: str) -> list[Diagnostic] | None:
        """The stored diagnostics (paths relative to the root), or None."""
        entry = self._entry(key)
        if entry.is_symlink():
            return None
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return None
            found = [Diagnostic.from_dict(item) for item in data["diagnostics"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        with contextlib.suppress(OSError):
            os.utime(entry)  # recently used: kept by the pruning
        return found

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        if not cacheable(diagnostics) or not self.directory.is_dir() or self.directory.is_symlink():
            return  # the context cache creates the folder; none means no disk cache here
        payload = json.dumps({"format": FORMAT, "diagnostics": [d.to_dict() for d in diagnostics]})
        temporary = None
        try:
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=f".{PREFIX}", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload)
            os.replace(temporary, self._entry(key))
            temporary = None
        except OSError:
            pass  # a read-only checkout: results are simply not kept
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def prune(self, max_age: float = MAX_AGE_SECONDS) -> None:
        """Remove entries not used for ``max_age`` seconds."""
        limit = time.time() - max_age
        try:
            entries = list(self.directory.glob(f"{PREFIX}*.json"))
        except OSError:
            return
        for entry in entries:
            with contextlib.suppress(OSError):
                if not entry.is_symlink() and entry.stat().st_mtime < limit:
                    entry.unlink()


def with_path(diagnostics: list[Diagnostic], path: str) -> list[Diagnostic]:
    return [attrs.evolve(d, path=path) for d in diagnostics]
