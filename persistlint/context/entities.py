"""Entities across functions: which model a name holds, which call fetches
one entity (and by what key), which attributes a function only reads of an
entity, and the refetches PQ101/PQ103 judge (a function fetches by a
parameter the entity its caller already holds and passes the id of).
"""

from __future__ import annotations

from typing import Any

import attrs
from astroid import nodes

from persistlint.context import ExecutionKind
from persistlint.context.bindings import argument_for, assigned_name, assigned_values, loop_binding
from persistlint.context.dbcalls import (
    READ, SA_QUERY, _chain_including_runner, db_call, fetched_model, qualname,
    rows_of_loop_variable, split, typed_model,
)
from persistlint.context import incremental, infer
from persistlint.context.infer import own_nodes
from persistlint.context.models import model_of


def entity_model(expr: nodes.NodeNG, ctx, _depth: int = 0) -> tuple[str, int] | None:
    """(model class name, line it was obtained) of an entity a name holds:
    fetched here, returned by a project function annotated with the model,
    a parameter annotated with it, or a row of a query of it."""
    if _depth > 4 or not isinstance(expr, nodes.Name):
        return None
    loop = loop_binding(expr)
    if loop is not None:
        rows = rows_of_loop_variable(expr, ctx)
        if rows is not None and rows.model and rows.statement.whole_rows:
            return rows.model.rpartition(".")[2], rows.origin.lineno
        return None
    for value in assigned_values(expr):
        inner = value.value if isinstance(value, nodes.Await) else value
        if isinstance(inner, nodes.Call):
            fetched = fetched_model(inner, ctx)
            if fetched:
                return fetched.rpartition(".")[2], value.lineno
            through = _repository_fetch(inner, ctx, None)
            if through is not None:
                return through[0], value.lineno
        typed = typed_model(value, ctx)
        if typed is not None:
            return typed.qualname.rpartition(".")[2], value.lineno
    typed = typed_model(expr, ctx)
    if typed is not None:
        return typed.qualname.rpartition(".")[2], expr.lineno
    return None


def fetch_key(call: nodes.Call, ctx) -> nodes.NodeNG | None:
    """The expression an entity fetch selects by: the ident of
    ``session.get``, the right side of ``M.id == x`` or ``pk=x``."""
    method = split(qualname(call, ctx) or "")[1]
    found = db_call(call, ctx)
    if found is not None and found.api == "sqlalchemy" and method == "get":
        if isinstance(call.func, nodes.Attribute) and split(qualname(call, ctx))[0] == SA_QUERY:
            return call.args[0] if call.args else None
        return call.args[1] if len(call.args) > 1 else None
    for part in _chain_including_runner(call, ctx):
        for keyword in part.keywords or ():
            if keyword.arg in {"pk", "id"}:
                return keyword.value
        for arg in part.args:
            if isinstance(arg, nodes.Compare) and len(arg.ops) == 1 and arg.ops[0][0] == "==":
                left, right = arg.left, arg.ops[0][1]
                if isinstance(left, nodes.Attribute) and left.attrname in {"id", "pk"}:
                    return right
    return None


def params_of(function: nodes.FunctionDef) -> list[str]:
    return [arg.name for arg in function.args.arguments if arg.name not in {"self", "cls"}]


def entity_use(function: nodes.FunctionDef, holder: str | None) -> list[str] | None:
    """The attributes a function only reads from the entity held by
    ``holder``; None when the entity is mutated, returned, passed on or
    otherwise used whole."""
    if holder is None:
        return None
    read: set[str] = set()
    for name in own_nodes(function, nodes.Name):
        if name.name != holder:
            continue
        parent = name.parent
        if isinstance(parent, nodes.Attribute) and parent.expr is name:
            if isinstance(parent.parent, nodes.Call) and parent.parent.func is parent:
                return None  # a method call may change it
            read.add(parent.attrname)
            continue
        if isinstance(parent, (nodes.UnaryOp, nodes.If, nodes.BoolOp, nodes.IfExp, nodes.Assert)):
            continue  # existence checks
        if isinstance(parent, nodes.Compare) and any(
                isinstance(other, nodes.Const) and other.value is None for _, other in parent.ops):
            continue
        return None
    for assign in own_nodes(function, nodes.AssignAttr):
        if isinstance(assign.expr, nodes.Name) and assign.expr.name == holder:
            return None
    return sorted(read)


@attrs.frozen
class Fetch:
    """One entity of ``model`` (class name) a function loads by its
    parameter ``param``; ``reads``: the attributes it only reads of it, or
    None when it uses the entity whole."""

    model: str
    param: str
    line: int
    col: int
    reads: tuple[str, ...] | None = attrs.field(
        default=None, converter=lambda value: tuple(value) if value is not None else None)


@attrs.frozen
class PassedId:
    """The id of an entity of ``model`` a function holds (since line
    ``held``), passed at ``line`` to ``callee`` as argument ``arg`` (a
    position or a keyword)."""

    callee: str
    arg: int | str
    model: str
    line: int
    held: int


def fetches(function: nodes.FunctionDef, ctx) -> list[Fetch]:
    """Entities this function fetches by one of its parameters."""
    return [site for site, _ in fetch_sites(function, ctx)]


def fetch_sites(function: nodes.FunctionDef, ctx) -> list[tuple[Fetch, nodes.Call]]:
    params = set(params_of(function))
    if not params:
        return []
    sites = []
    for call in own_nodes(function, nodes.Call):
        model = fetched_model(call, ctx) or _model_of_own_class(call, ctx)
        via_function = None
        if model is None:
            via_function = _repository_fetch(call, ctx, params)
            if via_function is None:
                continue
            model, key = via_function
        else:
            key = fetch_key(call, ctx)
        if not isinstance(key, nodes.Name) or key.name not in params:
            continue
        holder = assigned_name(call)
        name = model if model.startswith(CLASS_MODEL) else model.rpartition(".")[2]
        sites.append((Fetch(name, key.name, call.lineno, call.col_offset,
                            entity_use(function, holder)), call))
    return sites


#: A generic repository's fetch of the model its subclass names
#: (``session.get(self.model, id)``): ``self.model``, settled at each call.
CLASS_MODEL = "self."


def _model_of_own_class(call: nodes.Call, ctx) -> str | None:
    """``session.get(self.model, id)`` in a method: ``self.model``."""
    found = db_call(call, ctx)
    if found is None or found.kind != READ or found.model or split(qualname(call, ctx) or "")[1] != "get":
        return None
    first = call.args[0] if call.args else None
    if isinstance(first, nodes.Attribute) and isinstance(first.expr, nodes.Name) and first.expr.name == "self":
        return CLASS_MODEL + first.attrname
    return None


def _repository_fetch(call: nodes.Call, ctx, params: set[str] | None) -> tuple[str, nodes.NodeNG] | None:
    """``await repo.get_by_id(job_id)`` where the project function fetches
    a model by the parameter it receives ``job_id`` as (any argument when
    ``params`` is None)."""
    callee = qualname(call, ctx)
    method = infer.lookup_method(callee) if callee else None
    summary = ctx.project.functions.get(method.qname()) if isinstance(method, nodes.FunctionDef) else None
    if summary is None:
        return None
    for fetch in summary.fetches:
        argument = argument_for(call, list(summary.params), fetch.param)
        if isinstance(argument, nodes.Name) and (params is None or argument.name in params):
            model = _class_model(call, fetch.model[len(CLASS_MODEL):], ctx) \
                if fetch.model.startswith(CLASS_MODEL) else fetch.model
            if model:
                return model, argument
    return None


def _class_model(call: nodes.Call, attribute: str, ctx) -> str | None:
    """The model a repository's class names (``model = Organization``),
    from the type of the receiver of ``call``."""
    receiver = call.func.expr if isinstance(call.func, nodes.Attribute) else None
    typed = ctx.type_of(receiver) if receiver is not None else None
    klass = infer.lookup_qualname(typed.qualname) if typed else None
    if not isinstance(klass, nodes.ClassDef):
        return None
    for owner in infer.class_lineage(klass):
        for assigned in owner.locals.get(attribute, []):
            if isinstance(assigned, nodes.AssignName) and isinstance(assigned.parent, nodes.Assign):
                model = model_of(assigned.parent.value, ctx)
                if model:
                    return model.rpartition(".")[2]
    return None


def passed_ids(function: nodes.FunctionDef, fctx) -> list[PassedId]:
    """Ids of entities this function holds that it passes to other calls."""
    passed = []
    fetched_by = {}  # param name -> (model, line): ``job = session.get(Job, job_id)``
    for call in own_nodes(function, nodes.Call):
        model = fetched_model(call, fctx)
        key = fetch_key(call, fctx) if model else None
        if isinstance(key, nodes.Name):
            fetched_by[key.name] = (model.rpartition(".")[2], call.lineno)
    for call in own_nodes(function, nodes.Call):
        callee = qualname(call, fctx)
        if not callee:
            continue
        arguments = [(index, arg) for index, arg in enumerate(call.args)]
        arguments += [(k.arg, k.value) for k in call.keywords or () if k.arg]
        for position, arg in arguments:
            held = None
            if isinstance(arg, nodes.Attribute) and arg.attrname in {"id", "pk"}:
                held = entity_model(arg.expr, fctx)
            elif isinstance(arg, nodes.Name) and arg.name in fetched_by \
                    and fetched_by[arg.name][1] < call.lineno:
                held = fetched_by[arg.name]
            if held:
                passed.append(PassedId(callee, position, held[0], call.lineno, held[1]))
    return passed


@attrs.frozen
class Refetch:
    """A fetch of ``model`` by ``param`` in a function whose caller already
    holds that entity."""

    call: nodes.Call
    model: str
    param: str
    reads: tuple[str, ...] | None
    caller: str
    caller_path: str
    held_line: int
    call_line: int

    @property
    def only_reads(self) -> bool:
        """PQ103's case: the callee reads one to three attributes and nothing else."""
        return self.reads is not None and 1 <= len(self.reads) <= 3

    @property
    def where_held(self) -> str:
        return f"{self.caller_path}:{self.held_line}"


def refetches(function: nodes.FunctionDef, ctx) -> list[Refetch]:
    """Fetches in ``function`` of an entity that a caller holds and passes
    the id of."""
    memo = ctx.memo("entities.refetches")
    if id(function) in memo:
        return memo[id(function)]
    found: list[Refetch] = []
    passed_to = _ids_passed_to(ctx.project, function.qname())
    if passed_to and _is_task(function, ctx):
        passed_to = []  # a task runs later, elsewhere: the id is the right thing to hand it
    params = params_of(function)
    sites = fetch_sites(function, ctx) if params and passed_to else []
    for caller, summary, passed in passed_to if sites else ():
        position = passed.arg
        param = params[position] if isinstance(position, int) and position < len(params) else position
        for site, call in sites:
            if site.param == param and site.model == passed.model:
                found.append(Refetch(call, site.model, param, site.reads, caller, summary.path,
                                     passed.held, passed.line))
    memo[id(function)] = found
    return found


def _is_task(function: nodes.FunctionDef, ctx) -> bool:
    """A registered background job (Celery, dramatiq, rq, ... or a
    configured decorator)."""
    body = function.body[0] if function.body else function
    return ctx.execution(body).kind is ExecutionKind.BACKGROUND


def _ids_passed_to(project, callee: str) -> list[tuple[str, Any, PassedId]]:
    """[(caller, caller summary, passes_ids entry)] of the project's calls
    passing ids to ``callee``, from an index built once per project context."""
    incremental.noted(project.functions, "passes_ids_to", callee)
    index = project.memo.get(IDS_PASSED_TO)
    if index is None:
        index = {}
        for caller, summary in sorted(dict.items(project.functions)):
            for passed in summary.passes_ids:
                index.setdefault(passed.callee, []).append((caller, summary, passed))
        project.memo[IDS_PASSED_TO] = index
    return index.get(callee, [])


#: context.memo: :func:`_ids_passed_to`'s index
IDS_PASSED_TO = "query.ids_passed_to"
