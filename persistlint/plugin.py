"""flake8 entry points: ``PQ1``, ``PT2``, ``PR3`` and ``PX0``.

flake8 selects by default only codes whose prefix is an entry-point name, so
each family (and persistlint's own PX codes) has its own class. All four ask
the engine for the same file and get one shared analysis back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from persistlint import __version__, engine
from persistlint.settings import KEYS

_OPTIONS: dict[str, Any] = {}


class _Family:
    name = "persistlint"
    version = __version__
    prefix = ""

    def __init__(self, tree: Any, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        for diagnostic in engine.analyse(self.filename, source, _OPTIONS):
            if diagnostic.code.startswith(self.prefix):
                yield diagnostic.line, diagnostic.col, diagnostic.message(), type(self)


class QueryEfficiency(_Family):
    prefix = "PQ"


class TransactionCorrectness(_Family):
    prefix = "PT"


class RuntimePerformance(_Family):
    prefix = "PR"


class Internal(_Family):
    """PX001/PX002; also owns persistlint's flake8 options (registered once)."""

    prefix = "PX"

    @staticmethod
    def add_options(option_manager: Any) -> None:
        for key, (_, default, help_text) in KEYS.items():
            flag = "--persistlint-" + key.replace("_", "-")
            option_manager.add_option(flag, default=None, parse_from_config=True,
                                      help=f"{help_text} (default: {default!r})")

    @staticmethod
    def parse_options(options: Any) -> None:
        _OPTIONS.clear()
        for key in KEYS:
            value = getattr(options, "persistlint_" + key, None)
            if value is not None:
                _OPTIONS[key] = value
