"""The markdown audit report: a fixed sequence of sections (the header,
Executive Summary, Compliance Score, Severity Summary, Findings by Category,
Recommended Actions, Sources Consulted).

Tables are GitHub pipe tables without padding. The report goes to Linear,
which renders it as HTML, and its text comes from the analysed code (names,
string literals): every piece of it is escaped. Source code inside a
finding's text (``session.get(Order, order_id)``) is set as a code span;
everything else has markdown's punctuation backslash-escaped and ``<``,
``>``, ``&`` as HTML entities, so ``__x__`` stays text and ``<img ...>``
never becomes markup. ``|`` is escaped everywhere (inside code spans too,
as GitHub tables need).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from persistlint.diagnostic import Diagnostic, Severity
from persistlint.report import scoring
from persistlint.report.model import Report

NO_ISSUES = "No issues found."
NOT_CHECKED = "Not checked (left out by --select/--ignore)."
# (lowest overall score, word); the word is then held to the worst severity
HEALTH = ((9.0, "good"), (7.0, "fair"), (4.0, "poor"), (0.0, "critical"))
HEALTH_AT_BEST = {Severity.CRITICAL: "poor", Severity.HIGH: "fair"}
HEALTH_ORDER = ("critical", "poor", "fair", "good")

# -- escaping -----------------------------------------------------------------------

# where a piece of source code starts: a dotted name, a name called or
# indexed, or a keyword argument (``expire_on_commit=False``)
_CODE_START = re.compile(
    r"(?<![\w.`])(?:[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+|[A-Za-z_]\w*(?=[(\[])|[A-Za-z_]\w*=[\w.'\"]+)")
_NOT_CODE = frozenset({"e.g", "i.e", "etc"})
_ESCAPED = re.compile(r"([\\`*_\[\]{}~#|!])")
_CLOSING = {"(": ")", "[": "]", "{": "}"}
_ATTRIBUTE = re.compile(r"\.[A-Za-z_]\w*")
_WRITTEN_SPAN = re.compile(r"`[^`]+`")  # code the message already marks
TRUNCATION = "..."


def _code_end(text: str, start: int) -> int:
    """The end of the expression starting at ``start``: brackets balanced
    (quotes respected), ``.name`` chains followed; an expression the
    message cut off with ``...`` ends after the dots."""
    index = start
    while index < len(text):
        if text[index] in _CLOSING:
            end = _balanced_end(text, index)
            if end < 0:
                cut = text.find(TRUNCATION, index)
                return cut + len(TRUNCATION) if cut >= 0 else index
            index = end
        elif (name := _ATTRIBUTE.match(text, index)) is not None:
            index = name.end()
        else:
            return index
    return index


def _balanced_end(text: str, opening: int) -> int:
    """Index after the bracket closing ``text[opening]``; -1 if none."""
    stack, quote = [], None
    for index in range(opening, len(text)):
        char = text[index]
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in _CLOSING:
            stack.append(_CLOSING[char])
        elif stack and char == stack[-1]:
            stack.pop()
            if not stack:
                return index + 1
    return -1


def _code_span(code: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    padded = f" {code} " if code.startswith("`") or code.endswith("`") else code
    return f"{fence}{padded.replace('|', chr(92) + '|')}{fence}"


def escape_text(text: str) -> str:
    """Prose: markdown punctuation backslash-escaped, HTML as entities."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ESCAPED.sub(r"\\\1", text)


def inline(text: str) -> str:
    """One line of a finding's text as markdown: the code spans it has,
    code spans for the source code in the rest, the rest escaped."""
    out, index = [], 0
    for span in _WRITTEN_SPAN.finditer(text):
        out.append(_with_code_spans(text[index:span.start()]))
        out.append(_code_span(span.group()[1:-1]))
        index = span.end()
    out.append(_with_code_spans(text[index:]))
    return "".join(out)


def _with_code_spans(text: str) -> str:
    out, index = [], 0
    for match in _CODE_START.finditer(text):
        if match.start() < index or match.group().lower() in _NOT_CODE:
            continue
        end = _code_end(text, match.end())
        out += [escape_text(text[index:match.start()]), _code_span(text[match.start():end])]
        index = end
    out.append(escape_text(text[index:]))
    return "".join(out)


def cell(text: object) -> str:
    """One table cell: escaped as :func:`inline`, line breaks as ``<br>``."""
    lines = [inline(line.strip()) for line in str(text).strip().splitlines()]
    return "<br>".join(line for line in lines if line) or " "


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub pipe table of already-formatted cells, without padding."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def location(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.path}:{diagnostic.line}"


def location_cell(diagnostic: Diagnostic) -> str:
    return _code_span(location(diagnostic))


def issue_cell(diagnostic: Diagnostic) -> str:
    """The issue, led by the rule code (what ``# noqa:`` and ``persistlint
    rule`` take)."""
    return f"{diagnostic.code} {cell(diagnostic.issue)}"


def score_text(score) -> str:
    return f"{score}/10"


def counts_text(counts: dict[Severity, int]) -> str:
    parts = [f"{count} {severity.name.lower()}" for severity, count in counts.items() if count]
    return ", ".join(parts) if parts else "none"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def health_word(report: Report) -> str:
    """From the overall score, held to the worst severity: "critical" only
    with a CRITICAL finding, at best "poor" with one, at best "fair" with a
    HIGH finding."""
    by_score = next(word for floor, word in HEALTH if float(report.scores.overall) >= floor)
    worst = report.highest_severity
    if by_score == "critical" and worst is not Severity.CRITICAL:
        by_score = "poor"
    ceiling = HEALTH_AT_BEST.get(worst, "good")
    return min(by_score, ceiling, key=HEALTH_ORDER.index)


def executive_summary(report: Report) -> str:
    scores = report.scores
    known = (f" {plural(report.hidden_by_baseline, 'known finding')} in the baseline "
             "are not shown." if report.hidden_by_baseline else "")
    if not report.findings:
        every = "every category" if scores.all_checked else "every checked category"
        return ("No persistence or performance defects were found: "
                f"{every} scores {score_text(scores.overall)}.{known}")
    files = len({d.path for d in report.findings})
    worst = scores.worst
    urgent = report.findings[0]
    return " ".join([
        f"Overall health is {health_word(report)} at {score_text(scores.overall)}, with "
        f"{plural(scores.total, 'finding')} ({counts_text(scores.counts)}) in {plural(files, 'file')}.",
        f"The weakest category is {worst.category} at {score_text(worst.score)} "
        f"({counts_text(worst.counts)}).",
        f"The most urgent finding is {urgent.severity.name} {urgent.code} at {location_cell(urgent)}: "
        f"{inline(urgent.issue.rstrip('.'))}.{known}",
    ])


def _finding_rows(findings: Sequence[Diagnostic]) -> list[list[str]]:
    return [[d.severity.name, location_cell(d), issue_cell(d), cell(d.recommendation), str(d.effort)]
            for d in findings]


def _category_note(category: scoring.CategoryScore) -> str:
    if category.total:
        return counts_text(category.counts)
    return NO_ISSUES if category.checked else NOT_CHECKED


def render(report: Report) -> str:
    scores = report.scores
    out = [f"# Persistence & Performance Audit Report - {report.date}", ""]

    out += ["## Executive Summary", "", executive_summary(report), ""]

    compliance = [[c.category, score_text(c.score) if c.checked else "-", _category_note(c)]
                  for c in scores.categories]
    compliance.append(["**Overall**", f"**{score_text(scores.overall)}**",
                       "Mean of the three category scores" if scores.all_checked
                       else "Mean of the checked category scores"])
    out += ["## Compliance Score", "", table(["Category", "Score", "Notes"], compliance), ""]

    severity_rows = [[severity.name.title(), str(scores.counts[severity])] for severity in scoring.SEVERITIES]
    out += ["## Severity Summary", "", table(["Severity", "Count"], severity_rows), ""]

    out += ["## Findings by Category", ""]
    for number, category in enumerate(scores.categories, start=1):
        out += [f"### {number}. {category.category}", ""]
        if category.findings:
            out += [table(["Severity", "Location", "Issue", "Recommendation", "Effort"],
                          _finding_rows(category.findings)), ""]
        else:
            out += [_category_note(category), ""]
    if report.internal:
        out += ["### Analysis notes (not scored)", "",
                "persistlint could not fully analyse these places; their findings may be missing.", "",
                table(["Code", "Location", "Issue", "Recommendation"],
                      [[d.code, location_cell(d), cell(d.issue), cell(d.recommendation)]
                       for d in report.internal]), ""]

    out += ["## Recommended Actions (Priority-Sorted)", ""]
    if report.findings:
        actions = [[d.severity.name, scoring.category_of(d), location_cell(d), issue_cell(d),
                    cell(d.recommendation), str(d.effort)] for d in report.findings]
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
