"""What makes persistlint cheap where users wait, checked by behaviour (the
speed itself is measured by benchmarks/bench.py, never asserted here)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from astroid.builder import AstroidBuilder

from persistlint.context import astbuild, infer
from tests import harness

SOURCES = sorted((harness.TESTDATA / "rules").rglob("*.py")) + sorted(
    (harness.TESTDATA / "projects").rglob("*.py"))


def _dump(module) -> list:
    """Every node with its position, the scopes' names, and the text."""
    from astroid import nodes

    found: list = [module.as_string()]
    for node in module.nodes_of_class(nodes.NodeNG):
        found.append((type(node).__name__, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset))
        if isinstance(node, nodes.LocalsDictNodeNG):
            found.append({name: len(defined) for name, defined in node.locals.items()})
    return found


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: p.relative_to(harness.TESTDATA).as_posix())
def test_module_from_flake8s_tree_equals_astroids_own_parse(path: Path):
    """The astroid module rebuilt from flake8's ``ast`` tree is the one
    astroid builds from the text."""
    source = path.read_text(encoding="utf-8")
    own = AstroidBuilder(infer.MANAGER).string_build(source, modname="parsed_once", path=str(path))
    reused = astbuild.build(infer.MANAGER, source, "parsed_once", str(path), ast.parse(source))
    assert _dump(reused) == _dump(own)
    assert reused.file_bytes == own.file_bytes and reused.future_imports == own.future_imports


def test_type_comments_are_read_as_astroid_reads_them():
    """flake8 parses without type comments; such a file is parsed by astroid."""
    source = "def f(a):\n    # type: (int) -> str\n    return a\n\nx = []  # type: list[int]\n"
    own = AstroidBuilder(infer.MANAGER).string_build(source, modname="typed", path="typed.py")
    reused = astbuild.build(infer.MANAGER, source, "typed", "typed.py", ast.parse(source))
    assert reused.body[0].type_comment_returns is not None
    assert _dump(reused) == _dump(own)
