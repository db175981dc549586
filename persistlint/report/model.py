"""The audit report as data: what every output format renders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from persistlint import __version__
from persistlint.diagnostic import Diagnostic, Severity
from persistlint.report import scoring

TOOL = {"name": "persistlint", "version": __version__}


@attrs.frozen
class Report:
    date: str  # YYYY-MM-DD
    root: str
    context: dict[str, Any]  # the project context (``persistlint context``)
    findings: tuple[Diagnostic, ...]  # scored (PQ/PT/PR), priority order
    internal: tuple[Diagnostic, ...]  # PX: listed apart, never scored
    scores: scoring.Scores
    checked: tuple[str, ...] = tuple(scoring.CATEGORY_OF_FAMILY)  # family prefixes the selection keeps
    hidden_by_baseline: int = 0  # known findings left out
    below_floor: int = 0  # findings under the severity floor left out

    @property
    def highest_severity(self) -> Severity | None:
        return max((d.severity for d in self.findings), default=None)

    @property
    def references(self) -> list[dict[str, str]]:
        return list(self.context.get("best_practices") or [])


def make(date: str, root: str, context: dict[str, Any], diagnostics: Iterable[Diagnostic],
         checked: tuple[str, ...] = tuple(scoring.CATEGORY_OF_FAMILY), hidden_by_baseline: int = 0,
         below_floor: int = 0) -> Report:
    unique = {(d.path, d.line, d.col, d.code): d for d in diagnostics}
    ordered = sorted(unique.values(), key=scoring.priority_order)
    findings = tuple(d for d in ordered if scoring.is_scored(d))
    internal = tuple(d for d in ordered if not scoring.is_scored(d))
    return Report(date, root, context, findings, internal, scoring.score(findings, checked), checked,
                  hidden_by_baseline, below_floor)
