"""Triggers and the channels their functions NOTIFY, found in the project's
migrations and SQL files.

Where SQL comes from:

* ``.sql`` files, whole;
* Alembic: ``op.execute("...")``, ``op.execute(sa.text("..."))``,
  ``op.get_bind().execute(...)`` (any ``execute`` call) in ``upgrade``; the
  ``downgrade`` functions are left out;
* Django: ``migrations.RunSQL("...")`` (``sql=`` or the first argument; the
  reverse SQL is left out);
* SQLAlchemy ``DDL("...")`` (attached with ``event.listen``/``listens_for``).

String arguments are read with Python's ``ast`` (never by matching the
Python text): literals, implicit and ``+`` concatenation, f-strings (their
holes become ``{}``), ``textwrap.dedent``/``text``/``DDL`` wrappers, and
names bound to such strings in the enclosing function or at module level.

Statements are split and tokenised with sqlparse and replayed in migration
order (Alembic by the ``down_revision`` chain, Django by ``dependencies``,
file name otherwise), so a ``DROP TRIGGER`` in a later migration removes the
trigger and the last ``CREATE OR REPLACE FUNCTION`` wins. Odd input never
raises: it becomes a one-line problem and the scan goes on.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from typing import Any, NamedTuple

import attrs

from persistlint.context.deferred import Deferred
from persistlint.context.files import SourceError, read_text

# imported on first use: a run that reads no SQL never imports sqlparse
sqlparse, lexer, T = Deferred("sqlparse"), Deferred("sqlparse.lexer"), Deferred("sqlparse.tokens")
_sqlparse_errors = Deferred("sqlparse.exceptions")

#: a schema dump may be large; past this it is read in part (the cut is noted)
MAX_SQL_BYTES = 4_000_000

#: Cheap pre-filter: only files mentioning one of these are parsed (a test on
#: the text, comments included).
TRIGGER_WORDS = re.compile(r"trigger|function|notify|procedure", re.IGNORECASE)

TRIGGER_EVENTS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")

#: What an f-string hole becomes in a name (``f"CREATE TRIGGER {name}_t"``).
HOLE = "_expr_"

_SQL_WRAPPERS = frozenset({"text", "DDL", "dedent", "TextClause", "literal_column"})
_EXECUTE_METHODS = frozenset({"execute", "exec_driver_sql", "executescript"})
_DOWNGRADE = re.compile(r"^downgrade(_\w+)?$")


@attrs.frozen
class SqlText:
    """A piece of SQL and where its text starts (file line, 1-based)."""

    sql: str
    line: int
    col: int = 0


@attrs.define
class _Source:
    relpath: str
    texts: list[SqlText]
    order: tuple = ()


# ---------------------------------------------------------------- entry point

def scan(root: Path, files: list[Path], read: set[str] | None = None) -> tuple[list[dict], list[str]]:
    """Every trigger alive after all migrations ran, and the problems met.

    ``read``, when given, receives the relative paths of the files the
    result depends on beyond their names (read for triggers, or a problem):
    an edit of any other file cannot change it.

    A trigger is ``{"name", "table", "event", "events", "columns", "timing",
    "level", "function", "notifies", "channel", "channels", "source"}``;
    ``source`` is ``"relpath:line"`` of its CREATE TRIGGER.
    """
    problems: list[str] = []
    sources: list[_Source] = []
    for path in files:
        try:
            relpath = path.relative_to(root).as_posix()
        except ValueError:
            relpath = path.name
        try:
            text, capped = read_text(path, MAX_SQL_BYTES, errors="replace")
        except SourceError as exc:
            problems.append(f"{relpath}: {exc}")
            _note(read, relpath)
            continue
        if capped:
            _note(read, relpath)
            problems.append(f"{relpath}: larger than {MAX_SQL_BYTES} bytes; only the first {MAX_SQL_BYTES} "
                            f"read for triggers")
        if not TRIGGER_WORDS.search(text):
            continue
        _note(read, relpath)
        try:
            source = _sql_source(relpath, path.suffix, text)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            problems.append(f"{relpath}: cannot parse for triggers ({exc.__class__.__name__})")
            continue
        if source is not None and source.texts:
            sources.append(source)

    state = _Schema()
    not_understood = _not_understood()
    for source in _in_migration_order(sources):
        for text in source.texts:
            try:
                state.apply(text, source.relpath, problems)
            except not_understood as exc:
                problems.append(f"{source.relpath}:{text.line}: SQL not understood "
                                f"({exc.__class__.__name__}); skipped")
    return state.triggers(), problems


def _not_understood() -> tuple[type[BaseException], ...]:
    """What replaying SQL may raise on SQL it cannot make sense of (read
    before the replay: naming sqlparse's error imports it, which is no job
    for an ``except`` clause meeting a RecursionError)."""
    return RecursionError, MemoryError, ValueError, IndexError, _sqlparse_errors.SQLParseError


def _note(read: set[str] | None, relpath: str) -> None:
    if read is not None:
        read.add(relpath)


# ---------------------------------------------------------------- SQL text from files

def _sql_source(relpath: str, suffix: str, text: str) -> _Source | None:
    if suffix == ".sql":
        return _Source(relpath, [SqlText(text, 1)], order=(0, relpath))
    if suffix != ".py":
        return None
    tree = ast.parse(text)
    extractor = _PythonSql(tree, text)
    return _Source(relpath, extractor.texts, order=extractor.order(relpath))


class _PythonSql:
    """SQL strings a migration (or model) module hands to the database."""

    def __init__(self, tree: ast.Module, text: str) -> None:
        self.tree = tree
        self.lines = text.splitlines()
        self.module_strings = _string_bindings(tree.body)
        self.texts: list[SqlText] = []
        self._collect(tree, enclosing=None)

    def order(self, relpath: str) -> tuple:
        """Sort key: Alembic revision / Django migration identity, if any."""
        module_values = {}
        for statement in self.tree.body:
            if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                for target in targets:
                    if isinstance(target, ast.Name) and statement.value is not None:
                        module_values[target.id] = statement.value
        if "revision" in module_values and "down_revision" in module_values:
            revision = _literal(module_values["revision"])
            down = _literal(module_values["down_revision"])
            if isinstance(revision, str):
                downs = tuple(d for d in (down if isinstance(down, (tuple, list)) else (down,))
                              if isinstance(d, str))
                return (2, "alembic", revision, downs, relpath)
        migration = _django_migration(self.tree)
        if migration is not None:
            parts = relpath.split("/")
            app = parts[-3] if len(parts) >= 3 else ""
            name = parts[-1].removesuffix(".py")
            return (1, "django", (app, name), tuple(migration), relpath)
        return (0, relpath)

    def _collect(self, node: ast.AST, enclosing: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if _DOWNGRADE.match(child.name):
                    continue  # what a downgrade drops is still there after upgrading
                self._collect(child, child)
                continue
            if isinstance(child, ast.Call):
                for argument in self._sql_arguments(child):
                    self.texts.extend(self._strings(argument, enclosing))
            self._collect(child, enclosing)

    @staticmethod
    def _sql_arguments(call: ast.Call) -> list[ast.AST]:
        name = _called_name(call.func)
        if name in _EXECUTE_METHODS or name == "DDL":
            return call.args[:1] or [k.value for k in call.keywords
                                     if k.arg in {"statement", "sql", "sqltext"}]
        if name == "RunSQL":
            return call.args[:1] or [k.value for k in call.keywords if k.arg == "sql"]
        return []

    def _strings(self, node: ast.AST, enclosing: ast.AST | None, depth: int = 0) -> list[SqlText]:
        if depth > 8:
            return []
        if isinstance(node, (ast.List, ast.Tuple)):
            # RunSQL(["...", ("... %s", [params])])
            found = []
            for element in node.elts:
                if isinstance(element, (ast.Tuple, ast.List)) and element.elts:
                    element = element.elts[0]
                found.extend(self._strings(element, enclosing, depth + 1))
            return found
        if isinstance(node, ast.Call):
            if _called_name(node.func) in _SQL_WRAPPERS and node.args:
                return self._strings(node.args[0], enclosing, depth + 1)
            if isinstance(node.func, ast.Attribute) and node.func.attr in {"format", "strip", "replace"}:
                return self._strings(node.func.value, enclosing, depth + 1)
            return []
        if isinstance(node, ast.Name):
            bound = _string_bindings(enclosing.body, before=node) if enclosing is not None else {}
            value = bound.get(node.id) or self.module_strings.get(node.id)
            return self._strings(value, None, depth + 1) if value is not None else []
        value = _string_value(node)
        if value is None:
            return []
        return [SqlText(value, node.lineno, node.col_offset)]


def _called_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _string_value(node: ast.AST) -> str | None:
    """The text of a string expression; f-string holes become ``{}``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            else:
                parts.append("{}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _string_value(node.left), _string_value(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _string_bindings(body: list[ast.stmt], before: ast.AST | None = None) -> dict[str, ast.AST]:
    """``NAME = <expr>`` in a statement list (the last one before ``before``)."""
    bound: dict[str, ast.AST] = {}
    limit = getattr(before, "lineno", None)
    for statement in body:
        if limit is not None and statement.lineno >= limit:
            break
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = statement.value
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) \
                and statement.value is not None:
            bound[statement.target.id] = statement.value
    return bound


def _literal(node: ast.AST):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return None


def _django_migration(tree: ast.Module) -> list[tuple[str, str]] | None:
    """The ``dependencies`` of a Django ``class Migration``, or None."""
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Migration":
            dependencies: list[tuple[str, str]] = []
            for item in statement.body:
                if isinstance(item, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "dependencies" for t in item.targets) \
                        and isinstance(item.value, (ast.List, ast.Tuple)):
                    for element in item.value.elts:
                        pair = _literal(element)
                        if isinstance(pair, (tuple, list)) and len(pair) == 2 \
                                and all(isinstance(p, str) for p in pair):
                            dependencies.append((pair[0], pair[1]))
            return dependencies
    return None


# ---------------------------------------------------------------- migration order

def _in_migration_order(sources: list[_Source]) -> list[_Source]:
    """Plain files by path, then Django migrations by dependencies, then
    Alembic revisions by ``down_revision`` (file name breaks ties and
    cycles)."""
    plain = sorted((s for s in sources if s.order[0] == 0), key=lambda s: s.order)
    django = [s for s in sources if s.order[0] == 1]
    alembic = [s for s in sources if s.order[0] == 2]
    ordered_django = _topological(django, key=lambda s: s.order[2], after=lambda s: s.order[3])
    ordered_alembic = _topological(alembic, key=lambda s: s.order[2], after=lambda s: s.order[3])
    return plain + ordered_django + ordered_alembic


def _topological(items: list[_Source], key, after) -> list[_Source]:
    by_key = {key(item): item for item in items}
    remaining = sorted(items, key=lambda s: s.relpath)
    done: set = set()
    ordered: list[_Source] = []
    while remaining:
        ready = [s for s in remaining if all(d in done or d not in by_key for d in after(s))]
        chosen = ready[0] if ready else remaining[0]  # a cycle: fall back to file name
        remaining.remove(chosen)
        done.add(key(chosen))
        ordered.append(chosen)
    return ordered


# ---------------------------------------------------------------- the schema replay

@attrs.define
class _Function:
    name: str
    notifies: bool
    channels: list[str | None]


class _Schema:
    """Triggers and functions as the migrations leave them."""

    def __init__(self) -> None:
        self._triggers: dict[tuple[str, str], dict] = {}
        self._functions: dict[str, _Function] = {}

    def apply(self, text: SqlText, relpath: str, problems: list[str]) -> None:
        """Replay one piece of SQL. A statement that cannot be understood is
        skipped; from an unterminated quote or ``$$`` on, nothing can be
        delimited any more (the database would read the rest as part of the
        string), so that statement and all after it are skipped."""
        offset = 0
        not_understood = _not_understood()
        for statement in sqlparse.split(text.sql):
            position = text.sql.find(statement, offset)
            if position >= 0:
                offset = position + len(statement)
            line = text.line + text.sql.count("\n", 0, max(position, 0)) + _leading_newlines(statement)
            quote = _unterminated_quote(statement)
            if quote is not None:
                problems.append(f"{relpath}:{line}: unterminated {quote} in SQL; skipped from there to the end")
                return
            try:
                self._apply_statement(statement, relpath, line, problems)
            except not_understood as exc:
                problems.append(f"{relpath}:{line}: SQL not understood ({exc.__class__.__name__}); skipped")

    def _apply_statement(self, statement: str, relpath: str, line: int, problems: list[str]) -> None:
        words = _words(statement.replace("{}", HOLE))
        if not words:
            return
        head = " ".join(w.upper() for w in words[:6])
        if re.match(r"CREATE( OR REPLACE)?( CONSTRAINT)? TRIGGER\b", head):
            trigger = _parse_create_trigger(words)
            if trigger is None:
                problems.append(f"{relpath}:{line}: CREATE TRIGGER not understood; skipped")
                return
            trigger["source"] = f"{relpath}:{line}"
            self._triggers[(trigger["name"], trigger["table"])] = trigger
        elif re.match(r"CREATE( OR REPLACE)? (FUNCTION|PROCEDURE)\b", head):
            function = _parse_create_function(statement, words)
            if function is not None:
                self._functions[function.name] = function
        elif re.match(r"DROP TRIGGER\b", head):
            self._drop_trigger(words)
        elif re.match(r"DROP (FUNCTION|PROCEDURE)\b", head):
            self._drop_function(words)
        elif re.match(r"DROP TABLE\b", head):
            self._drop_table(words)
        elif re.match(r"ALTER (TRIGGER|FUNCTION|PROCEDURE)\b", head):
            self._rename(words)

    def _drop_trigger(self, words: list[str]) -> None:
        rest = _skip(words[2:], "IF", "EXISTS")
        if not rest:
            return
        name = _unqualified(rest[0])
        upper = [w.upper() for w in rest]
        table = _unqualified(rest[upper.index("ON") + 1]) if "ON" in upper[:-1] else None
        for key in list(self._triggers):
            if key[0] == name and (table is None or key[1] == table):
                del self._triggers[key]

    def _drop_function(self, words: list[str]) -> None:
        rest = _skip(words[2:], "IF", "EXISTS")
        cascade = "CASCADE" in (w.upper() for w in rest)
        names = {_unqualified(w) for w in rest if w not in {",", "(", ")"} and _is_identifier(w)}
        for name in names:
            self._functions.pop(name, None)
            if cascade:
                for key, trigger in list(self._triggers.items()):
                    if trigger["function"] == name:
                        del self._triggers[key]

    def _rename(self, words: list[str]) -> None:
        """``ALTER TRIGGER t ON tbl RENAME TO t2``, ``ALTER FUNCTION f() RENAME TO g``."""
        upper = [w.upper() for w in words]
        if "RENAME" not in upper:
            return
        at = upper.index("RENAME")
        if at + 2 >= len(words) or upper[at + 1] != "TO":
            return
        old, _ = _qualified_name(words, 2)
        new = _unqualified(words[at + 2])
        if upper[1] == "TRIGGER":
            for key in list(self._triggers):
                if key[0] == old:
                    trigger = self._triggers.pop(key)
                    trigger["name"] = new
                    self._triggers[(new, key[1])] = trigger
        elif old in self._functions:
            self._functions[new] = self._functions.pop(old)
            self._functions[new].name = new
            for trigger in self._triggers.values():
                if trigger["function"] == old:
                    trigger["function"] = new

    def _drop_table(self, words: list[str]) -> None:
        rest = _skip(words[2:], "IF", "EXISTS")
        tables = {_unqualified(w) for w in rest if _is_identifier(w)}
        for key in list(self._triggers):
            if key[1] in tables:
                del self._triggers[key]

    def triggers(self) -> list[dict]:
        result = []
        for trigger in self._triggers.values():
            function = self._functions.get(trigger["function"] or "")
            channels = function.channels if function else []
            entry = {k: v for k, v in trigger.items() if k != "notifies_inline"}
            entry["notifies"] = bool(function and function.notifies) or trigger["notifies_inline"]
            entry["channel"] = next((c for c in channels if c), None)
            entry["channels"] = [c for c in channels if c]
            result.append(entry)
        return sorted(result, key=lambda t: (t["table"], t["name"]))


_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.DOTALL)


def _leading_newlines(statement: str) -> int:
    """Lines of whitespace and comments before a statement's first word."""
    return _LEADING_NOISE.match(statement).group(0).count("\n")


class _Token(NamedTuple):
    ttype: Any
    value: str


def _tokens(sql: str) -> list[_Token]:
    """sqlparse's lexer tokens of ``sql`` without whitespace and comments
    (the lexer alone: grouping into a parse tree is what makes
    ``sqlparse.parse`` slow on long function bodies, and nothing here
    needs the tree)."""
    return [_Token(ttype, value) for ttype, value in lexer.tokenize(sql)
            if ttype not in T.Whitespace and ttype not in T.Comment]


_QUOTES = {"'": "quote (')", '"': 'quoted identifier (")', "`": "quoted identifier (`)", "$": "$$ quote"}


def _unterminated_quote(statement: str) -> str | None:
    """What an unterminated string starts with, if the statement has one
    (sqlparse lexes the opening mark as an error token)."""
    for ttype, value in lexer.tokenize(statement):
        if ttype in T.Error and value in _QUOTES:
            return _QUOTES[value]
    return None


def _words(statement: str) -> list[str]:
    """The statement's tokens; keyword runs sqlparse lexes as one token
    (``CREATE OR REPLACE``, ``IF EXISTS``) are split into words; quoted
    identifiers lose their quotes."""
    words: list[str] = []
    for token in _tokens(statement):
        if token.ttype in T.Keyword:
            words.extend(token.value.split())
        elif token.ttype in T.Literal.String.Symbol:
            words.append(token.value.strip('"`'))
        else:
            words.append(token.value)
    return words


def _skip(words: list[str], *keywords: str) -> list[str]:
    index = 0
    while index < len(words) and words[index].upper() in keywords:
        index += 1
    return words[index:]


def _is_identifier(word: str) -> bool:
    return bool(re.match(r"^[A-Za-z_][\w$]*$", word)) and word.upper() not in {
        "CASCADE", "RESTRICT", "IF", "EXISTS", "ON"}


def _unqualified(name: str) -> str:
    return name.strip('"`').lower()


def _qualified_name(words: list[str], index: int) -> tuple[str | None, int]:
    """``a.b.c`` starting at ``words[index]``: (last part, next index)."""
    if index >= len(words):
        return None, index
    name = words[index]
    index += 1
    while index + 1 < len(words) and words[index] == ".":
        name = words[index + 1]
        index += 2
    return _unqualified(name), index


def _parse_create_trigger(words: list[str]) -> dict | None:
    upper = [w.upper() for w in words]
    try:
        index = upper.index("TRIGGER") + 1
    except ValueError:
        return None
    if upper[index:index + 3] == ["IF", "NOT", "EXISTS"]:
        index += 3
    name, index = _qualified_name(words, index)
    if name is None or index >= len(words):
        return None
    if upper[index] in {"BEFORE", "AFTER"}:
        timing = upper[index]
        index += 1
    elif upper[index:index + 2] == ["INSTEAD", "OF"]:
        timing = "INSTEAD OF"
        index += 2
    else:
        return None
    events: list[str] = []
    columns: list[str] = []
    event_words: list[str] = []
    while index < len(words) and upper[index] != "ON":
        word = upper[index]
        if word in TRIGGER_EVENTS:
            events.append(word)
            event_words.append(word)
        elif word == "OR":
            event_words.append("OR")
        elif word == "OF":
            event_words.append("OF")
        elif word == ",":
            event_words[-1] += ","
        else:
            columns.append(_unqualified(words[index]))
            event_words.append(_unqualified(words[index]))
        index += 1
    if not events or index >= len(words):
        return None
    table, index = _qualified_name(words, index + 1)
    if table is None:
        return None
    level = "STATEMENT"
    function = None
    rest = upper[index:]
    if "ROW" in rest and ("EACH" in rest or "FOR" in rest):
        level = "ROW"
    for marker in ("FUNCTION", "PROCEDURE"):
        for position, word in enumerate(rest):
            if word == marker and position and rest[position - 1] == "EXECUTE":
                function, _ = _qualified_name(words, index + position + 1)
                break
        if function:
            break
    body = " ".join(rest)
    return {
        "name": name,
        "table": table,
        "event": " ".join(event_words),
        "events": events,
        "columns": columns,
        "timing": timing,
        "level": level,
        "function": function,
        # MySQL/SQLite triggers carry their body inline
        "notifies_inline": function is None and ("PG_NOTIFY" in body or "NOTIFY" in rest),
    }


def _parse_create_function(statement: str, words: list[str]) -> _Function | None:
    upper = [w.upper() for w in words]
    marker = "FUNCTION" if "FUNCTION" in upper else "PROCEDURE"
    name, _ = _qualified_name(words, upper.index(marker) + 1)
    if name is None:
        return None
    channels: list[str | None] = []
    notifies = False
    for body in _bodies(statement):
        for channel in _notified_channels(body):
            notifies = True
            channels.append(channel)
    return _Function(name, notifies, channels)


def _bodies(statement: str) -> Iterator[str]:
    """The function bodies of a CREATE FUNCTION: ``$tag$ ... $tag$`` or a
    single-quoted string."""
    for token in _tokens(statement):
        if token.ttype in T.Literal and token.ttype not in T.Literal.Number:
            value = token.value
            dollar = re.match(r"^\$(\w*)\$", value)
            if dollar:
                tag = dollar.group(0)
                yield value[len(tag):-len(tag)] if value.endswith(tag) and len(value) >= 2 * len(tag) \
                    else value[len(tag):]
            elif value.startswith("'") and len(value) > 20:
                yield value[1:-1].replace("''", "'")


def _notified_channels(body: str) -> Iterator[str | None]:
    """Channels a function body notifies; None when the channel is computed."""
    for role, channel in sql_channels(body):
        if role == "publish":
            yield channel if channel is None or "{}" not in channel else None


def sql_channels(sql: str) -> Iterator[tuple[str, str | None]]:
    """``("publish", channel)`` for ``pg_notify('c', ...)`` and ``NOTIFY c``,
    ``("subscribe", channel)`` for ``LISTEN c``, in a piece of SQL; the
    channel is None when it is computed. Unquoted names fold to lower case,
    as PostgreSQL folds them."""
    flat = _tokens(sql)
    for position, token in enumerate(flat):
        value = token.value.lower()
        if value == "pg_notify" and position + 1 < len(flat) and flat[position + 1].value == "(":
            argument = flat[position + 2] if position + 2 < len(flat) else None
            following = flat[position + 3].value if position + 3 < len(flat) else ""
            if argument is not None and argument.ttype in T.Literal.String.Single and following in {",", ")"}:
                yield "publish", argument.value[1:-1].replace("''", "'")
            else:
                yield "publish", None
        elif value in {"notify", "listen"} and token.ttype in T.Keyword:
            role = "publish" if value == "notify" else "subscribe"
            channel = flat[position + 1] if position + 1 < len(flat) else None
            yield role, _channel_name(channel)


def _channel_name(token) -> str | None:
    if token is None:
        return None
    if token.ttype in T.Literal.String.Symbol:
        return token.value.strip('"')
    if token.ttype in T.Name or (token.ttype in T.Keyword and _is_identifier(token.value)):
        return token.value.lower()
    return None
