"""What of a file the project context depends on, so that edits which cannot
change the context do not rebuild it.

The context is computed from the syntax tree of each Python module (node
types, names, constants, docstrings, positions, ``# type:`` comments), never
from its other comments or its layout between tokens: the text checks in
:mod:`persistlint.context.models` only skip modules whose tree could not
hold what they look for. The one text check that a comment can turn,
whether the migrations scan reads the module for triggers
(:data:`~persistlint.context.migrations.TRIGGER_WORDS`), is part of the
digest. A module's context digest is therefore a hash of
its tree, positions included, as ``ast`` parses it from the bytes
(honouring the coding declaration): changing or appending a comment, or
re-wrapping inside brackets without moving a node, leaves the digest and
so the context key unchanged, and the cached context is reused. Anything
that moves or changes a node changes the digest.

Other files (SQL, manifests, and ``setup.py``, which the stack detection
reads as text) are hashed byte for byte, as is a module that does not parse.
"""

from __future__ import annotations

import ast
import hashlib
import json
import pickle
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple


#: Python files read as text by the stack detection (files.MANIFESTS)
TEXT_READ_MODULES = frozenset({"setup.py"})


def context_digest(path: Path, data: bytes) -> str:
    """The digest of what the context reads from ``data``, the bytes of ``path``."""
    if path.suffix == ".py" and path.name not in TEXT_READ_MODULES:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes etc.: not the context's business
                tree = ast.parse(data, type_comments=True)
            # the pickle of a tree holds every field and position, as ast.dump
            # would write them, in a fraction of the time
            dump = pickle.dumps(tree, protocol=5)
        except (SyntaxError, ValueError, RecursionError, MemoryError, pickle.PicklingError):
            pass
        else:
            from persistlint.context.migrations import TRIGGER_WORDS  # sqlparse: not for a warm run

            read_for_triggers = bool(TRIGGER_WORDS.search(data.decode("utf-8", errors="replace")))
            digest = hashlib.sha1(f"{read_for_triggers}\0".encode())
            digest.update(dump)
            return "ast:" + digest.hexdigest()
    return hashlib.sha1(data).hexdigest()


# ---------------------------------------------------------------- what depends on what

def parsed(source: str) -> ast.Module | None:
    """``ast.parse(source)``, None when it does not parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def imported_modules(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Dotted names a module's ``import`` statements may load (anywhere in
    it, relative ones resolved; ``from a.b import c`` may load ``a.b.c``),
    with their parent packages."""
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in _statements(tree.body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if node.level - 1 > len(parts):
                    continue
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join([*parts, *([base] if base else [])])
            if base:
                found.add(base)
            found.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names
                         if alias.name != "*")
    with_parents = set()
    for name in found:
        parts = name.split(".")
        with_parents.update(".".join(parts[:index]) for index in range(1, len(parts) + 1))
    return with_parents


_HOLDERS = (ast.stmt, ast.excepthandler, ast.match_case)


def _statements(body: list[ast.stmt]):
    """Every statement, nested ones included, with the except clauses and
    match cases holding them (an import is a statement: expressions need
    not be visited)."""
    todo = list(reversed(body))
    while todo:
        statement = todo.pop()
        yield statement
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list):
                kept = [node for node in inner if isinstance(node, _HOLDERS)]
                todo.extend(reversed(kept))


def closures(imports: dict[str, list[str]]) -> dict[str, set[str]]:
    """Each module's transitive project imports (itself included): the
    modules inference in it may read."""
    found: dict[str, set[str]] = {}
    for start in imports:
        seen = {start}
        todo = [start]
        while todo:
            for target in imports.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        found[start] = seen
    return found


def fingerprint(value) -> str:
    """A digest of JSON-like data (dict order kept: it is part of the data)."""
    return hashlib.sha1(json.dumps(value, default=repr).encode("utf-8", "surrogatepass")).hexdigest()


class _Question(NamedTuple):
    """A question about a whole table: which entries answer for ``key``."""

    keys: Callable[[Any, Any], Iterable[Any]]  # every key an entry answers for
    answers: Callable[[Any, Any, Any], bool]  # whether an entry answers for ``key`` (a scan)


#: The questions about a whole table of the context that an analysis may
#: ask without depending on every entry (a summary table: the methods named
#: ``key``, the callers passing ids to ``key``, the callers of ``key``).
#: :func:`selected` asks one.
QUERIES = {
    "method": _Question(lambda name, value: (name.rpartition(".")[2],),
                        lambda name, value, key: name.rpartition(".")[2] == key),
    "passes_ids_to": _Question(lambda name, value: {passed.callee for passed in value.passes_ids},
                               lambda name, value, key: any(passed.callee == key for passed in value.passes_ids)),
    "calls": _Question(lambda name, value: {call.callee for call in value.calls},
                       lambda name, value, key: any(call.callee == key for call in value.calls)),
}


def selected(table: dict, query: str, key: str) -> list[tuple[Any, Any]]:
    """The items of ``table`` that :data:`QUERIES` ``[query]`` answers
    ``key`` for, in the table's order; a table that records its reads
    notes the question (not every entry), and answers from its index when
    it has one."""
    noted(table, query, key)
    index = getattr(table, "index", None)
    if index is not None:
        return index(query).get(key, [])
    answers_for = QUERIES[query].answers
    return [(name, value) for name, value in dict.items(table) if answers_for(name, value, key)]


def noted(table: dict, query: str, key: str) -> None:
    """Note that ``query`` was asked of ``table`` for ``key``, when it
    records its reads (for a caller that answers it from its own index)."""
    if isinstance(table, ReadsRecorded):
        table.queries.add((query, key))


def answers(table: dict, query: str) -> dict[Any, list[tuple[Any, Any]]]:
    """Every key's answer to ``query``, in one pass over ``table`` (an index
    for a table that no longer changes)."""
    found: dict[Any, list[tuple[Any, Any]]] = {}
    keys_of = QUERIES[query].keys
    for name, value in dict.items(table):
        for key in keys_of(name, value):
            found.setdefault(key, []).append((name, value))
    return found


class Indexed(dict):
    """A table that :func:`selected` answers from an index of its
    :func:`answers`, built on the first question and dropped when an entry is
    set or removed (the entries are frozen: a changed one is a new one).
    Without it every question is a scan of the whole table, once per call
    site that asks."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self._indexes: dict[str, dict] = {}

    def index(self, query: str) -> dict[Any, list[tuple[Any, Any]]]:
        found = self._indexes.get(query)
        if found is None:
            found = self._indexes[query] = answers(self, query)
        return found

    def _changed(self) -> None:
        self._indexes.clear()

    def __setitem__(self, key, value) -> None:
        self._changed()
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        self._changed()
        super().__delitem__(key)

    def update(self, *args, **kwargs) -> None:
        self._changed()
        super().update(*args, **kwargs)

    def setdefault(self, key, default=None):
        self._changed()
        return super().setdefault(key, default)

    def pop(self, *args):
        self._changed()
        return super().pop(*args)

    def popitem(self):
        self._changed()
        return super().popitem()

    def clear(self) -> None:
        self._changed()
        super().clear()


def indexed(table: dict) -> dict:
    """``table`` as an :class:`Indexed` one (itself when it already is)."""
    return table if isinstance(table, Indexed) else Indexed(table)


class ReadsRecorded(Indexed):
    """A dict that notes which keys are read (``everything`` once it is
    iterated): what a module's facts read of the project's entry points or
    function summaries, so that an edit elsewhere redoes them only when
    something they read changed."""

    def __init__(self, *args, index: Callable[[str], dict] | None = None) -> None:
        super().__init__(*args)
        if index is not None:
            #: ``index(query)``: :func:`answers` of another table this one reads through
            self.index = index
        self.start()

    def start(self) -> None:
        self.read: set[str] = set()
        self.everything = False
        self.emptiness_read = False  # whether it was asked if it is empty
        self.queries: set[tuple[str, Any]] = set()  # (query, key) asked through selected()

    def reads(self) -> list[str] | None:
        """The keys read since :meth:`start`, sorted; None: every key (or a
        question about them all: :func:`selected`, or whether it is empty)."""
        return None if self.everything or self.queries or self.emptiness_read else sorted(map(str, self.read))

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key) -> bool:
        self.read.add(key)
        return super().__contains__(key)

    def _all(self) -> None:
        self.everything = True

    def __iter__(self):
        self._all()
        return super().__iter__()

    def __bool__(self) -> bool:
        self.emptiness_read = True
        return super().__len__() > 0

    def __len__(self) -> int:
        self._all()
        return super().__len__()

    def keys(self):
        self._all()
        return super().keys()

    def values(self):
        self._all()
        return super().values()

    def items(self):
        self._all()
        return super().items()
