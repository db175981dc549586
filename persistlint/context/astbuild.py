"""Build an astroid module from the ``ast`` tree flake8 already parsed.

flake8 parses every file once and hands the ``ast.Module`` to each plugin;
astroid's :meth:`~astroid.builder.AstroidBuilder.string_build` would parse
the same text again before rebuilding it into astroid nodes. The rebuild
and post-build steps are astroid's own (``TreeRebuilder`` and
``AstroidBuilder._post_build``), so the module is the one ``string_build``
returns, with one difference handled here: astroid parses with
``type_comments=True`` and flake8 without. A source with a ``# type:``
comment is therefore parsed by astroid as before.
"""

from __future__ import annotations

import ast
import os
import re

from astroid import nodes, rebuilder
from astroid.builder import AstroidBuilder
from astroid.manager import AstroidManager

# What ast.parse(type_comments=True) reads and flake8's tree lacks.
_TYPE_COMMENT = re.compile(r"#\s*type\s*:")


def build(manager: AstroidManager, source: str, modname: str, path: str,
          tree: ast.Module | None = None) -> nodes.Module:
    """``AstroidBuilder(manager).string_build(source, modname, path)``,
    reusing ``tree`` (parsed from exactly ``source``) when it carries all
    that astroid's own parse would."""
    builder = AstroidBuilder(manager)
    if tree is None or not isinstance(tree, ast.Module) or _TYPE_COMMENT.search(source):
        return builder.string_build(source, modname=modname, path=path)
    try:
        # the name and package flag exactly as AstroidBuilder._data_build sets them
        package = os.path.splitext(os.path.basename(path))[0] == "__init__"
        if modname.endswith(".__init__"):
            modname, package = modname[:-9], True
        rebuild = rebuilder.TreeRebuilder(manager, source)
        module = rebuild.visit_module(tree, modname, os.path.abspath(path), package)
        module.file_bytes = source.encode("utf-8")
        return builder._post_build(module, rebuild, "utf-8")
    except (AttributeError, TypeError):  # pragma: no cover - astroid's internals moved
        return builder.string_build(source, modname=modname, path=path)
