"""Collect the diagnostics of a project for the report, with exactly the
semantics of ``flake8 --select=PQ,PT,PR`` on the same paths.

* Files: flake8's own discovery (``filename`` patterns, ``exclude`` and
  ``extend-exclude`` from its configuration), then the engine's skips
  (tests unless ``--include-tests``, persistlint's ``exclude``).
* Options: flake8's configuration is parsed by flake8 itself, so the
  ``--persistlint-*`` options, ``per-file-ignores`` and ``extend-ignore``
  mean the same here as there.
* Each file is read as flake8 reads it and analysed by
  :func:`persistlint.engine.analyse`; ``# noqa`` is applied by
  :func:`persistlint.engine.without_noqa` (flake8's own check). PX
  diagnostics are kept whatever the selection: they are listed apart.

Speed: the project context is built once in this process before the
workers start (forked workers inherit it; others read the on-disk copy),
then the files are analysed in parallel.

Per-file results come from the cache every front end shares
(:mod:`persistlint.context.results`): a file whose text, project context,
settings and persistlint are unchanged is not analysed again, whether flake8
or an earlier report analysed it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs

from persistlint import baseline, plugin
from persistlint.context import ProjectContext, cache, forget_projects, project_context, results
from persistlint.context import files as files_mod
from persistlint.diagnostic import Diagnostic
from persistlint.report import progress as progress_mod
from persistlint.settings import Resolver, Settings, SettingsError, error_line

SELECT = ("PQ", "PT", "PR")
# below this many files to analyse, starting workers costs more than it saves
MIN_FILES_PER_WORKER = 4


class RunError(Exception):
    """A usage or environment problem; the text is one line."""


class NoPythonFiles(RunError):
    """Nothing to analyse under the paths given."""


@attrs.frozen
class Collected:
    root: Path
    context: ProjectContext
    diagnostics: list[Diagnostic]  # paths relative to ``root``, sorted
    files: int  # files analysed or served from the cache
    from_cache: int
    hidden_by_baseline: int = 0
    below_floor: int = 0
    selected: tuple[str, ...] = SELECT  # the code prefixes flake8's selection keeps


@attrs.frozen
class Discovery:
    """What a run analyses: flake8's options, the settings, and the files
    (flake8's discovery, after the engine's skips)."""

    options: Any
    overrides: dict[str, Any]
    report_root: Path
    report_settings: Settings
    files: list[_File]


def collect(paths: list[str], *, include_tests: bool = False, jobs: int | None = None,
            select: tuple[str, ...] = (), ignore: tuple[str, ...] = (),
            overrides: dict[str, Any] | None = None, no_baseline: bool = False,
            progress: progress_mod.Quiet | None = None) -> Collected:
    """Diagnostics of every file under ``paths``, after flake8's selection
    (``select``/``ignore`` as flake8's ``--select``/``--ignore``), the
    severity floor and the baseline.

    ``overrides``: raw settings given on the command line (``baseline``,
    ``min_severity``), over the flake8 options and the config file;
    ``no_baseline``: no baseline, whatever the settings say (to write a
    new one).
    """
    found = discover(paths, include_tests=include_tests, select=select, ignore=ignore,
                     overrides=overrides, no_baseline=no_baseline)
    return collect_discovered(found, jobs=jobs, progress=progress)


def discover(paths: list[str], *, include_tests: bool = False, select: tuple[str, ...] = (),
             ignore: tuple[str, ...] = (), overrides: dict[str, Any] | None = None,
             no_baseline: bool = False) -> Discovery:
    """The files and settings of a run over ``paths`` (see :func:`collect`)."""
    options = _flake8_options(paths, select, ignore)
    overrides = {**plugin.options_of(options), **(overrides or {})}
    if include_tests:
        overrides["include_tests"] = True

    roots = Resolver(overrides, drop_baseline=no_baseline)
    try:
        report_root, report_settings = roots.of(Path(paths[0] if paths else "."))
        baseline.check(report_settings)
    except SettingsError as exc:
        raise RunError(error_line(exc).removeprefix("persistlint: ")) from None

    from flake8 import utils
    from flake8.discover_files import expand_paths

    files: list[_File] = []
    by_directory: dict[Path, tuple[Path, Settings]] = {}
    skipped = 0
    for display in expand_paths(paths=options.filenames or ["."],
                                stdin_display_name=options.stdin_display_name,
                                filename_patterns=options.filename,
                                exclude=(*options.exclude, *options.extend_exclude)):
        if display == "-":
            raise RunError("reading from stdin is not supported; give file or directory paths")
        if not utils.fnmatch(os.path.basename(display), options.filename):
            continue  # a file named on the command line that is not Python source (notes.txt)
        absolute = files_mod.resolved(Path(display))
        try:
            # the file's directory (a link loop as the file cannot stop it), resolved once
            if absolute.parent not in by_directory:
                by_directory[absolute.parent] = roots.of(absolute.parent)
            root, settings = by_directory[absolute.parent]
        except SettingsError as exc:
            raise RunError(error_line(exc).removeprefix("persistlint: ")) from None
        relative = _relative(absolute, root)
        if settings.skips(relative):
            skipped += 1
            continue
        # a name that is not UTF-8 is shown with its odd bytes escaped (\xNN)
        files.append(_File(display, absolute, files_mod.printable(_relative(absolute, report_root)), root, settings))
    if not files:
        where = " ".join(paths) or "."
        why = (f" ({skipped} skipped as test files or by the exclude setting; --include-tests "
               "analyses test files)" if skipped else "")
        raise NoPythonFiles(f"No Python files found under {where}{why}")
    return Discovery(options, overrides, report_root, report_settings, files)


def collect_discovered(discovery: Discovery, *, jobs: int | None = None,
                       progress: progress_mod.Quiet | None = None) -> Collected:
    """The diagnostics of a discovered run (see :func:`collect`)."""
    from persistlint import registry
    from persistlint.report import scoring

    progress = progress or progress_mod.Quiet()
    options, overrides, files = discovery.options, discovery.overrides, discovery.files
    report_root, report_settings = discovery.report_root, discovery.report_settings
    registry.all_rules()
    forget_projects()  # the files as they are now, even in a long-lived process
    progress.context_started()
    contexts = {}
    for file in files:  # build every context once, here, before any worker starts
        if (file.root, file.settings.for_analysis) not in contexts:
            contexts[(file.root, file.settings.for_analysis)] = project_context(file.root,
                                                                               file.settings.for_analysis)
    report_context = (contexts.get((report_root, report_settings.for_analysis))
                      or project_context(report_root, report_settings.for_analysis))
    progress.context_done()
    for context in contexts.values():  # e.g. a linked cache folder: said once, the report goes on
        for problem in context.problems:
            if problem.startswith(cache.REFUSED_NOTE):
                print(f"persistlint: {problem}", file=sys.stderr)

    done: dict[str, list[Diagnostic]] = {}
    todo: list[_File] = []
    for file in files:
        cached = _cached(file, contexts[(file.root, file.settings.for_analysis)])
        if cached is not None:
            done[file.relative] = cached
        else:
            todo.append(file)
    progress.files(len(files), len(done))

    for relative, diagnostics in _analyse_all(todo, overrides, jobs, progress.advance):
        done[relative] = diagnostics
    progress.finished()

    decide = _Selection(options)
    kept: list[Diagnostic] = []
    hidden = below = 0
    for file in files:
        found = [d for d in done[file.relative]
                 if not scoring.is_scored(d) or decide.selected(d.code, file.display)]
        new = _not_in_baseline(file, found)
        hidden += len(found) - len(new)
        floored = baseline.adopted(new, attrs.evolve(file.settings, baseline=None), _no_line)
        below += len(new) - len(floored)
        kept.extend(floored)
    return Collected(report_root, report_context, sorted(kept, key=scoring.priority_order),
                     len(files), len(files) - len(todo), hidden, below,
                     tuple(prefix for prefix in ("PQ", "PT", "PR") if decide.family_selected(prefix)))


def _no_line(diagnostic: Diagnostic) -> None:
    return None


def _not_in_baseline(file: _File, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """``diagnostics`` of one file not in its baseline (fingerprinted with
    the lines as flake8 reads them)."""
    from persistlint.report import scoring

    if not file.settings.baseline or not any(scoring.is_scored(d) for d in diagnostics):
        return diagnostics
    try:
        lines = read_like_flake8(file.absolute).splitlines()
    except files_mod.SourceError:
        lines = []
    return baseline.adopted(diagnostics, attrs.evolve(file.settings, min_severity=None),
                            baseline.lines_getter(lines))


# -- flake8's configuration ------------------------------------------------------

# What the report reads from flake8's configuration needs flake8's own
# options and persistlint's, not the other plugins': importing those (e.g.
# libcst for flake8-async) was most of a warm re-run's time.
NEEDED_PLUGIN_PACKAGES = frozenset({"flake8", "persistlint"})


def _parse_flake8_args(argv: list[str]):
    """flake8's ``parse_args`` procedure (stage-1 options, config files,
    plugin options, option registration, aggregation) with only the
    :data:`NEEDED_PLUGIN_PACKAGES` plugins loaded. Falls back to flake8's
    own ``parse_args`` if its internals ever move."""
    from flake8.options.parse_args import parse_args

    try:
        import flake8
        from flake8.main import options as main_options
        from flake8.options import aggregator, config, manager
        from flake8.plugins import finder
    except ImportError:  # pragma: no cover - another flake8 layout
        return parse_args(argv)[1]
    try:
        prelim = main_options.stage1_arg_parser()
        args0, rest = prelim.parse_known_args(argv)
        cfg, cfg_dir = config.load_config(config=args0.config, extra=args0.append_config,
                                          isolated=args0.isolated)
        plugin_options = finder.parse_plugin_options(cfg, cfg_dir, enable_extensions=args0.enable_extensions,
                                                     require_plugins=args0.require_plugins)
        found = [plugin for plugin in finder.find_plugins(cfg, plugin_options)
                 if plugin.package in NEEDED_PLUGIN_PACKAGES]
        plugins = finder.load_plugins(found, plugin_options)
        option_manager = manager.OptionManager(version=flake8.__version__,
                                               plugin_versions=plugins.versions_str(), parents=[prelim],
                                               formatter_names=list(plugins.reporters))
        main_options.register_default_options(option_manager)
        option_manager.register_plugins(plugins)
    except (AttributeError, TypeError):  # pragma: no cover - flake8's internals changed
        return parse_args(argv)[1]
    return aggregator.aggregate_options(option_manager, cfg, cfg_dir, rest)


def _flake8_options(paths: list[str], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()):
    """flake8's options for ``flake8 --select=PQ,PT,PR PATHS`` (its config
    files read from the current directory, as flake8 does); ``select`` and
    ``ignore`` are passed as flake8's ``--select`` and ``--ignore``."""
    argv = [f"--select={','.join(select or SELECT)}"]
    if ignore:
        argv.append(f"--ignore={','.join(ignore)}")
    try:
        with contextlib.redirect_stderr(_OneLine()) as errors:
            options = _parse_flake8_args([*argv, "--", *paths])
    except SystemExit:
        raise RunError(f"flake8 configuration: {errors.text() or 'cannot be parsed'}") from None
    except Exception as exc:  # noqa: BLE001 - a broken config is an environment error
        raise RunError(f"flake8 configuration: {exc.__class__.__name__}: {exc}") from None
    return options


class _OneLine:
    """Captures argparse's complaint so the CLI can print it as one line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        self.lines.append(text)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.lines).splitlines() if line.strip()]
        return lines[-1] if lines else ""


class _Selection:
    """flake8's select/ignore decision, per-file-ignores included."""

    def __init__(self, options) -> None:
        from flake8.style_guide import Decision, StyleGuideManager

        self._selected = Decision.Selected
        self._manager = StyleGuideManager(options, formatter=None)

    def selected(self, code: str, display: str) -> bool:
        guide = self._manager.style_guide_for(display)
        return guide.should_report_error(code) is self._selected

    def family_selected(self, prefix: str) -> bool:
        """Whether any code of the family can be reported (by the default
        style guide: per-file-ignores are about single files)."""
        from persistlint import registry

        return any(self._manager.default_style_guide.should_report_error(code) is self._selected
                   for code in registry.all_rules() if code.startswith(prefix))


# -- files and roots ---------------------------------------------------------------

@attrs.frozen
class _File:
    display: str  # as flake8 names it
    absolute: Path
    relative: str  # to the report root
    root: Path  # the file's own project root
    settings: Settings


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_like_flake8(path: Path) -> str:
    """The text flake8 hands to its plugins for this file."""
    data, _ = files_mod.read_regular(path)
    return files_mod.decode_like_flake8(data)


class SourceLines:
    """Lines of the files under a root as flake8 reads them, read once per
    file (None where a file cannot be read)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self._files:
            try:
                self._files[path] = read_like_flake8(self.root / path).splitlines()
            except (OSError, files_mod.SourceError):
                self._files[path] = None
        lines = self._files[path]
        return lines[number - 1] if lines and 0 < number <= len(lines) else None

    def of(self, diagnostic: Diagnostic) -> str | None:
        return self.line(diagnostic.path, diagnostic.line)


def _cached(file: _File, context) -> list[Diagnostic] | None:
    """The file's stored diagnostics after ``# noqa``, paths relative to the
    report root; None when it must be analysed (the severity floor and the
    baseline apply after the cache)."""
    from persistlint import engine

    try:
        source = read_like_flake8(file.absolute)
    except files_mod.SourceError:
        return None
    found = results.lookup(file.root, file.settings.for_analysis, context,
                           _relative(file.absolute, file.root), source)
    if found is None:
        return None
    return engine.without_noqa(results.with_path(found, file.relative), source.splitlines(keepends=True))


# -- analysis --------------------------------------------------------------------

_WORKER_OVERRIDES: dict[str, Any] = {}


def analyse_file(absolute: Path, relative: str, overrides: dict[str, Any]) -> list[Diagnostic]:
    """One file's diagnostics after ``# noqa``, with paths relative to the
    report root."""
    from persistlint import engine

    try:
        source = read_like_flake8(absolute)
    except files_mod.SourceError:
        found = engine.analyse(str(absolute), None, overrides)  # the engine words the PX001
        lines: list[str] = []
    else:
        found = engine.analyse(str(absolute), source, overrides)
        lines = source.splitlines(keepends=True)
    return [attrs.evolve(d, path=relative) for d in engine.without_noqa(found, lines)]


def _work(task: tuple[str, str]) -> tuple[str, list[Diagnostic]]:
    absolute, relative = task
    return relative, analyse_file(Path(absolute), relative, _WORKER_OVERRIDES)


def _start_worker(overrides: dict[str, Any]) -> None:
    _WORKER_OVERRIDES.clear()
    _WORKER_OVERRIDES.update(overrides)


def _analyse_all(files: list[_File], overrides: dict[str, Any], jobs: int | None,
                 progress: Callable[[int], Any] | None) -> Iterator[tuple[str, list[Diagnostic]]]:
    jobs = max(1, jobs or os.cpu_count() or 1)
    jobs = min(jobs, max(1, len(files) // MIN_FILES_PER_WORKER))
    tasks = [(str(file.absolute), file.relative) for file in files]
    if jobs == 1:
        _start_worker(overrides)
        for task in tasks:
            yield _work(task)
            if progress:
                progress(1)
        return
    methods = multiprocessing.get_all_start_methods()
    # fork: workers inherit the contexts and parsed modules already in memory
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, len(tasks) // (jobs * 8))
    with context.Pool(jobs, initializer=_start_worker, initargs=(overrides,)) as pool:
        for result in pool.imap_unordered(_work, tasks, chunksize=chunk):
            yield result
            if progress:
                progress(1)
