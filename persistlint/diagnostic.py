"""What rules produce (Finding) and what users see (Diagnostic).

The one text format of a diagnostic lives here: every front end (flake8,
``persistlint report``) renders through :meth:`Diagnostic.message`.
"""

from __future__ import annotations

import enum

import attrs


#: The scored families, in report order (RULES.md: PX findings are not scored).
SCORED_FAMILIES = ("PQ", "PT", "PR")


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` gives the most severe."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def lowered(self, steps: int = 1) -> Severity:
        return Severity(max(Severity.LOW, self - steps))

    def capped(self, ceiling: Severity) -> Severity:
        return Severity(min(self, ceiling))


class Effort(enum.Enum):
    S = "S"
    M = "M"
    L = "L"
    S_M = "S-M"
    M_L = "M-L"

    def __str__(self) -> str:
        return self.value


class Evidence(enum.IntEnum):
    """How we know what a call or a value is; stronger evidence is larger."""

    NAME_GUESS = 1
    #: what an untyped value is handed proves what it is (``db.query(Model)``)
    USAGE = 2
    ANNOTATION = 3
    IMPORT_ALIAS = 4
    INFERRED = 5


def cap_by_evidence(severity: Severity, evidence: Evidence) -> Severity:
    """A name guess alone never justifies CRITICAL or HIGH."""
    if evidence <= Evidence.NAME_GUESS:
        return severity.capped(Severity.MEDIUM)
    return severity


@attrs.frozen
class Finding:
    """What a rule's ``check`` yields: a location inside the module being
    checked, and the words specific to this occurrence."""

    line: int
    col: int  # 0-based, as in the AST
    severity: Severity
    issue: str
    recommendation: str
    evidence: Evidence = Evidence.INFERRED

    @classmethod
    def at(cls, node, severity: Severity, issue: str, recommendation: str,
           evidence: Evidence = Evidence.INFERRED) -> Finding:
        return cls(
            line=node.lineno or 1,
            col=node.col_offset or 0,
            severity=cap_by_evidence(severity, evidence),
            issue=issue,
            recommendation=recommendation,
            evidence=evidence,
        )


@attrs.frozen(order=True)
class Diagnostic:
    path: str
    line: int
    col: int  # 0-based
    code: str
    severity: Severity = attrs.field(order=False)
    effort: Effort = attrs.field(order=False)
    issue: str = attrs.field(order=False)
    principle: str = attrs.field(order=False)
    recommendation: str = attrs.field(order=False)

    def message(self) -> str:
        """``CODE [SEVERITY] issue -> recommendation`` (flake8 adds path:line:col)."""
        return f"{self.code} [{self.severity.name}] {self.issue} -> {self.recommendation}"

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.col + 1}: {self.message()}"

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.name,
            "path": self.path,
            "line": self.line,
            "col": self.col + 1,
            "issue": self.issue,
            "principle": self.principle,
            "recommendation": self.recommendation,
            "effort": str(self.effort),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Diagnostic:
        return cls(
            path=data["path"],
            line=data["line"],
            col=data["col"] - 1,
            code=data["code"],
            severity=Severity[data["severity"]],
            effort=Effort(data["effort"]),
            issue=data["issue"],
            principle=data["principle"],
            recommendation=data["recommendation"],
        )
