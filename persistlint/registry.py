"""The rule registry: one declaration per rule, discovered by walking ``rules/``.

A rule module looks like::

    '''<user documentation: What it does / Why is this bad? / Example /
    Use instead / Severity / References>'''

    @rule("PR303", "sync-sleep-in-async", effort=Effort.S,
          principle="...", nodes=(nodes.Call,))
    def check(node, ctx):
        yield Finding.at(...)

The category comes from the family package (``rules/<family>/__init__.py``
declares ``CATEGORY``); the documentation is the module docstring. Nothing
else holds a rule's code, name, effort or docs.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from persistlint.diagnostic import Effort, Finding

CheckFn = Callable[[Any, Any], Iterator[Finding]]

_CODE = re.compile(r"^P[QTRX]\d{3}$")


@attrs.frozen
class Rule:
    code: str
    name: str
    category: str
    effort: Effort
    principle: str
    doc: str
    check: CheckFn | None = attrs.field(eq=False, repr=False)
    nodes: tuple[type, ...] = attrs.field(eq=False, repr=False)

    @property
    def summary(self) -> str:
        """First sentence of the "What it does" section."""
        section = doc_section(self.doc, "What it does")
        text = " ".join(section.split())
        return text.split(". ")[0].rstrip(".") + "." if text else self.name

    @property
    def family(self) -> str:
        return self.code[:2]


_RULES: dict[str, Rule] = {}


def rule(code: str, name: str, *, effort: Effort, principle: str,
         nodes: tuple[type, ...] = ()) -> Callable[[CheckFn | None], CheckFn | None]:
    """Declare the rule of the calling module; ``nodes`` are the astroid node
    classes its ``check`` wants to see (none: emitted by the engine itself)."""
    if not _CODE.match(code):
        raise ValueError(f"bad rule code {code!r}")

    def register(check: CheckFn | None) -> CheckFn | None:
        module = sys.modules[check.__module__] if check else None
        return _register(code, name, effort, principle, nodes, check, module)

    return register


def declare(module_name: str, code: str, name: str, *, effort: Effort,
            principle: str) -> None:
    """Declare a rule the engine emits itself (no check function)."""
    _register(code, name, effort, principle, (), None, sys.modules[module_name])


def _register(code, name, effort, principle, nodes, check, module):
    package = sys.modules[module.__name__.rpartition(".")[0]]
    if code in _RULES and _RULES[code].check is not check:
        raise ValueError(f"rule {code} declared twice")
    _RULES[code] = Rule(
        code=code,
        name=name,
        category=package.CATEGORY,
        effort=effort,
        principle=principle,
        doc=(module.__doc__ or "").strip(),
        check=check,
        nodes=tuple(nodes),
    )
    return check


def all_rules() -> dict[str, Rule]:
    """Every rule, by code, sorted; importing the rule modules on first use."""
    _discover()
    return dict(sorted(_RULES.items()))


def get(code: str) -> Rule | None:
    return all_rules().get(code.upper())


_discovered = False


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    import persistlint.rules as package

    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        leaf = info.name.rpartition(".")[2]
        if not leaf.startswith("_"):
            importlib.import_module(info.name)
    _discovered = True


_SECTION = re.compile(r"^## (?P<title>.+)$", re.MULTILINE)


def doc_section(doc: str, title: str) -> str:
    """The text of one ``## title`` section of a rule docstring."""
    matches = list(_SECTION.finditer(doc))
    for index, match in enumerate(matches):
        if match.group("title").strip().lower() == title.lower():
            end = matches[index + 1].start() if index + 1 < len(matches) else len(doc)
            return doc[match.end():end].strip()
    return ""


def code_blocks(section: str) -> list[str]:
    """The fenced ```python blocks of a docstring section."""
    return [m.group(1) for m in re.finditer(r"```python\n(.*?)```", section, re.DOTALL)]
