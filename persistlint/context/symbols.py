"""The project's symbol index: what an imported project name is, and what
an imported project function returns, without building its module.

Linting one file (the editor's lint-on-save) would otherwise make astroid
build, from source, every project module the file's inference reaches:
the module a called function is defined in, the module of the class its
return annotation names, and so on. The context build has every module's
tree at hand, so it writes down those answers once, as plain JSON in the
cached context:

``{module: {name: entry}}``, ``name`` a module-level name or
``Class.method``; an entry is

=============  =========================================================
key            meaning
=============  =========================================================
``kind``       ``"function"``, ``"class"`` (an undecorated definition
               bound once in its scope), or ``"alias"`` (``from x import
               y`` bound once: the name stands for ``target``)
``qualname``   what inference names it (``app.repo.OrgRepo.get``); for an
               alias, the imported qualified name it stands for
``returns``    functions and methods: :func:`infer.returned_type` of the
               definition as ``[qualname, evidence]``, or None
``element``    the item type of its collection return annotation
               (``-> list[Org]``: ``Org``), the same way, or None
``summary``    whether the context has a :class:`FunctionSummary` of it
               (under ``qualname``)
``types``      ``state`` entries: the types of the values the module
               assigns to ``<x>.state.<attr>`` (Starlette's
               ``app.state``/``request.state``), each ``[qualname,
               evidence]``, under the name ``state:<attr>``
=============  =========================================================

Every answer is the one astroid's inference gives on the saved files,
computed by the same functions: a name bound more than once, or a
decorated definition (a decorator may turn it into something else), is
left out, and asking about it falls back to inference, as does any name
the index does not know. The index of a module is read only for imports
of it from another module, so that an editor's unsaved buffer is never
answered from the saved text of itself.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from astroid import nodes

from persistlint.diagnostic import Evidence

Index = dict[str, dict[str, dict[str, Any]]]

#: the answer for a name the index does not describe: infer as before
UNKNOWN = object()
#: the name prefix of ``state`` entries (not an identifier: no clash)
STATE = "state:"


# ------------------------------------------------------------------ building

def build(file_contexts: list, functions: dict[str, Any]) -> Index:
    """The index of every parsed project module (the context build's)."""
    from persistlint.context import infer

    index: Index = {}
    for fctx in file_contexts:
        module = fctx.module
        names: dict[str, dict[str, Any]] = {}
        for name, bindings in module.locals.items():
            entry = _entry(module, bindings, functions, infer)
            if entry is None:
                continue
            names[name] = entry
            if entry["kind"] == "class":
                klass = bindings[0]
                for method_name, defined in klass.locals.items():
                    method = _entry(klass, defined, functions, infer)
                    if method is not None and method["kind"] == "function":
                        names[f"{name}.{method_name}"] = method
        for attrname, types in infer.state_types(module).items():
            names[STATE + attrname] = {"kind": "state", "types": [_typed(t) for t in types]}
        index[module.name] = names
        infer.forget_inferences()  # each entry of astroid's inference cache holds a tree
    return index


def _entry(scope: nodes.NodeNG, bindings: list, functions: dict[str, Any], infer) -> dict | None:
    if len(bindings) != 1:
        return None
    node = bindings[0]
    if isinstance(node, nodes.ImportFrom) and isinstance(scope, nodes.Module):
        target = _import_target(node, bindings, scope)
        return {"kind": "alias", "qualname": target} if target else None
    if not _infers_to_itself(node, scope):
        return None
    if isinstance(node, nodes.ClassDef):
        return {"kind": "class", "qualname": infer.canonical(node.qname())} \
            if isinstance(scope, nodes.Module) else None
    try:
        found = infer.returned_type(node)
        element = infer.collection_element(node.returns)
    except (RecursionError, *infer.INFERENCE_ERRORS):
        return None
    qualname = infer.canonical(node.qname())
    return {"kind": "function", "qualname": qualname, "returns": _typed(found),
            "element": _typed(element), "summary": qualname in functions}


def _infers_to_itself(node: nodes.NodeNG, scope: nodes.NodeNG) -> bool:
    """A ``def`` or ``class`` written directly in ``scope``, undecorated and
    without an inference tip of an astroid brain (a ``NamedTuple`` or
    ``TypedDict`` class infers to another node): inferring its name gives
    the node itself."""
    return isinstance(node, (nodes.FunctionDef, nodes.ClassDef)) and node.decorators is None \
        and node.parent is scope and getattr(node, "_explicit_inference", None) is None


def _typed(found) -> list[str] | None:
    return [found.qualname, found.evidence.name] if found is not None else None


def _import_target(node: nodes.ImportFrom, bindings: list, module: nodes.Module) -> str | None:
    """``from x import y as z``: ``x.y``, the import made absolute."""
    name = next((k for k, v in module.locals.items() if v is bindings), None)
    for original, alias in node.names:
        if original != "*" and (alias or original) == name:
            source = node.modname
            if node.level:
                try:
                    source = module.relative_to_absolute_name(source, node.level)
                except Exception:  # noqa: BLE001 - an import above the top package
                    return None
            return f"{source}.{original}" if source else None
    return None


# ------------------------------------------------------------------ answers

class _Active:
    """The index of the project being linted (the one whose root is the
    boundary's first), shared by the process like astroid's manager."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_root: dict[Path, Index] = {}

    def use(self, root: Path, index: Index) -> None:
        with self.lock:
            self.by_root[root] = index

    def get(self, root: Path | None) -> Index | None:
        return self.by_root.get(root) if root is not None else None


ACTIVE = _Active()


def entry_of(index: Index, qualname: str, asked_from: str, visited: set[str] | None = None) -> dict | None:
    """The entry of ``qualname`` in the module that defines it (the longest
    module prefix the index has), following aliases; None when unknown or
    when that module is ``asked_from`` (the file being linted). The modules
    read on the way are added to ``visited``."""
    for _ in range(8):  # alias chains are short; a cycle is unknown
        module, name = _split(index, qualname)
        if module is None or module == asked_from:
            return None
        if visited is not None:
            visited.add(module)
        entry = index[module].get(name)
        if entry is None or entry["kind"] != "alias":
            return entry
        qualname = entry["qualname"]
    return None


def _split(index: Index, qualname: str) -> tuple[str | None, str]:
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if module in index:
            return module, ".".join(parts[cut:])
    return None, ""


def module_of(index: Index, qualname: str) -> str | None:
    """The indexed module ``qualname`` is defined in (its longest prefix)."""
    return _split(index, qualname)[0]


def definition(index: Index | None, qualname: str, asked_from: str,
               visited: set[str] | None = None) -> str | None:
    """What inference names the project function or class ``qualname``
    (an imported name) stands for, or None when the index cannot say."""
    if not index:
        return None
    entry = entry_of(index, qualname, asked_from, visited)
    if entry is None or entry["kind"] not in ("function", "class"):
        return None
    return entry["qualname"]


def returns(index: Index | None, qualname: str, asked_from: str, what: str = "returns"):
    """``(qualname, Evidence)`` the project function ``qualname`` returns
    (``what="element"``: the items of the collection it returns), None when
    it returns nothing the rules can name, :data:`UNKNOWN` when the index
    does not know the function."""
    if not index:
        return UNKNOWN
    entry = entry_of(index, qualname, asked_from)
    if entry is None or entry["kind"] != "function" or entry["qualname"] != qualname:
        return UNKNOWN
    found = entry.get(what)
    if found is None:
        return None
    if not (isinstance(found, list) and len(found) == 2 and isinstance(found[0], str)
            and found[1] in Evidence.__members__):
        return UNKNOWN  # not what this version writes: infer
    return found[0], Evidence[found[1]]


def state_types(index: Index | None, attrname: str, asked_from: str) -> list[tuple[str, Evidence]]:
    """What the other project modules assign to ``<x>.state.<attrname>``
    (the module ``asked_from`` answers from its own tree)."""
    found = []
    for module, names in (index or {}).items():
        entry = names.get(STATE + attrname)
        if module == asked_from or not entry or entry.get("kind") != "state":
            continue
        for typed in entry.get("types") or ():
            if isinstance(typed, list) and len(typed) == 2 and isinstance(typed[0], str) \
                    and typed[1] in Evidence.__members__:
                found.append((typed[0], Evidence[typed[1]]))
    return found
