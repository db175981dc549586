"""SARIF 2.1.0 output, within GitHub code scanning's documented limits.

One run; the driver lists every scored rule (PQ/PT/PR) with its short and
full description and help from the rule's documentation, and persistlint's
own PX codes as notification descriptors: PX diagnostics ("this file could
not be analysed") are tool execution notifications, not code alerts.

Locations are relative to the top of the repository holding the project
(``%SRCROOT%``, given in ``originalUriBaseIds``), as GitHub code scanning
resolves them: for a project in ``backend/`` of a monorepo the URI is
``backend/app/worker.py``. The top is the nearest directory at or above the
project root with a ``.git`` entry (a directory, or the file of a worktree
or submodule), which is what ``git rev-parse --show-toplevel`` answers,
found without running git in a checkout that may not be trusted; with no
repository, the project root. Every result has a ``primaryLocationLineHash``
(the baseline fingerprint: the rule, the path and the text of the flagged
line, not its number), so an alert keeps its identity when code above it
moves.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path
from typing import Any

from persistlint import baseline, registry
from persistlint.diagnostic import Diagnostic, Severity
from persistlint.registry import Rule, doc_section
from persistlint.report import model, scoring
from persistlint.report.run import SourceLines
from persistlint.report.model import Report

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
VERSION = "2.1.0"
SRCROOT = "%SRCROOT%"
INFORMATION_URI = "https://pypi.org/project/persistlint/"
MAX_RESULTS = 25_000  # GitHub code scanning: results per run
MAX_TAGS = 20
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
         Severity.LOW: "note"}
_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")


def _plain(markdown: str) -> str:
    return " ".join(markdown.replace("`", "").split())


def _descriptor(rule: Rule) -> dict[str, Any]:
    what = doc_section(rule.doc, "What it does")
    links = _LINK.findall(doc_section(rule.doc, "References"))
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": _plain(rule.summary)},
        "fullDescription": {"text": _plain(what) or _plain(rule.summary)},
        "help": {"text": rule.doc or rule.summary, "markdown": rule.doc or rule.summary},
        "properties": {"tags": [rule.category, rule.family][:MAX_TAGS],
                       "category": rule.category, "effort": str(rule.effort),
                       "principle": rule.principle},
    }
    if links:
        descriptor["helpUri"] = links[0]
    return descriptor


def _column(line: str | None, byte_offset: int) -> int:
    """1-based column in Unicode code points (AST offsets count UTF-8 bytes)."""
    if line is None:
        return byte_offset + 1
    return len(line.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")) + 1


def repository_top(root: Path) -> Path:
    """The repository's top directory for ``root``, else ``root`` itself."""
    for directory in (root, *root.parents):
        if (directory / ".git").exists():
            return directory
    return root


def _location(diagnostic: Diagnostic, line: str | None, prefix: str) -> dict[str, Any]:
    return {"physicalLocation": {
        "artifactLocation": {"uri": urllib.parse.quote(prefix + diagnostic.path), "uriBaseId": SRCROOT},
        "region": {"startLine": diagnostic.line, "startColumn": _column(line, diagnostic.col)},
    }}


def to_sarif(report: Report) -> dict[str, Any]:
    rules = registry.all_rules()
    scored_rules = [r for code, r in rules.items() if code[:2] in scoring.CATEGORY_OF_FAMILY]
    internal_rules = [r for code, r in rules.items() if code[:2] not in scoring.CATEGORY_OF_FAMILY]
    rule_index = {rule.code: index for index, rule in enumerate(scored_rules)}
    root = Path(report.root)
    top = repository_top(root) if root.is_absolute() else root
    prefix = "" if top == root else root.relative_to(top).as_posix() + "/"
    lines = SourceLines(root)
    fingerprint = baseline.fingerprint_map(report.findings, lines.of)
    shown = report.findings[:MAX_RESULTS]
    results = []
    for diagnostic in shown:
        result: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "level": LEVEL[diagnostic.severity],
            "message": {"text": f"{diagnostic.issue} -> {diagnostic.recommendation}"},
            "locations": [_location(diagnostic, lines.line(diagnostic.path, diagnostic.line), prefix)],
            "partialFingerprints": {"primaryLocationLineHash": fingerprint[diagnostic]},
            "properties": {"severity": diagnostic.severity.name, "effort": str(diagnostic.effort),
                           "category": scoring.category_of(diagnostic),
                           "principle": diagnostic.principle},
        }
        if diagnostic.code in rule_index:
            result["ruleIndex"] = rule_index[diagnostic.code]
        results.append(result)

    notifications = [{
        "level": "warning",
        "message": {"text": f"{d.issue} -> {d.recommendation}"},
        "locations": [_location(d, lines.line(d.path, d.line), prefix)],
        "descriptor": {"id": d.code},
    } for d in report.internal]
    if len(report.findings) > len(shown):
        notifications.append({"level": "warning", "message": {"text": (
            f"{len(report.findings)} findings; only the {MAX_RESULTS} most severe are in this file "
            "(GitHub code scanning's limit per run)")}})

    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": model.TOOL["name"],
            "version": model.TOOL["version"],
            "informationUri": INFORMATION_URI,
            "rules": [_descriptor(rule) for rule in scored_rules],
            "notifications": [_descriptor(rule) for rule in internal_rules],
        }},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {"date": report.date, "overallScore": float(report.scores.overall),
                       "categoryScores": {c.category: float(c.score) for c in report.scores.categories
                                          if c.checked}},
    }
    if top.is_absolute():
        run["originalUriBaseIds"] = {SRCROOT: {"uri": top.as_uri().rstrip("/") + "/"}}
    return {"$schema": SCHEMA_URI, "version": VERSION, "runs": [run]}


def render(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"
