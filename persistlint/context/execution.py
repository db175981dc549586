"""Execution contexts: which functions serve requests and which run in the
background (RULES.md, "Execution context"), and which calls hand work off to
a thread.

A function is a request handler when a web framework registers it (a route
decorator, ``add_api_route``, a Django URL pattern or class-based view
method), or when it is a project function reached only from handlers (the
call graph adds those). Background tasks are Celery/dramatiq/arq/rq/
APScheduler jobs, ``BackgroundTasks.add_task`` targets, CLI entry points.
Everything else is unknown, which rules treat as background.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from astroid import nodes

from persistlint.context import Execution, ExecutionKind, infer
from persistlint.context.infer import Resolved
from persistlint.diagnostic import Evidence

ROUTE_METHODS = frozenset({
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
    "api_route", "route", "websocket", "view", "add_route",
})

#: Receivers whose route decorators register request handlers.
ROUTER_CLASSES = frozenset({
    "fastapi._Router", "fastapi.FastAPI", "fastapi.APIRouter",
    "starlette.applications.Starlette", "starlette.routing.Router",
    "flask.Flask", "flask.Blueprint", "flask.app.Flask", "flask.blueprints.Blueprint",
    "quart.Quart", "quart.Blueprint", "sanic.Sanic", "sanic.Blueprint",
    "aiohttp.web.RouteTableDef", "aiohttp.web.Application",
    "litestar.Router", "ninja.NinjaAPI", "ninja.Router",
})

#: Decorators (called or bare) that make a request handler by themselves.
HANDLER_DECORATORS = frozenset({
    "litestar.get", "litestar.post", "litestar.put", "litestar.patch", "litestar.delete",
    "litestar.route", "litestar.websocket",
    "rest_framework.decorators.api_view",
    "django.views.decorators.http.require_http_methods",
    "django.views.decorators.http.require_GET",
    "django.views.decorators.http.require_POST",
    "django.views.decorators.http.require_safe",
    "django.contrib.auth.decorators.login_required",
    "django.views.decorators.csrf.csrf_exempt",
})

BACKGROUND_DECORATORS = frozenset({
    "celery.Celery.task", "celery.shared_task", "celery.app.task",
    "dramatiq.actor", "huey.api.Huey.task", "huey.api.Huey.periodic_task",
    "huey.contrib.djhuey.task", "huey.contrib.djhuey.periodic_task",
    "rq.decorators.job", "rq.job",
    "apscheduler.schedulers.base.BaseScheduler.scheduled_job",
    "click.command", "click.group", "typer.Typer.command",
    "django.core.management.BaseCommand.handle",
})

#: Class bases whose HTTP-method methods are request handlers.
VIEW_BASES = frozenset({
    "django.views.View", "django.views.generic.View", "django.views.generic.base.View",
    "django.views.generic.TemplateView", "django.views.generic.ListView",
    "django.views.generic.DetailView", "django.views.generic.FormView",
    "django.views.generic.CreateView", "django.views.generic.UpdateView",
    "django.views.generic.DeleteView",
    "rest_framework.views.APIView", "rest_framework.generics.GenericAPIView",
    "rest_framework.viewsets.ViewSet", "rest_framework.viewsets.ModelViewSet",
    "rest_framework.viewsets.GenericViewSet", "rest_framework.viewsets.ReadOnlyModelViewSet",
    "starlette.endpoints.HTTPEndpoint", "flask.views.MethodView", "flask.views.View",
    "aiohttp.web.View",
})
VIEW_METHODS = frozenset({
    "get", "post", "put", "patch", "delete", "head", "options", "dispatch",
    "list", "retrieve", "create", "update", "partial_update", "destroy",
    "get_queryset", "get_object", "perform_create", "perform_update", "perform_destroy",
    "form_valid", "get_context_data",
})

#: Calls that register their function argument.
REGISTERING_CALLS: dict[str, tuple[ExecutionKind, int, str]] = {
    # qualname: (kind, index of the function argument, keyword name)
    "fastapi._Router.add_api_route": (ExecutionKind.REQUEST_HANDLER, 1, "endpoint"),
    "fastapi._Router.add_api_websocket_route": (ExecutionKind.REQUEST_HANDLER, 1, "endpoint"),
    "django.urls.path": (ExecutionKind.REQUEST_HANDLER, 1, "view"),
    "django.urls.re_path": (ExecutionKind.REQUEST_HANDLER, 1, "view"),
    "starlette.routing.Route": (ExecutionKind.REQUEST_HANDLER, 1, "endpoint"),
    "fastapi.BackgroundTasks.add_task": (ExecutionKind.BACKGROUND, 0, "func"),
    "starlette.background.BackgroundTasks.add_task": (ExecutionKind.BACKGROUND, 0, "func"),
    "rq.Queue.enqueue": (ExecutionKind.BACKGROUND, 0, "f"),
    "apscheduler.schedulers.base.BaseScheduler.add_job": (ExecutionKind.BACKGROUND, 0, "func"),
}

#: Calls whose function argument runs in a worker thread (RULES.md,
#: "Offloaded code is not blocking"): qualname -> index of the function.
OFFLOAD_CALLS: dict[str, int] = {
    "asyncio.to_thread": 0,
    "asyncio.threads.to_thread": 0,
    "asyncio.events.AbstractEventLoop.run_in_executor": 1,
    "asyncio.AbstractEventLoop.run_in_executor": 1,
    "asyncio.base_events.BaseEventLoop.run_in_executor": 1,
    "anyio.to_thread.run_sync": 0,
    "trio.to_thread.run_sync": 0,
    "starlette.concurrency.run_in_threadpool": 0,
    "fastapi.concurrency.run_in_threadpool": 0,
    "asgiref.sync.sync_to_async": 0,
    "django.utils.asyncio.sync_to_async": 0,
    "concurrent.futures.ThreadPoolExecutor.submit": 0,
    "concurrent.futures.ProcessPoolExecutor.submit": 0,
    "concurrent.futures.Executor.submit": 0,
    "homeassistant.core.HomeAssistant.async_add_executor_job": 0,
    "homeassistant.components.recorder.Recorder.async_add_executor_job": 0,
    "homeassistant.components.recorder.core.Recorder.async_add_executor_job": 0,
}
#: Offloading methods known by name alone, with the index of the function
#: (the loop and Home Assistant's ``hass`` are rarely inferable).
_OFFLOAD_METHOD_NAMES = {"run_in_executor": 1, "async_add_executor_job": 0}

#: Application classes whose keywords name startup and shutdown code.
APPLICATION_CLASSES = frozenset({
    "fastapi.FastAPI", "fastapi.APIRouter", "fastapi._Router", "starlette.applications.Starlette",
    "starlette.routing.Router", "litestar.Litestar",
})
_STARTUP_KEYWORDS = frozenset({"lifespan", "on_startup", "on_shutdown"})
_STARTUP_EVENTS = frozenset({"startup", "shutdown"})
#: aiohttp ``app.on_startup.append(fn)`` signals
_STARTUP_SIGNALS = frozenset({"on_startup", "on_shutdown", "on_cleanup", "cleanup_ctx"})

_GUESSED_ROUTERS = frozenset({"app", "router", "api", "bp", "blueprint", "routes", "api_router", "v1"})
#: Job decorators (``@app.task``) and the names of the task queues they are
#: usually called on, for a queue that does not resolve (its module is not
#: in the tree, or the library is not installed).
_JOB_DECORATORS = frozenset({"task", "shared_task", "periodic_task", "actor", "job", "scheduled_job"})
_GUESSED_QUEUES = frozenset({"app", "celery", "celery_app", "huey", "broker", "worker", "scheduler", "queue"})

Resolver = Callable[[nodes.Call], Resolved | None]


def offload_target_index(call: nodes.Call, resolve: Resolver) -> int | None:
    """When ``call`` hands a function to a thread, the index of that argument."""
    found = resolve(call)
    if found is not None and found.qualname in OFFLOAD_CALLS:
        return OFFLOAD_CALLS[found.qualname]
    if isinstance(call.func, nodes.Attribute) and call.func.attrname in _OFFLOAD_METHOD_NAMES:
        return _OFFLOAD_METHOD_NAMES[call.func.attrname]
    return None


def is_offload_call(call: nodes.Call, resolve: Resolver) -> bool:
    return offload_target_index(call, resolve) is not None


def _decorator_target(decorator: nodes.NodeNG, resolve: Resolver) -> Resolved | None:
    if isinstance(decorator, nodes.Call):
        return resolve(decorator)
    return infer.resolve_callee(decorator)


def _receiver_name(decorator: nodes.NodeNG) -> str | None:
    func = decorator.func if isinstance(decorator, nodes.Call) else decorator
    if isinstance(func, nodes.Attribute) and isinstance(func.expr, nodes.Name):
        return func.expr.name
    return None


def _matches(qualname: str, patterns: Iterable[str]) -> bool:
    return any(qualname == p or qualname.endswith("." + p) or p.endswith("." + qualname)
               for p in patterns)


def classify_decorated(function: nodes.FunctionDef, resolve: Resolver,
                       extra_handlers: Iterable[str] = (),
                       extra_background: Iterable[str] = ()) -> Execution | None:
    """The execution context a function's own decorators or class give it."""
    if function.decorators is not None:
        for decorator in function.decorators.nodes:
            if _is_startup_event_decorator(decorator):
                return Execution(ExecutionKind.STARTUP, Evidence.INFERRED, "on_event")
            target = _decorator_target(decorator, resolve)
            if target is not None:
                owner, _, method = target.qualname.rpartition(".")
                if method in ROUTE_METHODS and owner in ROUTER_CLASSES:
                    return Execution(ExecutionKind.REQUEST_HANDLER, target.evidence, target.qualname)
                if target.qualname in HANDLER_DECORATORS or _matches(target.qualname, extra_handlers):
                    return Execution(ExecutionKind.REQUEST_HANDLER, target.evidence, target.qualname)
                if target.qualname in BACKGROUND_DECORATORS or _matches(target.qualname, extra_background):
                    return Execution(ExecutionKind.BACKGROUND, target.evidence, target.qualname)
                if method in _JOB_DECORATORS and \
                        owner.rpartition(".")[0] in {"celery", "dramatiq", "huey", "rq", "arq"}:
                    return Execution(ExecutionKind.BACKGROUND, target.evidence, target.qualname)
            func = decorator.func if isinstance(decorator, nodes.Call) else decorator
            attr = func.attrname if isinstance(func, nodes.Attribute) else None
            if attr in ROUTE_METHODS and _receiver_name(decorator) in _GUESSED_ROUTERS \
                    and target is None:
                return Execution(ExecutionKind.REQUEST_HANDLER, Evidence.NAME_GUESS,
                                 f"{_receiver_name(decorator)}.{attr}")
            if attr in _JOB_DECORATORS and _receiver_name(decorator) in _GUESSED_QUEUES \
                    and (target is None or infer.lookup_qualname(target.qualname) is None):
                return Execution(ExecutionKind.BACKGROUND, Evidence.NAME_GUESS, f"{_receiver_name(decorator)}.{attr}")
    klass = function.parent if isinstance(function.parent, nodes.ClassDef) else None
    if klass is not None and function.name in VIEW_METHODS:
        for base in klass.bases:
            found = infer.resolve_callee(base)
            if found is not None and (found.qualname in VIEW_BASES or _ancestor_is_view(base)):
                return Execution(ExecutionKind.REQUEST_HANDLER, found.evidence, found.qualname)
    return None


def _ancestor_is_view(base: nodes.NodeNG) -> bool:
    klass = infer.infer_one(base)
    if not isinstance(klass, nodes.ClassDef):
        return False
    try:
        ancestors = list(klass.ancestors())
    except Exception:  # noqa: BLE001 - astroid raises many kinds on odd hierarchies
        return False
    for ancestor in ancestors:
        if ancestor.qname() in VIEW_BASES:
            return True
        for parent_base in ancestor.bases:
            static = infer.dotted_import(parent_base)
            if static in VIEW_BASES:
                return True
    return False


def classify(function: nodes.FunctionDef, fctx) -> Execution:
    """The execution context of a function of the file being checked."""
    settings = fctx.settings
    local = classify_decorated(function, fctx.resolve, settings.request_handler_decorators,
                               settings.background_decorators)
    if local is not None:
        return local
    known = fctx.project.execution_of(function.qname())
    if known is not None:
        return known
    if _is_django_function_view(function, fctx):
        return Execution(ExecutionKind.REQUEST_HANDLER, Evidence.NAME_GUESS, "views.py")
    return Execution(ExecutionKind.UNKNOWN)


def _is_django_function_view(function: nodes.FunctionDef, fctx) -> bool:
    stack = fctx.project.tech_stack.get("web", {}) or {}
    if (stack.get("name") if isinstance(stack, dict) else stack) != "Django":
        return False
    in_views = fctx.relpath.endswith("views.py") or "/views/" in fctx.relpath
    args = function.args.args or []
    return in_views and isinstance(function.parent, nodes.Module) and bool(args) \
        and args[0].name == "request"


_REGISTERING_NAMES = frozenset(q.rpartition(".")[2] for q in REGISTERING_CALLS)


def _called_name(call: nodes.Call) -> str | None:
    func = call.func
    if isinstance(func, nodes.Attribute):
        return func.attrname
    if isinstance(func, nodes.Name):
        if func.name in _REGISTERING_NAMES:
            return func.name
        imported = infer.imported_name(func, func.name)  # `from django.urls import path as p`
        return imported.rpartition(".")[2] if imported else func.name
    return None


def registrations(module: nodes.Module, resolve: Resolver) -> Iterable[tuple[str, Execution]]:
    """Functions that calls in ``module`` register as handlers or jobs:
    ``router.add_api_route("/x", fn)``, ``tasks.add_task(fn)``, ``path("x/", views.fn)``."""
    for call in module.nodes_of_class(nodes.Call):
        if _called_name(call) not in _REGISTERING_NAMES:
            continue  # resolving every call of the project costs more than all the rest
        found = resolve(call)
        if found is None or found.qualname not in REGISTERING_CALLS:
            continue
        kind, index, keyword = REGISTERING_CALLS[found.qualname]
        argument = call.args[index] if len(call.args) > index else next(
            (k.value for k in call.keywords or () if k.arg == keyword), None)
        if argument is None:
            continue
        target = infer.resolve_callee(argument)
        if target is not None:
            yield target.qualname, Execution(kind, min(found.evidence, target.evidence), found.qualname)


# ---------------------------------------------------------------- startup and shutdown code

def _is_startup_event_decorator(decorator: nodes.NodeNG) -> bool:
    """``@app.on_event("startup")`` / ``("shutdown")``."""
    return isinstance(decorator, nodes.Call) and isinstance(decorator.func, nodes.Attribute) \
        and decorator.func.attrname == "on_event" and bool(decorator.args) \
        and isinstance(decorator.args[0], nodes.Const) and decorator.args[0].value in _STARTUP_EVENTS


def startup_hooks(module: nodes.Module, resolve: Resolver) -> Iterable[tuple[str, Execution]]:
    """Functions that ``module`` registers to run at startup or shutdown:
    ``FastAPI(lifespan=fn)``, ``Starlette(on_startup=[fn], on_shutdown=[fn])``,
    ``app.add_event_handler("startup", fn)``, aiohttp's
    ``app.on_startup.append(fn)``."""
    for call in module.nodes_of_class(nodes.Call):
        for argument, via in _startup_arguments(call, resolve):
            for item in argument.elts if isinstance(argument, (nodes.List, nodes.Tuple)) else [argument]:
                target = _function_named(item)
                if target is not None:
                    yield target, Execution(ExecutionKind.STARTUP, Evidence.INFERRED, via)


def _startup_arguments(call: nodes.Call, resolve: Resolver) -> Iterable[tuple[nodes.NodeNG, str]]:
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname == "append" and call.args \
            and isinstance(func.expr, nodes.Attribute) and func.expr.attrname in _STARTUP_SIGNALS:
        yield call.args[0], func.expr.attrname
    elif isinstance(func, nodes.Attribute) and func.attrname == "add_event_handler" and len(call.args) >= 2 \
            and isinstance(call.args[0], nodes.Const) and call.args[0].value in _STARTUP_EVENTS:
        yield call.args[1], "add_event_handler"
    elif call.keywords and any(k.arg in _STARTUP_KEYWORDS for k in call.keywords):
        found = resolve(call)
        leaf = (found.qualname if found else func.as_string()).rpartition(".")[2]
        if (found is not None and found.qualname in APPLICATION_CLASSES) \
                or leaf in {c.rpartition(".")[2] for c in APPLICATION_CLASSES}:
            for keyword in call.keywords:
                if keyword.arg in _STARTUP_KEYWORDS:
                    yield keyword.value, keyword.arg


def _function_named(expr: nodes.NodeNG) -> str | None:
    """The qualified name of the project function ``expr`` names (also when
    a decorator such as ``asynccontextmanager`` wraps it)."""
    if isinstance(expr, nodes.Name):
        try:
            _, bindings = expr.lookup(expr.name)
        except Exception:  # noqa: BLE001 - astroid lookup on odd code
            bindings = ()
        for binding in bindings:
            if isinstance(binding, nodes.FunctionDef):
                return binding.qname()
    target = infer.resolve_callee(expr)
    return target.qualname if target is not None else None
