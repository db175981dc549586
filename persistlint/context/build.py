"""Building the project context: list the project's files, hash them, reuse
the on-disk cache when nothing changed, else parse the modules an edit
reaches (every module, the first time) and ask each part of the context for
its facts, taking the rest from the previous build's records."""

from __future__ import annotations

import json
import time
from pathlib import Path

from astroid.exceptions import AstroidError

from persistlint.context import FileContext, ProjectContext, cache, callgraph, execution, infer
from persistlint.context import incremental, migrations, models, results, summaries, symbols
from persistlint.context.deferred import Deferred
from persistlint.context.files import CONTEXT_SUFFIXES, SourceError, read_source, read_text
from persistlint.context.files import project_files  # noqa: F401 - the listing the build reads
from persistlint.settings import Settings

# only a build reads the tech stack and the best practices: a context read
# from the cache (every warm run) does not import them
stack, knowledge = Deferred("persistlint.context.stack"), Deferred("persistlint.context.knowledge")

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


def load_or_build(root: Path, settings: Settings) -> ProjectContext:
    store = cache.ContextCache(root) if settings.cache else None
    files, listing_problems, manifest, key, hashed_at = cache.project_state(root, settings, store)
    if store is None:
        return _build_holding_trees(root, settings, files, key, listing_problems, manifest)
    with store.locked():
        with infer.collection_paused():
            data = store.load(key)
            try:
                if data is not None:
                    context = ProjectContext.from_json(root, settings, key, data)
                    store.settle(key, manifest, hashed_at)
                    context.memo[results.DIGESTS] = _digests(manifest)
                    return context
            except (KeyError, TypeError, ValueError, AttributeError):
                pass  # a body of the right outline but wrong inside: rebuilt and replaced below
        context = _build_holding_trees(root, settings, files, key, listing_problems, manifest,
                                       store.previous_records())
        store.save(key, manifest, context.to_json(), cache.settled_moment(root, manifest, hashed_at),
                   context.memo.get(RECORDS))
        context.memo[results.DIGESTS] = _digests(manifest)
        results.ResultCache(root).prune()  # a new project state: drop long-unused file results
    if store.refused:
        context.problems.append(cache.REFUSED_NOTE + store.refused)
    return context


def _build_holding_trees(root: Path, settings: Settings, files: list[Path], key: str,
                         listing_problems: list[str], manifest: dict[str, list] | None = None,
                         records: dict | None = None) -> ProjectContext:
    """The build reads across every module at once; afterwards only a few
    trees stay in memory for the files linted next. From the previous
    build's ``records`` when they are usable, else from scratch."""
    with infer.holding_trees():
        if records:
            try:
                return build(root, settings, files, key, listing_problems, manifest, records)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError):
                pass  # records of the right outline but wrong inside: built from scratch
        return build(root, settings, files, key, listing_problems, manifest)


def build(root: Path, settings: Settings, files: list[Path], key: str,
          listing_problems: list[str] = (), manifest: dict[str, list] | None = None,
          records: dict | None = None) -> ProjectContext:
    """The project context. With the previous build's ``records`` (see
    :class:`_Incremental`), only what an edit can change is computed again;
    the result equals a build from scratch."""
    context = ProjectContext(root=root, settings=settings, key=key)
    context.problems.extend(listing_problems)
    infer.BOUNDARY.activate(root)
    symbols.ACTIVE.use(root, None)  # the build infers from the trees, not from an older index
    budget = _Budget(context, settings.time_budget * CONTEXT_BUDGET_FACTOR)
    if manifest is None:
        manifest = cache.manifest(root, files, {})
    return _Incremental(root, settings, files, context, budget, manifest, records).run()


RECORDS = "build.records"  # context.memo: what the next build may reuse (None: nothing)
#: context.memo: the modules whose own summaries, and whose call edges and
#: entity facts, this build computed from their trees; the project-wide
#: parts it read again ("tech stack", "triggers")
SUMMARISED, LINKED, REREAD = "build.summarised", "build.linked", "build.reread"


class _Incremental:
    """One context build, from the previous build's records where they still
    hold. The facts and what each depends on:

    * the tech stack: the manifests (and ``setup.py``);
    * triggers: the files the migrations scan read for them;
    * per module, its models and database settings, entry points, property
      names and own summaries: the module and every project module it
      imports, directly or not (what inference in it may read); the own
      summaries also depend on the project-wide models, database settings,
      stack and property names, and on the entry points they looked up;
    * per module, its pruned call edges and entity facts: the summaries of
      the functions they looked up;
    * propagated effects and handler chains: recomputed from the summaries
      every time (cheap: no syntax tree is read).

    A module is read again only when something it depends on changed; its
    facts are otherwise taken from the records. The parts are computed in
    the same order as a build from scratch (problems in the same order too).
    A build that spent its time budget or lost a part leaves no records:
    the next one starts from scratch.
    """

    def __init__(self, root: Path, settings: Settings, files: list[Path], context: ProjectContext,
                 budget: _Budget, manifest: dict[str, list], records: dict | None) -> None:
        self.root, self.settings, self.files, self.context, self.budget = root, settings, files, context, budget
        self.digests = _digests(manifest)
        basis = incremental.fingerprint([cache.FORMAT, cache.tool_fingerprint(), repr(settings)])
        self.previous = records if records and records.get("basis") == basis else {}
        self.before = self.previous.get("modules", {})
        self.records: dict = {"basis": basis, "modules": {}}
        self.modules: dict[str, dict] = self.records["modules"]
        self.file_contexts: dict[str, FileContext] = {}
        self.complete = True
        self.summarised: list[str] = []
        self.linked: list[str] = []
        self.reread: list[str] = []

    # -- helpers -----------------------------------------------------------------
    def part(self, name: str, compute, fallback):
        if self.budget.spent(name):
            self.complete = False
            return fallback
        try:
            return compute()
        except Exception as exc:  # noqa: BLE001 - never crash the host
            self.complete = False
            self.context.problems.append(f"{name} not available: {exc.__class__.__name__}: {exc}")
            return fallback

    def captured(self, compute) -> list[str]:
        """The problems ``compute`` notes."""
        problems = self.context.problems
        start = len(problems)
        compute()
        return problems[start:]

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def changed(self, relative: str, before: dict) -> bool:
        return relative not in self.digests or before.get(relative) != self.digests[relative]

    # -- the build ---------------------------------------------------------------
    def run(self) -> ProjectContext:
        context = self.context
        self.records["digests"] = self.digests
        self.stack()
        self.parse()
        self.triggers()
        db_settings = self.models()
        context.db_config = {**db_settings, "triggers": self.records["triggers"]["result"]}
        stack.complete_from_code(context.tech_stack, context.models, db_settings)
        self.entrypoints()
        properties = self.properties()
        context.memo["summaries.property_names"] = properties
        context.functions = self.part("function summaries", self.summaries, {})
        for qualname, entry in context.entrypoints.items():
            defined = context.functions.get(qualname)
            if defined is not None:  # registered elsewhere: point at the definition
                entry["path"], entry["line"] = defined.path, defined.line
        self.part("handler chains",
                  lambda: callgraph.propagate_handlers(context.functions, context.entrypoints), None)
        context.symbols = self.part("symbol index", self.symbols, {})
        context.best_practices = self.part("best practices", lambda: knowledge.references_for(
            context.tech_stack, context.db_config), [])
        context.memo[SUMMARISED], context.memo[LINKED], context.memo[REREAD] = \
            self.summarised, self.linked, self.reread
        context.memo[RECORDS] = self.records if self.complete and not self.budget.noted else None
        return context

    def stack(self) -> None:
        inputs = {relative: digest for relative, digest in self.digests.items()
                  if not relative.endswith(CONTEXT_SUFFIXES) or relative.rpartition("/")[2] in
                  incremental.TEXT_READ_MODULES}
        found = self.previous.get("stack")
        if not found or found["inputs"] != inputs:
            self.reread.append("tech stack")
            result, problems = self.part("tech stack", lambda: stack.detect(self.root),
                                         ({"db": None, "orm": None, "async": None, "web": None}, []))
            found = {"inputs": inputs, "result": result, "problems": problems}
        self.records["stack"] = _copied(found)
        self.context.tech_stack = _copied(found["result"])
        self.context.problems.extend(found["problems"])

    def parse(self) -> None:
        """Every module's imports, and the trees of the modules whose facts
        must be computed again (a module that cannot be read is a problem)."""
        names: dict[str, str] = {}
        imported: dict[str, set[str]] = {}
        for path in self.files:
            if path.suffix != ".py":
                continue
            relative = self.relative(path)
            record = self.before.get(relative)
            if record is not None and record.get("digest") == self.digests.get(relative):
                self.modules[relative] = {"digest": record["digest"], "imports_names": record["imports_names"],
                                          "problem": record.get("problem"), "name": record["name"]}
            else:
                self.modules[relative] = self._read(path, relative)
            names[self.modules[relative]["name"]] = relative
            imported[relative] = set(self.modules[relative]["imports_names"])
        imports = {relative: sorted({names[name] for name in found if name in names} - {relative})
                   for relative, found in imported.items()}
        for relative, reached in incremental.closures(imports).items():
            record = self.modules[relative]
            record["closure"] = incremental.fingerprint(sorted((r, self.digests.get(r)) for r in reached))
            record["dirty"] = record.get("problem") is None and (
                self.before.get(relative, {}).get("closure") != record["closure"]
                or "facts" not in self.before.get(relative, {}))
        for path in self.files:
            relative = self.relative(path) if path.suffix == ".py" else None
            if relative is None:
                continue
            if self.budget.spent(f"parsing {relative}"):
                self.complete = False
                break
            record = self.modules[relative]
            if record.get("problem") is not None:
                self.context.problems.append(record["problem"])
            elif record["dirty"]:
                self.tree(path, relative)
        self.names = names

    def _read(self, path: Path, relative: str) -> dict:
        name, is_package = infer.module_name(path, self.root)
        record: dict = {"digest": self.digests.get(relative), "name": name, "imports_names": [], "problem": None}
        try:
            if path.stat().st_size > MAX_MODULE_BYTES:
                record["problem"] = f"{relative}: larger than {MAX_MODULE_BYTES} bytes; left out of the context"
                return record
            source = read_source(path)
            tree = incremental.parsed(source)  # parsed once: for the imports and for astroid
            module = infer.parse(source, path, self.root, tree)
        except OSError as exc:
            record["problem"] = f"{relative}: {SourceError(f'cannot read file: {exc.strerror or exc}')}"
            return record
        except SourceError as exc:
            record["problem"] = f"{relative}: {exc}"
            return record
        except (AstroidError, SyntaxError, RecursionError, ValueError) as exc:
            record["problem"] = f"{relative}: cannot parse ({exc.__class__.__name__})"
            return record
        if tree is not None:
            record["imports_names"] = sorted(incremental.imported_modules(tree, name, is_package))
        self.file_contexts[relative] = FileContext(module, path, relative, self.context, self.settings, source)
        return record

    def tree(self, path: Path, relative: str) -> FileContext | None:
        """The module's file context, parsed now if need be (None: it no
        longer parses, as when it changed since it was hashed)."""
        found = self.file_contexts.get(relative)
        if found is None:
            record = self._read(path, relative)
            if record["problem"] is not None:
                raise ValueError(f"{relative} changed during the build")
            found = self.file_contexts[relative]
        return found

    def triggers(self) -> None:
        found = self.previous.get("triggers")
        candidates = [p for p in self.files if p.suffix in CONTEXT_SUFFIXES]
        if found is None or self._triggers_changed(found, candidates):
            self.reread.append("triggers")
            read: set[str] = set()
            result, problems = self.part("triggers", lambda: migrations.scan(self.root, candidates, read),
                                         ([], []))
            found = {"read": {relative: self.digests.get(relative) for relative in sorted(read)},
                     "result": result, "problems": problems}
        self.records["triggers"] = _copied(found)
        self.context.problems.extend(found["problems"])

    def _triggers_changed(self, found: dict, candidates: list[Path]) -> bool:
        """Whether the migrations scan could find anything else now: a file
        it read changed, or another changed file has something to read."""
        if any(self.digests.get(relative) != digest for relative, digest in found["read"].items()):
            return True
        previous = self.previous.get("digests", {})
        for path in candidates:
            relative = self.relative(path)
            if relative in found["read"] or previous.get(relative) == self.digests.get(relative):
                continue
            try:
                if path.stat().st_size > migrations.MAX_SQL_BYTES:
                    return True
                text, _ = read_text(path, migrations.MAX_SQL_BYTES, errors="replace")
            except (OSError, SourceError):
                return True
            if migrations.TRIGGER_WORDS.search(text):
                return True
        return False

    def _facts(self, relative: str) -> dict | None:
        """The previous build's facts of a module that need not be computed again."""
        record = self.modules[relative]
        if record.get("problem") is not None or record["dirty"]:
            return None
        return self.before[relative]["facts"]

    def parsed_modules(self) -> list[str]:
        """The modules with facts: their tree is here, or their facts may be reused."""
        return [relative for relative, record in self.modules.items() if record.get("problem") is None
                and (relative in self.file_contexts or not record["dirty"])]

    def models(self) -> dict:
        def compute():
            parts = []
            for relative in self.parsed_modules():
                facts = self._facts(relative)
                part = facts["models"] if facts is not None else models.scan_file(self.file_contexts[relative])
                self.modules[relative].setdefault("facts", {})["models"] = _copied(part)
                parts.append(_copied(part))
            return models.merge(parts)

        self.context.models, db_settings, problems = self.part("models", compute, ({}, {}, []))
        self.context.problems.extend(problems)
        return db_settings

    def entrypoints(self) -> None:
        for relative in self.parsed_modules():
            facts = self._facts(relative)
            record = self.modules[relative].setdefault("facts", {})
            if facts is not None:
                operations, problems = facts["entries"], facts["entry_problems"]
                self.context.problems.extend(problems)
            else:
                fctx = self.file_contexts[relative]
                operations = []
                problems = self.captured(lambda: self.part(
                    f"entry points of {relative}", lambda: _collect_entrypoints(fctx, operations), None))
            record["entries"], record["entry_problems"] = _copied(operations), problems
            for operation, qualname, entry in _copied(operations):
                if operation == "set":
                    self.context.entrypoints[qualname] = entry
                else:
                    self.context.entrypoints.setdefault(qualname, entry)

    def properties(self) -> set[str]:
        names: set[str] = set()
        for relative in self.parsed_modules():
            facts = self._facts(relative)
            found = facts["properties"] if facts is not None else sorted(
                _property_names([self.file_contexts[relative]]))
            self.modules[relative].setdefault("facts", {})["properties"] = found
            names.update(found)
        return names

    # -- summaries ---------------------------------------------------------------
    def summaries(self) -> dict[str, summaries.FunctionSummary]:
        context = self.context
        project_wide = incremental.fingerprint([context.models, context.db_config, context.tech_stack,
                                                sorted(context.memo["summaries.property_names"])])
        entries = incremental.ReadsRecorded(context.entrypoints)
        context.entrypoints = entries
        own: dict[str, dict[str, summaries.FunctionSummary]] = {}
        try:
            for relative in self.parsed_modules():
                own[relative] = self._own_summaries(relative, project_wide, entries)
        finally:
            context.entrypoints = dict(entries)

        functions: dict[str, summaries.FunctionSummary] = {}
        for found in own.values():
            functions.update(found)
        previous_own = {name: summary for relative in own
                        for name, summary in self._previous_summaries(relative, "own").items()}
        changed = {name for name in {*functions, *previous_own}
                   if not _same(functions.get(name), previous_own.get(name))}
        resummarised = {self.modules[relative]["name"] for relative in self.summarised}
        added_or_removed = {name.rpartition(".")[2] for name in functions.keys() ^ previous_own.keys()}

        def touched(callee: str) -> bool:
            return (callee in changed or callee.rpartition(".")[2] in added_or_removed
                    or self._module_of(callee) in resummarised)

        pruned = {}
        for relative, found in own.items():
            previous = self._previous_defined(relative)
            redo = relative in self.summarised or any(
                touched(call.callee) for summary in found.values() for call in summary.calls) or any(
                touched(target) for summary in found.values() for target in summary.offloads)
            for name in found:
                pruned[name] = summaries.defined(functions[name], functions) if redo or name not in previous \
                    else previous[name]
            # kept where pruning changed the edges only (the rest are the own summaries)
            self.modules[relative].setdefault("facts", {})["defined"] = _summaries_json(
                [name for name in found if pruned[name].calls != found[name].calls
                 or pruned[name].offloads != found[name].offloads], pruned)
            self.modules[relative]["redo_links"] = redo
        reads_changed = changed | {name for name in pruned
                                   if not _same(pruned[name], self._previous_summary(name, "defined"))}
        functions = {name: pruned[name] for name in functions}

        functions = incremental.ReadsRecorded(functions)
        context.functions = functions
        for relative in own:
            self._entities(relative, functions, reads_changed)
        return summaries.propagate(dict(functions))

    def _own_summaries(self, relative: str, project_wide: str,
                       entries: incremental.ReadsRecorded) -> dict[str, summaries.FunctionSummary]:
        facts = self._facts(relative)
        record = self.modules[relative].setdefault("facts", {})
        if facts is not None and facts.get("project_wide") == project_wide and all(
                incremental.fingerprint(self.context.entrypoints.get(name)) == value
                for name, value in (facts["entry_reads"] or {}).items()) and facts["entry_reads"] is not None:
            record.update({key: facts[key] for key in ("own", "own_problems", "entry_reads", "project_wide")})
            self.context.problems.extend(facts["own_problems"])
            return self._previous_summaries(relative, "own")
        entries.start()
        found: dict = {}
        problems = self.captured(lambda: found.update(summaries.module_summaries(
            self.tree(self.root / relative, relative))))
        reads = entries.reads()
        record.update({"own": _summaries_json(found, found), "own_problems": problems,
                       "project_wide": project_wide,
                       "entry_reads": None if reads is None else {
                           name: incremental.fingerprint(dict.get(entries, name)) for name in reads}})
        self.summarised.append(relative)
        return found

    def _entities(self, relative: str, functions: incremental.ReadsRecorded, changed: set[str]) -> None:
        record = self.modules[relative]
        facts = self._facts(relative) if not record.pop("redo_links") else None
        previous = self.before.get(relative, {}).get("facts", {}) if facts is not None else {}
        reads = previous.get("entity_reads", None) if facts is not None else None
        if facts is not None and "entities" in previous and reads is not None \
                and not changed.intersection(reads):
            updated = {name: summaries.FunctionSummary.from_json(data) for name, data in previous["entities"]}
            problems = previous["entity_problems"]
            self.context.problems.extend(problems)
        else:
            functions.start()
            before = {name: dict.get(functions, name) for name in _own_names(record)}
            problems = self.captured(lambda: summaries.entities_through_calls(
                self.tree(self.root / relative, relative), functions))
            reads = functions.reads()
            updated = {name: dict.get(functions, name) for name in before
                       if dict.get(functions, name) is not before[name]}
            changed.update(name for name, summary in updated.items()
                           if not _same(summary, self._previous_summary(name, "entities")))
            self.linked.append(relative)
        for name, summary in updated.items():
            dict.__setitem__(functions, name, summary)
        record["facts"].update({"entities": [[name, summary.to_json()] for name, summary in updated.items()],
                                "entity_problems": problems, "entity_reads": reads})

    def _previous_summaries(self, relative: str, which: str) -> dict[str, summaries.FunctionSummary]:
        facts = self.before.get(relative, {}).get("facts", {})
        return {name: summaries.FunctionSummary.from_json(data) for name, data in facts.get(which, ())}

    def _previous_defined(self, relative: str) -> dict[str, summaries.FunctionSummary]:
        """The previous build's pruned summaries of a module's functions."""
        return {**self._previous_summaries(relative, "own"), **self._previous_summaries(relative, "defined")}

    def _previous_summary(self, name: str, which: str) -> summaries.FunctionSummary | None:
        if not hasattr(self, "_previous_by_name"):
            self._previous_by_name = {}
            for relative in self.before:
                for found, summary in self._previous_defined(relative).items():
                    self._previous_by_name[(found, "defined")] = summary
                for found, summary in self._previous_summaries(relative, "entities").items():
                    self._previous_by_name[(found, "entities")] = summary
        found = self._previous_by_name.get((name, which))
        if found is None and which == "entities":
            return self._previous_by_name.get((name, "defined"))
        return found

    def symbols(self) -> symbols.Index:
        """The symbol index: a module's entries depend on its tree, the
        modules inference in it reads, and which of its functions have
        summaries; otherwise they are the previous build's."""
        index: symbols.Index = {}
        for relative in self.parsed_modules():
            facts = self._facts(relative)
            names = _own_names(self.modules[relative])
            record = self.modules[relative].setdefault("facts", {})
            if facts is not None and "symbols" in facts and facts.get("symbol_names") == names:
                found = facts["symbols"]
            else:
                found = symbols.build([self.tree(self.root / relative, relative)], self.context.functions)
            record["symbols"], record["symbol_names"] = _copied(found), names
            index.update(_copied(found))
        return index

    def _module_of(self, qualname: str) -> str | None:
        parts = qualname.split(".")
        for end in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:end])
            if name in self.names:
                return name
        return None


def _digests(manifest: dict[str, list]) -> dict[str, str]:
    return {relative: entry[2] for relative, entry in manifest.items()}


def _same(one: summaries.FunctionSummary | None, other: summaries.FunctionSummary | None) -> bool:
    """Whether two summaries say the same (summaries compare by identity)."""
    return one is other or (one is not None and other is not None and one.to_json() == other.to_json())


def _own_names(record: dict) -> list[str]:
    return [name for name, _ in record["facts"].get("own", ())]


def _summaries_json(names, source) -> list:
    return [[name, source[name].to_json()] for name in names]


def _copied(value):
    """A deep copy of JSON data (records are kept apart from the context,
    which later steps change in place)."""
    return json.loads(json.dumps(value))


def _property_names(file_contexts: list[FileContext]) -> set[str]:
    """Names of the project's ``@property`` methods: an attribute read of
    another name never runs project code, so it needs no inference."""
    names = set()
    for fctx in file_contexts:
        for function in callgraph.project_functions(fctx.module):
            if summaries.is_property(function):
                names.add(function.name)
    return names


def _collect_entrypoints(fctx: FileContext, operations: list) -> None:
    """The module's entry points, as ``[operation, qualname, entry]`` in the
    order found: ``set`` (a decorator or startup hook says so) or
    ``default`` (a registration, unless something else said)."""
    started = time.monotonic()
    settings = fctx.settings
    try:
        for function in callgraph.project_functions(fctx.module):
            found = execution.classify_decorated(function, fctx.resolve,
                                                 settings.request_handler_decorators,
                                                 settings.background_decorators)
            if found is not None:
                operations.append(["set", function.qname(), _entry(found, fctx.relpath, function.lineno)])
            if time.monotonic() - started > settings.time_budget:
                fctx.project.problems.append(f"{fctx.relpath}: time budget spent finding entry points")
                return
        for qualname, found in execution.registrations(fctx.module, fctx.resolve):
            operations.append(["default", qualname, _entry(found, fctx.relpath, 0)])
        for qualname, found in execution.startup_hooks(fctx.module, fctx.resolve):
            operations.append(["set", qualname, _entry(found, fctx.relpath, 0)])
    except RecursionError:
        fctx.project.problems.append(f"{fctx.relpath}: too deeply nested to find entry points")


def _entry(found: execution.Execution, path: str, line: int) -> dict:
    return {"kind": found.kind.value, "path": path, "line": line, "via": found.via,
            "evidence": found.evidence.name}
