"""Which persistlint families flake8 can report, from its select and ignore
options, so that a run which can report none of them does no work at all.

flake8 runs every installed plugin whatever ``--select`` says and filters
the results afterwards. ``flake8 --select=E501`` would otherwise build the
project context and analyse every file only for flake8 to drop each
finding. flake8's own :class:`~flake8.style_guide.DecisionEngine` decides
here, so the answer is the one flake8 gives when it filters.

This module imports neither astroid nor the rules: it runs when flake8
loads the plugins, before any file is read.
"""

from __future__ import annotations

from typing import Any

FAMILIES = ("PQ", "PT", "PR", "PX")


def _codes_of(family: str) -> list[str]:
    """Every code the family could have (two letters, three digits): a
    superset of the real codes, so that any selection flake8 would honour for
    one of them is seen, without importing the rules to list them."""
    return [f"{family}{number:03d}" for number in range(1000)]


def reportable_families(options: Any) -> frozenset[str] | None:
    """The families with at least one code flake8 would report under
    ``options`` (its parsed option namespace); None when that cannot be
    decided (then every family runs)."""
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        return frozenset(family for family in FAMILIES
                         if any(engine.make_decision(code) is Decision.Selected
                                for code in _codes_of(family)))
    except Exception:  # noqa: BLE001 - another flake8 or a partial namespace: run everything
        return None
