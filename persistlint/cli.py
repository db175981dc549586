"""``persistlint`` command: ``rule``, ``context`` and ``report``.

Exit status like flake8: 0 nothing found, 1 findings, 2 usage or
environment error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from tabulate import tabulate

from persistlint import __version__, registry
from persistlint.settings import SEVERITY_NAMES, SettingsError, error_line


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="persistlint")
def main() -> None:
    """Find database-persistence and runtime-performance defects."""


@main.command("rule")
@click.argument("code", required=False)
def rule_command(code: str | None) -> None:
    """List every rule, or print the documentation of CODE."""
    rules = registry.all_rules()
    if code is None:
        rows = [(r.code, r.name, r.category, str(r.effort), r.summary) for r in rules.values()]
        click.echo(tabulate(rows, headers=["Code", "Name", "Category", "Effort", "What it does"],
                            tablefmt="github"))
        return
    found = registry.get(code)
    if found is None:
        _fail(f"no rule {code!r}; `persistlint rule` lists them")
    click.echo(f"# {found.code} {found.name}\n\nCategory: {found.category}. Effort: {found.effort}.\n"
               f"Principle: {found.principle}\n\n{found.doc}")


@main.command("context")
@click.argument("path", required=False, default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--rebuild", is_flag=True, help="Build from scratch; neither read nor write the on-disk cache.")
def context_command(path: Path, rebuild: bool) -> None:
    """Print the project context of PATH as JSON.

    Keys: tech_stack (db, orm, async, web), db_config (session factories,
    expire_on_commit, engines, pool, triggers), models, entrypoints,
    functions, channels, best_practices, problems, codebase_root.
    """
    from persistlint import settings as settings_mod
    from persistlint.context import build

    try:
        root, settings = settings_mod.resolve(path)
    except SettingsError as exc:
        _fail(error_line(exc).removeprefix("persistlint: "))
    if rebuild:
        import attrs

        settings = attrs.evolve(settings, cache=False)
    context = build.load_or_build(root, settings)
    click.echo(json.dumps(context.to_json(), indent=2, sort_keys=False))


@main.command("report")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--format", "output_format", type=click.Choice(["markdown", "json", "sarif"]),
              default="markdown", show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of standard output.")
@click.option("--date", help="Report date, YYYY-MM-DD (default: today).")
@click.option("--include-tests", is_flag=True, help="Also analyse test files.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Parallel workers (default: CPU count).")
@click.option("--merge", is_flag=True, help="PATHS are JSON reports (shards) to merge into one report.")
@click.option("--linear", is_flag=True, help="File the report as one Linear issue (LINEAR_API_KEY).")
@click.option("--dry-run", is_flag=True, help="With --linear: print the GraphQL operations, send nothing.")
@click.option("--linear-team", metavar="KEY", help="Linear team key, ID or UUID (default: docs/tasks/kanban_board.md).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--baseline", metavar="FILE",
              help="An earlier JSON report: report only the findings not in it.")
@click.option("--no-baseline", is_flag=True, help="Ignore the baseline setting (to write a new baseline).")
@click.option("--min-severity", type=click.Choice(SEVERITY_NAMES, case_sensitive=False),
              help="Report only findings of this severity or higher.")
@click.option("--select", metavar="CODES", help="Comma-separated code prefixes to report, as flake8's --select.")
@click.option("--ignore", metavar="CODES", help="Comma-separated code prefixes to leave out, as flake8's --ignore.")
def report_command(paths: tuple[str, ...], output_format: str, output: Path | None, date: str | None,
                   include_tests: bool, jobs: int | None, merge: bool, linear: bool, dry_run: bool,
                   linear_team: str | None, exit_zero: bool, baseline: str | None, no_baseline: bool,
                   min_severity: str | None, select: str | None, ignore: str | None) -> None:
    """Audit PATHS (default: .): scores and findings as markdown, JSON or SARIF."""
    from persistlint.report import command

    request = command.Request(paths=paths, format=output_format, output=output, date=date,
                              include_tests=include_tests, jobs=jobs, linear=linear, dry_run=dry_run,
                              linear_team=linear_team, exit_zero=exit_zero, merge=merge,
                              baseline=baseline, no_baseline=no_baseline, min_severity=min_severity,
                              select=_codes(select), ignore=_codes(ignore))
    try:
        status = command.execute(request)
    except command.ReportError as exc:
        _fail(str(exc))
    sys.exit(status)


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in (text or "").split(",") if code.strip())


def _fail(message: str) -> None:
    click.echo(f"persistlint: {message}", err=True)
    sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
