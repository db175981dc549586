"""flake8 entry points: ``PQ1``, ``PT2``, ``PR3`` and ``PX0``.

flake8 selects by default only codes whose prefix is an entry-point name, so
each family (and persistlint's own PX codes) has its own class. All four ask
the engine for the same file and get one shared analysis back.

The engine (and astroid with it) is imported on the first file a family
can report on: a run whose ``--select``/``--ignore`` exclude every
persistlint code loads nothing beyond this module and returns at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from persistlint import __version__, baseline, selection
from persistlint.settings import BOOLEAN_KEYS, KEYS, Resolver, SettingsError, error_line

# what flake8's option parsing decided, for every file of the run
_OPTIONS: dict[str, Any] = {}
_isolated = False
# the families flake8 can report under its select/ignore options (None: not known, all)
_REPORTABLE: dict[str, frozenset[str] | None] = {"families": None}


class _Family:
    name = "persistlint"
    version = __version__
    prefix = ""

    def __init__(self, tree: Any, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        reportable = _REPORTABLE["families"]
        if reportable is not None and self.prefix not in reportable:
            return
        from persistlint import engine

        source = "".join(self.lines)
        # only the families flake8 can report are analysed (--select=PR: the PR rules)
        for diagnostic in engine.analyse(self.filename, source, _OPTIONS, self.tree, isolated=_isolated,
                                         adopted=True, families=reportable):
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
            if key in BOOLEAN_KEYS:
                # a flag that takes no value (``--persistlint-include-tests
                # tests/`` names a path), and its ``--no-`` form; a class
                # as action also makes flake8 hand the config file's text
                # to persistlint instead of failing on it with a traceback
                option_manager.add_option(flag, default=None, parse_from_config=True,
                                          action=argparse.BooleanOptionalAction,
                                          help=f"{help_text} (default: {str(default).lower()})")
            else:
                option_manager.add_option(flag, default=None, parse_from_config=True,
                                          help=f"{help_text} (default: {default!r})")

    @staticmethod
    def parse_options(option_manager: Any, options: Any, args: Any) -> None:
        """Keep the options for the engine, and check every setting the run
        will use before any file is analysed: a bad one is one line on
        stderr and exit status 2, whatever ``--select`` says."""
        global _isolated
        _REPORTABLE["families"] = selection.reportable_families(options)
        _OPTIONS.clear()
        _OPTIONS.update(options_of(options))
        _isolated = isolated_run()
        try:
            check_settings(options, _OPTIONS, _isolated)
        except SettingsError as exc:
            print(error_line(exc), file=sys.stderr)
            raise SystemExit(2) from None


def options_of(options: Any) -> dict[str, Any]:
    """The ``--persistlint-*`` options that are set (command line or
    ``[flake8]`` section), as raw values."""
    return {key: value for key in KEYS
            if (value := getattr(options, "persistlint_" + key, None)) is not None}


def isolated_run() -> bool:
    """Whether flake8 was started with ``--isolated``. flake8 consumes its
    stage-1 options before plugins see the rest, so read them again from
    the command line with flake8's own stage-1 parser."""
    from flake8.main.options import stage1_arg_parser

    try:
        known, _ = stage1_arg_parser().parse_known_args(sys.argv[1:])
    except SystemExit:  # pragma: no cover - flake8 already accepted these
        return False
    return bool(known.isolated)


def check_settings(options: Any, overrides: dict[str, Any], isolated: bool) -> None:
    """Resolve the settings of every directory flake8 will lint (its own
    file discovery) and load their baselines; raise the first error."""
    from flake8.discover_files import expand_paths

    resolver = Resolver(overrides, isolated)
    seen_directories = set()
    for display in expand_paths(paths=options.filenames or ["."],
                                stdin_display_name=options.stdin_display_name,
                                filename_patterns=options.filename,
                                exclude=(*options.exclude, *options.extend_exclude)):
        if display == "-":
            name = options.stdin_display_name
            path = Path(name) if name not in ("stdin", "-") else Path.cwd() / "stdin.py"
        else:
            path = Path(display)
        directory = path.parent
        if directory not in seen_directories:
            seen_directories.add(directory)
            baseline.check(resolver.of(path)[1])
