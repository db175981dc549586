"""Raw SQL as the rules see it: the text a call sends (string constants
followed through local names and module constants, f-strings,
``text(...)``/``DDL(...)``), and what that text does, classified by sqlparse."""

from __future__ import annotations

from functools import lru_cache

from astroid import nodes

from persistlint.context import infer
from persistlint.context.bindings import single_assigned_value
from persistlint.context.deferred import Deferred

# imported on first use: a file with no SQL text never imports sqlparse
sqlparse, T, statements = Deferred("sqlparse"), Deferred("sqlparse.tokens"), Deferred("sqlparse.sql")

#: What a statement does, by sqlparse's type of its first statement.
READ, UPDATE, DELETE, INSERT = "SELECT", "UPDATE", "DELETE", "INSERT"

#: Calls whose first argument is SQL text (or a ``text()`` clause).
SQL_TEXT_CALLS = frozenset({"sqlalchemy.text", "sqlalchemy.DDL", "textwrap.dedent"})
#: Methods that return the SQL of the object they are called on.
_SAME_SQL_METHODS = frozenset({"bindparams", "columns", "format", "strip", "execution_options"})


def sql_of(expr: nodes.NodeNG | None, resolve=None, hole: str = "x", _depth: int = 0) -> str | None:
    """The SQL text an expression evaluates to, as far as the source shows:
    string constants (through names and module constants), concatenations,
    f-strings (each value becomes ``hole``), ``text("...")`` with chained
    ``bindparams``, ``DDL("...")``, ``dedent("...")``."""
    if expr is None or _depth > 6:
        return None
    if isinstance(expr, nodes.Const):
        return expr.value if isinstance(expr.value, str) else None
    if isinstance(expr, nodes.JoinedStr):
        # the literal parts carry the statement's shape; values are placeholders
        return "".join(part.value if isinstance(part, nodes.Const) else hole
                       for part in expr.values if isinstance(part, (nodes.Const, nodes.FormattedValue)))
    if isinstance(expr, nodes.BinOp) and expr.op == "+":
        left = sql_of(expr.left, resolve, hole, _depth + 1)
        right = sql_of(expr.right, resolve, hole, _depth + 1)
        return left + right if left is not None and right is not None else left
    if isinstance(expr, nodes.Call):
        found = (resolve or infer.resolve_call)(expr)
        if found is not None and found.qualname in SQL_TEXT_CALLS and expr.args:
            return sql_of(expr.args[0], resolve, hole, _depth + 1)
        if isinstance(expr.func, nodes.Attribute) and expr.func.attrname in _SAME_SQL_METHODS:
            return sql_of(expr.func.expr, resolve, hole, _depth + 1)
        return None
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        value = infer.infer_one(expr)
        if isinstance(value, nodes.Const) and isinstance(value.value, str):
            return value.value
        if isinstance(expr, nodes.Name):
            assigned = single_assigned_value(expr)
            if assigned is not None:
                return sql_of(assigned, resolve, hole, _depth + 1)
    return None


@lru_cache(maxsize=2048)
def _parsed(sql: str):
    statements = [s for s in sqlparse.parse(sql) if str(s).strip()]
    return statements[0] if statements else None


def kind(sql: str | None) -> str | None:
    """SELECT / UPDATE / DELETE / INSERT (or another sqlparse type) of the
    first statement; None when there is no SQL."""
    if not sql:
        return None
    statement = _parsed(sql)
    if statement is None:
        return None
    found = statement.get_type()
    return None if found == "UNKNOWN" else found


def table(sql: str | None) -> str | None:
    """The table the first statement writes: ``UPDATE [ONLY] t``, ``INSERT
    INTO t``, ``DELETE FROM t`` (schema-qualified names give the last part,
    lower-cased); None for other statements."""
    anchor = {UPDATE: "UPDATE", INSERT: "INTO", DELETE: "FROM"}.get(kind(sql))
    if anchor is None:
        return None
    words = [t for t in _parsed(sql).flatten() if not t.is_whitespace and t.ttype not in T.Comment]
    upper = [t.value.upper() for t in words]
    if anchor not in upper:
        return None
    index = upper.index(anchor) + 1
    if anchor == "UPDATE" and index < len(upper) and upper[index] == "ONLY":
        index += 1
    while index + 2 < len(words) and words[index + 1].value == ".":
        index += 2
    return words[index].value.strip('"`').lower() if index < len(words) else None


def selects_star(sql: str | None) -> bool:
    """Whether the first statement selects every column (``*`` or ``t.*``,
    not ``count(*)``)."""
    if kind(sql) != READ:
        return False
    statement = _parsed(sql)
    seen_select = False
    for token in statement.tokens:
        if token.is_whitespace or token.ttype in T.Comment:
            continue
        if token.ttype is T.Keyword.DML and token.normalized == "SELECT":
            seen_select = True
            continue
        if not seen_select:
            continue
        if token.ttype is T.Keyword and token.normalized in {"DISTINCT", "ALL"}:
            continue
        return _is_star(token)
    return False


def _is_star(token) -> bool:
    if token.ttype is T.Wildcard:
        return True
    if isinstance(token, statements.Function):
        return False
    if isinstance(token, statements.Identifier):
        return any(t.ttype is T.Wildcard for t in token.tokens)
    if isinstance(token, statements.IdentifierList):
        return any(_is_star(t) for t in token.get_identifiers())
    return False


def joins_or_aggregates(sql: str | None) -> bool:
    if not sql:
        return False
    words = {t.normalized for t in _parsed(sql).flatten() if t.is_keyword} if _parsed(sql) else set()
    return bool(words & {"JOIN", "INNER JOIN", "LEFT JOIN", "RIGHT JOIN", "LEFT OUTER JOIN",
                         "RIGHT OUTER JOIN", "FULL OUTER JOIN", "CROSS JOIN", "GROUP BY"})
