"""Whole reports, kept: a report run over a tree that has not changed since
the last run with the same request prints the stored text instead of
running again.

An entry is keyed by a hash of everything the text depends on:

* persistlint itself (version and the state of its modules), this
  module's format, and the request (format, date, options, selection);
* flake8's options as it parsed them (configuration files included);
* each file of the run: its name, project root, settings, and its bytes;
* each project root's context key (the content of every project file, see
  :mod:`persistlint.context.cache`), so an edit of a file outside the
  report's paths that changes the context is a miss too;
* the bytes of each baseline the settings name.

Entries live in the report root's cache folder as ``report-<key>.json``,
through the cache's safe file IO (no link followed, atomic replace); only
the few most recently used are kept. Checking costs listing and reading the
files, and no analysis: nothing of the linter's rules or of astroid is
loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from persistlint import shape
from persistlint.context import cache

FORMAT = 1
PREFIX = "report-"
#: entries kept; the rest, least recently used first, are removed
KEEP = 4
_ENTRY_SHAPE = {"format": int, "text": str, "summary": str, "findings": bool}
_PLAIN = (str, int, float, bool, type(None))


def _options_text(options: Any) -> str:
    """flake8's parsed options as text (values that are plain data only)."""
    found = []
    for name, value in sorted(vars(options).items()):
        if isinstance(value, (list, tuple)) and all(isinstance(item, _PLAIN) for item in value):
            found.append(f"{name}={list(value)!r}")
        elif isinstance(value, _PLAIN):
            found.append(f"{name}={value!r}")
    return "\n".join(found)


def run_key(discovery, request: str) -> str | None:
    """The key of a run's report (``request``: the request as text), or None
    when a file cannot be read or a project keeps no disk cache."""
    digest = hashlib.sha256(f"{FORMAT}\0{cache.tool_fingerprint()}\0{request}\0".encode("utf-8", "surrogatepass"))
    digest.update(_options_text(discovery.options).encode("utf-8", "surrogatepass"))
    digest.update(repr(sorted(discovery.overrides.items())).encode("utf-8", "surrogatepass"))
    states: dict = {}
    baselines: set[str] = set()

    def state(root: Path, settings) -> str | None:
        if (root, settings) not in states:
            store = cache.ContextCache(root)
            states[(root, settings)] = (cache.project_state(root, settings, store)[3]
                                        if settings.cache and cache.existing_directory(root) else None)
        return states[(root, settings)]

    report_state = state(discovery.report_root, discovery.report_settings.for_analysis)
    if report_state is None:
        return None
    digest.update(f"{discovery.report_root}\0{report_state}\0".encode("utf-8", "surrogatepass"))
    for file in discovery.files:
        context_key = state(file.root, file.settings.for_analysis)
        content = _bytes_digest(file.absolute)
        if context_key is None or content is None:
            return None
        if file.settings.baseline:
            baselines.add(str(file.settings.baseline))
        digest.update(f"{file.display}\0{file.relative}\0{file.root}\0{file.settings!r}\0{context_key}\0"
                      f"{content}\0".encode("utf-8", "surrogatepass"))
    for name in sorted(baselines):
        digest.update(f"{name}\0{_bytes_digest(Path(name))}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _bytes_digest(path: Path) -> str | None:
    from persistlint.context.files import SourceError, read_regular

    try:
        data, _ = read_regular(path)
    except SourceError:
        return None
    return hashlib.sha256(data).hexdigest()


class SavedReports:
    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def _name(key: str) -> str:
        return f"{PREFIX}{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        directory = cache.existing_directory(self.root)
        if directory is None:
            return None
        found = cache.read_json(directory, self._name(key))
        if not shape.matches(found, _ENTRY_SHAPE) or found["format"] != FORMAT:
            return None
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(directory / self._name(key), follow_symlinks=False)  # recently used: kept
        return found

    def put(self, key: str, text: str, summary: str, findings: bool) -> None:
        directory = cache.existing_directory(self.root)
        if directory is None:
            return
        payload = {"format": FORMAT, "text": text, "summary": summary, "findings": findings}
        with contextlib.suppress(OSError):  # a read-only checkout: the report is simply not kept
            cache.write_atomic(directory, self._name(key), json.dumps(payload).encode("utf-8"))
            self._prune(directory)

    @staticmethod
    def _prune(directory: Path) -> None:
        entries = []
        for name in os.listdir(directory):
            if name.startswith(PREFIX) and name.endswith(".json"):
                with contextlib.suppress(OSError):
                    found = os.lstat(directory / name)
                    if stat.S_ISREG(found.st_mode):
                        entries.append((found.st_mtime_ns, name))
        for _, name in sorted(entries, reverse=True)[KEEP:]:
            with contextlib.suppress(OSError):
                os.unlink(directory / name)
