"""Adopting persistlint on an existing codebase: the baseline of known
findings and the severity floor, applied the same way by flake8 and by
``persistlint report``.

A finding's fingerprint is its code, its path (relative to the project root)
and the text of its line with whitespace normalised, plus an occurrence
number telling apart equal (code, path, text) triples in file order. It does
not contain the line number, so a finding keeps its identity when code above
it moves. The SARIF ``primaryLocationLineHash`` is the same fingerprint.

A baseline is a JSON report (``persistlint report --format json``): each of
its findings carries its ``fingerprint``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from persistlint.diagnostic import SCORED_FAMILIES, Diagnostic, Severity
from persistlint.settings import Settings, SettingsError

LineOf = Callable[[Diagnostic], "str | None"]


def fingerprints(diagnostics: Sequence[Diagnostic], line_of: LineOf) -> list[str]:
    """``hash:occurrence`` for each of ``diagnostics`` (in file order: the
    occurrence counts equal triples in the order given)."""
    seen: Counter[str] = Counter()
    result = []
    for diagnostic in diagnostics:
        text = line_of(diagnostic)
        basis = " ".join(text.split()) if text is not None else diagnostic.issue
        digest = hashlib.sha256(f"{diagnostic.code}\0{diagnostic.path}\0{basis}".encode()).hexdigest()[:32]
        seen[digest] += 1
        result.append(f"{digest}:{seen[digest]}")
    return result


def fingerprint_map(diagnostics: Iterable[Diagnostic], line_of: LineOf) -> dict[Diagnostic, str]:
    in_file_order = sorted(diagnostics)
    return dict(zip(in_file_order, fingerprints(in_file_order, line_of)))


def lines_getter(lines: Sequence[str]) -> LineOf:
    """``line_of`` for diagnostics of one file whose lines are ``lines``."""
    def line_of(diagnostic: Diagnostic) -> str | None:
        return lines[diagnostic.line - 1] if 0 < diagnostic.line <= len(lines) else None
    return line_of


class Baseline:
    """The fingerprints of a JSON report's findings (PQ/PT/PR)."""

    def __init__(self, path: Path, known: frozenset[str]) -> None:
        self.path = path
        self.known = known

    @classmethod
    def read(cls, path: Path) -> Baseline:
        where = f"baseline {str(path)!r}"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SettingsError(f"{where}: no such file; write one with "
                                "`persistlint report --format json -o FILE`") from None
        except (OSError, ValueError) as exc:
            raise SettingsError(f"{where}: expected a persistlint JSON report ({exc.__class__.__name__})") from None
        if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
            raise SettingsError(f"{where}: expected a persistlint JSON report")
        items = [item for category in data["categories"] if isinstance(category, dict)
                 for item in category.get("findings") or []]
        known = set()
        for item in items:
            value = item.get("fingerprint") if isinstance(item, dict) else None
            if not isinstance(value, str):
                raise SettingsError(f"{where}: a finding has no fingerprint; write the baseline "
                                    "again with this version's `persistlint report --format json`")
            known.add(value)
        return cls(path, frozenset(known))

    def __contains__(self, fingerprint: str) -> bool:
        return fingerprint in self.known


_LOADED: dict[str, tuple[tuple[int, int], Baseline]] = {}


def load(path: str) -> Baseline:
    """The baseline at ``path``, read again only when the file changes."""
    try:
        stat = os.stat(path)
        stamp = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (-1, -1)
    cached = _LOADED.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    baseline = Baseline.read(Path(path))
    _LOADED[path] = (stamp, baseline)
    return baseline


def check(settings: Settings) -> None:
    """Raise :class:`SettingsError` if the settings' baseline cannot be used."""
    if settings.baseline:
        load(settings.baseline)


def adopted(diagnostics: Sequence[Diagnostic], settings: Settings, line_of: LineOf) -> list[Diagnostic]:
    """``diagnostics`` (of one file, or of a report) with the severity floor
    and the baseline of ``settings`` applied, in their order. Both apply to
    findings (PQ/PT/PR); PX notes always pass: they say a file was not
    fully analysed. Occurrences are counted over all findings given, as
    when the baseline was written."""
    def is_scored(diagnostic: Diagnostic) -> bool:
        return diagnostic.code[:2] in SCORED_FAMILIES

    floor = Severity[settings.min_severity] if settings.min_severity else Severity.LOW
    known = load(settings.baseline) if settings.baseline else None
    prints = fingerprint_map((d for d in diagnostics if is_scored(d)), line_of) if known else {}
    return [d for d in diagnostics if not is_scored(d)
            or (d.severity >= floor and (known is None or prints[d] not in known))]
