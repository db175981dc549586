"""The ORM model registry and the session, engine and pool settings.

Models (``models``) are read from class definitions, with astroid's view of
their ancestors so that mixins and inherited models count:

* SQLAlchemy declarative classes (``DeclarativeBase`` subclasses,
  ``declarative_base()`` bases, Flask-SQLAlchemy's ``db.Model``):
  ``Column(...)``, ``mapped_column(...)``, bare ``Mapped[...]`` annotations,
  ``relationship(...)`` (with its ``lazy`` strategy and ``backref``),
  ``__tablename__`` / ``__table__`` / ``declared_attr``;
* SQLModel classes declared with ``table=True`` (annotated fields,
  ``Relationship(sa_relationship_kwargs={"lazy": ...})``);
* Django models (fields, ``ForeignKey``/``OneToOneField``/``ManyToManyField``
  and their reverse accessors, ``Meta.db_table``/``abstract``/``app_label``).

Each model is ``{"qualname", "path", "line", "table", "columns",
"column_names", "relationships": {name: {"target", "lazy", "uselist"}},
"orm", "foreign_key_tables", "foreign_keys": {attribute: table}}``, keyed
by the class name, or by the qualified name when two models share a class
name.

Settings (``db_settings``) come from the calls that create sessions and
engines: ``sessionmaker``/``async_sessionmaker``/``scoped_session``, direct
``Session(...)``/``AsyncSession(...)``, ``create_engine``/
``create_async_engine``, and Django's ``DATABASES``. Calls are recognised by
what they resolve to (inference over the stubs, import aliases as fallback),
never by the variable they are assigned to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import astroid
from astroid import nodes
from astroid.exceptions import AstroidError

from persistlint.context import FileContext, brain, infer

_SCAN_ERRORS = (AstroidError, RecursionError, AttributeError, TypeError, ValueError,
                KeyError, IndexError, StopIteration)

# ---------------------------------------------------------------- what calls are

SQLALCHEMY_COLUMN_CALLS = frozenset({
    "sqlalchemy.Column", "sqlalchemy.orm.mapped_column", "sqlalchemy.orm.deferred",
    "sqlalchemy.orm.column_property", "flask_sqlalchemy.SQLAlchemy.Column",
})
SQLALCHEMY_RELATIONSHIP_CALLS = frozenset({
    "sqlalchemy.orm.relationship", "sqlalchemy.orm.relation",
    "flask_sqlalchemy.SQLAlchemy.relationship",
})
SQLMODEL_RELATIONSHIP = "sqlmodel.Relationship"
SQLMODEL_BASE = "sqlmodel.SQLModel"
FLASK_SQLALCHEMY_MODEL = "flask_sqlalchemy.SQLAlchemy.Model"
_FLASK_SQLALCHEMY_HELPERS = frozenset({"Column", "relationship", "relation", "mapped_column"})
DJANGO_MODEL = "django.db.models.Model"
DJANGO_RELATIONS = {"ForeignKey": False, "OneToOneField": False, "ManyToManyField": True}
#: Field calls that are no column of the model's table.
DJANGO_NON_COLUMNS = frozenset({"ManyToManyField", "GenericRelation", "GenericForeignKey"})

SESSION_FACTORIES = {
    # qualname: (kind, is a factory rather than one session)
    "sqlalchemy.orm.sessionmaker": ("sync", True),
    "sqlalchemy.ext.asyncio.async_sessionmaker": ("async", True),
    "sqlalchemy.orm.Session": ("sync", False),
    "sqlmodel.Session": ("sync", False),
    "sqlalchemy.ext.asyncio.AsyncSession": ("async", False),
    "sqlmodel.ext.asyncio.session.AsyncSession": ("async", False),
}
SCOPED_SESSIONS = frozenset({"sqlalchemy.orm.scoped_session", "sqlalchemy.ext.asyncio.async_scoped_session"})
ENGINE_CALLS = {"sqlalchemy.create_engine": False, "sqlalchemy.ext.asyncio.create_async_engine": True}
#: Leaf names worth resolving when looking for those calls (plus whatever a
#: module imports them as).
_SETTINGS_LEAVES = frozenset(name.rpartition(".")[2] for name in
                             (*SESSION_FACTORIES, *SCOPED_SESSIONS, *ENGINE_CALLS))

POOL_KEYS = ("pool_size", "max_overflow", "pool_timeout", "pool_recycle", "pool_pre_ping", "poolclass")
#: SQLAlchemy's QueuePool defaults, for settings an engine does not give.
POOL_DEFAULTS = {"pool_size": 5, "max_overflow": 10, "pool_timeout": 30, "pool_recycle": -1,
                 "pool_pre_ping": False, "poolclass": None}
ENGINE_KEYS = (*POOL_KEYS, "isolation_level", "echo")

_URL_SCHEME = re.compile(r"^([a-z][a-z0-9]*)(?:\+([a-z0-9_]+))?://", re.I)
_COLLECTIONS = frozenset({"list", "List", "set", "Set", "frozenset", "FrozenSet", "Sequence",
                          "MutableSequence", "Collection", "Iterable", "tuple", "Tuple",
                          "WriteOnlyMapped", "DynamicMapped"})
_WRAPPERS = frozenset({"Optional", "Mapped", "Annotated", "ClassVar"})
#: ``lazy=True/False/None``, the pre-1.0 spellings of select/joined/noload.
_LEGACY_LAZY = {True: "select", False: "joined", None: "noload"}


def scan(file_contexts: list[FileContext]) -> tuple[dict, dict, list[str]]:
    """Return (models, db_settings, problems)."""
    return merge([scan_file(fctx) for fctx in file_contexts])


def scan_file(fctx: FileContext) -> dict[str, list]:
    """What one module declares: its model records, session factories,
    engines and Django database settings (plain JSON data, so the context
    build can keep it per module), and the problems met reading them."""
    part: dict[str, list] = {"records": [], "factories": [], "engines": [], "databases": [], "problems": []}
    try:
        part["records"].extend(_file_models(fctx))
        factories, engines = _file_settings(fctx)
        part["factories"].extend(factories)
        part["engines"].extend(engines)
        part["databases"].extend(_django_databases(fctx))
    except _SCAN_ERRORS as exc:
        part["problems"].append(f"{fctx.relpath}: cannot read models or database settings "
                                f"({exc.__class__.__name__})")
    return part


def merge(parts: list[dict[str, list]]) -> tuple[dict, dict, list[str]]:
    """The project's (models, db_settings, problems) from every module's
    :func:`scan_file`, in the modules' order."""
    records = [record for part in parts for record in part["records"]]
    factories = [found for part in parts for found in part["factories"]]
    engines = [found for key in ("engines", "databases") for part in parts for found in part[key]]
    models = _keyed(records)
    _complete_uselist(models)
    _add_reverse_relationships(models)
    return models, _settings(factories, engines), [problem for part in parts for problem in part["problems"]]


# ---------------------------------------------------------------- models

def _file_models(fctx: FileContext) -> Iterator[dict]:
    if fctx.source and "class " not in fctx.source:
        return  # cheap skip of generated data modules
    for klass in fctx.module.nodes_of_class(nodes.ClassDef):
        found = _model(klass, fctx)
        if found is not None:
            yield found


def _ancestors(klass: nodes.ClassDef) -> list[nodes.ClassDef]:
    """The class's ancestors in method resolution order (astroid's MRO,
    or its plain ancestor walk when the hierarchy is inconsistent)."""
    try:
        return klass.mro()[1:]
    except _SCAN_ERRORS:
        pass
    try:
        return list(klass.ancestors())
    except _SCAN_ERRORS:
        return []


def _declarative_mixins(classes: list[nodes.ClassDef]) -> list[nodes.ClassDef]:
    """``Base = declarative_base(cls=Mixin)``: the mixin (and its project
    ancestors) is an ancestor of every model on that base, which the base
    astroid builds does not show."""
    found: list[nodes.ClassDef] = []
    for klass in classes:
        for base in klass.bases:
            made = infer.bound_value(base) if isinstance(base, nodes.Name) else None
            if not isinstance(made, nodes.Call) or (_call_name(made) or "").rpartition(".")[2] != "declarative_base":
                continue
            mixin = next((infer.infer_one(k.value) for k in made.keywords or () if k.arg == "cls"), None)
            if isinstance(mixin, nodes.ClassDef) and not _library_class(mixin) and mixin not in found:
                found += [mixin, *(a for a in _ancestors(mixin) if not _library_class(a))]
    return [c for c in found if c not in classes]


def _library_class(klass: nodes.ClassDef) -> bool:
    top = klass.root().name.partition(".")[0]
    return top in brain.STUB_PACKAGES or top == "builtins" or top in brain.STDLIB_INFERRED


def class_lineage(klass: nodes.ClassDef) -> list[nodes.ClassDef]:
    """The class and the ancestors astroid sees, in method resolution order."""
    return [klass, *_ancestors(klass)]


def class_base_names(klass: nodes.ClassDef) -> set[str]:
    """Qualified names of a class's ancestors, with what bases of packages
    that are not installed are imported as (``rest_framework.viewsets.ModelViewSet``)."""
    return _base_names(klass, _ancestors(klass))


def _base_names(klass: nodes.ClassDef, ancestors: list[nodes.ClassDef]) -> set[str]:
    """Qualified names of every ancestor, plus what unresolvable bases are
    imported as (``db.Model`` of Flask-SQLAlchemy, bases of packages astroid
    does not read)."""
    names = {a.qname() for a in ancestors}
    for owner in (klass, *ancestors):
        for base in owner.bases:
            static = infer.dotted_import(base.value if isinstance(base, nodes.Subscript) else base)
            if static and static.partition(".")[0] in brain.STUB_PACKAGES:
                names.add(static)  # django.db.models.Model, sqlalchemy.orm.DeclarativeBase, ...
            elif isinstance(base, nodes.Attribute) and base.attrname == "Model" \
                    and is_flask_sqlalchemy(base.expr):
                names.add(FLASK_SQLALCHEMY_MODEL)
            elif static:
                names.add(static)
    return names


def is_flask_sqlalchemy(expr: nodes.NodeNG) -> bool:
    """Whether ``expr`` is the ``db = SQLAlchemy(app)`` object of
    Flask-SQLAlchemy (here or imported from the module that makes it)."""
    receiver = infer.resolve_type(expr)
    if receiver is None and isinstance(expr, nodes.Name):
        value = infer.bound_value(expr)
        receiver = infer.resolve_type(value) if value is not None else None
    return receiver is not None and receiver.qualname.startswith("flask_sqlalchemy.")


def _orm_of(klass: nodes.ClassDef, names: set[str]) -> str | None:
    if SQLMODEL_BASE in names:
        return "sqlmodel"
    if DJANGO_MODEL in names:
        return "django"
    if any(n.startswith(("sqlalchemy.orm.", "sqlalchemy.ext.declarative.", "flask_sqlalchemy."))
           for n in names):
        return "sqlalchemy"
    return None


def _declarative_decorator(klass: nodes.ClassDef) -> str | None:
    """``"base"`` for an ``@as_declarative()`` base, ``"mapped"`` for a class
    mapped by ``@registry.mapped`` / ``@registry.mapped_as_dataclass``."""
    for decorator in klass.decorators.nodes if klass.decorators else ():
        func = decorator.func if isinstance(decorator, nodes.Call) else decorator
        found = infer.resolve_callee(func)
        name = found.qualname if found else func.as_string()
        leaf = name.rpartition(".")[2]
        if leaf == "as_declarative" and name.startswith("sqlalchemy."):
            return "base"
        if leaf in {"mapped", "mapped_as_dataclass"}:
            return "mapped"
    return None


def _model(klass: nodes.ClassDef, fctx: FileContext) -> dict | None:
    if _declarative_decorator(klass) == "base":
        return None
    ancestors = _ancestors(klass)
    project_classes = [klass] + [a for a in ancestors if not _library_class(a)]
    project_classes += _declarative_mixins(project_classes)
    names = _base_names(klass, ancestors)
    orm = _orm_of(klass, names)
    if orm is None and (_declarative_decorator(klass) == "mapped" or any(
            _declarative_decorator(a) == "base" for a in project_classes[1:])):
        orm = "sqlalchemy"
    if orm is None and _own_value(klass, "__tablename__") is not None and _declares_sqlalchemy_columns(klass):
        orm = "sqlalchemy"  # a base astroid cannot see (registry.generate_base(), a vendored base)
    if orm is None and _declares_django_fields(klass) and _has_unseen_base(klass, ancestors):
        orm = "django"  # on a library base that is not installed (django_softdelete's SoftDeleteModel)
    if orm is None:
        return None
    if orm == "sqlmodel":
        if not _class_keyword_true(klass, "table"):
            return None
        table = _sqlalchemy_table(klass, project_classes) or klass.name.lower()
        fields = _collect(project_classes, _sqlmodel_attribute)
    elif orm == "django":
        meta = _django_meta(klass)
        if meta.get("abstract") is True:
            return None
        app_label = meta.get("app_label") or _django_app_label(klass.root().name)
        table = meta.get("db_table") or f"{app_label}_{klass.name.lower()}"
        fields = _collect(project_classes, _django_attribute)
        if not any(f.get("primary_key") for f in fields.values() if f["kind"] == "column"):
            fields = {"id": {"kind": "column", "column": "id"}, **fields}
    else:
        if _own_value(klass, "__abstract__") is True:
            return None
        table = _sqlalchemy_table(klass, project_classes)
        if table is None and FLASK_SQLALCHEMY_MODEL in names:
            table = _snake_case(klass.name)
        if table is None:
            return None  # the declarative base itself, or a mixin
        fields = _collect(project_classes, _sqlalchemy_attribute)
    columns = [f.get("column", name) for name, f in fields.items() if f["kind"] == "column"]
    relationships = {name: {k: v for k, v in f.items() if k not in {"kind", "column", "primary_key"}}
                     for name, f in fields.items() if f["kind"] == "relationship"}
    references = sorted({f["references"] for f in fields.values() if f.get("references")})
    return {
        "qualname": klass.qname(), "path": fctx.relpath, "line": klass.lineno, "table": table,
        "columns": len(columns), "column_names": columns, "relationships": relationships, "orm": orm,
        "foreign_key_tables": references,
        "foreign_keys": {name: f["references"] for name, f in fields.items() if f.get("references")},
    }


def _collect(classes: list[nodes.ClassDef], read) -> dict[str, dict]:
    """Attributes of a class and its project ancestors; the class nearest in
    the MRO defines a name."""
    fields: dict[str, dict] = {}
    for owner in classes:
        for name, found in read(owner):
            fields.setdefault(name, found)
    return fields


def _class_body(klass: nodes.ClassDef) -> Iterator[tuple[str, nodes.NodeNG | None, nodes.NodeNG | None]]:
    """``(name, value, annotation)`` of simple class-level assignments and
    of ``declared_attr`` methods (value: what they return)."""
    for statement in klass.body:
        if isinstance(statement, nodes.AnnAssign) and isinstance(statement.target, nodes.AssignName):
            yield statement.target.name, statement.value, statement.annotation
        elif isinstance(statement, nodes.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0], nodes.AssignName):
            yield statement.targets[0].name, statement.value, None
        elif isinstance(statement, nodes.FunctionDef) and _is_declared_attr(statement):
            returned = next((r.value for r in infer.own_nodes(statement, nodes.Return)), None)
            yield statement.name, returned, statement.returns


def _is_declared_attr(function: nodes.FunctionDef) -> bool:
    decorators = function.decorators.nodes if function.decorators else []
    return any("declared_attr" in d.as_string() for d in decorators)


def _own_value(klass: nodes.ClassDef, name: str) -> Any:
    for attribute, value, _ in _class_body(klass):
        if attribute == name and isinstance(value, nodes.Const):
            return value.value
    return None


def _class_keyword_true(klass: nodes.ClassDef, keyword: str) -> bool:
    return any(k.arg == keyword and isinstance(k.value, nodes.Const) and k.value.value is True
               for k in klass.keywords or ())


def _call_name(value: nodes.NodeNG | None) -> str | None:
    if not isinstance(value, nodes.Call):
        return None
    func = value.func
    if isinstance(func, nodes.Attribute) and func.attrname in _FLASK_SQLALCHEMY_HELPERS \
            and is_flask_sqlalchemy(func.expr):
        return f"flask_sqlalchemy.SQLAlchemy.{func.attrname}"  # db.Column(...), db.relationship(...)
    found = infer.resolve_call(value)
    return found.qualname if found else None


def _declares_sqlalchemy_columns(klass: nodes.ClassDef) -> bool:
    return any(_sqlalchemy_kind(_call_name(value)) == "column" for _, value, _ in _class_body(klass))


def _declares_django_fields(klass: nodes.ClassDef) -> bool:
    for _, value, _ in _class_body(klass):
        module, _, leaf = (_call_name(value) or "").rpartition(".")
        if module.startswith("django.db.models") and (leaf.endswith("Field") or leaf in DJANGO_RELATIONS):
            return True
    return False


def _has_unseen_base(klass: nodes.ClassDef, ancestors: list[nodes.ClassDef]) -> bool:
    """A base class (of the class or a project ancestor) that inference
    cannot find: a library that is not installed."""
    for owner in (klass, *(a for a in ancestors if not _library_class(a))):
        if any(infer.infer_one(base) is None for base in owner.bases):
            return True
    return False


def _sqlalchemy_kind(qualname: str | None) -> str | None:
    if qualname is None:
        return None
    leaf = qualname.rpartition(".")[2]
    library = qualname.startswith(("sqlalchemy.", "flask_sqlalchemy."))
    if qualname in SQLALCHEMY_COLUMN_CALLS or (library and leaf in {"Column", "mapped_column"}):
        return "column"
    if qualname in SQLALCHEMY_RELATIONSHIP_CALLS or (library and leaf in {"relationship", "relation"}):
        return "relationship"
    return None


def _sqlalchemy_attribute(owner: nodes.ClassDef) -> Iterator[tuple[str, dict]]:
    for name, value, annotation in _class_body(owner):
        if name.startswith("__"):
            continue
        kind = _sqlalchemy_kind(_call_name(value))
        if kind == "column":
            yield name, {"kind": "column", "references": _foreign_key_table(value)}
        elif kind == "relationship":
            yield name, _sqlalchemy_relationship(value, annotation)
        elif value is None and _annotation_head(annotation) == "Mapped":
            yield name, {"kind": "column"}  # ``x: Mapped[int]`` maps a column by itself
    table = next((value for name, value, _ in _class_body(owner) if name == "__table__"), None)
    if isinstance(table, nodes.Call):  # __table__ = Table("name", metadata, Column("id", ...), ...)
        for argument in table.args[1:]:
            if _sqlalchemy_kind(_call_name(argument)) == "column" and argument.args \
                    and isinstance(argument.args[0], nodes.Const):
                yield str(argument.args[0].value), {"kind": "column"}


def _foreign_key_table(column: nodes.Call) -> str | None:
    """The table a column's ``ForeignKey("customers.id")`` points at."""
    for argument in column.args:
        if isinstance(argument, nodes.Call) and argument.args \
                and (_call_name(argument) or "").rpartition(".")[2] == "ForeignKey":
            return _referenced_table(_literal(argument.args[0], None))
    return None


def _referenced_table(target: Any) -> str | None:
    """``"customers.id"`` -> ``"customers"`` (``"billing.customers.id"`` ->
    ``"billing.customers"``)."""
    return (target.rpartition(".")[0] or None) if isinstance(target, str) else None


def _sqlalchemy_relationship(call: nodes.Call, annotation: nodes.NodeNG | None) -> dict:
    keywords = {k.arg: k.value for k in call.keywords or () if k.arg}
    target = _target_name(call.args[0]) if call.args else None
    if target is None and "argument" in keywords:
        target = _target_name(keywords["argument"])
    if target is None:
        target = _annotation_target(annotation)
    # WriteOnlyMapped[...] / DynamicMapped[...] choose the loader by themselves
    implied = {"WriteOnlyMapped": "write_only", "DynamicMapped": "dynamic"}.get(_annotation_head(annotation))
    lazy = _literal(keywords.get("lazy"), implied or "select")
    if not isinstance(lazy, str):
        lazy = _LEGACY_LAZY.get(lazy, "select")
    uselist = _literal(keywords.get("uselist"), None) if "uselist" in keywords else _annotation_uselist(annotation)
    if uselist is None and ("secondary" in keywords or lazy in {"dynamic", "write_only"}):
        uselist = True  # many-to-many, or a collection loaded as a query
    found = {"kind": "relationship", "target": target, "lazy": lazy, "uselist": uselist}
    if "secondary" in keywords:
        found["secondary"] = True
    backref = keywords.get("backref")
    if backref is not None:
        found["backref"] = _backref(backref)
    back_populates = _literal(keywords.get("back_populates"), None)
    if isinstance(back_populates, str):
        found["back_populates"] = back_populates
    return found


def _backref(value: nodes.NodeNG) -> dict | None:
    """``backref="orders"`` or ``backref=backref("orders", lazy="selectin")``."""
    if isinstance(value, nodes.Const) and isinstance(value.value, str):
        return {"name": value.value, "lazy": "select"}
    if isinstance(value, nodes.Call) and value.args and isinstance(value.args[0], nodes.Const):
        keywords = {k.arg: k.value for k in value.keywords or () if k.arg}
        return {"name": value.args[0].value, "lazy": _literal(keywords.get("lazy"), "select")}
    return None


def _sqlalchemy_table(klass: nodes.ClassDef, classes: list[nodes.ClassDef]) -> str | None:
    """``__tablename__`` of the class or the nearest project ancestor (single
    table inheritance), ``__table__ = Table("name", ...)``, or a
    ``declared_attr`` that derives it from the class name."""
    for owner in classes:
        for name, value, _ in _class_body(owner):
            if name == "__tablename__":
                return _tablename_value(value, klass)
            if name == "__table__" and isinstance(value, nodes.Call) and value.args \
                    and isinstance(value.args[0], nodes.Const):
                return str(value.args[0].value)
    return None


def _tablename_value(value: nodes.NodeNG | None, klass: nodes.ClassDef) -> str | None:
    if isinstance(value, nodes.Const) and isinstance(value.value, str):
        return value.value
    parts = value.values if isinstance(value, nodes.JoinedStr) else [value] if value is not None else []
    while any(isinstance(p, nodes.BinOp) and p.op == "+" for p in parts):  # cls.__name__.lower() + "s"
        parts = [q for p in parts for q in ([p.left, p.right] if isinstance(p, nodes.BinOp) and p.op == "+"
                                            else [p])]
    text = []
    for part in parts:
        if isinstance(part, nodes.Const):
            text.append(str(part.value))
        elif "__name__" in part.as_string():
            name = klass.name.lower() if ".lower()" in part.as_string() else klass.name
            text.append(name)
        else:
            return None
    return "".join(text) or None


def _sqlmodel_attribute(owner: nodes.ClassDef) -> Iterator[tuple[str, dict]]:
    for statement in owner.body:
        if not (isinstance(statement, nodes.AnnAssign) and isinstance(statement.target, nodes.AssignName)):
            continue
        name = statement.target.name
        if name.startswith("_") or name == "model_config" or _annotation_head(statement.annotation) == "ClassVar":
            continue
        if _call_name(statement.value) == SQLMODEL_RELATIONSHIP:
            keywords = {k.arg: k.value for k in statement.value.keywords or () if k.arg}
            options = _literal(keywords.get("sa_relationship_kwargs"), {})
            lazy = options.get("lazy", "select") if isinstance(options, dict) else "select"
            found = {"kind": "relationship", "target": _annotation_target(statement.annotation),
                     "lazy": lazy, "uselist": _annotation_uselist(statement.annotation, default=False)}
            back_populates = _literal(keywords.get("back_populates"), None)
            if isinstance(back_populates, str):
                found["back_populates"] = back_populates
            yield name, found
        else:
            keywords = {k.arg: k.value for k in statement.value.keywords or () if k.arg} \
                if isinstance(statement.value, nodes.Call) else {}
            yield name, {"kind": "column",  # Field(foreign_key="team.id")
                         "references": _referenced_table(_literal(keywords.get("foreign_key"), None))}


def _django_attribute(owner: nodes.ClassDef) -> Iterator[tuple[str, dict]]:
    for name, value, _ in _class_body(owner):
        qualname = _call_name(value)
        if qualname is None or name.startswith("_"):
            continue
        module, _, leaf = qualname.rpartition(".")
        if not (module.startswith("django.") or module.endswith(".fields")) or \
                not (leaf.endswith("Field") or leaf in DJANGO_RELATIONS or leaf in DJANGO_NON_COLUMNS):
            continue
        keywords = {k.arg: k.value for k in value.keywords or () if k.arg}
        if leaf in DJANGO_RELATIONS:
            target = _target_name(value.args[0]) if value.args else _target_name(keywords.get("to"))
            if target == "self":
                target = owner.name
            related_name = _literal(keywords.get("related_name"), None)
            found = {"kind": "relationship", "target": target, "lazy": "select",
                     "uselist": DJANGO_RELATIONS[leaf], "field": leaf}
            if isinstance(related_name, str):
                found["related_name"] = related_name
            yield name, found
            if leaf not in DJANGO_NON_COLUMNS:
                db_column = _literal(keywords.get("db_column"), None)
                yield f"{name}_id", {"kind": "column", "column": db_column or f"{name}_id"}
        elif leaf == "GenericForeignKey":  # one lazy query per row; only prefetch_related loads it
            yield name, {"kind": "relationship", "target": None, "lazy": "select", "uselist": False,
                         "field": leaf}
        elif leaf not in DJANGO_NON_COLUMNS:
            db_column = _literal(keywords.get("db_column"), None)
            found = {"kind": "column", "column": db_column or name}
            if _literal(keywords.get("primary_key"), False) is True:
                found["primary_key"] = True
            yield name, found


def _django_meta(klass: nodes.ClassDef) -> dict:
    for statement in klass.body:
        if isinstance(statement, nodes.ClassDef) and statement.name == "Meta":
            return {name: value.value for name, value, _ in _class_body(statement)
                    if isinstance(value, nodes.Const)}
    return {}


def _django_app_label(module: str) -> str:
    """Django's default app label: the package holding the models module
    (``shop/models.py`` and ``shop/models/order.py`` are app ``shop``)."""
    parts = module.split(".")
    if "models" in parts[1:]:
        index = len(parts) - 1 - parts[::-1].index("models")
        return parts[index - 1]
    return parts[-2] if len(parts) > 1 else parts[0]


def _unique_by_class_name(models: dict[str, dict]) -> dict[str, dict]:
    """Models by class name, for the names only one model has."""
    by_short: dict[str, list[dict]] = {}
    for model in models.values():
        by_short.setdefault(model["qualname"].rpartition(".")[2], []).append(model)
    return {name: found[0] for name, found in by_short.items() if len(found) == 1}


def _complete_uselist(models: dict[str, dict]) -> None:
    """A relationship that does not say whether it holds one object or a
    collection: the side whose table has the foreign key holds one object
    (many-to-one), the other side a collection (one-to-many)."""
    by_name = _unique_by_class_name(models)
    for model in models.values():
        for relationship in model["relationships"].values():
            target = by_name.get(relationship.get("target") or "")
            if relationship.get("uselist") is not None or target is None or target is model:
                continue
            mine, theirs = set(model["foreign_key_tables"]), set(target["foreign_key_tables"])
            if target["table"] in mine and model["table"] not in theirs:
                relationship["uselist"] = False
            elif model["table"] in theirs and target["table"] not in mine:
                relationship["uselist"] = True


def _add_reverse_relationships(models: dict[str, dict]) -> None:
    """SQLAlchemy ``backref`` and Django reverse accessors create attributes
    on the target model that its own class body does not show."""
    by_name = _unique_by_class_name(models)
    for model in models.values():
        source = model["qualname"].rpartition(".")[2]
        for relationship in list(model["relationships"].values()):
            if relationship.get("via"):
                continue  # itself the reverse of another model's relationship
            target = by_name.get(relationship.get("target") or "")
            if target is None:
                continue
            reverse = _reverse(model, source, relationship)
            if reverse is not None:
                name, found = reverse
                target["relationships"].setdefault(name, found)


def _reverse(model: dict, source: str, relationship: dict) -> tuple[str, dict] | None:
    if model["orm"] == "django":
        related_name = relationship.get("related_name")
        if related_name and related_name.endswith("+"):
            return None
        one_to_one = relationship.get("field") == "OneToOneField"
        if related_name:  # abstract bases spell it "%(app_label)s_%(class)s_related"
            related_name = related_name.replace("%(class)s", source.lower()).replace(
                "%(app_label)s", _django_app_label(model["qualname"].rpartition(".")[0]))
        name = related_name or (source.lower() if one_to_one else f"{source.lower()}_set")
        return name, {"target": source, "lazy": "select", "uselist": not one_to_one, "via": "reverse"}
    backref = relationship.get("backref")
    if isinstance(backref, dict):
        # the other side of a many-to-one is a collection and the other way
        # round; both sides of a many-to-many are collections
        forward = relationship.get("uselist")
        uselist = True if relationship.get("secondary") else (not forward) if isinstance(forward, bool) else None
        return backref["name"], {"target": source, "lazy": backref["lazy"], "uselist": uselist, "via": "backref"}
    return None


def _keyed(records: list[dict]) -> dict[str, dict]:
    counts: dict[str, int] = {}
    for record in records:
        short = record["qualname"].rpartition(".")[2]
        counts[short] = counts.get(short, 0) + 1
    keyed = {}
    for record in records:
        short = record["qualname"].rpartition(".")[2]
        keyed[short if counts[short] == 1 else record["qualname"]] = record
    return keyed


# ---------------------------------------------------------------- annotations and literals

def _literal(node: nodes.NodeNG | None, default: Any) -> Any:
    """The value of a literal (or of a name bound to one), else ``default``."""
    if node is None:
        return default
    if isinstance(node, nodes.Dict):
        result = {}
        for key, value in node.items:
            key_value = _literal(key, None)
            if isinstance(key_value, str):
                result[key_value] = _literal(value, None)
        return result
    if not isinstance(node, nodes.Const):
        node = infer.infer_one(node)
    if isinstance(node, nodes.Const):
        return node.value
    return default


def _annotation_head(annotation: nodes.NodeNG | None) -> str | None:
    if isinstance(annotation, nodes.Subscript):
        annotation = annotation.value
    if isinstance(annotation, nodes.Attribute):
        return annotation.attrname
    if isinstance(annotation, nodes.Name):
        return annotation.name
    return None


def _unwrap(annotation: nodes.NodeNG | None) -> nodes.NodeNG | None:
    """``Mapped[Optional["X"]]`` -> ``"X"``-like node, keeping collections."""
    while annotation is not None:
        if isinstance(annotation, nodes.Const) and isinstance(annotation.value, str):
            try:
                annotation = astroid.extract_node(annotation.value)
            except (SyntaxError, *_SCAN_ERRORS):
                return None
            continue
        if isinstance(annotation, nodes.BinOp) and annotation.op == "|":
            sides = [s for s in (annotation.left, annotation.right)
                     if not (isinstance(s, nodes.Const) and s.value is None)]
            annotation = sides[0] if sides else None
            continue
        if isinstance(annotation, nodes.Subscript) and _annotation_head(annotation) in _WRAPPERS:
            inner = annotation.slice
            annotation = inner.elts[0] if isinstance(inner, nodes.Tuple) and inner.elts else inner
            continue
        return annotation
    return None


def _annotation_uselist(annotation: nodes.NodeNG | None, default: bool | None = None) -> bool | None:
    if annotation is None:
        return default
    inner = _unwrap(annotation)
    if inner is None:
        return default
    if isinstance(inner, nodes.Subscript) and _annotation_head(inner) in _COLLECTIONS:
        return True
    if _annotation_head(inner) in _COLLECTIONS:
        return True
    return False


def _annotation_target(annotation: nodes.NodeNG | None) -> str | None:
    inner = _unwrap(annotation)
    if isinstance(inner, nodes.Subscript) and _annotation_head(inner) in _COLLECTIONS:
        element = inner.slice
        inner = _unwrap(element.elts[0] if isinstance(element, nodes.Tuple) and element.elts else element)
    return _target_name(inner)


def _target_name(node: nodes.NodeNG | None) -> str | None:
    """The model a relationship points at: ``"Order"``, ``Order``,
    ``"shop.Order"``, ``lambda: Order``."""
    if isinstance(node, nodes.Lambda):
        node = node.body
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value.rpartition(".")[2] or None
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Attribute):
        return node.attrname
    return None


def _snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


# ---------------------------------------------------------------- sessions and engines

def _interesting_names(module: nodes.Module) -> set[str]:
    """Names under which a module can call the factories: their own names
    and whatever it imports them as."""
    names = set(_SETTINGS_LEAVES)
    for node in module.nodes_of_class(nodes.ImportFrom):
        for original, alias in node.names:
            if alias and original in _SETTINGS_LEAVES:
                names.add(alias)
    return names


def _file_settings(fctx: FileContext) -> tuple[list[dict], list[dict]]:
    if fctx.source and not any(leaf in fctx.source for leaf in _SETTINGS_LEAVES):
        return [], []  # an alias is imported under its own name, so the text shows it
    names = _interesting_names(fctx.module)
    factories, engines = [], []
    for call in fctx.module.nodes_of_class(nodes.Call):
        func = call.func
        called = func.name if isinstance(func, nodes.Name) else func.attrname \
            if isinstance(func, nodes.Attribute) else None
        if called not in names:
            continue
        found = fctx.resolve(call)
        if found is None:
            continue
        if found.qualname in SESSION_FACTORIES:
            factories.append(_session_factory(call, found.qualname, fctx))
        elif found.qualname in ENGINE_CALLS:
            engines.append(_engine(call, found.qualname, fctx))
    return factories, engines


def _is_scoped(node: nodes.NodeNG) -> bool:
    """Whether ``node`` is a ``scoped_session(...)`` call."""
    if not isinstance(node, nodes.Call):
        return False
    found = infer.resolve_call(node)
    return found is not None and found.qualname in SCOPED_SESSIONS


def _assigned_name(call: nodes.Call) -> str | None:
    """Qualified name of what a call's value is bound to: ``app.db.SessionLocal``
    (through ``scoped_session(...)``), or the function returning it."""
    node, parent = call, call.parent
    while _is_scoped(parent):
        node, parent = parent, parent.parent
    if isinstance(parent, (nodes.Assign, nodes.AnnAssign)):
        targets = parent.targets if isinstance(parent, nodes.Assign) else [parent.target]
        if len(targets) == 1 and isinstance(targets[0], nodes.AssignName):
            scope = parent.scope()
            return f"{scope.qname()}.{targets[0].name}"
        if len(targets) == 1 and isinstance(targets[0], nodes.AssignAttr):
            return f"{parent.scope().qname()}.{targets[0].as_string()}"
    if isinstance(parent, nodes.Return):
        return parent.scope().qname()
    if isinstance(parent, (nodes.With, nodes.AsyncWith)):
        for item, target in parent.items:
            if item is node and isinstance(target, nodes.AssignName):
                return f"{parent.scope().qname()}.{target.name}"
    return None


def _keywords(call: nodes.Call) -> tuple[dict[str, nodes.NodeNG], bool]:
    """Keyword arguments by name, and whether ``**kwargs`` hides others."""
    named = {k.arg: k.value for k in call.keywords or () if k.arg}
    return named, any(k.arg is None for k in call.keywords or ())


def _flag(keywords: dict[str, nodes.NodeNG], name: str, default: bool, hidden: bool) -> bool | None:
    """A boolean keyword: its literal value, SQLAlchemy's default when not
    given, None when it cannot be known (computed, or maybe in ``**kwargs``)."""
    if name not in keywords:
        return None if hidden else default
    value = _literal(keywords[name], None)
    return value if isinstance(value, bool) else None


def _session_factory(call: nodes.Call, qualname: str, fctx: FileContext) -> dict:
    kind, is_factory = SESSION_FACTORIES[qualname]
    keywords, hidden = _keywords(call)
    class_ = keywords.get("class_")
    if class_ is not None:
        found = infer.resolve_callee(class_)
        if found is not None and found.qualname.rpartition(".")[2] == "AsyncSession":
            kind = "async"
    bind = keywords.get("bind") or (call.args[0] if call.args else None)
    return {
        "name": _assigned_name(call) or f"{fctx.module.name}:{call.lineno}",
        "kind": kind,
        "factory": is_factory,
        "via": qualname,
        "expire_on_commit": _flag(keywords, "expire_on_commit", True, hidden),
        "autoflush": _flag(keywords, "autoflush", True, hidden),
        "bind": bind.as_string() if bind is not None else None,
        "scoped": _is_scoped(call.parent),
        "path": fctx.relpath,
        "line": call.lineno,
    }


def _engine(call: nodes.Call, qualname: str, fctx: FileContext) -> dict:
    keywords, _ = _keywords(call)
    url = _url_text(keywords.get("url") or (call.args[0] if call.args else None))
    scheme = _URL_SCHEME.match(url or "")
    engine = {
        "name": _assigned_name(call) or f"{fctx.module.name}:{call.lineno}",
        "async": ENGINE_CALLS[qualname],
        "url_driver": scheme.group(0)[:-3] if scheme else None,
        "dialect": scheme.group(1).lower() if scheme else None,
        "driver": scheme.group(2) if scheme else None,
    }
    for key in ENGINE_KEYS:
        if key in keywords:
            engine[key] = _engine_value(keywords[key])
    engine["path"] = fctx.relpath
    engine["line"] = call.lineno
    return engine


def _engine_value(node: nodes.NodeNG) -> Any:
    value = _literal(node, None)
    if value is not None or (isinstance(node, nodes.Const) and node.value is None):
        return value
    found = infer.resolve_callee(node)  # poolclass=NullPool
    if found is not None:
        return found.qualname.rpartition(".")[2]
    return node.as_string()  # computed at run time: show the expression


def _url_text(node: nodes.NodeNG | None, depth: int = 0) -> str | None:
    """Enough of a database URL to read its scheme: a literal, a name
    bound to one (in this module or imported from another), an f-string's
    leading text, or the default of ``os.environ.get("X", "...")`` /
    ``os.getenv("X", "...")``."""
    if node is None or depth > 5:
        return None
    value = _literal(node, None)
    if isinstance(value, str):
        return value
    if isinstance(node, nodes.JoinedStr):
        return "".join(str(v.value) if isinstance(v, nodes.Const) else "\0" for v in node.values)
    if isinstance(node, nodes.Call) and len(node.args) >= 2:
        if node.func.as_string().endswith(("environ.get", "getenv")):
            return _url_text(node.args[1], depth + 1)
    if isinstance(node, nodes.Name):
        return _url_text(infer.bound_value(node), depth + 1)
    return None


def _django_databases(fctx: FileContext) -> Iterator[dict]:
    """``DATABASES = {"default": {...}}`` in a settings module."""
    if fctx.source and "DATABASES" not in fctx.source:
        return
    for statement in fctx.module.body:
        if not (isinstance(statement, nodes.Assign) and len(statement.targets) == 1
                and isinstance(statement.targets[0], nodes.AssignName)
                and statement.targets[0].name == "DATABASES" and isinstance(statement.value, nodes.Dict)):
            continue
        for alias_node, entry in statement.value.items:
            alias = _literal(alias_node, None)
            if not isinstance(entry, nodes.Dict):
                continue
            values = {key: value for key_node, value in entry.items
                      if isinstance(key := _literal(key_node, None), str)}
            backend = _literal(values.get("ENGINE"), None)
            options = values.get("OPTIONS")
            isolation = None
            if isinstance(options, nodes.Dict):
                for key_node, value in options.items:
                    if _literal(key_node, None) == "isolation_level":
                        isolation = _literal(value, None) or value.as_string()
            dialect = backend.rpartition(".")[2] if isinstance(backend, str) else None
            yield {
                "name": f"DATABASES[{alias!r}]", "async": False, "url_driver": backend,
                "dialect": {"postgresql_psycopg2": "postgresql"}.get(dialect, dialect), "driver": None,
                "conn_max_age": _django_setting(values, "CONN_MAX_AGE", 0),
                "atomic_requests": _django_setting(values, "ATOMIC_REQUESTS", False),
                "isolation_level": isolation, "path": fctx.relpath, "line": statement.lineno,
            }


def _django_setting(values: dict[str, nodes.NodeNG], key: str, default: Any) -> Any:
    """A ``DATABASES`` entry's literal value, Django's default when absent,
    None when computed (``env.int("CONN_MAX_AGE")``)."""
    return _literal(values[key], None) if key in values else default


def _settings(factories: list[dict], engines: list[dict]) -> dict:
    """The settings the rules read: those of the main session factory (an
    async one first: that is where ``expire_on_commit`` bites) and of the
    engine it is bound to."""
    ranked = sorted(factories, key=lambda f: (f["kind"] != "async", not f["factory"]))
    main = ranked[0] if ranked else None
    engine = _main_engine(main, engines)
    settings = {
        "expire_on_commit": main["expire_on_commit"] if main else None,
        "autoflush": main["autoflush"] if main else None,
        "session_factory": main["name"] if main else None,
        "session_factories": factories,
        "engines": engines,
        "pool": _pool(engine),
        "isolation_level": engine.get("isolation_level") if engine else None,
        "dialect": engine.get("dialect") if engine else None,
        "driver": engine.get("driver") if engine else None,
    }
    django = next((e for e in engines if e["name"].startswith("DATABASES[")), None)
    if django is not None:
        settings["atomic_requests"] = django["atomic_requests"]
    return settings


def _main_engine(factory: dict | None, engines: list[dict]) -> dict | None:
    if not engines:
        return None
    if factory is not None and factory.get("bind"):
        bound = factory["bind"].rpartition(".")[2]
        for engine in engines:
            if engine["name"].rpartition(".")[2] == bound:
                return engine
    wanted_async = factory is not None and factory["kind"] == "async"
    return next((e for e in engines if e["async"] == wanted_async), engines[0])


def _pool(engine: dict | None) -> dict:
    """The main engine's pool: explicit settings over SQLAlchemy's defaults
    (``defaults`` lists the keys the project leaves at the default)."""
    if engine is None:
        return {}
    if engine["name"].startswith("DATABASES["):
        return {"engine": engine["name"], "conn_max_age": engine["conn_max_age"]}
    pool = {"engine": engine["name"]}
    defaults = []
    for key in POOL_KEYS:
        if key in engine:
            pool[key] = engine[key]
        else:
            pool[key] = POOL_DEFAULTS[key]
            defaults.append(key)
    if pool.get("poolclass") in {"NullPool", "StaticPool"}:
        for key in ("pool_size", "max_overflow", "pool_timeout"):
            if key in defaults:
                pool[key] = None
    pool["defaults"] = defaults
    return pool


# ------------------------------------------------------------------ lookups on the registry
#: Relationship loading strategies that do not query per parent on access.
NON_LAZY = frozenset({"selectin", "joined", "subquery", "immediate", "raise", "raise_on_sql",
                      "noload", "dynamic", "write_only", "False", "false"})


def model_of(expr: nodes.NodeNG, ctx) -> str | None:
    """The model class an expression names (``Job``, ``models.Job``), as a
    qualified name when inference finds the class, else its spelled name
    when it is capitalised."""
    value = infer.infer_one(expr)
    if isinstance(value, nodes.ClassDef):
        return value.qname()
    name = expr.attrname if isinstance(expr, nodes.Attribute) else getattr(expr, "name", None)
    return name if name and name[:1].isupper() else None


def relationships(model: str | None, ctx) -> dict[str, dict]:
    if not model:
        return {}
    info = ctx.project.model_named(model)
    return (info or {}).get("relationships") or {}


def parents_pinned_by(model: str | None, pinned: set[str], ctx) -> frozenset[str]:
    """The many-to-one relationships of a SQLAlchemy model whose one foreign
    key column to the target's table a query pins to one value
    (``filter_by(service_id=x)``): every row has the same parent, which the
    session's identity map answers after the first load. Django keeps no
    identity map: each row loads its own copy."""
    info = ctx.project.model_named(model) if model and pinned else None
    if not info or info.get("orm") == "django":
        return frozenset()
    keys = info.get("foreign_keys") or {}
    found = set()
    for name, relationship in (info.get("relationships") or {}).items():
        target = ctx.project.model_named(relationship.get("target") or "") \
            if relationship.get("uselist") is False else None
        columns = [column for column, table in keys.items() if target and table == target.get("table")]
        if len(columns) == 1 and columns[0] in pinned:
            found.add(name)
    return frozenset(found)


def is_lazy(relationship: dict) -> bool:
    strategy = relationship.get("lazy", "select")
    return str(strategy) not in NON_LAZY


def column_count(model: str | None, ctx) -> int | None:
    if not model:
        return None
    info = ctx.project.model_named(model)
    if not info:
        return None
    names = info.get("column_names")
    if isinstance(names, list):
        return len(names)
    columns = info.get("columns")
    if isinstance(columns, int):
        return columns
    if isinstance(columns, (list, dict)):
        return len(columns)
    return None


def column_names(model: str | None, ctx) -> set[str]:
    info = ctx.project.model_named(model) if model else None
    names = (info or {}).get("column_names")
    return set(names) if isinstance(names, list) else set()


def is_model_class(qualname: str, ctx) -> bool:
    if ctx.project.model_named(qualname):
        return True
    klass = infer.lookup_qualname(qualname)
    if not isinstance(klass, nodes.ClassDef):
        return False
    try:
        ancestors = [a.qname() for a in klass.ancestors()]
    except Exception:  # noqa: BLE001 - odd hierarchies
        return False
    return any(a in {"sqlalchemy.orm.DeclarativeBase", "sqlmodel.SQLModel", DJANGO_MODEL,
                     "sqlalchemy.orm.DeclarativeBaseNoMeta"} for a in ancestors)


def is_django_model(qualname: str, ctx) -> bool:
    registered = ctx.project.model_named(qualname)
    if registered is not None:
        return registered.get("orm") == "django"
    klass = infer.lookup_qualname(qualname)
    try:
        return isinstance(klass, nodes.ClassDef) and any(
            a.qname() == "django.db.models.Model" for a in klass.ancestors())
    except Exception:  # noqa: BLE001 - odd hierarchies
        return False


#: Library model bases whose save() does more than write one row.
CUSTOM_SAVE_BASES = {"mptt.models.MPTTModel": "is an MPTT tree node (save() maintains the tree)",
                     "treebeard.mp_tree.MP_Node": "is a treebeard node (save() maintains the tree)",
                     "treebeard.ns_tree.NS_Node": "is a treebeard node (save() maintains the tree)",
                     "polymorphic.models.PolymorphicModel": "is polymorphic (save() writes several tables)"}


def custom_save(model: str | None, ctx, method: str = "save") -> str | None:
    """Why a Django model's ``save()`` (or ``delete()``) does more than write
    its row, when it does: the project overrides it, or a tree or polymorphic
    library base does (``bulk_create``/``bulk_update`` and a queryset's
    ``delete()`` never call it)."""
    info = ctx.project.model_named(model) if model else None
    qualname = (info or {}).get("qualname") or model
    klass = infer.lookup_qualname(qualname) if qualname and "." in qualname else None
    if not isinstance(klass, nodes.ClassDef):
        return None
    for base in klass.bases:  # library bases outside the analysed code, by their import
        named = infer.dotted_import(base)
        if named in CUSTOM_SAVE_BASES and method == "save":
            return CUSTOM_SAVE_BASES[named]
    try:
        lineage = [klass, *klass.ancestors()]
    except Exception:  # noqa: BLE001 - odd hierarchies
        lineage = [klass]
    root = str(ctx.project.root)
    for owner in lineage:
        if owner.qname() in CUSTOM_SAVE_BASES and method == "save":
            return CUSTOM_SAVE_BASES[owner.qname()]
        if not str(getattr(owner.root(), "file", "") or "").startswith(root):
            continue  # Django's own Model, or a library class seen through a stub
        if any(isinstance(m, nodes.FunctionDef) for m in owner.locals.get(method, [])):
            return f"overrides {method}()"
    return None


def table_of(model: str | None, ctx) -> str | None:
    """The table a model class maps to: the project's model registry first,
    else the class itself (``__tablename__``, Django ``Meta.db_table`` or
    ``<app>_<model>``, SQLModel's lower-cased class name)."""
    if not model:
        return None
    registered = ctx.project.model_named(model)
    if registered and registered.get("table"):
        return str(registered["table"]).lower()
    memo = ctx.project.memo
    key = ("pt-table-of", model)
    if key not in memo:
        memo[key] = _declared_table(model)
    return memo[key]


def _declared_table(model: str) -> str | None:
    klass = infer.lookup_qualname(model)
    if not isinstance(klass, nodes.ClassDef):
        return None
    try:
        declared = klass.getattr("__tablename__")
    except Exception:  # noqa: BLE001 - astroid's NotFoundError and friends
        declared = []
    for node in declared:
        if isinstance(node, nodes.AssignName) and isinstance(node.parent, (nodes.Assign, nodes.AnnAssign)):
            value = node.parent.value
            if isinstance(value, nodes.Const) and isinstance(value.value, str):
                return value.value.lower()
    try:
        ancestors = [a.qname() for a in klass.ancestors()]
    except Exception:  # noqa: BLE001
        ancestors = []
    if "django.db.models.Model" in ancestors:
        meta = klass.locals.get("Meta")
        if meta and isinstance(meta[0], nodes.ClassDef):
            for node in meta[0].locals.get("db_table", []):
                if isinstance(node.parent, nodes.Assign) and isinstance(node.parent.value, nodes.Const):
                    return str(node.parent.value.value).lower()
        parts = klass.root().name.split(".")
        app = parts[-2] if len(parts) >= 2 and parts[-1] == "models" else parts[0]
        return f"{app}_{klass.name}".lower()
    if "sqlmodel.SQLModel" in ancestors:
        return klass.name.lower()
    return None
