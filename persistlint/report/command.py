"""``persistlint report``: collect (or merge), score, render, write, and
file the Linear issue. The click declaration lives in ``persistlint.cli``."""

from __future__ import annotations

import datetime
from pathlib import Path

import attrs
import click

from persistlint.report import jsonout, markdown, model, progress, run, sarif
from persistlint.report.model import Report

RENDERERS = {"markdown": markdown.render, "json": jsonout.render, "sarif": sarif.render}


class ReportError(Exception):
    """Usage or environment error: one line, exit status 2."""


@attrs.frozen
class Request:
    paths: tuple[str, ...]
    format: str = "markdown"
    output: Path | None = None
    date: str | None = None
    include_tests: bool = False
    jobs: int | None = None
    linear: bool = False
    dry_run: bool = False
    linear_team: str | None = None
    exit_zero: bool = False
    merge: bool = False
    baseline: str | None = None
    no_baseline: bool = False
    min_severity: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


def report_date(text: str | None) -> str:
    if text is None:
        return datetime.date.today().isoformat()
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ReportError(f"--date: expected YYYY-MM-DD, got {text!r}") from None


def build(request: Request) -> Report:
    date = report_date(request.date)
    if request.merge:
        if not request.paths:
            raise ReportError("--merge needs the JSON reports to merge")
        try:
            return jsonout.merge([Path(p) for p in request.paths], request.date and date)
        except jsonout.ReportFormatError as exc:
            raise ReportError(str(exc)) from None
    overrides = {}
    if request.min_severity:
        overrides["min_severity"] = request.min_severity
    if request.baseline:
        overrides["baseline"] = request.baseline
    try:
        collected = run.collect(list(request.paths) or ["."], include_tests=request.include_tests,
                                jobs=request.jobs, select=request.select, ignore=request.ignore,
                                overrides=overrides, no_baseline=request.no_baseline,
                                progress=progress.for_stream())
    except run.RunError as exc:
        raise ReportError(str(exc)) from None
    context = collected.context.to_json()
    context.pop("symbols", None)  # the linter's own index, not a fact for readers of the report
    return model.make(date, str(collected.root), context, collected.diagnostics,
                      checked=collected.selected, hidden_by_baseline=collected.hidden_by_baseline,
                      below_floor=collected.below_floor)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None


def execute(request: Request) -> int:
    """Run the report; the exit status (0 clean, 1 findings, 2 error)."""
    if request.dry_run and not request.linear:
        raise ReportError("--dry-run only applies with --linear")
    if request.linear_team and not request.linear:
        raise ReportError("--linear-team only applies with --linear")
    if request.baseline and request.no_baseline:
        raise ReportError("--baseline and --no-baseline exclude each other")
    report = build(request)
    text = RENDERERS[request.format](report)
    if request.output is not None:
        _write(request.output, text)
    else:
        click.echo(text, nl=False)

    if request.linear:
        _file_in_linear(request, report)
    click.echo(f"persistlint: {closing_summary(report, request.output)}", err=True)
    return 1 if report.findings and not request.exit_zero else 0


def closing_summary(report: Report, output: Path | None) -> str:
    """``33 findings (1 critical, 14 high, ...) in 4 files; overall 2.5/10;
    report written to FILE``: what a terminal user reads last."""
    scores = report.scores
    files = len({d.path for d in report.findings})
    parts = [f"{markdown.plural(scores.total, 'finding')}"
             + (f" ({markdown.counts_text(scores.counts)})" if scores.total else "")
             + (f" in {markdown.plural(files, 'file')}" if files else "")]
    if report.hidden_by_baseline:
        parts[0] += f", {report.hidden_by_baseline} more in the baseline"
    if report.below_floor:
        parts[0] += f", {report.below_floor} below the severity floor"
    parts.append(f"overall {markdown.score_text(scores.overall)}")
    parts.append(f"report written to {output}" if output is not None else "report on standard output")
    return "; ".join(parts)


def _file_in_linear(request: Request, report: Report) -> None:
    from persistlint.report import linear

    description = markdown.render(report)
    if request.output is None and not request.dry_run:
        # saved before any network call: a Linear failure loses nothing
        saved = Path(f"persistlint-report-{report.date}.md")
        _write(saved, description)
        click.echo(f"persistlint: report saved to {saved}", err=True)
    if not report.findings:
        click.echo("persistlint: no findings; no Linear issue filed", err=True)
        return
    try:
        outcome = linear.file_report(report, description, root=Path(report.root),
                                     team=request.linear_team, dry_run=request.dry_run,
                                     echo=lambda line: click.echo(line, err=True))
    except linear.LinearError as exc:
        raise ReportError(f"Linear: {exc}") from None
    if request.dry_run:
        click.echo("persistlint: dry run: nothing was sent to Linear", err=True)
    elif outcome is not None:
        click.echo(f"persistlint: Linear issue {outcome.identifier} {outcome.action}: {outcome.url}",
                   err=True)
