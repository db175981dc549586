"""The JSON report, and reading JSON reports back for ``--merge``.

Shape: ``tool`` {name, version}, ``date``, ``root``, ``context`` (the
project context), ``overall_score``, ``severity_counts``, ``categories``
(three, each with its score - null when the selection left it out -,
counts and findings, each finding with its
baseline ``fingerprint``) and ``internal`` (PX).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from persistlint import baseline
from persistlint.diagnostic import Diagnostic
from persistlint.report import model, run
from persistlint.report.model import Report


class ReportFormatError(Exception):
    """A file given to ``--merge`` that is not a persistlint JSON report."""


def finding(diagnostic: Diagnostic, fingerprint: str | None = None) -> dict[str, Any]:
    data = diagnostic.to_dict()
    extra = {"fingerprint": fingerprint} if fingerprint else {}
    return {
        "code": data["code"],
        "severity": data["severity"],
        "location": f"{data['path']}:{data['line']}",
        "path": data["path"],
        "line": data["line"],
        "col": data["col"],
        "issue": data["issue"],
        "principle": data["principle"],
        "recommendation": data["recommendation"],
        "effort": data["effort"],
        **extra,
    }


def to_json(report: Report) -> dict[str, Any]:
    scores = report.scores
    fingerprint = baseline.fingerprint_map(report.findings, run.SourceLines(Path(report.root)).of)
    return {
        "tool": dict(model.TOOL),
        "date": report.date,
        "root": report.root,
        "context": report.context,
        "overall_score": float(scores.overall),
        "severity_counts": {severity.name.lower(): count for severity, count in scores.counts.items()},
        "categories": [
            {
                "category": category.category,
                "score": float(category.score) if category.checked else None,
                "total_issues": category.total,
                **{severity.name.lower(): count for severity, count in category.counts.items()},
                "findings": [finding(d, fingerprint[d]) for d in category.findings],
            }
            for category in scores.categories
        ],
        "internal": [finding(d) for d in report.internal],
    }


def render(report: Report) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportFormatError(f"{path}: cannot read a JSON report ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise ReportFormatError(f"{path}: not a persistlint JSON report")
    return data


def diagnostics_of(data: dict[str, Any], source: str = "report") -> list[Diagnostic]:
    items = [item for category in data["categories"] for item in category.get("findings", [])]
    items += data.get("internal", [])
    try:
        return [Diagnostic.from_dict(item) for item in items]
    except (KeyError, ValueError, TypeError) as exc:
        raise ReportFormatError(f"{source}: malformed finding ({exc.__class__.__name__}: {exc})") from None


def merge(paths: list[Path], date: str | None) -> Report:
    """One report from the JSON reports of shards: findings united (the
    same finding twice counts once), scores recomputed. Root and context
    come from the first report; the date is ``date`` or the latest one."""
    reports = [read(path) for path in paths]
    diagnostics = [d for path, data in zip(paths, reports) for d in diagnostics_of(data, str(path))]
    first = reports[0]
    merged_date = date or max(str(data.get("date", "")) for data in reports)
    return model.make(merged_date, str(first.get("root", "")), first.get("context") or {}, diagnostics)
