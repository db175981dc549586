"""The one engine behind every front end: source in, diagnostics out.

``analyse`` settles the project root and settings, skips test and excluded
files, fetches the project context (built once), answers from the per-file
results cache (:mod:`persistlint.context.results`) when the file, the context
and the settings are as they were, else parses the file into astroid once
and walks it with every rule. Whatever goes wrong becomes a PX
diagnostic; nothing raises out of here.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

import attrs
from astroid.exceptions import AstroidSyntaxError, AstroidError

from persistlint import baseline, registry, settings as settings_mod, walker
from persistlint.context import FileContext, ProjectContext, files, infer, project_context, results
from persistlint.context.files import SourceError, read_source
from persistlint.diagnostic import Diagnostic
from persistlint.settings import SettingsError

MAX_FILE_BYTES = 2_000_000
MAX_FILE_LINES = 50_000

_FILE_NOQA = re.compile(r"\s*# flake8[:=]\s*noqa(?P<codes>:\s?[A-Z0-9, ]+)?\s*$", re.I | re.M)

# flake8 instantiates one plugin object per family per file: the four share
# one analysis through this memo (path, source hash, options) -> diagnostics.
_RESULTS: OrderedDict[tuple, list[Diagnostic]] = OrderedDict()
_RESULTS_SIZE = 8


def analyse(path: str, source: str | None = None,
            overrides: dict[str, Any] | None = None, tree: ast.Module | None = None, *,
            isolated: bool = False, adopted: bool = False,
            families: frozenset[str] | None = None) -> list[Diagnostic]:
    """Diagnostics of every family for one file.

    ``path`` is the file's path as the user gave it (flake8's display name
    for stdin); ``source`` the text to analyse (None: read ``path``);
    ``tree`` the ``ast`` parse of ``source`` when the caller has one (flake8
    does), so that the file is not parsed twice.
    ``isolated``: read no config file (flake8's ``--isolated``).
    ``adopted``: apply the settings' severity floor and baseline (flake8
    shows what is left; the report applies them itself, to the whole run).
    ``families``: the code prefixes flake8 can report (``{"PR"}`` for
    ``flake8 --select=PR``): only their rules run. None, or any set with
    PX (a PX001 may tell of any rule failing): every family.
    """
    families = None if families is None or "PX" in families else frozenset(families)
    key = (path, hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()
           if source is not None else None, tuple(sorted((overrides or {}).items())), isolated, adopted, families)
    if source is not None and key in _RESULTS:
        _RESULTS.move_to_end(key)
        return _RESULTS[key]
    try:
        result = _analyse(path, source, overrides, isolated, adopted, tree, families)
    except Exception as exc:  # noqa: BLE001 - the last guard: never crash the host
        result = [walker.internal("PX001", path, 1, 0,
                                  f"persistlint failed on this file: {exc.__class__.__name__}: {exc}",
                                  "report this to persistlint with the file that triggers it")]
    if source is not None:
        _RESULTS[key] = result
        if len(_RESULTS) > _RESULTS_SIZE:
            _RESULTS.popitem(last=False)
    return result


def _analyse(display: str, source: str | None, overrides: dict[str, Any] | None,
             isolated: bool, adopted: bool, tree: ast.Module | None = None,
             families: frozenset[str] | None = None) -> list[Diagnostic]:
    real = Path(display) if display not in ("-", "stdin") else Path.cwd() / "stdin.py"
    absolute = files.resolved(real)
    try:
        # the file's directory: the same root, and a link loop as the file cannot stop it
        root, settings = settings_mod.resolve(absolute.parent, overrides, isolated)
        if adopted:
            baseline.check(settings)
    except SettingsError as exc:
        # flake8 and the report check every setting before analysing; this
        # is a configuration that appeared or changed since (a long-lived
        # flake8 process, or a caller of this function)
        return [walker.internal("PX002", display, 1, 0, f"invalid configuration: {exc}",
                                "fix the setting named in the message")]
    try:
        relpath = absolute.relative_to(root).as_posix()
    except ValueError:
        relpath = absolute.name
    if settings.skips(relpath):
        return []

    if source is None:
        try:
            source = read_source(absolute)
        except SourceError as exc:
            return [walker.internal("PX001", display, 1, 0, str(exc), exc.recommendation)]
    if _FILE_NOQA.search(source) and not _FILE_NOQA.search(source).group("codes"):
        return []
    if "\x00" in source:
        return [walker.internal("PX001", display, 1, 0, "file contains NUL bytes; not Python source",
                                "remove the NUL bytes")]
    if len(source) > MAX_FILE_BYTES or source.count("\n") > MAX_FILE_LINES:
        return [walker.internal("PX001", display, 1, 0,
                                f"file too large to analyse (over {MAX_FILE_LINES} lines or {MAX_FILE_BYTES} bytes)",
                                "exclude generated files with the exclude setting")]

    diagnostics: list[Diagnostic] = []
    try:
        project = project_context(root, settings.for_analysis)
    except Exception as exc:  # noqa: BLE001 - lint the file without project facts
        project = ProjectContext(root=root, settings=settings.for_analysis)
        diagnostics.append(walker.internal(
            "PX001", display, 1, 0,
            f"project context unavailable ({exc.__class__.__name__}: {exc}); cross-file facts not used",
            "report this to persistlint"))

    found = results.lookup(root, settings.for_analysis, project, relpath, source, families)
    if found is not None:
        diagnostics = results.with_path(found, display)
    elif settings.cache and project.key:
        with results.Reads(project) as reads:  # what the stored result depends on
            diagnostics, walked = _walked(display, source, absolute, root, relpath, project, settings, tree,
                                          diagnostics, families)
        if not walked:
            return diagnostics
        results.ResultCache(root).put(results.file_key(settings.for_analysis, relpath, source, families),
                                      results.with_path(diagnostics, relpath), reads.facts(relpath))
    else:
        diagnostics, walked = _walked(display, source, absolute, root, relpath, project, settings, tree,
                                      diagnostics, families)
        if not walked:
            return diagnostics
    if adopted:
        # fingerprints name the file relative to the root, as the report does
        line_of = baseline.lines_getter(source.splitlines())
        located = [attrs.evolve(d, path=relpath) for d in diagnostics]
        kept = set(baseline.adopted(located, settings, line_of))
        diagnostics = [d for d, here in zip(diagnostics, located) if here in kept]
    return diagnostics


def _walked(display: str, source: str, absolute: Path, root: Path, relpath: str, project: ProjectContext,
            settings, tree: ast.Module | None, diagnostics: list[Diagnostic],
            families: frozenset[str] | None = None) -> tuple[list[Diagnostic], bool]:
    """The file parsed and walked by every rule, after ``diagnostics``; the
    flag is False when it could not be parsed (the list then says why)."""
    try:
        module = infer.parse(source, absolute, root, tree)
    except AstroidSyntaxError as exc:
        error = exc.error if isinstance(getattr(exc, "error", None), SyntaxError) else None
        where = f" at line {error.lineno}" if error and error.lineno else ""
        detail = f": {error.msg}" if error else ""
        return diagnostics + [walker.internal("PX001", display, (error.lineno if error else 1) or 1, 0,
                                              f"syntax error{where}{detail}; file not analysed",
                                              "fix the syntax error")], False
    except RecursionError:
        return diagnostics + [walker.internal("PX001", display, 1, 0,
                                              "too deeply nested to parse; file not analysed",
                                              "simplify the nesting, or exclude this file")], False
    except (AstroidError, ValueError, MemoryError) as exc:
        return diagnostics + [walker.internal("PX001", display, 1, 0,
                                              f"cannot parse file ({exc.__class__.__name__}); not analysed",
                                              "check the file is valid Python")], False

    fctx = FileContext(module, absolute, relpath, project, settings.for_analysis, source)
    rules = [rule for rule in registry.all_rules().values() if families is None or rule.code[:2] in families]
    try:
        diagnostics.extend(walker.walk(fctx, rules, display, settings.time_budget))
    finally:
        infer.release_trees()  # this file's tree and what inference cached on it
    diagnostics.sort()
    return diagnostics, True


def without_noqa(diagnostics: list[Diagnostic], source_lines: list[str]) -> list[Diagnostic]:
    """Drop diagnostics silenced by ``# noqa`` exactly as flake8 does (the
    report front end; flake8 applies its own)."""
    from flake8.violation import Violation

    kept = []
    for diagnostic in diagnostics:
        line = source_lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(source_lines) else ""
        violation = Violation(diagnostic.code, diagnostic.path, diagnostic.line, diagnostic.col,
                              diagnostic.message(), line)
        if not violation.is_inline_ignored(disable_noqa=False):
            kept.append(diagnostic)
    return kept
