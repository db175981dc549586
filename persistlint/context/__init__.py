"""The shared context every rule of every family reads.

* :class:`ProjectContext` is computed once per project state (stack, triggers,
  models, session and pool settings, entry points, function summaries), kept
  in memory for the process and on disk under the project root, keyed by the
  content of the files it was built from.
* :class:`FileContext` is one file's view: the astroid module, the settings,
  and lazily cached facts about nodes ("inside async def", "inside a loop",
  "request handler", "what this call is") so that rules never re-track them.
"""

from __future__ import annotations

import enum
import threading
from pathlib import Path
from typing import Any

import attrs

from persistlint.context import incremental
from persistlint.diagnostic import Evidence
from persistlint.settings import Settings

#: what :mod:`persistlint.context.file_context` defines, importable from
#: here: astroid is loaded on first use of them, so that a run answered
#: from the cache (a warm report) does not load it
_FILE_CONTEXT_NAMES = frozenset({"FileContext", "inside", "LOOP_NODES", "FUNCTION_NODES"})


def __getattr__(name: str) -> Any:
    if name in _FILE_CONTEXT_NAMES:
        from persistlint.context import file_context

        return getattr(file_context, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ExecutionKind(enum.Enum):
    REQUEST_HANDLER = "request_handler"
    BACKGROUND = "background"
    STARTUP = "startup"  # lifespan, startup and shutdown hooks: run before or after serving
    UNKNOWN = "unknown"  # treated as background by the rules


@attrs.frozen
class Execution:
    kind: ExecutionKind
    evidence: Evidence = Evidence.INFERRED
    via: str = ""

    @property
    def is_request_handler(self) -> bool:
        return self.kind is ExecutionKind.REQUEST_HANDLER

    @property
    def is_startup(self) -> bool:
        return self.kind is ExecutionKind.STARTUP


UNKNOWN_EXECUTION = Execution(ExecutionKind.UNKNOWN)


@attrs.define
class ProjectContext:
    """Facts about the whole project. Everything but ``root``/``settings`` is
    plain JSON data, so the context can be cached on disk and printed by
    ``persistlint context``."""

    root: Path
    settings: Settings
    key: str = ""
    tech_stack: dict[str, Any] = attrs.Factory(dict)
    db_config: dict[str, Any] = attrs.Factory(dict)
    models: dict[str, Any] = attrs.Factory(dict)
    entrypoints: dict[str, Any] = attrs.Factory(dict)
    #: qualname -> :class:`persistlint.context.summaries.FunctionSummary`;
    #: indexed for the questions rules ask of the whole table (``incremental.selected``)
    functions: dict[str, Any] = attrs.field(factory=incremental.Indexed, converter=incremental.indexed)
    channels: dict[str, Any] = attrs.Factory(dict)
    #: module -> name -> entry: :mod:`persistlint.context.symbols`
    symbols: dict[str, Any] = attrs.Factory(dict)
    best_practices: list[dict[str, str]] = attrs.Factory(list)
    problems: list[str] = attrs.Factory(list)
    # derived at run time from the data above, never serialised
    memo: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    DATA_FIELDS = ("tech_stack", "db_config", "models", "entrypoints", "functions",
                   "channels", "symbols", "best_practices", "problems")

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.DATA_FIELDS}
        data["functions"] = {name: summary.to_json() for name, summary in self.functions.items()}
        data["codebase_root"] = str(self.root)
        return data

    @classmethod
    def from_json(cls, root: Path, settings: Settings, key: str, data: dict) -> ProjectContext:
        from persistlint.context.summaries import FunctionSummary

        fields = {name: data[name] for name in cls.DATA_FIELDS}
        fields["functions"] = {name: FunctionSummary.from_json(summary)
                               for name, summary in data["functions"].items()}
        return cls(root=root, settings=settings, key=key, **fields)

    # -- lookups the rules share -------------------------------------------------
    def property_names(self) -> set[str]:
        """Names of the project's ``@property`` methods (the build notes
        them; a context read from the cache derives them from its summaries)."""
        names = self.memo.get("summaries.property_names")
        if names is None:
            names = self.memo["summaries.property_names"] = {
                name.rpartition(".")[2] for name, summary in self.functions.items() if summary.is_property}
        return names

    def model_for_table(self, table: str) -> str | None:
        for name, model in self.models.items():
            if model.get("table") == table:
                return name
        return None

    def model_named(self, qualname_or_name: str) -> dict | None:
        if qualname_or_name in self.models:
            return self.models[qualname_or_name]
        short = qualname_or_name.rpartition(".")[2]
        for name, model in self.models.items():
            if name.rpartition(".")[2] == short and model.get("qualname", name) == qualname_or_name:
                return model
        matches = [m for n, m in self.models.items() if n.rpartition(".")[2] == short]
        return matches[0] if len(matches) == 1 else None

    def execution_of(self, qualname: str) -> Execution | None:
        entry = self.entrypoints.get(qualname)
        if entry is None:
            return None
        return Execution(ExecutionKind(entry["kind"]), Evidence[entry.get("evidence", "INFERRED")],
                         entry.get("via", ""))

    def triggers_on(self, table: str) -> list[dict]:
        return [t for t in self.db_config.get("triggers", []) if t.get("table") == table]


_PROJECTS: dict[tuple[Path, Settings], ProjectContext] = {}
_PROJECTS_LOCK = threading.RLock()


def project_context(root: Path, settings: Settings) -> ProjectContext:
    """The project's context, built at most once per process (flake8 makes a
    plugin object per file; the on-disk cache serves later processes)."""
    from persistlint.context import build, symbols  # the builder imports the rules

    with _PROJECTS_LOCK:
        key = (root, settings)
        context = _PROJECTS.get(key)
        if context is None:
            symbols.ACTIVE.use(root, None)  # a build infers from the trees alone
            context = build.load_or_build(root, settings)
            _PROJECTS[key] = context
        symbols.ACTIVE.use(root, context.symbols)
        return context


def forget_projects() -> None:
    """Drop the in-process memo (the next call re-checks the disk cache)."""
    with _PROJECTS_LOCK:
        _PROJECTS.clear()
