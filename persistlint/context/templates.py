"""Templates a view renders, and what their loops read of each row.

``render(request, "shop/list.html", {"products": Product.objects.all()})``
hands the rows to the template, and ``{% for p in products %}{{ p.brand.name
}}{% endfor %}`` reads ``brand`` of every row: one query per row unless the
queryset loads it (``select_related("brand")``). :func:`loop_reads` lists,
per context name a template loops over, the attribute paths its loops read
of each item (nested loops over ``p.variants.all`` included), with the line
of the first read.

Templates are found by name under the project's ``templates`` directories
(``<app>/templates/`` and any other directory of that name), as Django's app
directories loader and a ``DIRS`` setting usually put them. A template is
read only when it is a regular file inside the project of at most
:data:`MAX_TEMPLATE_BYTES`; anything else is not read (no finding). Every
path looked at is noted as read (:func:`~persistlint.context.infer.note_read`),
so that a cached result is redone when the template changes or appears.

Django's render calls, Flask's ``render_template`` and Pyramid's
``@view_config(renderer=...)`` are read. Only the ``{% for %}`` and ``{{ }}``
syntax Django's template language and Jinja2 share is read. Tags, as in
Django, do not span lines.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs

from astroid import nodes

from persistlint.context import bindings, dbcalls, files, infer, listings, models
from persistlint.diagnostic import Evidence

#: Templates larger than this are not read.
MAX_TEMPLATE_BYTES = 512 * 1024
#: How deep under the root ``templates`` directories are looked for.
MAX_DEPTH = 6
#: Loops nested deeper than this are not followed.
NESTING_LIMIT = 3

# Django's own lexer: django.template.base.tag_re
_TAG = re.compile(r"({%.*?%}|{{.*?}}|{#.*?#})")
_FOR = re.compile(r"^for\s+(?P<targets>[\w\s,]+?)\s+in\s+(?P<iterable>\S+)(\s+reversed)?$")
_REFERENCE = re.compile(r"(?<![\w.'\"])([A-Za-z_]\w*)((?:\.\w+)+)")
#: Attributes of a related manager that run its query in a template.
MANAGER_READS = frozenset({"all", "count", "exists", "first", "last"})
_SKIPPED_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}
MEMO = "templates.directories"
#: Django's generic list views: their template gets the rows of the queryset.
LIST_VIEWS = frozenset({"django.views.generic.ListView", "django.views.generic.list.ListView",
                        "django.views.generic.list.BaseListView"})


@attrs.frozen
class Read:
    """A per-item read: ``path`` the attributes read of the loop's item
    (``("variants", "all")``, ``("brand", "name")``), ``line`` where."""

    path: tuple[str, ...]
    line: int
    item: str = ""  # the name of the loop's item in the template, for messages


def directories(project) -> list[Path]:
    """The project's ``templates`` directories, nearest the root first
    (walked once per context)."""
    found = project.memo.get(MEMO)
    if found is None:
        found = project.memo[MEMO] = _walk(project.root)
    return found


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirs, _ in os.walk(root):
        depth = len(Path(directory).relative_to(root).parts)
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in files.SKIPPED_DIRS
                            and not os.path.islink(os.path.join(directory, d)))
        if "templates" in subdirs:
            found.append(Path(directory, "templates"))
        if depth >= MAX_DEPTH:
            subdirs[:] = []
    return found


def source(name: str, project) -> tuple[str, str] | None:
    """``(relative path, text)`` of the template ``name``, or None."""
    if not name or name.startswith(("/", "\\")) or ".." in Path(name).parts:
        return None
    root = project.root.resolve()
    for directory in directories(project):
        candidate = directory / name
        infer.note_read(str(candidate))
        if files.unreadable_reason(candidate, root) is not None:
            continue
        try:
            relative = candidate.resolve().relative_to(root)
            data, capped = files.read_regular(candidate, MAX_TEMPLATE_BYTES)
        except (ValueError, OSError, files.SourceError):
            continue
        if capped:
            return None
        return relative.as_posix(), data.decode("utf-8", "replace")
    return None


@attrs.define
class _Loop:
    targets: tuple[str, ...]
    iterable: str
    line: int
    reads: list[Read] = attrs.Factory(list)


def loop_reads(text: str) -> dict[str, list[Read]]:
    """Per context name looped over at the top (``{% for p in products %}``,
    also ``products.all``), what the loops read of each item, in order."""
    found: dict[str, list[Read]] = {}
    stack: list[_Loop] = []
    skipping: str | None = None
    for line_number, line in enumerate(text.splitlines(), 1):
        for token in _TAG.findall(line):
            inner = token[2:-2].strip()
            if token.startswith("{#"):
                continue
            if token.startswith("{%"):
                word = inner.split(None, 1)[0] if inner else ""
                if skipping is not None:
                    skipping = None if word == skipping else skipping
                    continue
                if word in _SKIPPED_BLOCKS:
                    skipping = _SKIPPED_BLOCKS[word]
                    continue
                loop = _FOR.match(inner)
                if loop is not None:
                    _read(loop.group("iterable"), stack, line_number)
                    targets = tuple(t.strip() for t in loop.group("targets").split(",") if t.strip())
                    stack.append(_Loop(targets, loop.group("iterable"), line_number))
                    continue
                if word == "endfor" and stack:
                    _close(stack, found)
                    continue
            if skipping is None:
                _read(inner, stack, line_number)
    while stack:
        _close(stack, found)
    return found


def _read(expression: str, stack: list[_Loop], line: int) -> None:
    """Note the attribute paths ``expression`` reads of the items of the
    loops open around it (the innermost loop binding the name)."""
    for name, dotted in _REFERENCE.findall(expression):
        for loop in reversed(stack):
            if name in loop.targets and len(loop.targets) == 1:
                loop.reads.append(Read(tuple(dotted[1:].split(".")), line))
                break


def _close(stack: list[_Loop], found: dict[str, list[Read]]) -> None:
    """End the innermost loop: its reads become reads of the enclosing
    loop's item when it loops over one of that item's relations
    (``{% for v in p.variants.all %}``), else of the context name."""
    loop = stack.pop()
    head, _, rest = loop.iterable.partition(".")
    outer = next((o for o in reversed(stack) if head in o.targets and len(o.targets) == 1), None)
    if outer is not None and rest and len(stack) < NESTING_LIMIT:
        through = tuple(p for p in rest.split(".") if p not in MANAGER_READS)
        outer.reads.extend(Read((*through, *read.path), read.line) for read in loop.reads if through)
        return
    if outer is None and (not rest or rest in MANAGER_READS):
        found.setdefault(head, []).extend(attrs.evolve(read, item=loop.targets[0]) for read in loop.reads)


@attrs.frozen
class ListView:
    """A Django list view: its template, the context names its rows go by,
    the rows and where they are chosen (where a finding goes)."""

    template: str
    names: tuple[str, ...]
    rows: dbcalls.Rows
    rows_at: nodes.NodeNG
    whole_model: bool  # ``model = M``: every row of M


#: Calls that render a template with a context: (index of the name, index of the context).
#: Render calls: (position of the template name, position of the context
#: dict, or None when the context is the call's keywords).
RENDERERS = {
    "django.shortcuts.render": (1, 2),
    "django.template.loader.render_to_string": (0, 1),
    "django.template.response.TemplateResponse": (1, 2),
    "flask.render_template": (0, None),
    "flask.templating.render_template": (0, None),
}
#: Decorators whose ``renderer="x.html"`` renders the dict the view returns.
RENDERER_DECORATORS = frozenset({"pyramid.view.view_config", "pyramid.view.view_defaults"})
TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja2", ".jinja", ".j2", ".txt")

Context = list[tuple[str, nodes.NodeNG]]


def rendered(call: nodes.Call, ctx) -> tuple[str, Context] | None:
    """(template name, context) of ``render(request, "list.html", {...})``
    (a literal context dict, also bound to a name) or Flask's
    ``render_template("list.html", products=rows)``: a literal name."""
    found = ctx.resolve(call)
    where = RENDERERS.get(found.qualname) if found is not None else None
    if where is None:
        return None
    name = call.args[where[0]] if len(call.args) > where[0] else bindings.keyword_arg(call, "template_name")
    if not (isinstance(name, nodes.Const) and isinstance(name.value, str)):
        return None
    if where[1] is None:
        return name.value, [(keyword.arg, keyword.value) for keyword in call.keywords or () if keyword.arg]
    context = call.args[where[1]] if len(call.args) > where[1] else bindings.keyword_arg(call, "context")
    if isinstance(context, nodes.Name):
        context = infer.bound_value(context)
    return (name.value, _literal_items(context)) if isinstance(context, nodes.Dict) else None


def rendered_by_decorator(function: nodes.FunctionDef, ctx) -> tuple[str, Context] | None:
    """(template name, context) of a Pyramid view whose decorator names a
    template renderer (``@view_config(renderer="accounts/profile.html")``)
    and that returns a literal dict: the keys of every such ``return``."""
    name = None
    for decorator in function.decorators.nodes if function.decorators else ():
        found = ctx.resolve(decorator) if isinstance(decorator, nodes.Call) else None
        renderer = bindings.keyword_arg(decorator, "renderer") if found is not None \
            and found.qualname in RENDERER_DECORATORS else None
        if isinstance(renderer, nodes.Const) and isinstance(renderer.value, str) \
                and renderer.value.endswith(TEMPLATE_SUFFIXES):
            name = renderer.value.rpartition(":")[2].removeprefix("templates/")  # "pkg:templates/x.html"
    if name is None:
        return None
    context = [item for node in infer.own_nodes(function, nodes.Return) if isinstance(node.value, nodes.Dict)
               for item in _literal_items(node.value)]
    return (name, context) if context else None


def _literal_items(context: nodes.Dict) -> Context:
    return [(key.value, value) for key, value in context.items
            if isinstance(key, nodes.Const) and isinstance(key.value, str)]


def list_view(klass: nodes.ClassDef, ctx) -> ListView | None:
    """``class ProductList(ListView)`` with ``model``/``queryset``/
    ``get_queryset`` and ``template_name`` (or Django's default
    ``<app>/<model>_list.html``), through project base classes."""
    lineage = models.class_lineage(klass)
    if not models.class_base_names(klass) & LIST_VIEWS:
        return None
    chosen = listings.view_rows(lineage, ctx)
    if chosen is None or chosen[1] is None:
        return None  # not read, or eager loads computed at run time
    rows_at, eager = chosen
    described = dbcalls.describe(rows_at, ctx) if isinstance(rows_at, nodes.Call) else None
    model = described.model if described is not None else models.model_of(rows_at, ctx)
    if not model:
        return None
    rows = dbcalls.Rows(rows_at, "django", Evidence.INFERRED, model, dbcalls.Statement(
        model, described.whole_rows if described is not None else True, eager, False, False))
    model_name = rows.model.rpartition(".")[2].lower()
    template = _class_constant(lineage, "template_name")
    if template is None:
        app = klass.root().name.partition(".")[0]
        template = f"{app}/{model_name}_list.html"
    names = ["object_list", f"{model_name}_list"]
    context_name = _class_constant(lineage, "context_object_name")
    if context_name:
        names.append(context_name)
    return ListView(template, tuple(names), rows, rows_at, described is None)


def _class_constant(lineage: list[nodes.ClassDef], name: str) -> str | None:
    for owner in lineage:
        for assigned in owner.locals.get(name, ()):
            statement = assigned.parent
            if isinstance(statement, (nodes.Assign, nodes.AnnAssign)) and isinstance(statement.value, nodes.Const) \
                    and isinstance(statement.value.value, str):
                return statement.value.value
    return None
