"""Building the project context: list the project's files, hash them, reuse
the on-disk cache when nothing changed, else parse every module once and ask
each part of the context for its facts."""

from __future__ import annotations

import os
import time
from pathlib import Path

from astroid.exceptions import AstroidError

from persistlint.context import FileContext, ProjectContext, cache, callgraph, execution, infer
from persistlint.context import knowledge, migrations, models, results, stack, summaries, symbols
from persistlint.context.files import SourceError, printable, read_source, unreadable_reason
from persistlint.settings import Settings

SKIPPED_DIRS = frozenset({
    "__pycache__", "node_modules", "venv", "env", "build", "dist", "site-packages",
    "htmlcov", "__pypackages__",
})
CONTEXT_SUFFIXES = (".py", ".sql")
MANIFESTS = (
    "requirements*.txt", "requirements/*.txt", "pyproject.toml", "setup.cfg", "setup.py", "Pipfile",
    "package.json", "go.mod", "docker-compose*.yml", "docker-compose*.yaml", "compose*.yml",
    "compose*.yaml", "docs/project/tech_stack.md", "alembic.ini", "prisma/schema.prisma", "schema.prisma",
)
MAX_MODULE_BYTES = 1_000_000  # larger files are data, not models or handlers
#: the whole context build may take this many times the per-file time budget
CONTEXT_BUDGET_FACTOR = 12


class _Budget:
    """The context build's time budget. Once spent, the parts not yet
    computed are left out (each keeps its empty default) and one problem
    says so: the context is partial, never lost."""

    def __init__(self, context: ProjectContext, seconds: float) -> None:
        self.context = context
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.noted = False

    def spent(self, what: str) -> bool:
        if time.monotonic() <= self.ends:
            return False
        if not self.noted:
            self.noted = True
            self.context.problems.append(
                f"context build time budget of {self.seconds:g}s spent: {what} and the parts after it "
                f"left out; the context is partial")
        return True


def _is_project(directory: Path) -> bool:
    return any((directory / marker).is_file() for marker in ("pyproject.toml", "setup.cfg"))


def project_files(root: Path, settings: Settings, problems: list[str] | None = None) -> list[Path]:
    """Python and SQL files of the project (tests and excludes left out),
    plus the manifests the stack is read from. Entries that cannot be read
    safely (FIFOs, devices, dangling or looping links, links out of the
    project, undecodable names) are left out, each noted in ``problems``."""
    found: list[Path] = []
    problems = [] if problems is None else problems

    def readable(path: Path) -> bool:
        reason = unreadable_reason(path, root)
        if reason is not None:
            problems.append(f"{printable(path.relative_to(root).as_posix())}: {reason}")
        return reason is None

    for directory, subdirs, files in os.walk(root):
        # A directory with a project file of its own is another project: its
        # files are linted with their own root and context.
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in SKIPPED_DIRS
                            and not d.endswith(".egg-info") and not _is_project(Path(directory, d)))
        for name in sorted(files):
            if not name.endswith(CONTEXT_SUFFIXES):
                continue
            path = Path(directory, name)
            relative = path.relative_to(root).as_posix()
            if not settings.skips(relative) and readable(path):
                found.append(path)
    for base in (root, *stack.subprojects(root)):  # a monorepo's services: backend/pyproject.toml
        for pattern in MANIFESTS:
            found.extend(sorted(p for p in base.glob(pattern) if os.path.lexists(p) and readable(p)))
    return sorted(set(found))


def load_or_build(root: Path, settings: Settings) -> ProjectContext:
    listing_problems: list[str] = []
    files = project_files(root, settings, listing_problems)
    store = cache.ContextCache(root) if settings.cache else None
    previous, previously_hashed_at = store.previous_manifest() if store else ({}, 0)
    hashed_at = time.time_ns()
    manifest = cache.manifest(root, files, previous, previously_hashed_at)
    key = cache.key("\0".join([repr(settings), *listing_problems]), manifest)
    if store is None:
        return _build_holding_trees(root, settings, files, key, listing_problems)
    with store.locked():
        with infer.collection_paused():
            data = store.load(key)
            try:
                if data is not None:
                    return ProjectContext.from_json(root, settings, key, data)
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # a body of the right outline but wrong inside: rebuilt and replaced below
        context = _build_holding_trees(root, settings, files, key, listing_problems)
        store.save(key, manifest, context.to_json(), hashed_at)
        results.ResultCache(root).prune()  # a new project state: drop long-unused file results
    if store.refused:
        context.problems.append(cache.REFUSED_NOTE + store.refused)
    return context


def _build_holding_trees(*args) -> ProjectContext:
    """The build reads across every module at once; afterwards only a few
    trees stay in memory for the files linted next."""
    with infer.holding_trees():
        return build(*args)


def build(root: Path, settings: Settings, files: list[Path], key: str,
          listing_problems: list[str] = ()) -> ProjectContext:
    context = ProjectContext(root=root, settings=settings, key=key)
    context.problems.extend(listing_problems)
    infer.BOUNDARY.activate(root)
    symbols.ACTIVE.use(root, None)  # the build infers from the trees, not from an older index
    budget = _Budget(context, settings.time_budget * CONTEXT_BUDGET_FACTOR)

    def part(name, compute, fallback):
        return _bounded_part(context, budget, name, compute, fallback)

    context.tech_stack, problems = part("tech stack", lambda: stack.detect(root),
                                        ({"db": None, "orm": None, "async": None, "web": None}, []))
    context.problems.extend(problems)

    file_contexts = _parse_modules(root, settings, files, context, budget)

    triggers, problems = part("triggers", lambda: migrations.scan(
        root, [p for p in files if p.suffix in CONTEXT_SUFFIXES]), ([], []))
    context.problems.extend(problems)

    context.models, db_settings, problems = part("models", lambda: models.scan(file_contexts),
                                                 ({}, {}, []))
    context.problems.extend(problems)
    context.db_config = {**db_settings, "triggers": triggers}
    stack.complete_from_code(context.tech_stack, context.models, db_settings)

    for fctx in file_contexts:
        part(f"entry points of {fctx.relpath}", lambda: _collect_entrypoints(fctx, context), None)
    context.memo["summaries.property_names"] = _property_names(file_contexts)
    context.functions = part("function summaries", lambda: summaries.build(file_contexts), {})
    for qualname, entry in context.entrypoints.items():
        defined = context.functions.get(qualname)
        if defined is not None:  # registered elsewhere: point at the definition
            entry["path"], entry["line"] = defined.path, defined.line
    part("handler chains",
         lambda: callgraph.propagate_handlers(context.functions, context.entrypoints), None)
    context.symbols = part("symbol index", lambda: symbols.build(file_contexts, context.functions), {})

    context.best_practices = part("best practices", lambda: knowledge.references_for(
        context.tech_stack, context.db_config), [])
    return context


def _property_names(file_contexts: list[FileContext]) -> set[str]:
    """Names of the project's ``@property`` methods: an attribute read of
    another name never runs project code, so it needs no inference."""
    names = set()
    for fctx in file_contexts:
        for function in callgraph.project_functions(fctx.module):
            if summaries.is_property(function):
                names.add(function.name)
    return names


def _bounded_part(context: ProjectContext, budget: _Budget, name: str, compute, fallback):
    """One part of the context. A part that fails on odd project files is
    a noted problem, not a lost context: the other parts and every rule
    still work. Past the build's time budget, parts are not computed."""
    if budget.spent(name):
        return fallback
    try:
        return compute()
    except Exception as exc:  # noqa: BLE001 - never crash the host
        context.problems.append(f"{name} not available: {exc.__class__.__name__}: {exc}")
        return fallback


def _parse_modules(root: Path, settings: Settings, files: list[Path],
                   context: ProjectContext, budget: _Budget) -> list[FileContext]:
    file_contexts = []
    for path in files:
        if path.suffix != ".py":
            continue
        relative = path.relative_to(root).as_posix()
        if budget.spent(f"parsing {relative}"):
            break
        try:
            if path.stat().st_size > MAX_MODULE_BYTES:
                context.problems.append(f"{relative}: larger than {MAX_MODULE_BYTES} bytes; left out of the context")
                continue
            source = read_source(path)
            module = infer.parse(source, path, root)
        except SourceError as exc:
            context.problems.append(f"{relative}: {exc}")
            continue
        except (AstroidError, SyntaxError, RecursionError, ValueError) as exc:
            context.problems.append(f"{relative}: cannot parse ({exc.__class__.__name__})")
            continue
        file_contexts.append(FileContext(module, path, relative, context, settings, source))
    return file_contexts


def _collect_entrypoints(fctx: FileContext, context: ProjectContext) -> None:
    started = time.monotonic()
    settings = fctx.settings
    try:
        for function in callgraph.project_functions(fctx.module):
            found = execution.classify_decorated(function, fctx.resolve,
                                                 settings.request_handler_decorators,
                                                 settings.background_decorators)
            if found is not None:
                context.entrypoints[function.qname()] = _entry(found, fctx.relpath, function.lineno)
            if time.monotonic() - started > settings.time_budget:
                context.problems.append(f"{fctx.relpath}: time budget spent finding entry points")
                return
        for qualname, found in execution.registrations(fctx.module, fctx.resolve):
            context.entrypoints.setdefault(qualname, _entry(found, fctx.relpath, 0))
        for qualname, found in execution.startup_hooks(fctx.module, fctx.resolve):
            context.entrypoints[qualname] = _entry(found, fctx.relpath, 0)
    except RecursionError:
        context.problems.append(f"{fctx.relpath}: too deeply nested to find entry points")


def _entry(found: execution.Execution, path: str, line: int) -> dict:
    return {"kind": found.kind.value, "path": path, "line": line, "via": found.via,
            "evidence": found.evidence.name}
