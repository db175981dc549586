"""One traversal of one module serving every rule of every family.

Rules declare the node classes they want; the walker visits each node once
and hands it to those rules. A rule that raises, and the per-file time
budget running out, become PX001 diagnostics: the other rules, and the rest
of the run, go on.
"""

from __future__ import annotations

import time
from collections import defaultdict

from astroid import nodes

from persistlint import registry
from persistlint.context import FileContext
from persistlint.diagnostic import Diagnostic, Effort, Finding, Severity
from persistlint.registry import Rule


def _dispatch_table(rules: list[Rule]) -> dict[type, list[Rule]]:
    table: dict[type, list[Rule]] = defaultdict(list)
    for rule in rules:
        for node_class in rule.nodes:
            table[node_class].append(rule)
    return table


def _rules_for(node_class: type, table: dict[type, list[Rule]],
               memo: dict[type, list[Rule]]) -> list[Rule]:
    """Rules wanting this class or one of its bases (``FunctionDef`` covers
    ``AsyncFunctionDef``)."""
    if node_class not in memo:
        wanted: list[Rule] = []
        for klass in node_class.__mro__:
            for rule in table.get(klass, ()):
                if rule not in wanted:
                    wanted.append(rule)
        memo[node_class] = wanted
    return memo[node_class]


def internal(code: str, path: str, line: int, col: int, issue: str, recommendation: str) -> Diagnostic:
    """A PX diagnostic, with its effort and principle from the registry."""
    declared = registry.get(code)
    return Diagnostic(path=path, line=line, col=col, code=code, severity=Severity.LOW,
                      effort=declared.effort if declared else Effort.S, issue=issue,
                      principle=declared.principle if declared else "",
                      recommendation=recommendation)


def to_diagnostic(rule: Rule, finding: Finding, path: str) -> Diagnostic:
    return Diagnostic(path=path, line=finding.line, col=finding.col, code=rule.code,
                      severity=finding.severity, effort=rule.effort, issue=finding.issue,
                      principle=rule.principle, recommendation=finding.recommendation)


def walk(fctx: FileContext, rules: list[Rule], display_path: str,
         budget: float) -> list[Diagnostic]:
    table = _dispatch_table([r for r in rules if r.check is not None and r.nodes])
    memo: dict[type, list[Rule]] = {}
    deadline = time.monotonic() + budget
    found: dict[tuple, Diagnostic] = {}
    failed: set[str] = set()
    stack: list[nodes.NodeNG] = [fctx.module]
    while stack:
        node = stack.pop()
        for rule in _rules_for(type(node), table, memo):
            if rule.code in failed:
                continue
            try:
                for finding in rule.check(node, fctx):
                    diagnostic = to_diagnostic(rule, finding, display_path)
                    found.setdefault((diagnostic.code, diagnostic.line, diagnostic.col), diagnostic)
            except RecursionError:
                failed.add(rule.code)
                _add(found, internal("PX001", display_path, node.lineno or 1, 0,
                                     f"{rule.code} stopped: code too deeply nested to analyse",
                                     "simplify the nesting, or exclude this file"))
            except Exception as exc:  # noqa: BLE001 - never crash the host
                failed.add(rule.code)
                _add(found, internal("PX001", display_path, node.lineno or 1, 0,
                                     f"{rule.code} failed here: {exc.__class__.__name__}: {exc}",
                                     "report this to persistlint with the code that triggers it"))
        if time.monotonic() > deadline:
            _add(found, internal("PX001", display_path, node.lineno or 1, 0,
                                 f"time budget of {budget:g}s spent; the rest of the file was not analysed",
                                 "raise time_budget in [tool.persistlint], or split the file"))
            break
        # children in reverse so that the pop order is source order
        stack.extend(reversed(list(node.get_children())))
    return sorted(found.values())


def _add(found: dict[tuple, Diagnostic], diagnostic: Diagnostic) -> None:
    found.setdefault((diagnostic.code, diagnostic.line, diagnostic.issue), diagnostic)
