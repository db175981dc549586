"""``persistlint report``: collect (or merge), score, render, write, and
file the Linear issue. The click declaration lives in ``persistlint.cli``."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import click

from persistlint.report import run, saved

if TYPE_CHECKING:
    from persistlint.report.model import Report


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


def renderers() -> dict:
    from persistlint.report import jsonout, markdown, sarif

    return {"markdown": markdown.render, "json": jsonout.render, "sarif": sarif.render}


def discover(request: Request) -> run.Discovery:
    try:
        return run.discover(list(request.paths) or ["."], include_tests=request.include_tests,
                            select=request.select, ignore=request.ignore, overrides=_overrides(request),
                            no_baseline=request.no_baseline)
    except run.RunError as exc:
        raise ReportError(str(exc)) from None


def _overrides(request: Request) -> dict[str, str]:
    overrides = {}
    if request.min_severity:
        overrides["min_severity"] = request.min_severity
    if request.baseline:
        overrides["baseline"] = request.baseline
    return overrides


def build(request: Request, discovery: run.Discovery | None = None) -> Report:
    from persistlint.report import jsonout, model, progress

    date = report_date(request.date)
    if request.merge:
        if not request.paths:
            raise ReportError("--merge needs the JSON reports to merge")
        try:
            return jsonout.merge([Path(p) for p in request.paths], request.date and date)
        except jsonout.ReportFormatError as exc:
            raise ReportError(str(exc)) from None
    try:
        collected = run.collect_discovered(discovery or discover(request), jobs=request.jobs,
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
    key = store = discovery = None
    if not request.linear and not request.merge:
        discovery = discover(request)
        key = saved.run_key(discovery, _request_text(request))
        store = saved.SavedReports(discovery.report_root)
        found = store.get(key) if key else None
        if found is not None:  # nothing changed since this very report was made
            _emit(request, found["text"])
            click.echo(f"persistlint: {found['summary']}; {_destination(request.output)}", err=True)
            return 1 if found["findings"] and not request.exit_zero else 0
    report = build(request, discovery)
    text = renderers()[request.format](report)
    _emit(request, text)
    if store is not None:
        # the first run in a tree has no cache folder to key by until it made one
        after = saved.run_key(discovery, _request_text(request))
        if after is not None and key in (None, after):
            store.put(after, text, findings_summary(report), bool(report.findings))

    if request.linear:
        _file_in_linear(request, report)
    click.echo(f"persistlint: {closing_summary(report, request.output)}", err=True)
    return 1 if report.findings and not request.exit_zero else 0


def _request_text(request: Request) -> str:
    """What of the request the report's text depends on."""
    return repr((request.paths, request.format, report_date(request.date), request.include_tests,
                 request.baseline, request.no_baseline, request.min_severity, request.select, request.ignore))


def _emit(request: Request, text: str) -> None:
    if request.output is not None:
        _write(request.output, text)
    else:
        click.echo(text, nl=False)


def _destination(output: Path | None) -> str:
    return f"report written to {output}" if output is not None else "report on standard output"


def closing_summary(report: Report, output: Path | None) -> str:
    """``33 findings (1 critical, 14 high, ...) in 4 files; overall 2.5/10;
    report written to FILE``: what a terminal user reads last."""
    return f"{findings_summary(report)}; {_destination(output)}"


def findings_summary(report: Report) -> str:
    """``33 findings (1 critical, 14 high, ...) in 4 files; overall 2.5/10``."""
    from persistlint.report import markdown

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
    return "; ".join(parts)


def _file_in_linear(request: Request, report: Report) -> None:
    from persistlint.report import linear, markdown

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
