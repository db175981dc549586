"""Pydantic schemas read from ORM rows, and what they read of each row.

A schema that validates from attributes (pydantic 2 ``model_config =
ConfigDict(from_attributes=True)``, pydantic 1 ``class Config: orm_mode =
True``, on the class or a project base) reads each of its fields as an
attribute of the row it is given: ``UserOut.model_validate(user)``, a
FastAPI ``response_model=list[UserOut]`` returning rows, or
``TypeAdapter(list[UserOut]).validate_python(users)``. A field named after
a relationship of the row's model loads that relationship unless the query
loaded it eagerly; a field typed with another such schema reads that
schema's fields of the related rows in turn (to :data:`NESTING_LIMIT`
levels).

:func:`relation_reads` lists those reads as relation paths, the shape of
the eager options that would load them.

Pydantic need not be installed: schemas are recognised by the qualified
names of their bases as imported (``pydantic.BaseModel``).
"""

from __future__ import annotations

import attrs
from astroid import nodes

from persistlint.context import infer, models

SCHEMA_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel",
                          "pydantic.v1.main.BaseModel"})
#: Bases whose schemas always read attributes (django-ninja's ``Schema`` sets it).
ATTRIBUTE_SCHEMAS = frozenset({"ninja.Schema", "ninja.schema.Schema", "ninja.ModelSchema",
                               "ninja.orm.metaclass.ModelSchema"})
#: Route decorators (FastAPI's ``router.get``, django-ninja's ``api.get``).
ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "api_route"})
#: Calls that validate one row into the schema they are called on.
ROW_VALIDATORS = frozenset({"model_validate", "from_orm"})
#: Annotations that hold several items of their type argument.
_COLLECTIONS = frozenset({"list", "List", "Sequence", "set", "Set", "tuple", "Tuple", "Iterable",
                          "frozenset", "FrozenSet"})
_OPTIONALS = frozenset({"Optional", "Union", "Annotated"})
NESTING_LIMIT = 3


@attrs.frozen
class RelationRead:
    """A relationship a schema reads of each row: ``path`` the relation
    names from the row (``("orders", "items")``), ``chain`` the schema
    fields that lead to it, for messages."""

    path: tuple[str, ...]
    chain: tuple[str, ...]


def _lineage(klass: nodes.ClassDef) -> list[nodes.ClassDef]:
    return models.class_lineage(klass)


def is_schema(klass: nodes.NodeNG) -> bool:
    """A pydantic model class (not a SQLModel table: that is the row itself)."""
    if not isinstance(klass, nodes.ClassDef):
        return False
    names = models.class_base_names(klass)
    return bool(names & (SCHEMA_BASES | ATTRIBUTE_SCHEMAS))


def reads_attributes(klass: nodes.ClassDef) -> bool:
    """Whether the schema validates from attributes (ORM mode)."""
    if models.class_base_names(klass) & ATTRIBUTE_SCHEMAS:
        return True
    for owner in _lineage(klass):
        for statement in owner.body:
            if isinstance(statement, (nodes.Assign, nodes.AnnAssign)) and _assigns(statement, "model_config") \
                    and statement.value is not None and _sets_true(statement.value, "from_attributes"):
                return True
            if isinstance(statement, nodes.ClassDef) and statement.name == "Config":
                for inner in statement.body:
                    if isinstance(inner, nodes.Assign) and (_assigns(inner, "orm_mode") or _assigns(
                            inner, "from_attributes")) and true_literal(inner.value):
                        return True
        for keyword in owner.keywords or ():  # class UserOut(BaseModel, from_attributes=True)
            if keyword.arg == "from_attributes" and true_literal(keyword.value):
                return True
    return False


def _assigns(statement: nodes.Assign | nodes.AnnAssign, name: str) -> bool:
    targets = statement.targets if isinstance(statement, nodes.Assign) else [statement.target]
    return any(isinstance(t, nodes.AssignName) and t.name == name for t in targets)


def true_literal(value: nodes.NodeNG | None) -> bool:
    """``True`` written as such (a keyword such as ``from_attributes=True``)."""
    return isinstance(value, nodes.Const) and value.value is True


def _sets_true(value: nodes.NodeNG, key: str) -> bool:
    """``ConfigDict(from_attributes=True)`` or ``{"from_attributes": True}``."""
    if isinstance(value, nodes.Call):
        return any(k.arg == key and true_literal(k.value) for k in value.keywords or ())
    if isinstance(value, nodes.Dict):
        return any(isinstance(k, nodes.Const) and k.value == key and true_literal(v) for k, v in value.items)
    return False


def orm_schema(expr: nodes.NodeNG | None, from_attributes: bool = False) -> nodes.ClassDef | None:
    """The schema class an expression names, when it reads rows' attributes
    (``from_attributes``: the call asks it to, ``model_validate(row, from_attributes=True)``)."""
    klass = infer.infer_one(expr) if expr is not None else None
    if not isinstance(klass, nodes.ClassDef) or not is_schema(klass):
        return None
    return klass if from_attributes or reads_attributes(klass) else None


def collection_schema(annotation: nodes.NodeNG | None) -> nodes.ClassDef | None:
    """``list[UserOut]`` (``Sequence``, ``Optional`` of one, ...): the
    schema each item is validated with."""
    if isinstance(annotation, nodes.Subscript) and _subscript_name(annotation) in _COLLECTIONS:
        items = annotation.slice.elts if isinstance(annotation.slice, nodes.Tuple) else [annotation.slice]
        return orm_schema(items[0]) if items else None
    return None


def _subscript_name(annotation: nodes.Subscript) -> str:
    value = annotation.value
    return value.attrname if isinstance(value, nodes.Attribute) else getattr(value, "name", "")


def _field_schema(annotation: nodes.NodeNG | None) -> nodes.ClassDef | None:
    """The schema a field's annotation validates its value with:
    ``OrderOut``, ``list[OrderOut]``, ``OrderOut | None``, ``Optional[...]``."""
    if annotation is None:
        return None
    if isinstance(annotation, nodes.BinOp) and annotation.op == "|":
        return _field_schema(annotation.left) or _field_schema(annotation.right)
    if isinstance(annotation, nodes.Subscript):
        name = _subscript_name(annotation)
        items = annotation.slice.elts if isinstance(annotation.slice, nodes.Tuple) else [annotation.slice]
        if name in _COLLECTIONS or name in _OPTIONALS:
            return next(filter(None, (_field_schema(item) for item in items[:1 if name == "Annotated" else None])),
                        None)
        return None
    if isinstance(annotation, nodes.Const) and isinstance(annotation.value, str):
        return None  # a forward reference: not followed
    return orm_schema(annotation)


def _fields(schema: nodes.ClassDef) -> dict[str, nodes.AnnAssign]:
    """The schema's fields, its own over its project bases'."""
    found: dict[str, nodes.AnnAssign] = {}
    for owner in reversed(_lineage(schema)):
        for statement in owner.body:
            if isinstance(statement, nodes.AnnAssign) and isinstance(statement.target, nodes.AssignName):
                name = statement.target.name
                if not name.startswith("_") and name != "model_config" \
                        and "ClassVar" not in statement.annotation.as_string():
                    found[name] = statement
    return found


def _attribute_read(name: str, field: nodes.AnnAssign) -> str:
    """The row attribute a field reads: its name, or the alias it validates from."""
    value = field.value
    if isinstance(value, nodes.Call) and getattr(value.func, "attrname", getattr(value.func, "name", "")) == "Field":
        for keyword in value.keywords or ():
            if keyword.arg in {"validation_alias", "alias"} and isinstance(keyword.value, nodes.Const) \
                    and isinstance(keyword.value.value, str):
                return keyword.value.value
    return name


def relation_reads(schema: nodes.ClassDef, model: str | None, ctx, depth: int = 0) -> list[RelationRead]:
    """The relationships of ``model`` that validating a row with ``schema``
    loads unless they are loaded with it (lazy ones only), nested schemas
    followed into the related model."""
    relations = models.relationships(model, ctx)
    if not relations or depth >= NESTING_LIMIT:
        return []
    found: list[RelationRead] = []
    for name, field in _fields(schema).items():
        attribute = _attribute_read(name, field)
        relationship = relations.get(attribute)
        if relationship is None:
            continue
        link = f"{schema.name}.{name}"
        if models.is_lazy(relationship):
            found.append(RelationRead((attribute,), (link,)))
        nested = _field_schema(field.annotation)
        if nested is not None and nested is not schema:
            for inner in relation_reads(nested, relationship.get("target"), ctx, depth + 1):
                found.append(RelationRead((attribute, *inner.path), (link, *inner.chain)))
    return found


def unloaded(read: RelationRead, eager: frozenset[str]) -> bool:
    """Whether a read is left to a lazy load by a query that loads
    ``eager`` (relationship names, as :class:`~persistlint.context.dbcalls.Statement` keeps them)."""
    return read.path[-1] not in eager
