"""The markdown audit report: a fixed sequence of sections (the header,
Executive Summary, Compliance Score, Severity Summary, Findings by Category,
Recommended Actions, Sources Consulted). Tables are GitHub pipe tables made
by tabulate; cell text is escaped so that no ``|`` or newline breaks a row."""

from __future__ import annotations

from collections.abc import Sequence

from tabulate import tabulate

from persistlint.diagnostic import Diagnostic, Severity
from persistlint.report import scoring
from persistlint.report.model import Report

NO_ISSUES = "No issues found."
HEALTH = ((9.0, "good"), (7.0, "fair"), (4.0, "poor"), (0.0, "critical"))


def cell(text: object) -> str:
    """One table cell: pipes escaped, line breaks as ``<br>``."""
    value = str(text).replace("|", "\\|")
    return "<br>".join(line.strip() for line in value.strip().splitlines()) or " "


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    return tabulate([[cell(value) for value in row] for row in rows], headers=list(headers),
                    tablefmt="github", disable_numparse=True)


def location(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.path}:{diagnostic.line}"


def score_text(score) -> str:
    return f"{score}/10"


def counts_text(counts: dict[Severity, int]) -> str:
    parts = [f"{count} {severity.name.lower()}" for severity, count in counts.items() if count]
    return ", ".join(parts) if parts else "none"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def executive_summary(report: Report) -> str:
    scores = report.scores
    if not report.findings:
        return ("No persistence or performance defects were found: every category scores "
                f"{score_text(scores.overall)}.")
    health = next(word for floor, word in HEALTH if float(scores.overall) >= floor)
    files = len({d.path for d in report.findings})
    worst = scores.worst
    urgent = report.findings[0]
    return " ".join([
        f"Overall health is {health} at {score_text(scores.overall)}, with "
        f"{plural(scores.total, 'finding')} ({counts_text(scores.counts)}) in {plural(files, 'file')}.",
        f"The weakest category is {worst.category} at {score_text(worst.score)} "
        f"({counts_text(worst.counts)}).",
        f"The most urgent finding is {urgent.severity.name} at {location(urgent)}: "
        f"{urgent.issue.rstrip('.')}.",
    ])


def _finding_rows(findings: Sequence[Diagnostic]) -> list[list[object]]:
    return [[d.severity.name, location(d), d.issue, d.recommendation, d.effort] for d in findings]


def render(report: Report) -> str:
    scores = report.scores
    out = [f"# Persistence & Performance Audit Report - {report.date}", ""]

    out += ["## Executive Summary", "", executive_summary(report), ""]

    compliance = [[c.category, score_text(c.score), counts_text(c.counts) if c.total else NO_ISSUES]
                  for c in scores.categories]
    compliance.append(["**Overall**", f"**{score_text(scores.overall)}**",
                       "Mean of the three category scores"])
    out += ["## Compliance Score", "", table(["Category", "Score", "Notes"], compliance), ""]

    severity_rows = [[severity.name.title(), scores.counts[severity]] for severity in scoring.SEVERITIES]
    out += ["## Severity Summary", "", table(["Severity", "Count"], severity_rows), ""]

    out += ["## Findings by Category", ""]
    for number, category in enumerate(scores.categories, start=1):
        out += [f"### {number}. {category.category}", ""]
        if category.findings:
            out += [table(["Severity", "Location", "Issue", "Recommendation", "Effort"],
                          _finding_rows(category.findings)), ""]
        else:
            out += [NO_ISSUES, ""]
    if report.internal:
        out += ["### Analysis notes (not scored)", "",
                "persistlint could not fully analyse these places; their findings may be missing.", "",
                table(["Code", "Location", "Issue", "Recommendation"],
                      [[d.code, location(d), d.issue, d.recommendation] for d in report.internal]), ""]

    out += ["## Recommended Actions (Priority-Sorted)", ""]
    if report.findings:
        actions = [[d.severity.name, scoring.category_of(d), location(d), d.issue, d.recommendation,
                    d.effort] for d in report.findings]
        out += [table(["Priority", "Category", "Location", "Issue", "Recommendation", "Effort"],
                      actions), ""]
    else:
        out += ["No actions needed.", ""]

    out += ["## Sources Consulted", ""]
    if report.references:
        out += [f"- [{reference['title']}]({reference['url']})"
                for reference in report.references]
    else:
        out += ["No technology-specific sources apply: no database, ORM, async or web stack was detected."]
    return "\n".join(out) + "\n"
