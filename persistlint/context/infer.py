"""The only caller of astroid inference.

Three jobs:

* **the boundary**: astroid may read the standard library, the linted
  project's own modules and the stubs of :mod:`persistlint.context.brain`;
  every other module is denied, so inference never wanders into a
  third-party package (slow, and dependent on what is installed) and never
  loads a C extension;
* **parsing** a file into an astroid module under its real dotted name, so
  that relative and project imports resolve;
* **resolution**: :func:`resolve_call` and :func:`resolve_type` answer "what
  is this" as a :class:`Resolved` qualified name with the strength of the
  evidence: INFERRED > IMPORT_ALIAS > ANNOTATION > NAME_GUESS. On doubt they
  return None and rules stay silent.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import gc
import hashlib
import sys
import threading
import warnings
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import astroid
import attrs
from astroid import nodes
from astroid.builder import AstroidBuilder
from astroid.exceptions import AstroidError
from astroid.manager import AstroidManager
from astroid.util import UninferableBase, safe_infer

from persistlint.context import astbuild, bindings, brain, lazy_builtins, symbols
from persistlint.diagnostic import Evidence

MANAGER = AstroidManager()

# astroid's own Uninferable, plus the errors inference may raise on odd code.
INFERENCE_ERRORS = (AstroidError, RecursionError, AttributeError, TypeError,
                     ValueError, KeyError, IndexError, StopIteration)


@attrs.frozen
class Resolved:
    qualname: str
    evidence: Evidence

    def weaker(self, other: Evidence) -> Resolved:
        return Resolved(self.qualname, min(self.evidence, other))

    def is_one_of(self, *qualnames: str) -> bool:
        return self.qualname in qualnames


# ---------------------------------------------------------------- modules read

#: the sets :func:`modules_read` fills, innermost last
_MODULES_READ: list[set[str]] = []


@contextlib.contextmanager
def modules_read(found: set[str]) -> Iterator[set[str]]:
    """Collect in ``found`` the files of the modules astroid hands out in the
    block (imports inference follows, and definitions looked up by name):
    what an analysis read besides its own file."""
    _MODULES_READ.append(found)
    try:
        yield found
    finally:
        _MODULES_READ.remove(found)


def _note_read(module) -> None:
    if _MODULES_READ and module is not None:
        file = getattr(module, "file", None)
        if file:
            for found in _MODULES_READ:
                found.add(file)


def note_read(file: str) -> None:
    """Note that the analysis read ``file`` (a template, say), so that a
    result kept for it is redone when the file changes (absent files too:
    their appearing changes it)."""
    for found in _MODULES_READ:
        found.add(file)


def _noting_reads(from_module_name):
    """``AstroidManager.ast_from_module_name`` that notes the module it
    gives (every import inference follows goes through it, from any of
    astroid's managers: they share one module cache)."""

    @functools.wraps(from_module_name)
    def noted(self, modname, *args, **kwargs):
        module = from_module_name(self, modname, *args, **kwargs)
        _note_read(module)
        return module

    noted.notes_reads = True
    return noted


def _importing_as_run(import_module):
    """``nodes.Module.import_module`` that, where astroid finds nothing,
    resolves an absolute import the way Python does for code run from its
    own directory (see :func:`sibling_module_name`)."""

    @functools.wraps(import_module)
    def imported(self, modname, relative_only=False, level=None, use_cache=True):
        try:
            return import_module(self, modname, relative_only, level, use_cache)
        except astroid.AstroidBuildingError:
            sibling = None if level else sibling_module_name(self, modname)
            if sibling is None:
                raise
            return import_module(self, sibling, False, None, use_cache)

    imported.runs_as_script = True
    return imported


def _relative_at_top(relative_to_absolute_name):
    """``nodes.Module.relative_to_absolute_name`` that lets a relative
    import at the top of a repository that is itself the package (a Home
    Assistant custom component checked out as ``custom_components/<domain>``,
    its modules at the root beside ``__init__.py``) name the module beside
    it: ``from .sdk import Api`` in ``gateway.py`` is ``sdk``."""

    @functools.wraps(relative_to_absolute_name)
    def absolute(self, modname, level):
        if level == 1 and modname and _at_package_root(self) and _beside(self, modname):
            return modname
        return relative_to_absolute_name(self, modname, level)

    absolute.runs_as_script = True
    return absolute


def _at_package_root(module: nodes.Module) -> bool:
    """A module at the top of a source base that is itself a package: a
    file beside the root's ``__init__.py`` (named without a package, as
    :func:`module_name` names it), or that ``__init__.py`` itself."""
    file = getattr(module, "file", None)
    if not file or not (module.name == "__init__" if module.package else "." not in module.name):
        return False
    return Path(file).with_name("__init__.py").is_file()


def sibling_module_name(module: nodes.Module, modname: str) -> str | None:
    """The dotted name of the project module an unresolved absolute import
    in ``module`` reaches when the module's directory is on ``sys.path``, as
    it is for a program started there (``cd backend && uvicorn main:app``,
    a bot run as ``python bot.py``): ``from database import SessionLocal``
    beside ``database.py`` is the sibling module of the same package. None
    for anything else."""
    if not _beside(module, modname):
        return None
    if module.package:
        return f"{module.name}.{modname}" if module.name else None
    package = module.name.rpartition(".")[0]
    return f"{package}.{modname}" if package else None


def _beside(module: nodes.Module, modname: str) -> bool:
    """Whether the top of ``modname`` is a project module or package in the
    directory of ``module``'s file. The standard library and the stubbed
    libraries are never shadowed."""
    file = getattr(module, "file", None)
    first = modname.partition(".")[0]
    if not file or not first or first in brain.STUB_PACKAGES or first in _STDLIB_NAMES:
        return False
    return _project_entry(str(Path(file).parent), first, tuple(BOUNDARY.roots))


@functools.lru_cache(maxsize=4096)
def _project_entry(directory: str, name: str, roots: tuple[Path, ...]) -> bool:
    """Whether project directory ``directory`` holds module or package
    ``name`` (asked again for every unresolved import of a library)."""
    folder = Path(directory)
    if not any(_is_under(folder, root) for root in roots):
        return False
    return (folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file()


_STDLIB_NAMES = frozenset(sys.stdlib_module_names)


# ---------------------------------------------------------------- boundary

class _Boundary:
    """Which modules astroid may build. Shared by the whole process (the
    astroid manager is global), so it is set up once and idempotently."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.roots: list[Path] = []
        self.project_tops: set[str] = set()
        self.installed = False
        self.pending_stubs: dict[str, str] = {}
        self.stub_lock = threading.RLock()  # building one stub may import another

    def built_stub(self, modname: str) -> nodes.Module | None:
        """The stub module ``modname``, built now if this is its first use;
        None when there is no such stub."""
        with self.stub_lock:
            source = self.pending_stubs.pop(modname, None)
            if source is None:
                module = MANAGER.astroid_cache.get(modname)
                return module if modname in brain.STUBS else None
            builder = AstroidBuilder(MANAGER, apply_transforms=modname in brain.TRANSFORMED_STUBS)
            module = builder.string_build(source, modname=modname)
            module.package = brain.is_package(modname)
            MANAGER.astroid_cache[modname] = module
            return module

    def install(self) -> None:
        with self.lock:
            if self.installed:
                return
            with collection_paused(freeze=True):
                lazy_builtins.bootstrap(MANAGER)
            # stubs are built on first use (see built_stub): a process that
            # lints one file needs a few of them, not all
            self.pending_stubs = brain.stub_sources()
            MANAGER.module_denylist = _DenyOutsideBoundary(self)
            AstroidManager.brain["module_denylist"] = MANAGER.module_denylist
            MANAGER.register_failed_import_hook(self.project_module)
            if not getattr(AstroidManager.ast_from_module_name, "notes_reads", False):
                AstroidManager.ast_from_module_name = _noting_reads(AstroidManager.ast_from_module_name)
            if not getattr(nodes.Module.import_module, "runs_as_script", False):
                nodes.Module.import_module = _importing_as_run(nodes.Module.import_module)
                nodes.Module.relative_to_absolute_name = _relative_at_top(nodes.Module.relative_to_absolute_name)
            self.installed = True

    def add_root(self, root: Path) -> None:
        self.install()
        with self.lock:
            if root in self.roots:
                return
            self.roots.insert(0, root)
            for base in source_bases(root):
                if not base.is_dir():
                    continue
                for child in base.iterdir():
                    if child.suffix == ".py":
                        self.project_tops.add(child.stem)
                    elif child.is_dir() and child.name.isidentifier():
                        self.project_tops.add(child.name)

    def activate(self, root: Path) -> None:
        """Make ``root`` the project whose modules import resolution prefers,
        forgetting modules of other projects that share dotted names."""
        if self.roots and self.roots[0] == root:
            return  # already active: other projects' modules went when it became so
        self.add_root(root)
        if self.roots[0] != root:
            with self.lock:
                self.roots.remove(root)
                self.roots.insert(0, root)
        for name, module in list(MANAGER.astroid_cache.items()):
            file = getattr(module, "file", None)
            if file and name not in brain.STUBS and not _is_under(Path(file), root) \
                    and any(_is_under(Path(file), other) for other in self.roots):
                del MANAGER.astroid_cache[name]

    def project_module(self, modname: str) -> nodes.Module:
        parts = modname.split(".")
        for root in list(self.roots):  # noqa: PR306 - a snapshot: another thread may activate a root
            for base in source_bases(root):
                candidate = base.joinpath(*parts)
                for path in (candidate.with_suffix(".py"), candidate / "__init__.py"):
                    if path.is_file():
                        text = _saved_text(path)
                        module = MANAGER.ast_from_file(str(path), modname, fallback=False)
                        if text is not None:
                            _SOURCE_DIGESTS[module] = _digest(text)
                        _keep_project_module(modname, module)
                        return module
        raise astroid.AstroidBuildingError(f"no project module {modname}")


@contextlib.contextmanager
def collection_paused(freeze: bool = False) -> Iterator[None]:
    """Make objects that live as long as the process (astroid's
    ``builtins`` module, a context read from the cache) without the cyclic
    garbage collector scanning them again and again while they are made:
    tens of thousands of nodes and summaries that are never garbage.
    ``freeze``: afterwards move everything alive into the collector's
    permanent generation (once per process: astroid's bootstrap), so later
    collections skip it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        if freeze:
            gc.freeze()


def _is_under(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except ValueError:
        return False


class _DenyOutsideBoundary(set):
    """astroid checks ``modname in manager.module_denylist`` before anything
    else; answering it here keeps inference inside the boundary."""

    def __init__(self, boundary: _Boundary) -> None:
        super().__init__()
        self._boundary = boundary

    def __contains__(self, modname: object) -> bool:
        if not isinstance(modname, str):
            return False
        if modname in MANAGER.astroid_cache or self._boundary.built_stub(modname) is not None:
            return False
        top = modname.partition(".")[0]
        if top in brain.STUB_PACKAGES:
            return True  # a part of a stubbed library we do not describe
        if top in self._boundary.project_tops:
            return False
        return top not in brain.STDLIB_INFERRED


BOUNDARY = _Boundary()


# ---------------------------------------------------------------- parsing

@functools.lru_cache(maxsize=64)
def source_bases(root: Path) -> tuple[Path, ...]:
    """The directories imports start from: the root, ``src/``, and a Django
    project directory that is not itself a package (``netbox/manage.py``
    beside ``netbox/dcim/``, imported as ``dcim``)."""
    bases = [root, root / "src"]
    try:
        children = sorted(root.iterdir())
    except OSError:
        children = []
    for child in children:
        with contextlib.suppress(OSError):
            if child.name != "src" and not child.is_symlink() and child.is_dir() \
                    and (child / "manage.py").is_file() \
                    and not (child / "__init__.py").exists():
                bases.append(child)
    return tuple(bases)


def module_name(path: Path, root: Path) -> tuple[str, bool]:
    """Dotted module name of a file inside the project, and whether it is a
    package ``__init__``."""
    try:
        relative = path.resolve().relative_to(root)
    except ValueError:
        return path.stem, False
    parts = list(relative.with_suffix("").parts)
    if len(parts) > 1 and root / parts[0] in source_bases(root):
        parts = parts[1:]
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    name = ".".join(p for p in parts if p.isidentifier()) or path.stem
    return name, is_package


# (path, root, source digest) -> module: the context builder and the linter see
# the same file once per process, whichever comes first. Bounded, like the
# project modules kept for imports: a process linting a thousand files must
# not hold a thousand trees (see release_trees).
_BUILT: OrderedDict[tuple[str, str, str], nodes.Module] = OrderedDict()
MAX_BUILT_MODULES = 16
#: project modules kept in astroid's cache for the imports of later files;
#: the oldest are dropped beyond this (rebuilt from source if imported again)
MAX_PROJECT_MODULES = 96
_PROJECT_MODULES: OrderedDict[str, None] = OrderedDict()
_HOLDING = [0]  # > 0 while the context build needs every module at once
#: modules linted from a text other than the saved file's (an editor's buffer)
_BUFFERS: set[str] = set()
#: project modules inference would have built for an answer the symbol index
#: gave instead: a later lookup of a name in one of them builds it then
_ANSWERED: set[str] = set()


def _keep_project_module(name: str, module: nodes.Module) -> None:
    MANAGER.astroid_cache[name] = module
    _PROJECT_MODULES[name] = None
    _PROJECT_MODULES.move_to_end(name)
    _trim()


def _trim() -> None:
    if _HOLDING[0]:
        return
    while len(_BUILT) > MAX_BUILT_MODULES:
        _BUILT.popitem(last=False)
    while len(_PROJECT_MODULES) > MAX_PROJECT_MODULES:
        name, _ = _PROJECT_MODULES.popitem(last=False)
        module = MANAGER.astroid_cache.get(name)
        if module is not None and name not in brain.STUBS:
            del MANAGER.astroid_cache[name]


@contextlib.contextmanager
def holding_trees() -> Iterator[None]:
    """Keep every module built in the block (the context build reads across
    all of them); the bounds apply again after it."""
    _HOLDING[0] += 1
    try:
        yield
    finally:
        _HOLDING[0] -= 1
        _trim()


def release_trees() -> None:
    """After one file is analysed, let go of its tree: astroid's inference
    cache and its node-keyed lookup caches are cleared (each entry holds a
    node, so a whole module), the tracebacks of failed imports astroid
    remembers (their frames hold the modules being inferred) are dropped,
    and the module caches are trimmed to their bounds. What the next file
    imports is still there or rebuilt; results do not depend on it."""
    forget_inferences()
    _trim()


def forget_inferences() -> None:
    """Clear what astroid remembers about inferred nodes (also between the
    modules of one context build: each entry holds a node, so a tree)."""
    from astroid.context import _invalidate_cache

    _invalidate_cache()
    for cached in _NODE_KEYED_CACHES:
        cached.cache_clear()
    for found in MANAGER._mod_file_cache.values():
        _drop_frames(found)


def _drop_frames(error: object, depth: int = 0) -> None:
    """Cut an exception (and those it wraps) from the frames it was raised in."""
    if not isinstance(error, BaseException) or depth > 8:
        return
    error.__traceback__ = None
    for wrapped in (getattr(error, "error", None), error.__context__, error.__cause__):
        _drop_frames(wrapped, depth + 1)


def _node_keyed_caches() -> list:
    from astroid.nodes import ClassDef
    from astroid.nodes._base_nodes import LookupMixIn

    found = [getattr(LookupMixIn, "lookup", None), getattr(ClassDef, "_metaclass_lookup_attribute", None)]
    return [cached for cached in found if hasattr(cached, "cache_clear")]


_NODE_KEYED_CACHES = _node_keyed_caches()


def parse(source: str, path: Path, root: Path, tree: ast.Module | None = None) -> nodes.Module:
    """Build the astroid module of one file (once per content per process),
    from ``tree`` when the caller already parsed ``source`` with ``ast``.
    Raises SyntaxError-derived astroid errors and RecursionError for the
    caller to report."""
    BOUNDARY.activate(root)
    # the root is part of the key: it decides the module's dotted name
    key = (str(path), str(root), _digest(source))
    module = _BUILT.get(key)
    if module is None:
        name, is_package = module_name(path, root)
        imported = MANAGER.astroid_cache.get(name)
        if imported is not None and _SOURCE_DIGESTS.get(imported) == key[-1] \
                and Path(imported.file).resolve() == path.resolve():
            _BUILT[key] = imported  # already built, from this very text, when another module imported it
            _trim()
            return imported
        with warnings.catch_warnings(record=True) as caught:
            # astroid leaves nodes too deep to transform untransformed and
            # warns on stderr; the file is then reported, not half analysed
            warnings.simplefilter("always", UserWarning)
            module = astbuild.build(MANAGER, source, name, str(path), tree)
        if any("recursion limit" in str(w.message) for w in caught):
            raise RecursionError(f"{path}: nesting too deep for astroid's transforms")
        module.package = is_package
        _BUILT[key] = module
        if _is_under(path, root) and _saved_text(path) == source:
            # the saved file (not an editor's buffer): imports of it use this
            # module instead of parsing the file again, or an outdated one
            _SOURCE_DIGESTS[module] = key[-1]
            _keep_project_module(name, module)
            _BUFFERS.discard(name)
        else:
            _BUFFERS.add(name)  # its saved text is not what is linted: never built for lookups
        _trim()
    else:
        _BUILT.move_to_end(key)
        if _SOURCE_DIGESTS.get(module) == key[-1] and MANAGER.astroid_cache.get(module.name) is not module:
            # the saved file's module, dropped from astroid's cache while
            # another project was active: lookups in it find it again
            _keep_project_module(module.name, module)
    return module


# module -> digest of the text it was built from, for the project modules
# persistlint builds itself (parsed or imported through the boundary).
_SOURCE_DIGESTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _saved_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _digest(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()


# ---------------------------------------------------------------- resolution

def infer_one(node: nodes.NodeNG):
    """``safe_infer`` that also swallows the errors odd code provokes."""
    try:
        value = safe_infer(node)
    except INFERENCE_ERRORS:
        return None
    if value is None or isinstance(value, UninferableBase):
        return None
    return value


def _qname(value) -> str | None:
    if isinstance(value, astroid.bases.BoundMethod):
        value = value._proxied
    if isinstance(value, astroid.bases.UnboundMethod):
        value = value._proxied
    if isinstance(value, (nodes.FunctionDef, nodes.ClassDef, nodes.Module)):
        return canonical(value.qname())
    return None


_CANONICAL_PREFIXES = {
    # CPython implementation modules -> the names people write
    "_io.": "io.",
    "pathlib._local.": "pathlib.",
    # Python 3.13: Path inherits read_bytes, exists, is_file, cwd, ... from these
    "pathlib._abc.PathBase.": "pathlib.Path.",
    "pathlib._abc.PurePathBase.": "pathlib.PurePath.",
    "posixpath.": "os.path.",
    "ntpath.": "os.path.",
    "genericpath.": "os.path.",
    "posix.": "os.",
    "_socket.": "socket.",
    "_pickle.": "pickle.",
    "json.decoder.": "json.",
    "xml.etree.ElementTree.": "xml.etree.ElementTree.",
}


def canonical(qualname: str) -> str:
    for prefix, replacement in _CANONICAL_PREFIXES.items():
        if qualname.startswith(prefix):
            return replacement + qualname[len(prefix):]
    if qualname.startswith("builtins."):
        return qualname
    return qualname


def imported_name(name_node: nodes.NodeNG, name: str) -> str | None:
    """Qualified name a bare name is bound to by an import in its scope
    (following simple local aliases ``nap = time.sleep``), or None."""
    try:
        _, assignments = name_node.lookup(name)
    except INFERENCE_ERRORS:
        return None
    for assign in assignments:
        if isinstance(assign, nodes.ImportFrom):
            for original, alias in assign.names:
                if (alias or original) == name:
                    module = assign.modname
                    if assign.level:
                        try:
                            module = assign.root().relative_to_absolute_name(module, assign.level)
                        except INFERENCE_ERRORS:
                            return None
                    return f"{module}.{original}" if module else original
        if isinstance(assign, nodes.Import):
            for original, alias in assign.names:
                if alias == name:
                    return original
                if alias is None and original.partition(".")[0] == name:
                    return name
        if isinstance(assign, nodes.AssignName) and isinstance(assign.parent, nodes.Assign):
            value = assign.parent.value
            if isinstance(value, (nodes.Name, nodes.Attribute)) and len(assign.parent.targets) == 1:
                return dotted_import(value)
    return None


def dotted_import(expr: nodes.NodeNG) -> str | None:
    """``mod.sub.attr`` as a qualified name when its head is an import."""
    if isinstance(expr, nodes.Name):
        return imported_name(expr, expr.name)
    if isinstance(expr, nodes.Attribute):
        base = dotted_import(expr.expr)
        return f"{base}.{expr.attrname}" if base else None
    return None


def resolve_callee(func: nodes.NodeNG) -> Resolved | None:
    """What a called expression is: a function, method or class."""
    indexed = _indexed_definition(func)
    if indexed is not None:
        return Resolved(indexed, Evidence.INFERRED)
    value = infer_one(func) or _super_method(func)
    name = _qname(value) if value is not None else None
    if name:
        return Resolved(name, Evidence.INFERRED)
    if isinstance(value, astroid.bases.Instance) and not isinstance(value, nodes.Const):
        # calling an instance: ``SessionLocal()`` is ``async_sessionmaker.__call__``
        return Resolved(canonical(value._proxied.qname()) + ".__call__", Evidence.INFERRED)
    static = dotted_import(func)
    if static:
        return Resolved(canonical(static), Evidence.IMPORT_ALIAS)
    made = _factory_made_class(func)
    if made is not None:
        return made
    if isinstance(func, nodes.Attribute):
        owner = infer_one(func.expr)
        if isinstance(owner, nodes.ClassDef):  # ``Repo.from_session``: a classmethod
            return Resolved(f"{canonical(owner.qname())}.{func.attrname}", Evidence.INFERRED)
        receiver = resolve_type(func.expr)
        if receiver is not None:
            return Resolved(f"{receiver.qualname}.{func.attrname}", receiver.evidence)
    if isinstance(func, nodes.Name) and func.name in BUILTIN_CALLS:
        return Resolved(f"builtins.{func.name}", Evidence.INFERRED)
    return None


def _super_method(func: nodes.NodeNG):
    """``super().__init__``: astroid answers with every class of the MRO
    that defines the method (``object`` last), so ``safe_infer`` gives up;
    the first is the one Python calls."""
    if not (isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Call)
            and isinstance(func.expr.func, nodes.Name) and func.expr.func.name == "super"):
        return None
    try:
        first = next(func.infer(), None)
    except INFERENCE_ERRORS:
        return None
    return None if first is None or isinstance(first, UninferableBase) else first


def resolve_call(call: nodes.Call) -> Resolved | None:
    return resolve_callee(call.func)


def active_symbols() -> symbols.Index | None:
    """The symbol index of the project being linted (None while its
    context is being built: the build infers from the trees alone)."""
    return symbols.ACTIVE.get(BOUNDARY.roots[0] if BOUNDARY.roots else None)


def _indexed_definition(func: nodes.NodeNG) -> str | None:
    """A bare name bound once, by ``from m import f``, to a project function
    or class the symbol index describes: what inference would name it,
    without building ``m``."""
    index = active_symbols()
    if not index or not isinstance(func, nodes.Name):
        return None
    try:
        _, assignments = func.lookup(func.name)
    except INFERENCE_ERRORS:
        return None
    if len(assignments) != 1 or not isinstance(assignments[0], nodes.ImportFrom):
        return None
    imported = imported_name(func, func.name)
    return symbols.definition(index, imported, func.root().name, _ANSWERED) if imported else None


def _indexed_returns(callee: Resolved, at: nodes.NodeNG, what: str = "returns"):
    """What the symbol index says the project function ``callee`` returns
    (see :func:`symbols.returns`), weakened by how ``callee`` is known."""
    index = active_symbols()
    found = symbols.returns(index, callee.qualname, at.root().name, what)
    if found is symbols.UNKNOWN or found is None:
        return found
    qualname, evidence = found
    if qualname in SELF_TYPES:
        return symbols.UNKNOWN  # the receiver decides: read the definition
    for name in (callee.qualname, qualname):  # reading the definition would build both
        module = symbols.module_of(index, name)
        if module is not None:
            _ANSWERED.add(module)
    return Resolved(qualname, min(evidence, callee.evidence))


BUILTIN_CALLS = frozenset({"open", "input", "print", "len", "list", "dict", "set", "tuple",
                           "sorted", "sum", "min", "max", "any", "all", "frozenset"})

#: What the values returned by library factory functions are, for the
#: static fallback (the stubs answer the same through inference).
FACTORY_RESULTS = {
    "builtins.open": "io.TextIOWrapper",
    "io.open": "io.TextIOWrapper",
    "os.fdopen": "io.TextIOWrapper",
    "gzip.open": "gzip.GzipFile",
    "bz2.open": "bz2.BZ2File",
    "lzma.open": "lzma.LZMAFile",
    "tempfile.NamedTemporaryFile": "tempfile._TemporaryFileWrapper",
    "tempfile.TemporaryFile": "io.TextIOWrapper",
    "socket.socket": "socket.socket",
    "socket.create_connection": "socket.socket",
    "subprocess.Popen": "subprocess.Popen",
    "urllib.request.urlopen": "http.client.HTTPResponse",
    "smtplib.SMTP": "smtplib.SMTP",
    "smtplib.SMTP_SSL": "smtplib.SMTP",
    "ftplib.FTP": "ftplib.FTP",
    # boto3 builds its client and resource classes at run time
    **{f"{factory}.client": "boto3.BaseClient" for factory in (
        "boto3", "boto3.session.Session", "boto3.Session", "botocore.session.Session")},
    "botocore.session.Session.create_client": "boto3.BaseClient",
    **{f"{factory}.resource": "boto3.ServiceResource" for factory in (
        "boto3", "boto3.session.Session", "boto3.Session")},
}

#: Library functions that return a class chosen by name
#: (``get_exporter("html")``): calling what they return makes an instance
#: of (a subclass of) the class named here.
CLASS_FACTORIES = {
    **{f"{module}.get_exporter": "nbconvert.exporters.Exporter" for module in (
        "nbconvert", "nbconvert.exporters", "nbconvert.exporters.base")},
}


def _factory_made_class(func: nodes.NodeNG) -> Resolved | None:
    """``Exporter = get_exporter(name)`` then ``Exporter(...)``, or
    ``get_exporter(name)(...)``: the class a class factory returns."""
    made = bindings.single_assigned_value(func) if isinstance(func, nodes.Name) else func
    if not isinstance(made, nodes.Call):
        return None
    factory = resolve_call(made)
    if factory is None or factory.qualname not in CLASS_FACTORIES:
        return None
    return Resolved(CLASS_FACTORIES[factory.qualname], factory.evidence)


#: pathlib operations that give a path again. astroid cannot follow
#: pathlib's internals when the receiver is only annotated (``p: Path``).
_PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath",
                           "pathlib.WindowsPath", "pathlib.PurePosixPath", "pathlib.PureWindowsPath"})
_PATH_RETURNING = frozenset({"parent", "with_name", "with_stem", "with_suffix", "joinpath",
                             "resolve", "absolute", "expanduser", "relative_to", "with_segments"})


def _path_arithmetic_type(expr: nodes.NodeNG, depth: int) -> Resolved | None:
    """``p / "x"``, ``p.parent``, ``p.with_suffix(".x")`` of a path are paths."""
    if isinstance(expr, nodes.BinOp) and expr.op == "/":
        base = expr.left
    elif isinstance(expr, nodes.Attribute) and expr.attrname == "parent":
        base = expr.expr
    elif isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Attribute) \
            and expr.func.attrname in _PATH_RETURNING:
        base = expr.func.expr
    else:
        return None
    found = resolve_type(base, depth + 1)
    if found is not None and found.qualname in _PATH_CLASSES:
        return Resolved("pathlib.Path", found.evidence)
    return None


def _annotation_type(annotation: nodes.NodeNG | None, _depth: int = 0) -> Resolved | None:
    """The class an annotation names: ``X``, ``Optional[X]``, ``X | None``,
    ``Annotated[X, ...]``, ``"X"``, and aliases of them (``TypeAlias``,
    ``NewType``), here or imported."""
    if annotation is None or _depth > 8:
        return None
    if isinstance(annotation, nodes.Const) and isinstance(annotation.value, str):
        head, _, rest = annotation.value.partition(".")
        if head.isidentifier() and all(part.isidentifier() for part in rest.split(".") if rest):
            # ``"S3Client"``: look the name up where the annotation is written
            # (a ``TYPE_CHECKING`` import), not in a detached parse of the string
            imported = imported_name(annotation.scope(), head)
            if imported:
                return Resolved(canonical(f"{imported}.{rest}" if rest else imported), Evidence.ANNOTATION)
            defined = _defined_class(annotation, head)  # ``"Service"``: a class of this module
            if defined is not None and not rest:
                return Resolved(canonical(defined.qname()), Evidence.ANNOTATION)
        try:
            annotation = astroid.extract_node(annotation.value)
        except INFERENCE_ERRORS + (SyntaxError,):
            return None
        return _annotation_type(annotation, _depth + 1) if annotation is not None else None
    if isinstance(annotation, nodes.BinOp) and annotation.op == "|":
        for side in (annotation.left, annotation.right):
            if not (isinstance(side, nodes.Const) and side.value is None):
                return _annotation_type(side, _depth + 1)
        return None
    if isinstance(annotation, nodes.Subscript):
        head = dotted_import(annotation.value) or getattr(annotation.value, "name", "")
        if head.rpartition(".")[2] in {"Optional", "Annotated", "Mapped"}:
            inner = annotation.slice
            if isinstance(inner, nodes.Tuple):
                inner = inner.elts[0]
            return _annotation_type(inner, _depth + 1)
        return None
    alias = _type_alias_value(annotation)
    if alias is not None:
        return _annotation_type(alias, _depth + 1)
    value = infer_one(annotation)
    if isinstance(value, nodes.ClassDef):
        return Resolved(canonical(value.qname()), Evidence.ANNOTATION)
    static = dotted_import(annotation)
    if static:
        return Resolved(canonical(static), Evidence.ANNOTATION)
    return None


def _defined_class(node: nodes.NodeNG, name: str) -> nodes.ClassDef | None:
    """The class ``name`` is bound to where ``node`` is written, when one
    class statement binds it."""
    try:
        _, bindings = node.scope().lookup(name)
    except INFERENCE_ERRORS:
        return None
    return bindings[0] if len(bindings) == 1 and isinstance(bindings[0], nodes.ClassDef) else None


def _type_alias_value(annotation: nodes.NodeNG) -> nodes.NodeNG | None:
    """``DB = Annotated[AsyncSession, Depends(get_db)]`` then ``db: DB``: the
    aliased annotation, when the alias is assigned in this module or
    imported from another project module."""
    if not isinstance(annotation, nodes.Name):
        return None
    binding = _binding(annotation)
    if isinstance(binding, nodes.ImportFrom):
        original = next((name for name, alias in binding.names
                         if (alias or name) == annotation.name), None)
        try:
            module = binding.do_import_module(binding.modname)
        except INFERENCE_ERRORS:
            return None
        found = module.locals.get(original or "", [])
        binding = found[-1] if found else None
    if isinstance(binding, nodes.AssignName) and isinstance(binding.parent, nodes.Assign) \
            and isinstance(binding.parent.value, (nodes.Subscript, nodes.BinOp)):
        return binding.parent.value
    if isinstance(binding, nodes.AssignName) and isinstance(binding.parent, nodes.Assign):
        return _new_type_base(binding.parent.value)
    return None


def _new_type_base(value: nodes.NodeNG) -> nodes.NodeNG | None:
    """``NewType("AsyncSession", _AsyncSession)`` -> ``_AsyncSession``: a
    NewType is its base class to every rule."""
    if not (isinstance(value, nodes.Call) and len(value.args) == 2):
        return None
    head = dotted_import(value.func) or getattr(value.func, "name", None) \
        or getattr(value.func, "attrname", None) or ""
    return value.args[1] if head.rpartition(".")[2] == "NewType" else None


def _binding(name: nodes.Name) -> nodes.NodeNG | None:
    """The last node that binds ``name`` in its scope (astroid's lookup
    already filters by control flow where it can)."""
    try:
        _, assignments = name.lookup(name.name)
    except INFERENCE_ERRORS:
        return None
    return assignments[-1] if len(assignments) >= 1 else None


def _param_annotation(assign: nodes.AssignName) -> nodes.NodeNG | None:
    arguments = assign.parent
    if not isinstance(arguments, nodes.Arguments):
        return None
    for group, group_annotations in (
        (arguments.args, arguments.annotations),
        (arguments.posonlyargs, arguments.posonlyargs_annotations),
        (arguments.kwonlyargs, arguments.kwonlyargs_annotations),
    ):
        for index, arg in enumerate(group):
            if arg is assign:
                return group_annotations[index] if index < len(group_annotations) else None
    return None


_RESOLVING = threading.local()


def resolve_type(expr: nodes.NodeNG, _depth: int = 0) -> Resolved | None:
    """The class of the value of ``expr``, as a qualified name."""
    if _depth > 6:
        return None
    # ``self.name = self.name.strip()``: the attribute's type is asked for
    # again while it is being worked out; that round answers "unknown".
    active = getattr(_RESOLVING, "nodes", None)
    if active is None:
        active = _RESOLVING.nodes = set()
    if id(expr) in active:
        return None
    active.add(id(expr))
    try:
        return _resolve_type(expr, _depth)
    finally:
        active.discard(id(expr))


def _resolve_type(expr: nodes.NodeNG, _depth: int) -> Resolved | None:
    if isinstance(expr, nodes.Await):
        return _awaited_type(expr.value, _depth)
    value = infer_one(expr)
    if isinstance(value, astroid.bases.Instance) and not isinstance(value, nodes.Const):
        qualname = canonical(value._proxied.qname())
        if qualname not in {"builtins.object", "builtins.NoneType"}:
            return Resolved(qualname, Evidence.INFERRED)
    path = _path_arithmetic_type(expr, _depth)
    if path is not None:
        return path
    if isinstance(expr, nodes.Call):
        callee = resolve_call(expr)
        if callee is None:
            return None
        if callee.qualname in FACTORY_RESULTS:
            return Resolved(FACTORY_RESULTS[callee.qualname], callee.evidence)
        indexed = _indexed_returns(callee, expr)
        if indexed is not symbols.UNKNOWN:
            return indexed
        function = lookup_method(callee.qualname)
        if isinstance(function, nodes.FunctionDef):
            found = returned_type(function)
            if found is not None and found.qualname in SELF_TYPES:
                found = _receiver_class(expr, function, _depth)
            return found.weaker(callee.evidence) if found else None
        leaf = callee.qualname.rpartition(".")[2]
        if leaf[:1].isupper():  # a class by PEP 8's naming: calling it makes an instance
            return callee
        return None
    if isinstance(expr, nodes.Name):
        binding = _binding(expr)
        if isinstance(binding, nodes.ImportFrom):
            # inference failed on the import (the value is made by a library
            # that is not installed): the name as the project module binds it
            binding = bound_binding(expr)
        if isinstance(binding, nodes.AssignName):
            parent = binding.parent
            if isinstance(parent, nodes.Arguments):
                found = _annotation_type(_param_annotation(binding))
                if found is None:
                    found = _depends_type(binding, parent)
                return found
            if isinstance(parent, nodes.AnnAssign):
                return _annotation_type(parent.annotation) or (
                    resolve_type(parent.value, _depth + 1) if parent.value else None)
            if isinstance(parent, nodes.Assign) and len(parent.targets) == 1 \
                    and parent.targets[0] is binding:
                return resolve_type(parent.value, _depth + 1)
            if isinstance(parent, (nodes.With, nodes.AsyncWith)):
                for item, target in parent.items:
                    if target is binding:
                        return resolve_type(item, _depth + 1)
            if isinstance(parent, (nodes.For, nodes.AsyncFor, nodes.Comprehension)) and parent.target is binding:
                return element_type(parent.iter)
    if isinstance(expr, nodes.Attribute) and isinstance(expr.expr, nodes.Name):
        found = _instance_attribute_type(expr, _depth)
        if found is not None:
            return found
    if isinstance(expr, nodes.Attribute):
        found = _member_type(expr, _depth)
        if found is not None:
            return found
    if isinstance(expr, nodes.Attribute) and _is_state(expr.expr):
        return _state_attribute_type(expr, _depth)
    if isinstance(expr, nodes.Subscript) and isinstance(expr.value, nodes.Name) \
            and not isinstance(expr.slice, nodes.Slice):
        return _item_type(_declared_annotation(expr.value))
    return None


#: Annotations of mappings whose values are of their second type argument.
MAPPINGS = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "DefaultDict",
                      "OrderedDict"})
_SEQUENCES = frozenset({"list", "List", "Sequence", "MutableSequence"})


def _item_type(annotation: nodes.NodeNG | None) -> Resolved | None:
    """What ``x[key]`` is for ``x: dict[K, V]`` (``V``) or ``x: list[V]``."""
    if not isinstance(annotation, nodes.Subscript):
        return None
    head = dotted_import(annotation.value) or getattr(annotation.value, "name", "") \
        or getattr(annotation.value, "attrname", "")
    head = head.rpartition(".")[2]
    arguments = annotation.slice.elts if isinstance(annotation.slice, nodes.Tuple) else [annotation.slice]
    if head in MAPPINGS and len(arguments) == 2:
        return _annotation_type(arguments[1])
    if head in _SEQUENCES and len(arguments) == 1:
        return _annotation_type(arguments[0])
    return None


def _declared_annotation(name: nodes.Name) -> nodes.NodeNG | None:
    """The annotation a name is declared with: a parameter, ``x: T = ...``
    here, or a module-level ``X: T = ...`` of a project module it is
    imported from (``S3_SERVICES: dict[Kind, S3Service] = {...}``)."""
    binding = bound_binding(name, build=True)
    if binding is None:
        return None
    if isinstance(binding.parent, nodes.Arguments):
        return _param_annotation(binding)
    if isinstance(binding.parent, nodes.AnnAssign):
        return binding.parent.annotation
    return None


SELF_TYPES = frozenset({"typing.Self", "typing_extensions.Self"})


def _receiver_class(call: nodes.Call, function: nodes.FunctionDef, depth: int) -> Resolved | None:
    """What a ``-> Self`` method returns at this call: the class it is
    called on (``OrgRepository.from_session(s)``), or the receiver's type."""
    receiver = call.func.expr if isinstance(call.func, nodes.Attribute) else None
    if receiver is None:
        klass = function.parent.frame() if function.parent else None
        return Resolved(klass.qname(), Evidence.ANNOTATION) if isinstance(klass, nodes.ClassDef) else None
    value = infer_one(receiver)
    if isinstance(value, nodes.ClassDef):
        return Resolved(canonical(value.qname()), Evidence.INFERRED)
    return resolve_type(receiver, depth + 1)


def method_of(expr: nodes.NodeNG) -> nodes.FunctionDef | None:
    """The method ``expr`` (``self.x``) is in, through comprehensions and
    lambdas written inside it."""
    scope = expr.scope()
    while isinstance(scope, (nodes.ListComp, nodes.SetComp, nodes.DictComp, nodes.GeneratorExp,
                             nodes.Lambda)) and scope.parent is not None:
        scope = scope.parent.scope()
    return scope if isinstance(scope, nodes.FunctionDef) else None


#: Annotations of collections whose items are of their first type argument.
COLLECTIONS = frozenset({"list", "List", "set", "Set", "frozenset", "FrozenSet", "Sequence",
                         "Iterable", "Iterator", "Collection", "AbstractSet", "MutableSequence",
                         "tuple", "Tuple", "QuerySet", "AsyncIterator", "AsyncIterable"})


def element_type(iterable: nodes.NodeNG) -> Resolved | None:
    """``for v in variants`` with ``variants: list[Variant]``, or over a
    project call annotated to return one (``for org in await
    repo.list_all()`` with ``-> list[Org]``): ``Variant``, ``Org``."""
    if isinstance(iterable, nodes.Await):
        iterable = iterable.value
    if isinstance(iterable, nodes.Call):
        callee = resolve_call(iterable)
        indexed = _indexed_returns(callee, iterable, "element") if callee else symbols.UNKNOWN
        if indexed is not symbols.UNKNOWN:
            return indexed
        function = lookup_method(callee.qualname) if callee else None
        if not isinstance(function, nodes.FunctionDef):
            return None
        found = collection_element(function.returns)
        return found.weaker(callee.evidence) if found else None
    if not isinstance(iterable, nodes.Name):
        return None
    binding = _binding(iterable)
    if not isinstance(binding, nodes.AssignName):
        return None
    if isinstance(binding.parent, nodes.Arguments):
        annotation = _param_annotation(binding)
    elif isinstance(binding.parent, nodes.AnnAssign):
        annotation = binding.parent.annotation
    else:
        return None
    return collection_element(annotation)


def collection_element(annotation: nodes.NodeNG | None) -> Resolved | None:
    """``X`` of a collection annotation: ``list[X]``, ``Sequence[X]``..."""
    if not isinstance(annotation, nodes.Subscript):
        return None
    head = dotted_import(annotation.value) or getattr(annotation.value, "name", "") \
        or getattr(annotation.value, "attrname", "")
    if head.rpartition(".")[2] not in COLLECTIONS:
        return None
    inner = annotation.slice
    if isinstance(inner, nodes.Tuple):
        inner = inner.elts[0] if inner.elts else None
    return _annotation_type(inner)

def _is_state(expr: nodes.NodeNG) -> bool:
    """``request.state``, ``app.state``, ``request.app.state``: Starlette's
    per-request and per-application attribute bags."""
    return isinstance(expr, nodes.Attribute) and expr.attrname == "state"


def _state_attribute_type(expr: nodes.Attribute, depth: int) -> Resolved | None:
    """``request.state.db`` or ``request.app.state.s3`` where the project
    assigns ``<x>.state.<attr> = value`` (a middleware, a lifespan, a
    dependency), in this module or another (read from the symbol index):
    the type of that value, when every such assignment agrees."""
    module = expr.root()
    found = {}
    indexed = symbols.state_types(active_symbols(), expr.attrname, module.name)
    for qualname, evidence in [*((r.qualname, r.evidence) for r in _state_types_in(module, depth)
                                 .get(expr.attrname, ())), *indexed]:
        found[qualname] = min(evidence, found.get(qualname, evidence))
    if len(found) != 1:
        return None
    (qualname, evidence), = found.items()
    return Resolved(qualname, evidence)


def state_types(module: nodes.Module) -> dict[str, list[Resolved]]:
    """What ``module`` assigns to each ``<x>.state.<attr>``: the types of
    the values it can name (for the symbol index)."""
    return _state_types_in(module, 0)


def _state_types_in(module: nodes.Module, depth: int) -> dict[str, list[Resolved]]:
    found: dict[str, list[Resolved]] = {}
    for assign in module.nodes_of_class(nodes.AssignAttr):
        if not _is_state(assign.expr):
            continue
        statement = assign.parent
        if isinstance(statement, nodes.AnnAssign):
            value_type = _annotation_type(statement.annotation)
        elif isinstance(statement, nodes.Assign) and statement.value is not None:
            value_type = resolve_type(statement.value, depth + 1)
        else:
            value_type = None
        if value_type is not None and value_type not in found.setdefault(assign.attrname, []):
            found[assign.attrname].append(value_type)
    return {name: types for name, types in found.items() if types}


def _instance_attribute_type(expr: nodes.Attribute, depth: int) -> Resolved | None:
    """``self.session`` in a method: the type of what the class, or a base
    class of it, assigns to it (``self.session = session`` with ``session:
    AsyncSession``), or its class-level annotation."""
    function = method_of(expr)
    if function is None or not function.args.args \
            or function.args.args[0].name != expr.expr.name \
            or not isinstance(function.parent, nodes.ClassDef):
        return None
    for owner in class_lineage(function.parent):
        found = _assigned_attribute_type(owner, expr.attrname, depth)
        if found is not None:
            return found
    return None


def _member_type(expr: nodes.Attribute, depth: int) -> Resolved | None:
    """``hub.api`` (``self.hub.api``) where ``hub`` is an instance of a
    project class: the type of what that class, or a base class of it,
    assigns to ``self.api`` in any of its methods (``self.api = await
    connect()``), as for ``self.api`` inside the class."""
    owner = resolve_type(expr.expr, depth + 1)
    klass = lookup_qualname(owner.qualname) if owner is not None else None
    if not isinstance(klass, nodes.ClassDef):
        return None
    for base in class_lineage(klass):
        found = _assigned_attribute_type(base, expr.attrname, depth)
        if found is not None:
            return found.weaker(owner.evidence)
    return None


def bound_function(func: nodes.NodeNG) -> nodes.FunctionDef | None:
    """The function a called expression infers to, through bound and
    unbound method proxies (``self.get_attributes``)."""
    function = infer_one(func)
    while isinstance(function, astroid.bases.Proxy):
        function = function._proxied
    return function if isinstance(function, nodes.FunctionDef) else None


def lookup_method(qualname: str) -> nodes.NodeNG | None:
    """Like :func:`lookup_qualname`, and a method a class inherits
    (``OrgRepo.from_session`` defined on ``RepositoryBase``)."""
    found = lookup_qualname(qualname)
    if found is not None:
        return found
    owner, _, method = qualname.rpartition(".")
    klass = lookup_qualname(owner) if owner else None
    if not isinstance(klass, nodes.ClassDef):
        return None
    for base in class_lineage(klass)[1:]:
        for defined in base.locals.get(method, []):
            if isinstance(defined, nodes.FunctionDef):
                return defined
    return None


def class_lineage(klass: nodes.ClassDef, limit: int = 8) -> list[nodes.ClassDef]:
    """``klass`` and its base classes, nearest first, through generic bases
    (``class OrgRepo(RepositoryBase[Org])``) that astroid's own ancestry
    does not follow."""
    found: list[nodes.ClassDef] = []
    pending = [klass]
    while pending and len(found) < limit:
        current = pending.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        for base in current.bases:
            base = base.value if isinstance(base, nodes.Subscript) else base
            value = infer_one(base)
            if isinstance(value, nodes.ClassDef):
                pending.append(value)
    return found


def _assigned_attribute_type(klass: nodes.ClassDef, attrname: str, depth: int) -> Resolved | None:
    for assign in klass.instance_attrs.get(attrname, []):
        statement = assign.parent
        if isinstance(statement, nodes.AnnAssign):
            found = _annotation_type(statement.annotation)
        elif isinstance(statement, nodes.Assign) and len(statement.targets) == 1:
            found = resolve_type(statement.value, depth + 1)
        else:
            found = None
        if found is not None:
            return found
    for declared in klass.locals.get(attrname, []):
        if isinstance(declared.parent, nodes.AnnAssign):
            return _annotation_type(declared.parent.annotation)
    return None


def _depends_type(binding: nodes.AssignName, arguments: nodes.Arguments) -> Resolved | None:
    """``db = Depends(get_db)`` without an annotation: the type the
    dependency yields or returns, when it says so."""
    default = _param_default(binding, arguments)
    if not isinstance(default, nodes.Call) or not default.args:
        return None
    callee = resolve_call(default)
    if callee is None or callee.qualname not in {"fastapi.Depends", "fastapi.Security"}:
        return None
    dependency = infer_one(default.args[0])
    if isinstance(dependency, nodes.FunctionDef):
        return returned_type(dependency)
    return None


def _param_default(binding: nodes.AssignName, arguments: nodes.Arguments) -> nodes.NodeNG | None:
    positional = arguments.posonlyargs + arguments.args
    if binding in positional:
        offset = len(positional) - len(arguments.defaults)
        index = positional.index(binding) - offset
        return arguments.defaults[index] if index >= 0 else None
    if binding in arguments.kwonlyargs:
        return arguments.kw_defaults[arguments.kwonlyargs.index(binding)]
    return None


def returned_type(function: nodes.FunctionDef) -> Resolved | None:
    """What a (project) function returns or yields, from its annotation or
    the values of its own return/yield statements when they agree."""
    annotated = _annotation_type(function.returns)
    if annotated is not None and annotated.qualname.rpartition(".")[2] not in {
            "Iterator", "Generator", "AsyncIterator", "AsyncGenerator", "Iterable"}:
        return annotated
    if isinstance(function.returns, nodes.Subscript):
        inner = function.returns.slice
        if isinstance(inner, nodes.Tuple):
            inner = inner.elts[0]
        found = _annotation_type(inner)
        if found is not None:
            return found
    found_types = set()
    for node in _own_nodes(function, (nodes.Return, nodes.Yield)):
        if node.value is None:
            continue
        found = resolve_type(node.value, 1)
        if found is None:
            return None
        found_types.add(found)
    return found_types.pop() if len(found_types) == 1 else None


def _awaited_type(call: nodes.NodeNG, depth: int) -> Resolved | None:
    """``await f(...)``: astroid does not infer through coroutines, so read
    what the awaited function returns."""
    if not isinstance(call, nodes.Call):
        return None
    callee = resolve_call(call)
    indexed = _indexed_returns(callee, call) if callee else symbols.UNKNOWN
    if indexed is not symbols.UNKNOWN:
        return indexed
    function = lookup_qualname(callee.qualname) if callee else None
    if isinstance(function, nodes.FunctionDef):
        found = returned_type(function)
        return found.weaker(callee.evidence) if found else None
    return None


def lookup_qualname(qualname: str) -> nodes.NodeNG | None:
    """The definition of a qualified name among the modules astroid has
    built (stubs and project modules), without importing anything new."""
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        name = ".".join(parts[:cut])
        module = MANAGER.astroid_cache.get(name) or BOUNDARY.built_stub(name) or _indexed_module(name)
        if module is None:
            continue
        _note_read(module)
        node = module
        for attr in parts[cut:]:
            try:
                found = node.getattr(attr) if isinstance(node, nodes.ClassDef) else node.locals.get(attr)
            except INFERENCE_ERRORS:
                return None
            if not found:
                return None
            node = found[0]
            if isinstance(node, (nodes.ImportFrom, nodes.Import, nodes.AssignName)):
                node = infer_one(node) if not isinstance(node, nodes.AssignName) else node
                if node is None:
                    return None
        return node
    return None


def _indexed_module(name: str) -> nodes.Module | None:
    """A project module the symbol index answered for instead of inference
    (which would have built it), built now that a name in it is looked up:
    lookups find what they found before the index. Never an editor's
    buffer: its saved text is not what is being linted."""
    index = active_symbols()
    if not index or name not in index or name not in _ANSWERED or name in _BUFFERS:
        return None
    try:
        return BOUNDARY.project_module(name)
    except (astroid.AstroidBuildingError, *INFERENCE_ERRORS, SyntaxError, OSError):
        return None


def _own_nodes(function: nodes.FunctionDef, kinds) -> Iterator[nodes.NodeNG]:
    """Nodes of ``kinds`` in a function's body, not in nested scopes."""
    return (node for node in _own_body(function) if isinstance(node, kinds))


# Every node of a function's own body in traversal order, kept on the
# function node itself: rules and summaries ask the same function for its
# calls, names, loops... many times. (Not a WeakKeyDictionary: its values
# would reach the key through their parents and keep every tree alive.)
_OWN_BODY = "_persistlint_own_body"
_NESTED_SCOPES = (nodes.FunctionDef, nodes.AsyncFunctionDef, nodes.ClassDef, nodes.Lambda)


def _own_body(function: nodes.FunctionDef) -> list[nodes.NodeNG]:
    body = function.__dict__.get(_OWN_BODY)
    if body is None:
        body = []
        # a nested def, class or lambda runs when it is called (a call edge),
        # not as part of the function: its body is not the function's own
        statements = function.body if isinstance(function.body, list) else [function.body]  # a lambda's
        stack = [node for node in statements if not isinstance(node, _NESTED_SCOPES)]
        while stack:
            node = stack.pop()
            body.append(node)
            for child in node.get_children():
                if not isinstance(child, _NESTED_SCOPES):
                    stack.append(child)
        function.__dict__[_OWN_BODY] = body
    return body


def own_nodes(function: nodes.FunctionDef, kinds) -> Iterator[nodes.NodeNG]:
    return _own_nodes(function, kinds)


def enclosing(node: nodes.NodeNG) -> Iterator[tuple[nodes.NodeNG, nodes.NodeNG]]:
    """``(ancestor, child)`` for each ancestor of ``node``, innermost first,
    where ``child`` is the ancestor's child on the way down to ``node``; up
    to the function, lambda or class that holds it (left out): what runs
    around ``node`` when it runs."""
    child, parent = node, node.parent
    while parent is not None and not isinstance(parent, (nodes.FunctionDef, nodes.Lambda, nodes.ClassDef)):
        yield parent, child
        child, parent = parent, parent.parent


def bound_value(name: nodes.Name) -> nodes.NodeNG | None:
    """The expression a name is assigned once in its scope, following a
    ``from x import name`` into the project module that assigns it
    (``SessionLocal = sessionmaker(...)`` in ``app/db.py``)."""
    binding = bound_binding(name)
    if binding is not None and isinstance(binding.parent, (nodes.Assign, nodes.AnnAssign)):
        value = binding.parent.value
        return value if value is not name else None
    return None


def bound_binding(name: nodes.Name, build: bool = False) -> nodes.AssignName | None:
    """The one binding of a name in its scope (an assignment or a
    parameter), following a ``from x import name`` into the project module
    that binds it; ``build``: build that module if no lookup has yet."""
    try:
        _, found = name.lookup(name.name)
    except Exception:  # noqa: BLE001 - odd scopes
        return None
    if len(found) != 1:
        return None
    binding = found[0]
    if isinstance(binding, nodes.ImportFrom):
        qualname = imported_name(name, name.name)
        imported = lookup_qualname(qualname) if qualname else None
        if imported is None and build and qualname:
            module, _, attr = qualname.rpartition(".")
            try:
                defined = binding.do_import_module(module).locals.get(attr, [])
            except INFERENCE_ERRORS + (astroid.AstroidBuildingError,):
                defined = []
            imported = defined[0] if len(defined) == 1 else None
        binding = imported
    return binding if isinstance(binding, nodes.AssignName) else None


def false_keywords(call: nodes.Call) -> tuple[str, ...]:
    """The keywords ``call`` passes a false literal (``broadcast=False``,
    ``notify=None``): the flags it switches off in the callee."""
    return tuple(k.arg for k in call.keywords or ()
                 if k.arg and isinstance(k.value, nodes.Const) and not k.value.value)


def guarding_tries(node: nodes.NodeNG) -> Iterator[nodes.Try]:
    """The ``try`` statements of ``node``'s function whose body holds it
    (so its handlers and ``finally`` run when it fails), innermost first."""
    for parent, child in enclosing(node):
        if isinstance(parent, nodes.Try) and child in parent.body:
            yield parent


def on_error_path(node: nodes.NodeNG) -> bool:
    """Inside the body of an ``except`` handler of its own function: it runs
    only when something in the ``try`` raised, not on the normal path."""
    return any(isinstance(parent, nodes.ExceptHandler) and child in parent.body
               for parent, child in enclosing(node))


def param_annotation(assign: nodes.AssignName) -> nodes.NodeNG | None:
    """The annotation of the parameter ``assign`` binds, if any."""
    return _param_annotation(assign)


def param_default(binding: nodes.AssignName, arguments: nodes.Arguments) -> nodes.NodeNG | None:
    """The default value of the parameter ``binding`` binds, if any."""
    return _param_default(binding, arguments)


_PROPERTY_DECORATORS = frozenset({"property", "cached_property", "hybrid_property"})


def project_property(attribute: nodes.Attribute, owner: Resolved | None) -> str | None:
    """The qualified name of the ``@property`` of ``owner``'s class (or a
    base class) that reading ``attribute`` runs, when the project defines it."""
    if owner is None:
        return None
    klass = lookup_qualname(owner.qualname)
    if not isinstance(klass, nodes.ClassDef):
        return None
    try:
        found = klass.getattr(attribute.attrname)
    except Exception:  # noqa: BLE001 - astroid's NotFoundError and odd hierarchies
        return None
    for member in found:
        if isinstance(member, nodes.FunctionDef) and member.decorators is not None and any(
                d.as_string().rpartition(".")[2] in _PROPERTY_DECORATORS for d in member.decorators.nodes):
            if in_project(member):
                return member.qname()
    return None


def in_project(node: nodes.NodeNG) -> bool:
    """Whether a node comes from a file of the project being checked."""
    module = node.root()
    roots = tuple(BOUNDARY.roots)
    known = _IN_PROJECT.get(module) if isinstance(module, nodes.Module) else None
    if known is not None and known[0] == roots:
        return known[1]
    file = getattr(module, "file", None)
    answer = bool(file) and any(_is_under(Path(file), root) for root in roots)
    if isinstance(module, nodes.Module):
        _IN_PROJECT[module] = (roots, answer)
    return answer


# module -> (the project roots when asked, whether its file is under one):
# resolving the file's path is asked for every member a rule looks at
_IN_PROJECT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
