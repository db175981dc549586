"""List endpoints whose framework serializes or renders every row, and
what each row costs.

A Django REST framework list endpoint (``ListAPIView``, ``ModelViewSet``,
``ReadOnlyModelViewSet``, a view on ``ListModelMixin``, or a generic view
defining ``list``) serializes every row of its queryset with its serializer
class; a django-tables2 ``SingleTableView``/``SingleTableMixin`` view renders
every row with its table class: loops the framework runs. :func:`list_endpoint`
finds the queryset (the ``queryset`` attribute or what ``get_queryset``
returns, through project base classes; for a table view also ``model = M``),
the eager loads on it and the serializer or table class
(``serializer_class``/``table_class``, or the one class
``get_serializer_class`` returns).

:meth:`ListEndpoint.reads` lists what the serializer or table reads of each
row that costs a query unless the queryset loads it eagerly, each as the
relation path ``select_related``/``prefetch_related`` would load. A serializer
reads:

* a nested serializer on a relation (``author = AuthorSerializer()``,
  ``tags = TagSerializer(many=True)``), and what that serializer reads in
  turn (to :data:`NESTING_LIMIT` levels);
* a dotted ``source="author.name"``, or a model property or method the
  ``source`` names whose summary queries;
* ``StringRelatedField``/``SlugRelatedField`` on a relation, and any related
  field with ``many=True`` (a single ``PrimaryKeyRelatedField`` or
  ``HyperlinkedRelatedField`` reads the ``<fk>_id`` column only);
* many-relations listed in ``Meta.fields`` (``"__all__"``: the model's
  many-to-many fields), and every relation listed when ``Meta.depth`` is set;
* a ``SerializerMethodField`` whose ``get_<name>(self, obj)`` reads
  ``obj.<relation>`` (not ``obj.<fk>_id``), calls a model method or
  property whose summary queries, or queries itself (unless a
  ``Meta.list_serializer_class`` of the project computes it for the list).

A table reads the relations its columns' accessors walk (``accessor="author.name"``,
``"author__name"``, a column or ``Meta.fields`` entry naming a foreign key,
whose text is the related row's ``str()``), and what ``render_<column>``
methods read of ``record``.

Neither framework need be installed: classes are recognised by the
qualified names of their bases as imported (``rest_framework.viewsets.ModelViewSet``,
``django_tables2.SingleTableView``).
"""

from __future__ import annotations

import attrs
from astroid import nodes

from persistlint.context import bindings, dbcalls, infer, models, summaries

#: Views whose ``list`` serializes every row of the queryset.
LIST_VIEWS = frozenset({
    "rest_framework.generics.ListAPIView", "rest_framework.generics.ListCreateAPIView",
    "rest_framework.viewsets.ModelViewSet", "rest_framework.viewsets.ReadOnlyModelViewSet",
    "rest_framework.mixins.ListModelMixin",
})
#: Views that list rows only when the project defines ``list``.
GENERIC_VIEWS = frozenset({
    "rest_framework.generics.GenericAPIView", "rest_framework.viewsets.GenericViewSet",
})
SERIALIZERS = frozenset({
    "rest_framework.serializers.Serializer", "rest_framework.serializers.ModelSerializer",
    "rest_framework.serializers.HyperlinkedModelSerializer", "rest_framework.serializers.BaseSerializer",
})
_FIELDS = "rest_framework."  # serializers, fields, relations
#: Related fields that read the related row even for a single relation.
RELATED_ROW_READERS = frozenset({"StringRelatedField", "SlugRelatedField"})
#: Related fields that read the ``<fk>_id`` column only for a single relation.
PK_ONLY_FIELDS = frozenset({"PrimaryKeyRelatedField", "HyperlinkedRelatedField", "RelatedField",
                            "ManyRelatedField"})
NESTING_LIMIT = 3
#: django-tables2 views that render every row of their queryset with ``table_class``.
TABLE_VIEWS = frozenset({
    "django_tables2.SingleTableView", "django_tables2.SingleTableMixin",
    "django_tables2.views.SingleTableView", "django_tables2.views.SingleTableMixin",
})
_TABLES = "django_tables2."


@attrs.frozen
class RowRead:
    """One per-row read of a serializer: ``path`` the relation path the
    queryset would have to load (``("custom_fields", "field")``); ``chain``
    the serializer fields and calls that lead to it, for messages."""

    path: tuple[str, ...]
    chain: tuple[str, ...]
    many: bool


@attrs.frozen
class ListEndpoint:
    """A view that serializes every row of ``queryset`` with ``serializer``;
    ``eager``: the relations the queryset loads eagerly, None when they
    cannot be read (computed prefetch lists)."""

    view: nodes.ClassDef
    queryset: nodes.NodeNG
    model: str | None
    eager: frozenset[str] | None
    reader: nodes.ClassDef  # the serializer or table class
    null: frozenset[str] = frozenset()  # relations the queryset filters to be empty (``parent__isnull=True``)

    def reads(self, ctx) -> list[RowRead]:
        """What the serializer or table reads of each row that costs a query."""
        if is_serializer(self.reader):
            return row_reads(self.reader, self.model, ctx)
        return table_reads(self.reader, self.model, ctx)

    def loads_per_row(self, read: RowRead) -> bool:
        """Whether a read costs one query per row of this endpoint."""
        if read.path and read.path[0] in self.null:
            return False  # ``obj.parent`` on rows filtered by ``parent__isnull=True`` is None, no query
        return self.eager is not None and unloaded(read, self.eager)


def is_serializer(klass: nodes.NodeNG) -> bool:
    return isinstance(klass, nodes.ClassDef) and not models.class_base_names(klass).isdisjoint(SERIALIZERS)


def list_endpoint(klass: nodes.ClassDef, ctx) -> ListEndpoint | None:
    names = models.class_base_names(klass)
    lineage = models.class_lineage(klass)
    if not names.isdisjoint(TABLE_VIEWS):
        reader = _table_class(lineage)
        found = view_rows(lineage, ctx)
    elif not names.isdisjoint(LIST_VIEWS) or (
            not names.isdisjoint(GENERIC_VIEWS) and _defined(lineage, "list") is not None):
        reader = _serializer_class(lineage)
        found = _queryset(lineage, ctx)
    else:
        return None
    if reader is None or found is None:
        return None
    queryset, eager = found
    model = _meta_model(reader) or dbcalls.describe(queryset, ctx).model
    return ListEndpoint(klass, queryset, model, eager, reader, _null_relations(queryset))


def _table_class(lineage: list[nodes.ClassDef]) -> nodes.ClassDef | None:
    """``table_class``, unless the view builds its rows itself (``get_table_data``)."""
    if isinstance(_defined(lineage, "get_table_data"), nodes.FunctionDef):
        return None
    value = _defined(lineage, "table_class")
    klass = infer.infer_one(value) if value is not None else None
    return klass if isinstance(klass, nodes.ClassDef) and _is_table(klass) else None


def _is_table(klass: nodes.ClassDef) -> bool:
    return any(name.startswith(_TABLES) and name.endswith("Table") for name in models.class_base_names(klass))


def view_rows(lineage: list[nodes.ClassDef], ctx) -> tuple[nodes.NodeNG, frozenset[str] | None] | None:
    """The rows a Django class-based list view lists (``queryset``,
    ``get_queryset`` or ``model``) and their eager loads (None: computed,
    not readable): where the framework's per-row loop starts."""
    if _defined(lineage, "get_queryset") or _defined(lineage, "queryset"):
        return _queryset(lineage, ctx)
    return _model_rows(lineage)


def _model_rows(lineage: list[nodes.ClassDef]) -> tuple[nodes.NodeNG, frozenset[str]] | None:
    """``model = M`` on a list view: the rows of ``M.objects.all()``, nothing loaded eagerly."""
    value = _defined(lineage, "model")
    return (value, frozenset()) if isinstance(value, (nodes.Name, nodes.Attribute)) else None


def _defined(lineage: list[nodes.ClassDef], name: str) -> nodes.NodeNG | None:
    """The nearest definition of a class attribute or method in the project
    lineage: the assigned value, or the function."""
    for owner in lineage:
        for defined in owner.locals.get(name, []):
            if isinstance(defined, nodes.FunctionDef):
                return defined
            if isinstance(defined, nodes.AssignName) and isinstance(defined.parent, (nodes.Assign, nodes.AnnAssign)):
                return defined.parent.value
    return None


def _serializer_class(lineage: list[nodes.ClassDef]) -> nodes.ClassDef | None:
    """``serializer_class``, or the one serializer class ``get_serializer_class``
    returns (``self.serializer_class`` counting as that; a class looked up at
    run time, as for a brief mode, is left out)."""
    value = _defined(lineage, "serializer_class")
    attribute = infer.infer_one(value) if value is not None else None
    attribute = attribute if is_serializer(attribute) else None
    defined = _defined(lineage, "get_serializer_class")
    if not isinstance(defined, nodes.FunctionDef):
        return attribute
    returned = {}
    for node in infer.own_nodes(defined, nodes.Return):
        if isinstance(node.value, nodes.Attribute) and node.value.attrname == "serializer_class":
            klass = attribute
        else:
            klass = infer.infer_one(node.value) if node.value is not None else None
        if is_serializer(klass):
            returned[id(klass)] = klass
    return next(iter(returned.values())) if len(returned) == 1 else None


def _queryset(lineage: list[nodes.ClassDef], ctx) -> tuple[nodes.NodeNG, frozenset[str] | None] | None:
    """The queryset expression the rows come from and its eager loads."""
    attribute = _defined(lineage, "queryset")
    method = _defined(lineage, "get_queryset")
    if isinstance(method, nodes.FunctionDef):
        returned = _normal_return(method)
        if returned is None:
            return None
        eager = _eager(returned)
        if _starts_from_view(returned):  # the fix goes on the ``queryset`` attribute, when there is one
            base = _eager(attribute) if attribute is not None else frozenset()
            return attribute or returned, None if eager is None or base is None else eager | base
        if dbcalls.describe(returned, ctx).model is None:
            return None  # not a queryset we can read (a project helper's result)
        return returned, eager
    if attribute is None or isinstance(attribute, nodes.Const):
        return None
    return attribute, _eager(attribute)


def _normal_return(function: nodes.FunctionDef) -> nodes.NodeNG | None:
    """What a function returns on its normal path: its one ``return``, or
    the one that ends its body after early returns (``if self.brief:
    return ...``)."""
    returns = [r.value for r in infer.own_nodes(function, nodes.Return) if r.value is not None]
    if len(returns) == 1:
        return returns[0]
    last = function.body[-1] if function.body else None
    return last.value if isinstance(last, nodes.Return) else None


def _starts_from_view(expr: nodes.NodeNG) -> bool:
    """``super().get_queryset()...`` or ``self.queryset...``."""
    for part in [*bindings.chain_calls(expr), expr]:
        func = part.func if isinstance(part, nodes.Call) else part
        if isinstance(func, nodes.Attribute) and func.attrname in {"get_queryset", "queryset"} \
                and (isinstance(func.expr, nodes.Call) or (isinstance(func.expr, nodes.Name)
                                                           and func.expr.name == "self")):
            return True
    return False


def _eager(expr: nodes.NodeNG | None) -> frozenset[str] | None:
    """The relations a queryset chain loads eagerly; None when an eager
    option takes paths it computes (``prefetch_related(*self.prefetches())``)."""
    for part in bindings.chain_calls(expr) if expr is not None else ():
        func = part.func
        if not (isinstance(func, nodes.Attribute) and func.attrname in {"select_related", "prefetch_related"}):
            continue
        if func.attrname == "select_related" and not part.args:
            return None  # every non-null foreign key
        for arg in part.args:
            if not (isinstance(arg, nodes.Const) or (isinstance(arg, nodes.Call) and arg.args
                                                     and isinstance(arg.args[0], nodes.Const))
                    or (isinstance(arg, nodes.Starred) and _literal_list(arg.value))):
                return None
    return frozenset(dbcalls.eager_paths_of(expr)) if expr is not None else frozenset()


def _null_relations(expr: nodes.NodeNG) -> frozenset[str]:
    """Relations a queryset chain keeps empty: ``filter(parent__isnull=True)``,
    ``filter(parent=None)``."""
    found = set()
    for part in bindings.chain_calls(expr):
        if isinstance(part.func, nodes.Attribute) and part.func.attrname == "filter":
            for keyword in part.keywords or ():
                if not (keyword.arg and isinstance(keyword.value, nodes.Const)):
                    continue
                if keyword.arg.endswith("__isnull") and keyword.value.value is True:
                    found.add(keyword.arg.removesuffix("__isnull"))
                elif keyword.value.value is None and "__" not in keyword.arg:
                    found.add(keyword.arg)
    return frozenset(found)


def _literal_list(expr: nodes.NodeNG) -> bool:
    """A name bound only to list or tuple literals (``prefetch_related(*FIELDS)``)."""
    if not isinstance(expr, nodes.Name):
        return False
    try:
        _, assignments = expr.lookup(expr.name)
    except Exception:  # noqa: BLE001 - astroid lookup on odd code
        return False
    values = [a.parent.value if isinstance(a.parent, (nodes.Assign, nodes.AnnAssign)) else None
              for a in assignments]
    return bool(values) and all(isinstance(v, (nodes.List, nodes.Tuple)) for v in values)


def _meta(serializer: nodes.ClassDef) -> nodes.ClassDef | None:
    for owner in infer.class_lineage(serializer):
        meta = next((m for m in owner.locals.get("Meta", []) if isinstance(m, nodes.ClassDef)), None)
        if meta is not None:
            return meta
    return None


def _meta_value(serializer: nodes.ClassDef, name: str) -> nodes.NodeNG | None:
    meta = _meta(serializer)
    for defined in meta.locals.get(name, []) if meta is not None else ():
        if isinstance(defined, nodes.AssignName) and isinstance(defined.parent, nodes.Assign):
            return defined.parent.value
    return None


def _meta_model(serializer: nodes.ClassDef) -> str | None:
    value = _meta_value(serializer, "model")
    if value is None:
        return None
    klass = infer.infer_one(value)
    return klass.qname() if isinstance(klass, nodes.ClassDef) else models.model_of(value, None)


def _declared_fields(serializer: nodes.ClassDef) -> dict[str, nodes.Call]:
    """Field name -> the call declaring it, nearest class first."""
    found: dict[str, nodes.Call] = {}
    for owner in infer.class_lineage(serializer):
        for statement in owner.body:
            if isinstance(statement, nodes.Assign) and isinstance(statement.value, nodes.Call):
                for target in statement.targets:
                    if isinstance(target, nodes.AssignName):
                        found.setdefault(target.name, statement.value)
    return found


def _meta_fields(serializer: nodes.ClassDef, relations: dict[str, dict]) -> list[str]:
    value = _meta_value(serializer, "fields")
    if isinstance(value, nodes.Const) and value.value == "__all__":
        return [name for name, rel in relations.items() if not rel.get("via")]
    if isinstance(value, (nodes.List, nodes.Tuple)):
        return [e.value for e in value.elts if isinstance(e, nodes.Const) and isinstance(e.value, str)]
    return []


def row_reads(serializer: nodes.ClassDef, model: str | None, ctx, depth: int = 0) -> list[RowRead]:
    """What ``serializer`` reads of one row of ``model`` that costs a query."""
    if depth > NESTING_LIMIT or not model:
        return []
    relations = models.relationships(model, ctx)
    name = serializer.name
    found: list[RowRead] = []
    declared = _declared_fields(serializer)
    batched = _meta_value(serializer, "list_serializer_class") is not None
    for field, call in declared.items():
        reads = _field_reads(serializer, field, call, model, relations, ctx, depth)
        # a list serializer of the project's own computes per-list values once for all rows
        found.extend(read for read in reads if read.path or not batched)
    nesting = _meta_value(serializer, "depth")
    nested = isinstance(nesting, nodes.Const) and isinstance(nesting.value, int) and nesting.value > 0
    for field in _meta_fields(serializer, relations):
        relation = relations.get(field)
        if field in declared or relation is None:
            continue
        if nested or relation.get("uselist"):
            how = "Meta.depth" if nested else "Meta.fields"
            found.append(RowRead((field,), (f"{name}.{field} ({how})",), bool(relation.get("uselist"))))
    return found


def _field_reads(serializer, field: str, call: nodes.Call, model: str, relations: dict, ctx,
                 depth: int) -> list[RowRead]:
    name = serializer.name
    keywords = {k.arg: k.value for k in call.keywords or () if k.arg}
    source = keywords.get("source")
    source = source.value if isinstance(source, nodes.Const) and isinstance(source.value, str) else field
    many = isinstance(keywords.get("many"), nodes.Const) and keywords["many"].value is True
    head, _, rest = source.partition(".")
    relation = relations.get(head)
    kind = infer.infer_one(call.func)
    leaf = _field_kind(call, kind)
    if leaf == "SerializerMethodField":
        method = keywords.get("method_name")
        method = method.value if isinstance(method, nodes.Const) else f"get_{field}"
        return _method_reads(serializer, method, model, relations, ctx)
    if relation is None and head != "*":  # a model property or method (``source="l2vpn_termination"``)
        qualname = (ctx.project.model_named(model) or {}).get("qualname") or model
        member = summaries.summary_of(f"{qualname}.{head}", ctx)
        if member is not None:
            return _summary_reads(member, (f"{name}.{field}", head), "self", ctx)
    if is_serializer(kind):
        if relation is None:
            return []
        label = f"{name}.{field} ({kind.name})"
        many = many or bool(relation.get("uselist"))
        reads = [RowRead((head,), (label,), many)]
        for inner in row_reads(kind, relation.get("target"), ctx, depth + 1):
            reads.append(RowRead((head, *inner.path), (label, *inner.chain), many or inner.many))
        return reads
    if relation is None:
        return []
    if rest and rest != "pk" and not rest.endswith("_id") or rest.partition(".")[2]:
        return [RowRead((head,), (f"{name}.{field} (source='{source}')",), bool(relation.get("uselist")))]
    if leaf in RELATED_ROW_READERS or (leaf in PK_ONLY_FIELDS and (many or relation.get("uselist"))):
        return [RowRead((head,), (f"{name}.{field} ({leaf})",), bool(relation.get("uselist")))]
    return []


def _field_kind(call: nodes.Call, klass: nodes.NodeNG | None) -> str:
    """The REST framework field class a field call makes, by its short name
    (``SerializerMethodField``), also for a project subclass of one."""
    imported = infer.dotted_import(call.func) or ""
    if imported.startswith(_FIELDS):
        return imported.rpartition(".")[2]
    if isinstance(klass, nodes.ClassDef):
        framework = {n.rpartition(".")[2] for n in models.class_base_names(klass) if n.startswith(_FIELDS)}
        return "SerializerMethodField" if "SerializerMethodField" in framework \
            else min(framework, default="")
    return ""


def _method_reads(serializer: nodes.ClassDef, method_name: str, model: str, relations: dict,
                  ctx, row_param: str | None = None) -> list[RowRead]:
    """What a method handed the row (``get_x(self, obj)``; ``row_param`` by
    name, ``render_x(self, value, record)``) reads of it that costs a query."""
    method = _defined(infer.class_lineage(serializer), method_name)
    params = [p.name for p in method.args.arguments] if isinstance(method, nodes.FunctionDef) else []
    if row_param is not None:
        if row_param not in params:
            return []
        obj = row_param
    elif len(params) >= 2:
        obj = params[1]
    else:
        return []
    label = f"{serializer.name}.{method_name}"
    found: list[RowRead] = []
    model_qualname = (ctx.project.model_named(model) or {}).get("qualname") or model
    for attribute in infer.own_nodes(method, nodes.Attribute):
        if not (isinstance(attribute.expr, nodes.Name) and attribute.expr.name == obj):
            continue
        relation = relations.get(attribute.attrname)
        if relation is not None and models.is_lazy(relation):
            found.append(RowRead((attribute.attrname,), (label, f"{obj}.{attribute.attrname}"),
                                 bool(relation.get("uselist"))))
            continue
        member = summaries.summary_of(f"{model_qualname}.{attribute.attrname}", ctx)
        found.extend(_summary_reads(member, (label, f"{obj}.{attribute.attrname}"), "self", ctx))
    own = summaries.summary_of(method.qname(), ctx)
    found.extend(_summary_reads(own, (label,), obj, ctx))
    return found


def _summary_reads(summary, chain: tuple[str, ...], row: str, ctx) -> list[RowRead]:
    """The queries a project function runs, as row reads: a relation of
    ``row`` (answered by an eager load), or any other query (answered by
    none: the empty path)."""
    if summary is None or summary.reach("query", error_paths=False) is None:
        return []
    paths, more = summaries.queries_through(summary, ctx.project.functions)
    found = []
    for path in paths:
        names = tuple(q.rpartition(".")[2] for q in path.chain[1:])
        what = (*chain, *names, path.operation.what)
        if path.operation.relation and path.origin == row:
            found.append(RowRead((path.operation.relation,), what, True))
        elif not path.operation.relation:
            found.append(RowRead((), what, True))
    if more and not found:
        found.append(RowRead((), (*chain, "queries"), True))
    return found


def table_reads(table: nodes.ClassDef, model: str | None, ctx) -> list[RowRead]:
    """What a django-tables2 table reads of one row of ``model`` that costs
    a query: the relations its columns' accessors walk, and what its
    ``render_<column>`` methods read of ``record``."""
    if not model:
        return []
    relations = models.relationships(model, ctx)
    columns: dict[str, str] = {}
    for name, call in _declared_fields(table).items():
        kind = infer.infer_one(call.func)
        imported = infer.dotted_import(call.func) or ""
        if not (imported.startswith(_TABLES) or (isinstance(kind, nodes.ClassDef) and any(
                n.startswith(_TABLES) for n in models.class_base_names(kind)))):
            continue
        accessor = bindings.keyword_arg(call, "accessor")
        if isinstance(accessor, nodes.Call) and accessor.args:  # A("author__name")
            accessor = accessor.args[0]
        columns[name] = accessor.value if isinstance(accessor, nodes.Const) and isinstance(accessor.value, str) \
            else name
    fields = _meta_value(table, "fields")
    excluded = _meta_value(table, "exclude")
    skip = {e.value for e in excluded.elts if isinstance(e, nodes.Const)} \
        if isinstance(excluded, (nodes.List, nodes.Tuple)) else set()
    for element in fields.elts if isinstance(fields, (nodes.List, nodes.Tuple)) else ():
        if isinstance(element, nodes.Const) and isinstance(element.value, str) and element.value not in skip:
            columns.setdefault(element.value, element.value)
    found = []
    for name, accessor in columns.items():
        path, many = _accessor_path(accessor, model, ctx)
        if path:
            found.append(RowRead(path, (f"{table.name}.{name} (accessor '{accessor}')",), many))
        if any(f.name == f"render_{name}" for f in table.mymethods()):
            found.extend(_method_reads(table, f"render_{name}", model, relations, ctx, row_param="record"))
    return found


def _accessor_path(accessor: str, model: str, ctx) -> tuple[tuple[str, ...], bool]:
    """The relations an accessor walks (``author__country__name`` ->
    ``("author", "country")``) and whether one is a collection."""
    path: list[str] = []
    many = False
    current: str | None = model
    for step in accessor.replace(".", "__").split("__"):
        relation = models.relationships(current, ctx).get(step)
        if relation is None or not models.is_lazy(relation):
            break
        path.append(step)
        many = many or bool(relation.get("uselist"))
        current = relation.get("target")
    return tuple(path), many


def unloaded(read: RowRead, eager: frozenset[str]) -> bool:
    """Whether the eager loads of the rows leave a read to one query per row."""
    return not read.path or any(step not in eager for step in read.path)
