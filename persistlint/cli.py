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
from persistlint.settings import SettingsError


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
        raise click.UsageError(f"no rule {code!r}; `persistlint rule` lists them")
    click.echo(f"# {found.code} {found.name}\n\nCategory: {found.category}. Effort: {found.effort}.\n"
               f"Principle: {found.principle}\n\n{found.doc}")


@main.command("context")
@click.argument("path", required=False, default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--rebuild", is_flag=True, help="Ignore the on-disk cache.")
def context_command(path: Path, rebuild: bool) -> None:
    """Print the project context of PATH as JSON."""
    from persistlint import settings as settings_mod
    from persistlint.context import build

    try:
        root, settings = settings_mod.resolve(path)
    except SettingsError as exc:
        _fail(str(exc))
    if rebuild:
        import attrs

        settings = attrs.evolve(settings, cache=False)
    context = build.load_or_build(root, settings)
    click.echo(json.dumps(context.to_json(), indent=2, sort_keys=False))


def _fail(message: str) -> None:
    click.echo(f"persistlint: {message}", err=True)
    sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
