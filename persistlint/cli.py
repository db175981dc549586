"""``persistlint`` command: ``rule``, ``context`` and ``report``.

Exit status like flake8: 0 nothing found, 1 findings, 2 usage or
environment error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import click

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
        click.echo(rule_table(list(rules.values())))
        return
    found = registry.get(code)
    if found is None:
        _fail(f"no rule {code!r}; `persistlint rule` lists them")
    click.echo(wrap_markdown(f"# {found.code} {found.name}\n\nCategory: {found.category}. "
                             f"Effort: {found.effort}.\nPrinciple: {found.principle}\n\n{found.doc}"))


RULE_TABLE_WIDTH = 100


def rule_table(rules: list) -> str:
    """One row per rule, the summary wrapped so that the table fits
    :data:`RULE_TABLE_WIDTH` columns (grouped by category)."""
    from tabulate import tabulate  # only for this listing: a report run does without it

    # tabulate's "simple" format: two spaces between columns, headers padded by two
    fixed = [max(len(r.code) for r in rules), max(len(r.name) for r in rules), len("Effort")]
    summary_width = RULE_TABLE_WIDTH - sum(width + 2 for width in fixed) - 2 * len(fixed) - 2
    blocks = []
    for category in dict.fromkeys(r.category for r in rules):
        rows = [(r.code, r.name, str(r.effort), _first_clause(r.summary)) for r in rules if r.category == category]
        blocks.append(f"{category}\n" + tabulate(rows, headers=["Code", "Name", "Effort", "What it does"],
                                                  tablefmt="simple", maxcolwidths=[None, None, None, summary_width]))
    blocks.append("`persistlint rule CODE` prints a rule's documentation.")
    return "\n\n".join(blocks)


def _first_clause(summary: str) -> str:
    """A summary's opening clause (up to its first colon or full stop)."""
    match = re.search(r"[:.](\s|$)", summary)
    return summary[:match.start()] if match else summary


def wrap_markdown(text: str, width: int = RULE_TABLE_WIDTH) -> str:
    """Long prose lines and list items wrapped to ``width``; code blocks
    and tables as they are."""
    out, in_code = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        if in_code or len(line) <= width or line.lstrip().startswith("|"):
            out.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip())]
        bullet = re.match(r"[-*] |\d+\. ", line.lstrip())
        hanging = indent + " " * (bullet.end() if bullet else 0)
        out.append(textwrap.fill(line.strip(), width, initial_indent=indent, subsequent_indent=hanging,
                                 break_long_words=False, break_on_hyphens=False))
    return "\n".join(out)


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
