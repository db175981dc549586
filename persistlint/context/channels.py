"""Who publishes and who subscribes to which event channel, project-wide.

Publishers: ``pg_notify('c', ...)`` / ``NOTIFY c`` in SQL the code executes
and in trigger functions of the migrations, Redis ``publish('c', ...)``.
Subscribers: ``LISTEN c``, asyncpg ``add_listener('c', ...)``, Redis
``subscribe('c')`` / ``psubscribe('c.*')``. Each project function's uses go
into its summary (fact ``pubsub_channels``); the migrations' trigger
channels come from the project context.

A channel is a literal, a constant (by its value: the same constant on both
sides is the same name), or a template: an f-string or ``%``/``format``
string whose holes become ``{}``; ``psubscribe`` patterns are globs.
"""

from __future__ import annotations

import fnmatch
import re

import attrs
from astroid import nodes

from persistlint.context import infer
from persistlint.context.migrations import sql_channels
from persistlint.context.sql import sql_of
from persistlint.diagnostic import Evidence

REDIS_PUBLISH = frozenset({"redis.Redis.publish", "redis.asyncio.Redis.publish",
                           "redis.client.Redis.publish", "redis.asyncio.client.Redis.publish"})
REDIS_SUBSCRIBE = frozenset({"redis.PubSub.subscribe", "redis.asyncio.PubSub.subscribe",
                             "redis.client.PubSub.subscribe", "redis.asyncio.client.PubSub.subscribe"})
REDIS_PSUBSCRIBE = frozenset({"redis.PubSub.psubscribe", "redis.asyncio.PubSub.psubscribe",
                              "redis.client.PubSub.psubscribe", "redis.asyncio.client.PubSub.psubscribe"})
PG_LISTENERS = frozenset({"asyncpg.Connection.add_listener"})
#: DDL that defines a notifying function runs no NOTIFY itself (the
#: migrations scan reads the triggers that call it).
_DEFINITION = re.compile(r"create\s+(or\s+replace\s+)?(constraint\s+)?(function|procedure|trigger)", re.I)
_SQL_METHODS = frozenset({"execute", "exec_driver_sql", "executemany", "fetch", "fetchval", "fetchrow",
                          "exec", "scalar", "scalars"})


@attrs.frozen
class Use:
    role: str  # "publish" or "subscribe"
    transport: str  # "pg" or "redis"
    channel: str
    kind: str = "literal"  # "literal", "template" ({} holes), "glob" (psubscribe)
    path: str = ""
    line: int = 0
    col: int = 0
    evidence: Evidence = Evidence.INFERRED

    def to_json(self) -> dict:
        return {"role": self.role, "transport": self.transport, "channel": self.channel, "kind": self.kind,
                "path": self.path, "line": self.line, "col": self.col, "evidence": self.evidence.name}

    @classmethod
    def from_json(cls, data: dict) -> Use:
        return cls(data["role"], data["transport"], data["channel"], data.get("kind", "literal"),
                   data.get("path", ""), data.get("line", 0), data.get("col", 0),
                   Evidence[data.get("evidence", "INFERRED")])

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def uses_in_call(call: nodes.Call, ctx) -> list[Use]:
    """The channel uses of one call."""
    found = ctx.resolve(call)
    qualname = found.qualname if found else ""
    evidence = found.evidence if found else Evidence.NAME_GUESS
    place = {"path": ctx.relpath, "line": call.lineno or 0, "col": call.col_offset or 0, "evidence": evidence}
    if qualname in REDIS_PUBLISH and call.args:
        return _uses("publish", "redis", [call.args[0]], place)
    if qualname in REDIS_SUBSCRIBE or qualname in REDIS_PSUBSCRIBE:
        arguments = list(call.args) + [_keyword_channel(k) for k in call.keywords or () if k.arg]
        uses = _uses("subscribe", "redis", arguments, place)
        if qualname in REDIS_PSUBSCRIBE:
            uses = [attrs.evolve(u, kind="glob") for u in uses]
        return uses
    if qualname in PG_LISTENERS and call.args:
        return _uses("subscribe", "pg", [call.args[0]], place)
    name = call.func.attrname if isinstance(call.func, nodes.Attribute) else getattr(call.func, "name", "")
    if name in _SQL_METHODS and call.args:
        sql, template = _string(call.args[0])
        if sql is None:
            sql = sql_of(call.args[0], hole="{}")
            template = False
        if sql and re.search(r"notify|listen", sql, re.IGNORECASE) and not _DEFINITION.search(sql):
            return [Use(role, "pg", channel, "template" if template and "{}" in channel else "literal",
                        **place) for role, channel in sql_channels(sql) if channel]
    return []


def _keyword_channel(keyword: nodes.Keyword) -> nodes.Const:
    """``pubsub.subscribe(jobs=handler)`` subscribes to ``jobs``."""
    return nodes.Const(keyword.arg)


def _uses(role, transport, arguments, place) -> list[Use]:
    found = []
    for argument in arguments:
        value, template = _string(argument)
        if value:
            found.append(Use(role, transport, value, "template" if template else "literal", **place))
    return found


def _string(expr: nodes.NodeNG, depth: int = 0) -> tuple[str | None, bool]:
    """A string's value, and whether it is a template with ``{}`` holes
    (the holes that name constants are filled in)."""
    if depth > 4:
        return None, False
    if isinstance(expr, nodes.Const):
        return (expr.value, False) if isinstance(expr.value, str) else (None, False)
    if isinstance(expr, nodes.JoinedStr):
        parts, template = [], False
        for value in expr.values:
            if isinstance(value, nodes.Const):
                parts.append(str(value.value))
                continue
            inner = value.value if isinstance(value, nodes.FormattedValue) else value
            known, inner_template = _string(inner, depth + 1) if not isinstance(inner, nodes.Const) \
                else (None, False)
            if known is not None and not inner_template:
                parts.append(known)
            else:
                parts.append("{}")
                template = True
        return "".join(parts), template
    if isinstance(expr, nodes.BinOp) and expr.op == "%":
        left, _ = _string(expr.left, depth + 1)
        return (re.sub(r"%[sdr]", "{}", left), True) if left is not None else (None, False)
    if isinstance(expr, nodes.BinOp) and expr.op == "+":
        left, lt = _string(expr.left, depth + 1)
        right, rt = _string(expr.right, depth + 1)
        if left is not None and right is not None:
            return left + right, lt or rt
        if left is not None:
            return left + "{}", True
        return None, False
    if isinstance(expr, nodes.Call) and isinstance(expr.func, nodes.Attribute) \
            and expr.func.attrname == "format":
        base, _ = _string(expr.func.expr, depth + 1)
        return (re.sub(r"\{[^{}]*\}", "{}", base), True) if base is not None else (None, False)
    if isinstance(expr, (nodes.Name, nodes.Attribute)):
        value = infer.infer_one(expr)
        if isinstance(value, nodes.Const) and isinstance(value.value, str):
            return value.value, False
    return None, False


def uses_in_function(function: nodes.FunctionDef, fctx) -> list[Use]:
    """The channel uses of a function's own calls, in source order."""
    found = []
    for call in infer.own_nodes(function, (nodes.Call,)):
        found.extend(uses_in_call(call, fctx))
    return sorted(found, key=lambda u: (u.line, u.col))


#: context.memo: :func:`project_uses`
PROJECT_USES = "pt-channel-uses"


def project_uses(project) -> list[Use]:
    """Every channel use of the project: function summaries and the
    migrations' notifying triggers."""
    key = PROJECT_USES
    if key not in project.memo:
        uses: list[Use] = []
        for summary in project.functions.values():
            uses.extend(summary.channels)
        for trigger in project.db_config.get("triggers", []):
            channels = trigger.get("channels") or ([trigger["channel"]] if trigger.get("channel") else [])
            for channel in channels:
                path, _, line = str(trigger.get("source", "")).rpartition(":")
                uses.append(Use("publish", "pg", channel, "literal", path,
                                int(line) if line.isdigit() else 0, 0))
        project.memo[key] = uses
    return project.memo[key]


# ---------------------------------------------------------------- matching

def _as_regex(use: Use) -> re.Pattern:
    if use.kind == "glob":
        return re.compile(fnmatch.translate(use.channel))
    parts = [re.escape(part) for part in use.channel.split("{}")]
    return re.compile(".+".join(parts) + r"\Z")


def _sample(use: Use) -> str:
    """A concrete name the use could take (holes filled) for matching."""
    return use.channel.replace("{}", "1") if use.kind == "template" else use.channel.replace("*", "1")


def same_channel(one: Use, other: Use) -> bool:
    if one.channel == other.channel:
        return True
    if one.kind == "literal" and other.kind == "literal":
        return False
    return bool(_as_regex(one).match(_sample(other)) or _as_regex(other).match(_sample(one)))


def near_miss(one: Use, other: Use) -> bool:
    """Names that look meant to be the same: edit distance of at most two,
    or one contained in the other."""
    a, b = _comparable(one), _comparable(other)
    if not a or not b:
        return False
    if a == b:
        return True  # the same text, but a literal against a template that cannot match it
    if min(len(a), len(b)) >= 3 and (a in b or b in a):
        return True
    return _edit_distance(a, b) <= 2


def _comparable(use: Use) -> str:
    return use.channel.replace("{}", "").replace("*", "")


def _edit_distance(a: str, b: str) -> int:
    if abs(len(a) - len(b)) > 2:
        return 3
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
