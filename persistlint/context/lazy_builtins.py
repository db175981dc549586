"""astroid's ``builtins`` module with each class's members built on first use.

astroid builds its ``builtins`` module from the live objects once per
process: about a hundred classes with some 3000 method descriptors, each a
function node plus a class node for its ``__class__``. That is most of what a
process linting one file spends before its first inference, and most of the
memory astroid holds; a run looks into a handful of those classes.

:func:`bootstrap` runs astroid's own bootstrap, but a top-level class of the
module is created without its members. Its node stands as a subclass whose
``locals`` and ``body`` build the members on first access, with astroid's own
code (``InspectBuilder.object_build``, the call the bootstrap would have made
then), and turn it back into a plain ``ClassDef``. The tree is the one astroid
builds, whatever the order in which classes are first used (a test compares
both trees node by node), because:

* deferred are only classes directly in the module, and only once ``type``
  and ``object`` exist: their members are functions, descriptors and
  constants made from the class alone, and the only other class they name is
  ``type`` (as ``__class__``, which astroid records without re-parenting);
* the first class is built at once, as astroid does, so that ``type`` and
  ``object`` are first made inside it, where astroid makes them (their
  ``__qualname__`` constants are taken from where a class node is made).

If astroid's internals differ from what this relies on, the bootstrap is
astroid's own.
"""

from __future__ import annotations

import threading

from astroid import nodes
from astroid.builder import AstroidBuilder
from astroid.manager import AstroidManager
from astroid.raw_building import InspectBuilder

_EAGER_OBJECT_BUILD = InspectBuilder.object_build

#: class node -> (the bootstrap's builder, the live class, the live module)
_PENDING: dict[nodes.ClassDef, tuple[InspectBuilder, type, object]] = {}
_LOCK = threading.RLock()


def _build_members(node: nodes.ClassDef) -> None:
    with _LOCK:  # another thread waits here until the members are complete
        entry = _PENDING.pop(node, None)
        if entry is None:
            return
        builder, live_class, live_module = entry
        del builder._done[live_class]  # object_build skips what it has done
        previous = getattr(builder, "_module", live_module)
        builder._module = live_module
        try:
            _EAGER_OBJECT_BUILD(builder, node, live_class)
        finally:
            builder._module = previous
            node.__class__ = nodes.ClassDef


def _member_attribute(name: str) -> property:
    def get(node: nodes.ClassDef):
        _build_members(node)
        return node.__dict__[name]

    def set_(node: nodes.ClassDef, value) -> None:
        node.__dict__[name] = value

    return property(get, set_)


# Named as astroid's class: astroid dispatches on the class name in places
# (``visit_classdef``), and a node reads as a ClassDef in any message.
_MembersPending = type("ClassDef", (nodes.ClassDef,), {
    "__module__": nodes.ClassDef.__module__,
    "__doc__": nodes.ClassDef.__doc__,
    "locals": _member_attribute("locals"),
    "body": _member_attribute("body"),
})


def _deferring_object_build(builder: InspectBuilder, node, live) -> None:
    if (type(node) is nodes.ClassDef and isinstance(live, type) and live not in builder._done
            and isinstance(node.parent, nodes.Module)
            and type in builder._done and object in builder._done):
        builder._done[live] = node  # as object_build does first: later mentions reuse the node
        _PENDING[node] = (builder, live, builder._module)
        node.__class__ = _MembersPending
        return None
    return _EAGER_OBJECT_BUILD(builder, node, live)


def _relies_on_what_astroid_has() -> bool:
    """A class node keeps ``locals`` and ``body`` as plain attributes, and
    the bootstrap's builder its ``_done`` and ``_module``."""
    probe = InspectBuilder(AstroidManager())
    return (hasattr(probe, "_done") and not any(
        hasattr(klass.__dict__.get(name), "__get__")
        for klass in nodes.ClassDef.__mro__ for name in ("locals", "body")))


def bootstrap(manager: AstroidManager) -> None:
    """Have astroid build its ``builtins`` module (if no one did yet),
    members of its classes on first use."""
    if InspectBuilder.bootstrapped:
        return
    if not _relies_on_what_astroid_has():
        AstroidBuilder(manager)
        return
    InspectBuilder.object_build = _deferring_object_build
    try:
        AstroidBuilder(manager)
    except Exception:  # noqa: BLE001 - astroid changed under us: its own bootstrap instead
        InspectBuilder.object_build = _EAGER_OBJECT_BUILD
        with _LOCK:
            for node in _PENDING:
                node.__class__ = nodes.ClassDef
            _PENDING.clear()
        manager.astroid_cache.pop("builtins", None)
        AstroidBuilder(manager)
    finally:
        InspectBuilder.object_build = _EAGER_OBJECT_BUILD

