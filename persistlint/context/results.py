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
and two writers of one key write the same text. Entries go through the
cache's safe file IO (:func:`persistlint.context.cache.read_cache_file`,
:func:`~persistlint.context.cache.write_atomic`): a link is never followed,
nothing is written outside the cache folder, and an entry without the
expected shape is a miss. Entries not used for
:data:`MAX_AGE_SECONDS` are removed when the project context is rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from pathlib import Path

import attrs

from persistlint import shape
from persistlint.context import cache
from persistlint.diagnostic import Diagnostic
from persistlint.settings import Settings

FORMAT = 1
PREFIX = "result-"
MAX_AGE_SECONDS = 7 * 24 * 3600

#: a diagnostic as ``Diagnostic.to_dict`` writes it
_DIAGNOSTIC_SHAPE = {"code": str, "severity": str, "path": str, "line": int, "col": int, "issue": str,
                     "principle": str, "recommendation": str, "effort": str}
_ENTRY_SHAPE = {"format": int, "diagnostics": shape.list_of(_DIAGNOSTIC_SHAPE)}


def file_key(context_key: str, settings: Settings, relpath: str, source: str) -> str:
    digest = hashlib.sha256(
        # a file name that is not UTF-8 holds surrogates (os.fsdecode)
        f"{FORMAT}\0{cache.tool_fingerprint()}\0{context_key}\0{settings!r}\0{relpath}\0".encode(
            "utf-8", "surrogatepass"))
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
        self.root = root

    @staticmethod
    def _name(key: str) -> str:
        return f"{PREFIX}{key}.json"

    def get(self, key: str) -> list[Diagnostic] | None:
        """The stored diagnostics (paths relative to the root), or None."""
        directory = cache.existing_directory(self.root)
        if directory is None:
            return None
        data = cache.read_json(directory, self._name(key))
        if not shape.matches(data, _ENTRY_SHAPE) or data["format"] != FORMAT:
            return None
        try:
            found = [Diagnostic.from_dict(item) for item in data["diagnostics"]]
        except (KeyError, ValueError, TypeError):
            return None
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(directory / self._name(key), follow_symlinks=False)  # recently used: kept by the pruning
        return found

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        directory = cache.existing_directory(self.root)
        if not cacheable(diagnostics) or directory is None:
            return  # the context cache creates the folder; none means no disk cache here
        payload = json.dumps({"format": FORMAT, "diagnostics": [d.to_dict() for d in diagnostics]})
        with contextlib.suppress(OSError):  # a read-only checkout: results are simply not kept
            cache.write_atomic(directory, self._name(key), payload.encode("utf-8"))

    def prune(self, max_age: float = MAX_AGE_SECONDS) -> None:
        """Remove entries not used for ``max_age`` seconds (links and
        anything else that is not a regular file are left alone)."""
        directory = cache.existing_directory(self.root)
        if directory is None:
            return
        limit = time.time() - max_age
        try:
            names = [name for name in os.listdir(directory) if name.startswith(PREFIX) and name.endswith(".json")]
        except OSError:
            return
        for name in names:
            with contextlib.suppress(OSError):
                found = os.lstat(directory / name)
                if stat.S_ISREG(found.st_mode) and found.st_mtime < limit:
                    os.unlink(directory / name)


def with_path(diagnostics: list[Diagnostic], path: str) -> list[Diagnostic]:
    return [attrs.evolve(d, path=path) for d in diagnostics]
