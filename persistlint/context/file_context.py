"""One file as the rules see it (:class:`FileContext`), and the node kinds
its questions are about."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from astroid import nodes

from persistlint.context import UNKNOWN_EXECUTION, Execution, ProjectContext, infer
from persistlint.context.infer import Resolved
from persistlint.settings import Settings

LOOP_NODES = (nodes.For, nodes.AsyncFor, nodes.While, nodes.Comprehension)
FUNCTION_NODES = (nodes.FunctionDef, nodes.Lambda)  # AsyncFunctionDef subclasses FunctionDef


def inside(node: nodes.NodeNG, ancestor: nodes.NodeNG) -> bool:
    """Whether ``node`` is ``ancestor`` or lies within it."""
    return node is ancestor or ancestor.parent_of(node)


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
        if attribute.attrname not in self.project.property_names():
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
        for parent, child in infer.enclosing(node):
            if isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.While)) and child in parent.body:
                found.append(parent)
            elif isinstance(parent, (nodes.ListComp, nodes.SetComp, nodes.DictComp,
                                     nodes.GeneratorExp)) and child is not parent.generators[0].iter:
                found.append(parent)
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
