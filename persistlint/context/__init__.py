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
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs
from astroid import nodes

from persistlint.context import infer
from persistlint.context.infer import Resolved
from persistlint.diagnostic import Evidence
from persistlint.settings import Settings

LOOP_NODES = (nodes.For, nodes.AsyncFor, nodes.While, nodes.Comprehension)
FUNCTION_NODES = (nodes.FunctionDef, nodes.Lambda)  # AsyncFunctionDef subclasses FunctionDef


def inside(node: nodes.NodeNG, ancestor: nodes.NodeNG) -> bool:
    """Whether ``node`` is ``ancestor`` or lies within it."""
    return node is ancestor or ancestor.parent_of(node)


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
    #: qualname -> :class:`persistlint.context.summaries.FunctionSummary`
    functions: dict[str, Any] = attrs.Factory(dict)
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


class FileContext:
    """One file as the rules see it. Facts are computed on first use and
    cached per node."""

    def __init__(self, module: nodes.Module, path: Path, relpath: str,
                 project: ProjectContext, settings: Settings, source: str = "") -> None:
        self.module = module
        self.source = source
        self.path = path
        self.relpath = relpath
        self.project = project
        self.settings = settings
        self._resolved: dict[int, Resolved | None] = {}
        self._types: dict[int, Resolved | None] = {}
        self._executions: dict[int, Execution] = {}
        self._memos: dict[str, dict] = {}

    def memo(self, name: str) -> dict:
        """A per-file cache for one fact (``"dbcalls.db_call"``), keyed by
        the fact's own choice (usually ``id(node)``): facts are computed
        once per file, and die with it."""
        found = self._memos.get(name)
        if found is None:
            found = self._memos[name] = {}
        return found

    # -- what things are -------------------------------------------------------
    def resolve(self, call: nodes.Call) -> Resolved | None:
        """What a call calls, as a qualified name with its evidence."""
        key = id(call)
        if key not in self._resolved:
            self._resolved[key] = infer.resolve_call(call)
        return self._resolved[key]

    def qualname(self, call: nodes.Call) -> str | None:
        found = self.resolve(call)
        return found.qualname if found else None

    def type_of(self, expr: nodes.NodeNG) -> Resolved | None:
        """The class of an expression's value, as a qualified name."""
        key = id(expr)
        if key not in self._types:
            self._types[key] = infer.resolve_type(expr)
        return self._types[key]

    def property_of(self, attribute: nodes.Attribute) -> str | None:
        """The project ``@property`` an attribute read runs (``order.total``
        with ``total`` a property of a project class), as a qualified name."""
        names = self.project.memo.get("summaries.property_names")
        if names is None:  # a context read from the cache: its summaries say
            names = self.project.memo["summaries.property_names"] = {
                name.rpartition(".")[2] for name, summary in self.project.functions.items()
                if summary.is_property}
        if attribute.attrname not in names:
            return None
        memo = self.memo("context.property_of")
        key = id(attribute)
        if key not in memo:
            memo[key] = infer.project_property(attribute, self.type_of(attribute.expr))
        return memo[key]

    # -- where things are --------------------------------------------------------
    @staticmethod
    def function_of(node: nodes.NodeNG) -> nodes.FunctionDef | nodes.Lambda | None:
        """The innermost function or lambda around ``node``."""
        parent = node.parent
        while parent is not None and not isinstance(parent, FUNCTION_NODES):
            if isinstance(parent, nodes.ClassDef):
                return None
            parent = parent.parent
        return parent

    def in_async(self, node: nodes.NodeNG) -> bool:
        """Whether ``node`` runs on the event loop: its innermost function is
        an ``async def`` (a lambda or nested ``def`` runs wherever it is
        called, e.g. in a thread it is offloaded to)."""
        return isinstance(self.function_of(node), nodes.AsyncFunctionDef)

    @staticmethod
    def loops_around(node: nodes.NodeNG) -> list[nodes.NodeNG]:
        """Loops whose body (not iterable or else clause) contains ``node``,
        innermost first, within the same function."""
        found = []
        child, parent = node, node.parent
        while parent is not None and not isinstance(parent, FUNCTION_NODES + (nodes.ClassDef,)):
            if isinstance(parent, (nodes.For, nodes.AsyncFor)) and child in parent.body:
                found.append(parent)
            elif isinstance(parent, nodes.While) and child in parent.body:
                found.append(parent)
            elif isinstance(parent, (nodes.ListComp, nodes.SetComp, nodes.DictComp,
                                     nodes.GeneratorExp)) and child is not parent.generators[0].iter:
                found.append(parent)
            child, parent = parent, parent.parent
        return found

    def in_loop(self, node: nodes.NodeNG) -> bool:
        return bool(self.loops_around(node))

    def execution(self, node: nodes.NodeNG) -> Execution:
        """Whether the code around ``node`` serves a request or runs in the
        background (unknown counts as background)."""
        function = self.function_of(node)
        while isinstance(function, nodes.Lambda):
            function = self.function_of(function)
        if function is None:
            return UNKNOWN_EXECUTION
        key = id(function)
        if key not in self._executions:
            from persistlint.context import execution

            self._executions[key] = execution.classify(function, self)
        return self._executions[key]

    def is_test_code(self) -> bool:
        from persistlint.settings import is_test_file
        from pathlib import PurePosixPath

        return is_test_file(PurePosixPath(self.relpath))

    @cached_property
    def source_lines(self) -> list[str]:
        return self.source.splitlines()

    def comment_near(self, node: nodes.NodeNG, before: int = 2) -> str:
        """Comments on the node's lines and the few lines above it (for
        rules that let a comment state intent)."""
        start = max(0, (node.lineno or 1) - 1 - before)
        end = node.end_lineno or node.lineno or 1
        text = []
        for line in self.source_lines[start:end]:
            if "#" in line:
                text.append(line[line.index("#") + 1:].strip())
        return " ".join(text)
