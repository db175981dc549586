"""Per-file results, kept on disk for every front end (flake8 and the report).

An entry is one file's diagnostics as the engine found them, before
``# noqa`` (flake8 applies noqa itself; the report applies flake8's check),
with paths relative to the project root, and the facts of the project its
analysis read. Its name is a hash of the file's text as analysed (an
editor's stdin buffer is keyed by what it holds, not by the file on disk),
its path in the project, the settings and persistlint itself (its version
and the state of its modules). The entry is used when every fact it read
still holds (:class:`Reads`):

* the project modules whose trees inference read, by their context digest
  (a comment-only edit keeps it), and the list of the project's modules (a
  module added or removed may change what an import finds),
* the function summaries, entry points and symbol-index modules it looked
  up, by the digest of what it found (every one of them, once it went
  through all of them),
* the project-wide facts: the tech stack, database settings, models,
  channels, best practices and property names.

So an edit of a module the file's analysis never read, and which changed no
summary it consulted, keeps its entry; any other edit analyses it again. The
rules' shared project memos (indexes over every summary) are not shared
with a recorded analysis: what they are computed from is then read, and
recorded, by the file itself.

Each entry is its own file, ``result-<key>.json`` in the cache folder, written
to a temporary file and renamed over the target: concurrent writers (flake8
``-j`` workers, an editor and a pre-commit run) never see half an entry;
whichever writes last wins, and a reader checks the facts it records
against its own project state. Entries go through the
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
import weakref
from pathlib import Path

import attrs

from persistlint import shape
from persistlint.context import cache, incremental
from persistlint.diagnostic import Diagnostic
from persistlint.settings import Settings

FORMAT = 2  # 2: keyed by the facts read, not by the whole project state
PREFIX = "result-"
MAX_AGE_SECONDS = 7 * 24 * 3600

#: context.memo: ``{relpath: context digest}`` of the files the context was built from
DIGESTS = "build.digests"
_SHARED_MEMO_PREFIX = "build."  # the build's own notes: shared with a recorded analysis
#: what :meth:`Reads.facts` records for a table it went through entirely,
#: and for whether it is empty (neither is a name in a table)
EVERYTHING, EMPTINESS = "*", "?"

#: a diagnostic as ``Diagnostic.to_dict`` writes it
_DIAGNOSTIC_SHAPE = {"code": str, "severity": str, "path": str, "line": int, "col": int, "issue": str,
                     "principle": str, "recommendation": str, "effort": str}
_TABLE_SHAPE = shape.dict_of(str)
_FACTS_SHAPE = {"listing": str, "project": str, "modules": shape.dict_of(str), "functions": _TABLE_SHAPE,
                "entrypoints": _TABLE_SHAPE, "symbols": _TABLE_SHAPE,
                "queries": shape.dict_of(shape.dict_of(shape.dict_of(str)))}
_ENTRY_SHAPE = {"format": int, "facts": _FACTS_SHAPE, "diagnostics": shape.list_of(_DIAGNOSTIC_SHAPE)}
#: the tables of the context a file's analysis looks names up in
_TABLES = ("functions", "entrypoints", "symbols")


class Stats:
    """How the results cache answered in this process (what tests and
    ``--profile`` runs read; nothing else depends on it)."""

    hits = 0
    misses = 0  # no entry, or one whose facts no longer hold
    stale = 0  # of the misses: an entry was there, for another project state

    @classmethod
    def reset(cls) -> None:
        cls.hits = cls.misses = cls.stale = 0


def file_key(settings: Settings, relpath: str, source: str, families: frozenset[str] | None = None) -> str:
    """``families``: the rule families analysed (None: all of them); an
    entry holds only their diagnostics."""
    digest = hashlib.sha256(
        # a file name that is not UTF-8 holds surrogates (os.fsdecode)
        f"{FORMAT}\0{cache.tool_fingerprint()}\0{settings!r}\0{relpath}\0".encode(
            "utf-8", "surrogatepass"))
    if families is not None:
        digest.update(f"families={','.join(sorted(families))}\0".encode())
    digest.update(source.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def cacheable(diagnostics: list[Diagnostic]) -> bool:
    """PX notes (a spent time budget, a failed rule) depend on the moment, not
    only on the inputs: such a file is analysed again next time."""
    return not any(d.code.startswith("PX") for d in diagnostics)


def lookup(root: Path, settings: Settings, project, relpath: str, source: str,
           families: frozenset[str] | None = None) -> list[Diagnostic] | None:
    """The stored diagnostics of ``source`` at ``relpath`` when the disk
    cache is on and holds them for what ``project`` (the project context)
    says now."""
    if not settings.cache or not project.key:
        return None
    entry = ResultCache(root).get(file_key(settings, relpath, source, families))
    if entry is None:
        Stats.misses += 1
        return None
    facts, found = entry
    if not holds(facts, project):
        Stats.misses += 1
        Stats.stale += 1
        return None
    Stats.hits += 1
    return found


# ---------------------------------------------------------------- what an analysis read

def _digest(value) -> str:
    return incremental.fingerprint(value)


def _memoised(project, name: str, compute) -> str:
    key = f"results.{name}"
    found = project.memo.get(key)
    if found is None:
        found = project.memo[key] = compute()
    return found


def project_digest(project) -> str:
    """The facts of the whole project every file's analysis may read."""
    return _memoised(project, "project", lambda: _digest([
        project.tech_stack, project.db_config, project.models, project.channels, project.best_practices,
        sorted(project.property_names()),
        # what every channel use of the project is computed from, with the triggers of db_config
        [[name, [use.to_json() for use in summary.channels]] for name, summary in sorted(project.functions.items())
         if summary.channels]]))


def listing_digest(project) -> str:
    """The project's Python modules (one added or removed may change what an
    import finds)."""
    return _memoised(project, "listing", lambda: _digest(sorted(
        relative for relative in project.memo.get(DIGESTS, {}) if relative.endswith(".py"))))


def _value_digest(table: str, value) -> str:
    if value is None:
        return "absent"
    if table != "functions":
        return _digest(value)
    found = _SUMMARY_DIGESTS.get(value)
    if found is None:
        found = _SUMMARY_DIGESTS[value] = _digest(value.to_json())
    return found


# summary -> its digest: a summary is frozen, and every file's analysis that
# read it records it (and checks it again on the next lookup)
_SUMMARY_DIGESTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _table_digest(project, table: str) -> str:
    values = getattr(project, table)
    return _memoised(project, f"table.{table}", lambda: _digest(
        [[name, _value_digest(table, values[name])] for name in sorted(values)]))


def _module_digest(project, relative: str) -> str:
    known = project.memo.get(DIGESTS, {}).get(relative)
    if known is not None:
        return known
    # a module outside the context's files (excluded, or not part of the
    # listing): its bytes decide
    found = cache.file_digest(project.root / relative)
    return found if found is not None else "absent"


def _answers(memo: dict, table: str, values: dict, query: str) -> dict:
    """``incremental.answers`` of one of the project's tables (``values``),
    once per context (``memo``: the context's)."""
    key = f"results.answers.{table}.{query}"
    found = memo.get(key)
    if found is None:
        found = memo[key] = incremental.answers(values, query)
    return found


def _answer_digest(project, table: str, query: str, key: str) -> str:
    """The digest of what ``incremental.selected`` answers ``query`` for ``key`` now."""
    return _digest([[found, _value_digest(table, value)] for found, value in
                    _answers(project.memo, table, getattr(project, table), query).get(key, [])])


def holds(facts: dict, project) -> bool:
    """Whether every fact an analysis read is the same in ``project``."""
    if facts["listing"] != listing_digest(project) or facts["project"] != project_digest(project):
        return False
    for relative, digest in facts["modules"].items():
        if _module_digest(project, relative) != digest:
            return False
    for table in _TABLES:
        read = facts[table]
        if EVERYTHING in read:
            if read[EVERYTHING] != _table_digest(project, table):
                return False
            continue
        values = getattr(project, table)
        for name, digest in read.items():
            found = str(bool(values)) if name == EMPTINESS else _value_digest(table, values.get(name))
            if found != digest:
                return False
    for table, queries in facts["queries"].items():
        if table not in _TABLES:
            return False
        for query, keys in queries.items():
            if query not in incremental.QUERIES:
                return False
            for key, digest in keys.items():
                if _answer_digest(project, table, query, key) != digest:
                    return False
    return True


class Reads:
    """What one file's analysis reads of the project (see the module
    docstring), recorded while it runs: use as a context manager around the
    analysis, then :meth:`facts`."""

    def __init__(self, project) -> None:
        self.project = project
        self.tables: dict[str, incremental.ReadsRecorded] = {}
        self.modules: set[str] = set()

    def __enter__(self) -> Reads:
        from persistlint.context import channels, entities, infer, symbols

        project = self.project
        # memos shared with the other files: facts of the whole project,
        # computed before (the project digest covers them), and an index whose
        # every use is recorded (incremental.noted)
        project.property_names()
        channels.project_uses(project)
        self.shared = {"summaries.property_names", channels.PROJECT_USES, entities.IDS_PASSED_TO}
        self.saved = {table: getattr(project, table) for table in _TABLES}
        self.saved_memo = project.memo  # the indexes of the tables are kept there
        for table in _TABLES:
            self.tables[table] = incremental.ReadsRecorded(
                self.saved[table],
                index=lambda query, table=table: _answers(self.saved_memo, table, self.saved[table], query))
            setattr(project, table, self.tables[table])
        project.memo = {key: value for key, value in self.saved_memo.items() if self._shared(key)}
        self.index = symbols.ACTIVE.get(project.root)
        symbols.ACTIVE.use(project.root, self.tables["symbols"])
        self.recording = infer.modules_read(self.modules)
        self.recording.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        from persistlint.context import symbols

        self.recording.__exit__(*exc_info)
        project = self.project
        for table in _TABLES:
            setattr(project, table, self.saved[table])
        for key, value in project.memo.items():  # a shared fact computed meanwhile stays
            if self._shared(key):
                self.saved_memo.setdefault(key, value)
        project.memo = self.saved_memo
        symbols.ACTIVE.use(project.root, self.index)

    def _shared(self, memo_key) -> bool:
        return isinstance(memo_key, str) and (memo_key in self.shared or memo_key.startswith(_SHARED_MEMO_PREFIX))

    def facts(self, relpath: str) -> dict:
        """The facts read, as :func:`holds` checks them (call after the block)."""
        project = self.project
        modules = {}
        try:
            root = project.root.resolve()
        except OSError:  # no module can be told to be the project's
            root, self.modules = None, set()
        for file in sorted(self.modules):
            if not os.path.isabs(file):
                continue  # built from text (a stub)
            try:
                relative = Path(file).resolve().relative_to(root).as_posix()
            except (ValueError, OSError):
                continue  # a library
            if relative != relpath:
                modules[relative] = _module_digest(project, relative)
        found = {"listing": listing_digest(project), "project": project_digest(project), "modules": modules,
                 "queries": {}}
        for table, recorded in self.tables.items():
            values = getattr(project, table)
            if recorded.everything or EVERYTHING in recorded.read or EMPTINESS in recorded.read:
                found[table] = {EVERYTHING: _table_digest(project, table)}
                continue
            found[table] = {str(name): _value_digest(table, values.get(name)) for name in recorded.read}
            if recorded.emptiness_read:
                found[table][EMPTINESS] = str(bool(values))
            for query, key in recorded.queries:
                found["queries"].setdefault(table, {}).setdefault(query, {})[key] = \
                    _answer_digest(project, table, query, key)
        return found


class ResultCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def _name(key: str) -> str:
        return f"{PREFIX}{key}.json"

    def get(self, key: str) -> tuple[dict, list[Diagnostic]] | None:
        """The stored facts read and diagnostics (paths relative to the root), or None."""
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
        return data["facts"], found

    def put(self, key: str, diagnostics: list[Diagnostic], facts: dict) -> None:
        directory = cache.existing_directory(self.root)
        if not cacheable(diagnostics) or directory is None:
            return  # the context cache creates the folder; none means no disk cache here
        payload = json.dumps({"format": FORMAT, "facts": facts, "diagnostics": [d.to_dict() for d in diagnostics]})
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
