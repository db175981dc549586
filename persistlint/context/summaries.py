"""Typed summaries of every project function, method and property: what a
call of it does, at any depth of project code.

This module is the one documented place of the summary schema. Each project
function gets one :class:`FunctionSummary`, computed once per project state
from the per-node facts (``dbcalls``, ``entities``, ``blocking``,
``transactions``, ``channels``), stored in the cached context as JSON and
read back typed:

===================  =====================================================
field                meaning
===================  =====================================================
``qualname``         astroid's qualified name (``app.repo.OrgRepo.get``)
``path``, ``line``,  where it is defined (project-relative path)
``end_line``
``is_async``         an ``async def``
``params``           parameter names, ``self``/``cls`` left out
``calls``            :class:`CallSite` of every call it makes itself that
                     resolves to another project function (not offloaded);
                     ``on_error``: made only in an ``except`` handler;
                     ``args``: which of its own parameters it passes on
                     as-is, and as what (see :class:`CallSite`)
``offloads``         project functions it hands to a thread or executor
``is_property``      a ``@property`` (or ``cached_property``): reading the
                     attribute runs it
``fetches``          :class:`~persistlint.context.entities.Fetch`: one
                     entity of model M loaded by parameter p
``passes_ids``       :class:`~persistlint.context.entities.PassedId`: the id
                     of an entity it holds, passed to a project function
``writes``           :class:`~persistlint.context.dbcalls.Write`: UPDATE/
                     DELETE/INSERT statements, row writes, unit-of-work
                     adds/removes and flushes it issues (``on_error``:
                     only in an ``except`` handler)
``queries``          :class:`Operation`: database reads it runs itself,
                     lazy relationship loads on ``self`` included
                     (``on_error`` as for writes; ``receiver`` and
                     ``relation`` for a read of a parameter's relation
                     that an eager load of the row answers)
``returns_rows``     the model (or ``"rows"``) of the unlimited query rows
                     it returns (``return list(session.scalars(select(M)))``)
``constructs``       project classes it instantiates
``depends``          FastAPI dependencies it declares (``Depends(x)``)
``tables_written``   tables its transaction writes (``*``: unknown table)
``commits``,         it commits / rolls back a session or connection
``rolls_back``
``external``         :class:`~persistlint.context.transactions.External`:
                     its first network call, file operation or sleep
``blocks``           :class:`~persistlint.context.blocking.BlockingOp`:
                     blocking operations of a sync function (PR307)
``cached_loads``     :class:`~persistlint.context.blocking.BlockingOp`:
                     library-cached loads of a sync function (``tz.gettz``,
                     ``pytz.timezone``): they read a file on the first use
                     of each argument only (PR307 LOW)
``once``             :class:`~persistlint.context.blocking.Once`: memoised,
                     or calls made on first use only
``enqueues``         :class:`Operation`: the first job it enqueues or
                     message it publishes itself (Celery ``delay``,
                     rq/arq enqueue, Redis/Kafka/NATS publish)
``channels``         :class:`~persistlint.context.channels.Use`: NOTIFY/
                     LISTEN/publish/subscribe channel uses
``reaches``          effect name -> :class:`Reach`, propagated to a fixed
                     point through project calls (see :data:`EFFECTS`);
                     ``Reach.on_error``: every way the function has the
                     effect passes through an ``except`` handler (its own,
                     or a callee's on the chain), so a call of it has the
                     effect only when something failed
===================  =====================================================

Propagation (:func:`propagate`) follows every project call, sync or async
(an awaited repository method runs its query in the caller's session), to
any depth and safely through recursion; a chain on the normal path wins
over one through an ``except`` handler, then the shortest chain. Rules that
count effects per call (one query or write per item of a loop) ask for the
normal path only (``reach(effect, error_paths=False)``,
:func:`write_through`): a write a callee makes only when something failed
is not a write per item. Blocking
(``block``) follows only synchronous callees, and neither memoised ones nor
calls made on first use only: an awaited coroutine does not block its
caller's thread, and a cached helper blocks once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
from astroid import nodes

from persistlint.context import FileContext, bindings, blocking, channels, dbcalls, entities, execution, infer
from persistlint.context import transactions
from persistlint.context.callgraph import is_abstract, subclass_of, summaries_of_method  # noqa: F401 - asked here
from persistlint.context.infer import own_nodes
from persistlint.context.models import is_lazy, relationships

#: Effects a call can have through project code, and what produces each at
#: the end of a chain.
EFFECTS = ("query", "write", "commit", "rollback", "network", "file", "sleep", "block", "enqueue")


@attrs.frozen
class CallSite:
    """A call of project function ``callee`` at ``line``/``col``.
    ``args`` pairs each argument that is one of the caller's own parameters
    (or ``self``), passed on unchanged, with where the callee receives it:
    ``("0", "doc")`` the first positional argument (``self`` not counted),
    ``("doc", "doc")`` a keyword, ``("self", "row")`` the receiver of
    ``row.method()``. ``requires``: the caller's parameters that must be
    true for the call to run (``if notify:``, after ``if not notify:
    return``); ``switched_off``: the keywords it passes a false literal
    (``save(broadcast=False)``); ``forwards_kwargs``: it passes the caller's
    own ``**kwargs`` on (``super().save(*args, **kwargs)``), so a flag given
    to the caller reaches the callee."""

    callee: str
    line: int
    col: int
    evidence: str = "INFERRED"
    on_error: bool = False
    args: tuple[tuple[str, str], ...] = attrs.field(
        default=(), converter=lambda value: tuple(tuple(pair) for pair in value or ()))
    requires: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    switched_off: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    forwards_kwargs: bool = False


@attrs.frozen
class Operation:
    """One operation a function performs itself: ``what`` as written for
    messages (``session.get``), at ``line``, on ``model`` when known;
    ``on_error``: only in an ``except`` handler. A read of a relation of
    a parameter (or ``self``) that an eager load of that row answers
    (``doc.notes.all()``, ``self.items`` loaded lazily) names the
    ``receiver`` parameter and the ``relation``."""

    what: str
    line: int
    model: str | None = None
    on_error: bool = False
    receiver: str | None = None
    relation: str | None = None


@attrs.frozen
class Reach:
    """An effect a function has, itself (``chain == ()``) or through the
    project functions in ``chain`` (callee first, the one that performs
    ``what`` last). ``line`` is the line in this function where it starts;
    ``on_error``: the chain passes through an ``except`` handler;
    ``requires``: this function's parameters that must be true for it
    (a call passing ``flag=False`` for one of them does not have it)."""

    effect: str
    what: str
    line: int
    chain: tuple[str, ...] = ()
    on_error: bool = False
    requires: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    @property
    def rank(self) -> tuple[bool, bool, int]:
        """Lower is preferred: the normal path, then one no flag switches
        off, then the shortest chain."""
        return self.on_error, bool(self.requires), len(self.chain)

    def switched_off_by(self, keywords) -> bool:
        """Whether a call passing false literals for ``keywords`` skips it."""
        return bool(self.requires) and not set(self.requires).isdisjoint(keywords)

    def names(self) -> list[str]:
        """Short names for messages: ``["get_by_id", "session.get"]``."""
        return [q.rpartition(".")[2] for q in self.chain] + [self.what]


# The converters run for every field of every summary read from the cache,
# the absent (default) ones included: an empty value returns at once.

def _tuple(kind):
    def convert(value: Iterable[Any] | None) -> tuple:
        if not value:
            return ()
        return tuple(v if isinstance(v, kind) else kind(**v) for v in value)
    return convert


def _optional(kind):
    def convert(value):
        return value if value is None or isinstance(value, kind) else kind(**value)
    return convert


def _strings(value: Iterable[str] | None) -> tuple[str, ...]:
    return value if type(value) is tuple else tuple(value or ())


def _reaches(value: dict | None) -> dict[str, Reach]:
    if not value:
        return {}
    return {k: v if isinstance(v, Reach) else Reach(**{**v, "chain": tuple(v.get("chain", ()))})
            for k, v in value.items()}


def _use(value) -> channels.Use:
    return value if isinstance(value, channels.Use) else channels.Use.from_json(value)


def _uses(value) -> tuple[channels.Use, ...]:
    return tuple(_use(v) for v in value) if value else ()


@attrs.frozen(eq=False)
class FunctionSummary:
    qualname: str
    path: str
    line: int
    end_line: int
    is_async: bool = False
    params: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    calls: tuple[CallSite, ...] = attrs.field(default=(), converter=_tuple(CallSite))
    offloads: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    is_property: bool = False
    fetches: tuple[entities.Fetch, ...] = attrs.field(default=(), converter=_tuple(entities.Fetch))
    passes_ids: tuple[entities.PassedId, ...] = attrs.field(default=(), converter=_tuple(entities.PassedId))
    writes: tuple[dbcalls.Write, ...] = attrs.field(default=(), converter=_tuple(dbcalls.Write))
    queries: tuple[Operation, ...] = attrs.field(default=(), converter=_tuple(Operation))
    returns_rows: str | None = None
    constructs: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    depends: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    tables_written: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    commits: bool = False
    rolls_back: bool = False
    external: transactions.External | None = attrs.field(default=None,
                                                         converter=_optional(transactions.External))
    blocks: tuple[blocking.BlockingOp, ...] = attrs.field(default=(), converter=_tuple(blocking.BlockingOp))
    cached_loads: tuple[blocking.BlockingOp, ...] = attrs.field(default=(),
                                                               converter=_tuple(blocking.BlockingOp))
    once: blocking.Once | None = attrs.field(default=None, converter=_optional(blocking.Once))
    enqueues: Operation | None = attrs.field(default=None, converter=_optional(Operation))
    channels: tuple[channels.Use, ...] = attrs.field(default=(), converter=_uses)
    reaches: dict[str, Reach] = attrs.field(factory=dict, converter=_reaches)

    @property
    def is_memoised(self) -> bool:
        return bool(self.once and self.once.memoised)

    def reach(self, effect: str, *, error_paths: bool = True) -> Reach | None:
        """How the function has ``effect``; with ``error_paths=False`` only
        if it has it on its normal path (not only in ``except`` handlers)."""
        found = self.reaches.get(effect)
        return None if found is None or (found.on_error and not error_paths) else found

    def to_json(self) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=True, value_serializer=_serialise,
                            filter=lambda attribute, _value: attribute.name != "channels")
        data["channels"] = [use.to_json() for use in self.channels]
        return {k: v for k, v in data.items() if v not in ((), [], None, False, {}) or k in _ALWAYS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FunctionSummary:
        return cls(**data)


_ALWAYS = frozenset({"qualname", "path", "line", "end_line", "is_async", "params", "calls"})


def _serialise(_instance, _field, value):
    if isinstance(value, tuple):
        return list(value)
    return value


# ------------------------------------------------------------------ own facts

def is_property(function: nodes.FunctionDef) -> bool:
    for decorator in function.decorators.nodes if function.decorators else ():
        name = decorator.as_string().rpartition(".")[2]
        if name in {"property", "cached_property", "hybrid_property"}:
            return True
    return False


def summarize(function: nodes.FunctionDef, fctx: FileContext) -> FunctionSummary:
    calls, offloads = [], []
    blocks, cached_loads = blocking.blocking_operations(function, fctx)
    for call in own_nodes(function, nodes.Call):
        index = execution.offload_target_index(call, fctx.resolve)
        if index is not None:
            target = infer.resolve_callee(call.args[index]) if len(call.args) > index else None
            if target is not None:
                offloads.append(target.qualname)
            continue
        found = fctx.resolve(call)
        if found is not None:
            calls.append(CallSite(found.qualname, call.lineno, call.col_offset, found.evidence.name,
                                  infer.on_error_path(call), _passed_parameters(call, function),
                                  _required_flags(call, function), infer.false_keywords(call),
                                  _forwards_kwargs(call, function)))
    calls.extend(_property_reads(function, fctx))
    return FunctionSummary(
        qualname=function.qname(),
        path=fctx.relpath,
        line=function.lineno,
        end_line=function.end_lineno or function.lineno,
        is_async=isinstance(function, nodes.AsyncFunctionDef),
        params=entities.params_of(function),
        calls=calls,
        offloads=offloads,
        is_property=is_property(function),
        fetches=entities.fetches(function, fctx),
        passes_ids=entities.passed_ids(function, fctx),
        writes=dbcalls.writes(function, fctx),
        queries=_queries(function, fctx),
        returns_rows=_returned_rows(function, fctx),
        constructs=constructions(function, fctx),
        depends=dependencies(function, fctx),
        tables_written=transactions.tables_written(function, fctx),
        commits=transactions.commits(function, fctx),
        rolls_back=transactions.rolls_back(function, fctx),
        external=transactions.first_external(function, fctx),
        blocks=blocks,
        cached_loads=cached_loads,
        once=blocking.runs_once(function),
        channels=channels.uses_in_function(function, fctx),
        enqueues=_enqueues(function, fctx),
    )


def _enqueues(function: nodes.FunctionDef, fctx: FileContext) -> Operation | None:
    found = transactions.first_enqueue(function, fctx)
    return Operation(*found) if found else None


def _property_reads(function: nodes.FunctionDef, fctx: FileContext) -> list[CallSite]:
    """``self.total`` where ``total`` is a project ``@property``: reading it
    runs it, so it is a call edge like any other."""
    found = []
    for attribute in own_nodes(function, nodes.Attribute):
        if isinstance(attribute.parent, nodes.Call) and attribute.parent.func is attribute:
            continue
        target = fctx.property_of(attribute)
        if target is not None:
            receiver = _parameter(attribute.expr, function)
            found.append(CallSite(target, attribute.lineno, attribute.col_offset, "INFERRED",
                                  infer.on_error_path(attribute), [("self", receiver)] if receiver else ()))
    return found


def _parameter(expr: nodes.NodeNG, function: nodes.FunctionDef) -> str | None:
    """The name of ``function``'s parameter (``self`` included) that
    ``expr`` is, unchanged: a name bound only by the parameter list."""
    if not isinstance(expr, nodes.Name):
        return None
    try:
        scope, assignments = expr.lookup(expr.name)
    except Exception:  # noqa: BLE001 - odd scopes
        return None
    if scope is not function or not assignments:
        return None
    return expr.name if all(isinstance(a, nodes.AssignName) and isinstance(a.parent, nodes.Arguments)
                            for a in assignments) else None


def _required_flags(node: nodes.NodeNG, function: nodes.FunctionDef) -> tuple[str, ...]:
    """``function``'s parameters that must be true for ``node`` to run: it
    is in the body of ``if flag:`` (or ``if flag and ...:``), or after a
    top-level ``if not flag [or ...]: return`` (or ``raise``)."""
    found: set[str] = set()
    statement = node
    for parent, child in infer.enclosing(node):
        statement = parent
        if isinstance(parent, nodes.If) and child in parent.body:
            tests = parent.test.values if isinstance(parent.test, nodes.BoolOp) and parent.test.op == "and" \
                else [parent.test]
            found.update(name for name in (_parameter(t, function) for t in tests) if name)
    for earlier in function.body:
        if earlier is statement:
            break
        if isinstance(earlier, nodes.If) and not earlier.orelse and earlier.body \
                and isinstance(earlier.body[-1], (nodes.Return, nodes.Raise)):
            tests = earlier.test.values if isinstance(earlier.test, nodes.BoolOp) and earlier.test.op == "or" \
                else [earlier.test]
            found.update(name for name in (_parameter(t.operand, function) for t in tests
                                           if isinstance(t, nodes.UnaryOp) and t.op == "not") if name)
    found.discard("self")
    return tuple(sorted(found))


def _forwards_kwargs(call: nodes.Call, function: nodes.FunctionDef) -> bool:
    """Whether ``call`` passes ``function``'s own ``**kwargs`` on."""
    kwarg = function.args.kwarg
    return bool(kwarg) and any(k.arg is None and isinstance(k.value, nodes.Name) and k.value.name == kwarg
                               for k in call.keywords or ())


def _passed_parameters(call: nodes.Call, function: nodes.FunctionDef) -> list[tuple[str, str]]:
    """Which of ``function``'s parameters ``call`` passes on as-is (see
    :class:`CallSite`)."""
    passed = []
    if isinstance(call.func, nodes.Attribute):
        receiver = _parameter(call.func.expr, function)
        if receiver:
            passed.append(("self", receiver))
    for index, arg in enumerate(call.args):
        if isinstance(arg, nodes.Starred):
            break
        name = _parameter(arg, function)
        if name:
            passed.append((str(index), name))
    for keyword in call.keywords or ():
        name = _parameter(keyword.value, function) if keyword.arg else None
        if name:
            passed.append((keyword.arg, name))
    return passed


def _queries(function: nodes.FunctionDef, fctx: FileContext) -> list[Operation]:
    """Database reads a function runs itself: query calls, iterated querysets
    and reads of lazy relationships of the model instances it is given."""
    found = []
    for call in own_nodes(function, nodes.Call):
        db = dbcalls.db_call(call, fctx) or dbcalls.iterated_query(call, fctx)
        if db is not None and db.kind == dbcalls.READ:
            cached = dbcalls.cached_relation_read(call, fctx)
            receiver = _parameter(cached[0], function) if cached else None
            found.append(Operation(_callee_text(call), call.lineno, db.model_name,
                                   infer.on_error_path(call), receiver, cached[1] if receiver else None))
    found.extend(_lazy_reads(function, fctx))
    found.sort(key=lambda op: (op.on_error, op.line))
    return found[:QUERIES_KEPT]


#: Queries kept per function: enough to tell whether every one of them is
#: answered by what the caller loaded eagerly.
QUERIES_KEPT = 12


def _returned_rows(function: nodes.FunctionDef, fctx: FileContext) -> str | None:
    """The model of the rows of an unlimited query the function returns."""
    for node in own_nodes(function, nodes.Return):
        rows = dbcalls.row_source(node.value, fctx) if node.value is not None else None
        if rows is not None and not _limits_rows(node.value) and not _limits_rows(rows.origin):
            return (rows.model or "rows").rpartition(".")[2]
    return None


LIMITERS = frozenset({"limit", "paginate", "slice", "offset", "fetchmany"})


def _limits_rows(expr: nodes.NodeNG) -> bool:
    """``.limit(n)``, ``qs[:n]``, pagination: a page of rows, not all."""
    parts = [expr, *expr.nodes_of_class((nodes.Call, nodes.Subscript))]
    for name in expr.nodes_of_class(nodes.Name):
        for value in bindings.assigned_values(name):
            parts.extend([value, *value.nodes_of_class((nodes.Call, nodes.Subscript))])
    return any((isinstance(p, nodes.Subscript) and isinstance(p.slice, nodes.Slice))
               or (isinstance(p, nodes.Call) and isinstance(p.func, nodes.Attribute)
                   and p.func.attrname in LIMITERS) for p in parts)


def _lazy_reads(function: nodes.FunctionDef, fctx: FileContext) -> list[Operation]:
    """Reads of a lazy relationship of a parameter that holds a model
    instance: ``self`` in a model's own methods, a parameter typed as a
    model (``order: Order``) or known to be one by its use. Each loads per
    call unless the caller's rows loaded the relation eagerly."""
    params = {a.name for a in function.args.arguments or ()}
    bound_self = isinstance(function.parent, nodes.ClassDef) and function.args.arguments \
        and function.args.arguments[0].name == "self"
    models_of: dict[str, str | None] = {}
    found = []
    for attribute in own_nodes(function, nodes.Attribute):
        holder = attribute.expr
        if not (isinstance(holder, nodes.Name) and holder.name in params) or _parameter(holder, function) is None:
            continue
        param = holder.name
        if param not in models_of:
            if param == "self":
                models_of[param] = function.parent.qname() if bound_self else None
            else:
                instance = dbcalls.instance_model(holder, fctx)
                models_of[param] = instance.qualname if instance is not None else None
        relation = relationships(models_of[param], fctx).get(attribute.attrname)
        if relation is not None and is_lazy(relation):
            found.append(Operation(f"{param}.{attribute.attrname} (lazy load)", attribute.lineno,
                                   str(relation.get("target") or "") or None,
                                   infer.on_error_path(attribute), param, attribute.attrname))
    return found


def _callee_text(call: nodes.Call) -> str:
    text = call.func.as_string() if isinstance(call.func, (nodes.Name, nodes.Attribute)) else "query"
    return blocking.shorten(text, 40)


def constructions(function: nodes.FunctionDef, fctx: FileContext) -> list[str]:
    """Project classes this function instantiates."""
    made = set()
    for call in own_nodes(function, nodes.Call):
        found = dbcalls.resolve(call, fctx)
        if found is not None and _is_project_class(found.qualname, fctx):
            made.add(found.qualname)
    return sorted(made)


def _is_project_class(qualname: str, ctx) -> bool:
    klass = infer.lookup_qualname(qualname)
    if not isinstance(klass, nodes.ClassDef):
        return False
    file = getattr(klass.root(), "file", None)
    return bool(file) and str(file).startswith(str(ctx.project.root))


def dependencies(function: nodes.FunctionDef, fctx: FileContext) -> list[str]:
    """What this function takes as FastAPI dependencies (``Depends(x)``):
    created per request."""
    found = set()
    for default in [*function.args.defaults, *[d for d in function.args.kw_defaults if d is not None]]:
        dependency = depends_target(default, fctx)
        if dependency:
            found.add(dependency)
    return sorted(found)


def depends_target(default: nodes.NodeNG, ctx) -> str | None:
    """``Depends(x)`` -> the qualified name of x."""
    if not isinstance(default, nodes.Call) or not default.args:
        return None
    found = dbcalls.resolve(default, ctx)
    if found is None or found.qualname not in {"fastapi.Depends", "fastapi.Security"}:
        return None
    target = infer.resolve_callee(default.args[0])
    return target.qualname if target else None


# ------------------------------------------------------------------ propagation

def own_reaches(summary: FunctionSummary) -> dict[str, Reach]:
    """The effects a function has by its own body."""
    found: dict[str, Reach] = {}
    if summary.queries:
        first = summary.queries[0]  # normal-path queries sort first
        found["query"] = Reach("query", first.what, first.line, on_error=first.on_error)
    by_path = sorted(summary.writes, key=lambda w: w.on_error)
    statements = [w for w in by_path if w.kind not in dbcalls.UNIT_OF_WORK_KINDS]
    if statements and not statements[0].on_error:
        found["write"] = _write_reach(statements[0])
    elif summary.tables_written:
        found["write"] = Reach("write", f"a write to {summary.tables_written[0]}", summary.line,
                               on_error=bool(by_path) and all(w.on_error for w in by_path))
    elif by_path:
        found["write"] = _write_reach((statements or by_path)[0])
    if summary.commits:
        found["commit"] = Reach("commit", "commit()", summary.line)
    if summary.rolls_back:
        found["rollback"] = Reach("rollback", "rollback()", summary.line)
    if summary.external is not None and summary.external.kind in {"network", "file", "sleep"}:
        found[summary.external.kind] = Reach(summary.external.kind, summary.external.what,
                                             summary.external.line)
    if summary.blocks:
        first = summary.blocks[0]
        found["block"] = Reach("block", first.label, first.line)
    if summary.enqueues is not None:
        found["enqueue"] = Reach("enqueue", summary.enqueues.what, summary.enqueues.line)
    return found


def _write_reach(write: dbcalls.Write) -> Reach:
    return Reach("write", f"{write.kind} {write.model or ''}".strip(), write.line, on_error=write.on_error)


def _follows(effect: str, caller: FunctionSummary, call: CallSite, callee: FunctionSummary) -> bool:
    if effect != "block":
        return True
    once_lines = caller.once.lines if caller.once else ()
    return not callee.is_async and not callee.is_memoised and call.line not in once_lines


def propagate(functions: dict[str, FunctionSummary]) -> dict[str, FunctionSummary]:
    """Each summary's ``reaches``: its own effects, else the shortest chain
    through the project functions it calls, to a fixed point."""
    reaches = {name: own_reaches(summary) for name, summary in functions.items()}
    changed = True
    while changed:
        changed = False
        for name, summary in functions.items():
            mine = reaches[name]
            for call in summary.calls:
                callee = functions.get(call.callee)
                if callee is None or call.callee == name:
                    continue
                for effect, theirs in reaches[call.callee].items():
                    if not _follows(effect, summary, call, callee) or theirs.switched_off_by(call.switched_off):
                        continue
                    if name in theirs.chain:
                        continue  # recursion: no chain through itself
                    # a flag the callee tests arrives through the caller's **kwargs
                    forwarded = tuple(f for f in theirs.requires if f not in summary.params) \
                        if call.forwards_kwargs else ()
                    candidate = Reach(effect, theirs.what, call.line, (call.callee, *theirs.chain),
                                      theirs.on_error or call.on_error, (*call.requires, *forwarded))
                    current = mine.get(effect)
                    if current is None or candidate.rank < current.rank:
                        mine[effect] = candidate
                        changed = True
    return {name: attrs.evolve(summary, reaches=reaches[name]) for name, summary in functions.items()}


def build(file_contexts: list[FileContext]) -> dict[str, FunctionSummary]:
    """Summaries of every project function, edges pruned to project
    functions, effects propagated. The context build runs the same steps
    per module (:func:`module_summaries`, :func:`defined`,
    :func:`entities_through_calls`), so that it can redo them for the
    modules an edit reaches only."""
    functions: dict[str, FunctionSummary] = {}
    for fctx in file_contexts:
        functions.update(module_summaries(fctx))
    functions = {name: defined(summary, functions) for name, summary in functions.items()}
    if file_contexts:
        file_contexts[0].project.functions = functions
    for fctx in file_contexts:
        entities_through_calls(fctx, functions)
    return propagate(functions)


def module_summaries(fctx: FileContext) -> dict[str, FunctionSummary]:
    """The summaries of one module's functions, by their own bodies (call
    edges not yet pruned to project functions, effects not propagated);
    problems go to the project's list."""
    functions: dict[str, FunctionSummary] = {}
    for function in fctx.module.nodes_of_class(nodes.FunctionDef):
        try:
            functions[function.qname()] = summarize(function, fctx)
        except RecursionError:
            fctx.project.problems.append(f"{fctx.relpath}:{function.lineno}: too deeply nested to summarise")
        except Exception as exc:  # noqa: BLE001 - one odd function must not sink the context
            fctx.project.problems.append(
                f"{fctx.relpath}:{function.lineno}: cannot summarise: {exc.__class__.__name__}: {exc}")
    infer.forget_inferences()  # the next module's inferences start afresh: bounded memory
    return functions


def defined(summary: FunctionSummary, functions: dict[str, FunctionSummary]) -> FunctionSummary:
    """``summary`` with its call edges and offloads pruned to the project
    functions that run (``functions``: every project function's summary)."""
    return attrs.evolve(summary, calls=list(_defined_calls(summary.calls, functions)),
                        offloads=[q for q in summary.offloads if q in functions])


def entities_through_calls(fctx: FileContext, functions: dict[str, FunctionSummary]) -> None:
    """Entity facts that depend on other functions' summaries (an entity a
    repository's ``get_by_id`` returns, fetched by the id it is given),
    computed again for one module's functions once every summary exists
    (``functions``, which is also the project's ``functions``) and written
    back into ``functions``."""
    for function in fctx.module.nodes_of_class(nodes.FunctionDef):
        summary = functions.get(function.qname())
        if summary is None or not summary.calls:
            continue
        try:
            functions[summary.qualname] = attrs.evolve(
                summary, fetches=entities.fetches(function, fctx),
                passes_ids=entities.passed_ids(function, fctx))
        except Exception as exc:  # noqa: BLE001 - one odd function must not sink the context
            fctx.project.problems.append(f"{fctx.relpath}:{function.lineno}: cannot summarise entities: "
                                         f"{exc.__class__.__name__}: {exc}")


def _defined_calls(calls: Iterable[CallSite], functions: dict[str, FunctionSummary]) -> Iterable[CallSite]:
    """Call edges towards the project functions that run: an inherited
    method is its base class's (``OrgRepo.get_by_id`` ->
    ``RepositoryBase.get_by_id``), an abstract one each implementation."""
    for call in calls:
        if call.callee in functions and not is_abstract(call.callee):
            yield call
            continue
        initialiser = constructor_of(call.callee, functions)
        if initialiser is not None:
            yield attrs.evolve(call, callee=initialiser)
            continue
        owner, _, method = call.callee.rpartition(".")
        klass = infer.lookup_qualname(owner)
        if not isinstance(klass, nodes.ClassDef):
            continue
        defined = call.callee if call.callee in functions else next(
            (f"{base.qname()}.{method}" for base in infer.class_lineage(klass)[1:]
             if f"{base.qname()}.{method}" in functions), None)
        if defined is None:
            continue
        if not is_abstract(defined):
            yield attrs.evolve(call, callee=defined)
            continue
        base = defined.rpartition(".")[0]
        for name in functions:
            if name.rpartition(".")[2] == method and name != defined and subclass_of(name.rpartition(".")[0], base):
                yield attrs.evolve(call, callee=name)


# ------------------------------------------------------------------ questions rules ask

def constructor_of(qualname: str, functions: dict[str, FunctionSummary]) -> str | None:
    """``Collector(path)`` runs ``Collector.__init__`` (or the one a base
    class defines): the project initialiser a call of class ``qualname``
    runs, if the project defines one."""
    klass = infer.lookup_qualname(qualname) if qualname not in functions else None
    if not isinstance(klass, nodes.ClassDef):
        return None
    return next((f"{base.qname()}.__init__" for base in infer.class_lineage(klass)
                 if f"{base.qname()}.__init__" in functions), None)


def summary_of(qualname: str | None, ctx) -> FunctionSummary | None:
    return ctx.project.functions.get(qualname) if qualname else None


def effect_of_call(call: nodes.Call, effect: str, ctx) -> Reach | None:
    """Whether calling ``call`` (a project function or method) has
    ``effect``, and through which chain (the callee first)."""
    found = ctx.resolve(call)
    summary = summary_of(found.qualname if found else None, ctx)
    if summary is None:
        return None
    reach = summary.reach(effect)
    if reach is None or reach.switched_off_by(infer.false_keywords(call)):
        return None
    return Reach(effect, reach.what, call.lineno or 0, (summary.qualname, *reach.chain), reach.on_error)


@attrs.frozen
class QueryPath:
    """One query a call runs: ``operation`` in the last function of
    ``chain`` (the called function first); ``origin``: for a read of a
    parameter's relation, the parameter of the called function (or
    ``self``) the row came in through."""

    operation: Operation
    chain: tuple[str, ...]
    origin: str | None = None


def queries_through(summary: FunctionSummary, functions: dict[str, FunctionSummary],
                    limit: int = 200) -> tuple[list[QueryPath], bool]:
    """Every query a call of ``summary`` runs on its normal path, itself
    or through project calls at any depth, each parameter followed where
    it is passed on as-is; and whether the walk stopped at ``limit``
    queries (then there may be more)."""
    frontier = [(summary, (summary.qualname,), {p: p for p in (*summary.params, "self")})]
    seen: set = set()
    found: list[QueryPath] = []
    while frontier:
        current, chain, passed = frontier.pop(0)
        key = (current.qualname, tuple(sorted(passed.items())))
        if key in seen:
            continue
        seen.add(key)
        for op in current.queries:
            if not op.on_error:
                found.append(QueryPath(op, chain, passed.get(op.receiver) if op.receiver else None))
                if len(found) >= limit:
                    return found, True
        for call in current.calls:
            callee = functions.get(call.callee)
            if callee is not None and not call.on_error and callee.qualname not in chain:
                frontier.append((callee, (*chain, callee.qualname), _received(call, callee, passed)))
    return found, False


def _received(call: CallSite, callee: FunctionSummary, passed: dict[str, str]) -> dict[str, str]:
    """What the callee's parameters hold, as parameters of the first
    function of a walk (``passed``: the caller's)."""
    received = {}
    for where, name in call.args:
        if name not in passed:
            continue
        param = callee.params[int(where)] if where.isdigit() and int(where) < len(callee.params) \
            else where if where == "self" or where in callee.params else None
        if param is not None:
            received[param] = passed[name]
    return received


def write_through(summary: FunctionSummary, kinds: frozenset,
                  functions: dict[str, FunctionSummary]) -> tuple[dbcalls.Write, tuple[str, ...]] | None:
    """The first write of one of ``kinds`` a function issues itself or
    through project calls at any depth on its normal path (not in an
    ``except`` handler, nor through a call made in one), with the chain to
    the function that issues it (shortest first; empty when it is
    ``summary`` itself)."""
    frontier: list[tuple[FunctionSummary, tuple[str, ...]]] = [(summary, ())]
    seen = {summary.qualname}
    while frontier:
        following = []
        for current, chain in frontier:
            found = next((w for w in current.writes if w.kind in kinds and not w.on_error), None)
            if found is not None:
                return found, chain
            for call in current.calls:
                if call.on_error:
                    continue
                callee = functions.get(call.callee)
                if callee is not None and callee.qualname not in seen:
                    seen.add(callee.qualname)
                    following.append((callee, (*chain, callee.qualname)))
        frontier = following
    return None
