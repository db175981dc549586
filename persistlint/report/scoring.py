"""Scores: per category ``penalty = 2.0*critical + 1.0*high + 0.5*medium +
0.2*low``, ``score = max(0, 10 - penalty)`` with one decimal; the overall
score is the mean of the three category scores (of those checked, when a
selection left a category out: an unchecked category has no score).

Arithmetic is done in tenths of a point with integers (and Decimal for the
mean), so that 0.2 * 3 is exactly 0.6 and scores never come out as 9.399999.
PX diagnostics (persistlint itself) are not scored.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import attrs

from persistlint import registry
from persistlint.diagnostic import SCORED_FAMILIES, Diagnostic, Severity


def _categories() -> dict[str, str]:
    """family prefix -> category, as the registered rules declare it (their
    family package is the one source of truth)."""
    found = {code[:2]: rule.category for code, rule in registry.all_rules().items()}
    return {family: found[family] for family in SCORED_FAMILIES if family in found}


CATEGORY_OF_FAMILY = _categories()
CATEGORIES = tuple(CATEGORY_OF_FAMILY.values())

PENALTY_TENTHS = {Severity.CRITICAL: 20, Severity.HIGH: 10, Severity.MEDIUM: 5, Severity.LOW: 2}
MAX_TENTHS = 100
ONE_DECIMAL = Decimal("0.1")
SEVERITIES = tuple(sorted(Severity, reverse=True))  # CRITICAL first


def is_scored(diagnostic: Diagnostic) -> bool:
    return diagnostic.code[:2] in CATEGORY_OF_FAMILY


def category_of(diagnostic: Diagnostic) -> str:
    return CATEGORY_OF_FAMILY[diagnostic.code[:2]]


def priority_order(diagnostic: Diagnostic) -> tuple:
    """Most severe first, then by location."""
    return (-diagnostic.severity, diagnostic.path, diagnostic.line, diagnostic.col, diagnostic.code)


def score_from_counts(counts: dict[Severity, int]) -> Decimal:
    penalty = sum(PENALTY_TENTHS[severity] * counts.get(severity, 0) for severity in Severity)
    return (Decimal(max(0, MAX_TENTHS - penalty)) / 10).quantize(ONE_DECIMAL)


def mean_score(scores: Iterable[Decimal]) -> Decimal:
    values = list(scores)
    return (sum(values, Decimal(0)) / len(values)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def count_by_severity(diagnostics: Iterable[Diagnostic]) -> dict[Severity, int]:
    counts = {severity: 0 for severity in SEVERITIES}
    for diagnostic in diagnostics:
        counts[diagnostic.severity] += 1
    return counts


@attrs.frozen
class CategoryScore:
    category: str
    findings: tuple[Diagnostic, ...]  # priority order
    counts: dict[Severity, int]
    score: Decimal
    checked: bool = True  # False: the selection left the whole category out

    @property
    def total(self) -> int:
        return len(self.findings)


@attrs.frozen
class Scores:
    categories: tuple[CategoryScore, ...]  # in CATEGORIES order
    overall: Decimal
    counts: dict[Severity, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def worst(self) -> CategoryScore:
        """The lowest-scoring checked category (the first of equals)."""
        return min((c for c in self.categories if c.checked), key=lambda category: category.score)

    @property
    def all_checked(self) -> bool:
        return all(category.checked for category in self.categories)


def score(diagnostics: Iterable[Diagnostic], checked: Iterable[str] = tuple(CATEGORY_OF_FAMILY)) -> Scores:
    """Scores of the scored (PQ/PT/PR) diagnostics; others are ignored.
    ``checked``: the family prefixes the selection kept (a family left out
    has no score and no part in the overall one)."""
    checked_families = set(checked) or set(CATEGORY_OF_FAMILY)
    scored = sorted((d for d in diagnostics if is_scored(d)), key=priority_order)
    categories = []
    for family, category in CATEGORY_OF_FAMILY.items():
        findings = tuple(d for d in scored if category_of(d) == category)
        counts = count_by_severity(findings)
        categories.append(CategoryScore(category, findings, counts, score_from_counts(counts),
                                        family in checked_families))
    return Scores(tuple(categories), mean_score(c.score for c in categories if c.checked),
                  count_by_severity(scored))
