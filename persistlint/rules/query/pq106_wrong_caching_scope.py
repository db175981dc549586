"""## What it does
Checks for classes that cache query results in instance state
(`self._cache`, `self._loaded`, `self._initialized`, `self.<name>_cache`,
`functools.cached_property`) and are created per request: taken as a
FastAPI dependency (`Depends(TheClass)`), constructed by a dependency
function, or constructed inside a request handler.

## Why is this bad?
The cache lives as long as one request, so the query that fills it runs on
every request anyway: the code pays for cache bookkeeping and gets none of
the benefit, while the data it holds (settings, catalogues, permissions)
rarely changes.

## Example
```python
from fastapi import Depends, FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

app = FastAPI()


class PlanCatalog:
    def __init__(self, session: Session):
        self.session = session
        self._cache = None

    def plans(self):
        if self._cache is None:
            self._cache = self.session.scalars(select(Plan)).all()
        return self._cache


@app.get("/plans")
def list_plans(catalog: PlanCatalog = Depends(PlanCatalog)):
    return catalog.plans()
```

## Use instead
```python
from fastapi import Depends, FastAPI

app = FastAPI()
catalog = PlanCatalog(ttl_seconds=300)  # one per process, refreshed on expiry


@app.get("/plans")
def list_plans():
    return catalog.plans()
```

## Severity
HIGH when the query that fills the cache joins or aggregates (`join`, eager
loads, `func.*`, `group_by`, raw SQL with JOIN/GROUP BY); MEDIUM otherwise.

## References
- [FastAPI: dependencies with yield and caching per request](https://fastapi.tiangolo.com/tutorial/dependencies/sub-dependencies/#using-the-same-dependency-multiple-times)
- [Python: functools.cached_property](https://docs.python.org/3/library/functools.html#functools.cached_property)
- [Django: the cache framework](https://docs.djangoproject.com/en/stable/topics/cache/)
"""

import re

from astroid import nodes

from persistlint.context import infer
from persistlint.context.infer import own_nodes
from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import sql as _sql
from persistlint.context import dbcalls

CACHE_ATTRIBUTE = re.compile(r"^_*(cache|cached|loaded|initialized|memo)(_.*)?$|_cache$|_cached$")
CACHED_PROPERTY = frozenset({"functools.cached_property"})


@rule("PQ106", "wrong-caching-scope", effort=Effort.M, nodes=(nodes.ClassDef,),
      principle="Cache rarely-changing data at application scope, not per request.")
def check(node: nodes.ClassDef, ctx):
    fills = list(_cache_fills(node, ctx))
    if not fills:
        return
    created = _created_per_request(node.qname(), ctx)
    if created is None:
        return
    state, query = fills[0]
    heavy = _joins_or_aggregates(query, ctx)
    found = dbcalls.db_call(query, ctx) or dbcalls.iterated_query(query, ctx)
    yield Finding.at(
        query, Severity.HIGH if heavy else Severity.MEDIUM,
        f"Request-scoped cache: {node.name}.{state} is filled by "
        f"{'a joining/aggregating query' if heavy else 'a query'} on every request, "
        f"because {node.name} is created per request ({created})",
        f"keep the cached data in an application-scoped object (module level or app state) "
        f"with a TTL or explicit invalidation, and inject that into {node.name}",
        evidence=found.evidence,
    )


def _cache_fills(klass: nodes.ClassDef, ctx):
    """(cache state, query call) for each method that fills instance cache
    state from a database query."""
    for method in klass.mymethods():
        query = next((c for c in own_nodes(method, nodes.Call) if _is_read(c, ctx)), None)
        if query is None:
            continue
        if _is_cached_property(method, ctx):
            yield method.name, query
            continue
        for assigned in own_nodes(method, (nodes.AssignAttr, nodes.Subscript)):
            target = assigned if isinstance(assigned, nodes.AssignAttr) else assigned.value
            if isinstance(assigned, nodes.Subscript) and not isinstance(assigned.parent, nodes.Assign):
                continue
            if isinstance(target, (nodes.AssignAttr, nodes.Attribute)) and isinstance(target.expr, nodes.Name) \
                    and target.expr.name == "self" and CACHE_ATTRIBUTE.search(target.attrname):
                if method.name == "__init__" and isinstance(assigned.parent, nodes.Assign) \
                        and isinstance(assigned.parent.value, (nodes.Const, nodes.Dict, nodes.List)):
                    continue  # the empty cache being set up
                yield target.attrname, query
                break


def _is_read(call: nodes.Call, ctx) -> bool:
    found = dbcalls.db_call(call, ctx) or dbcalls.iterated_query(call, ctx)
    return found is not None and found.kind == dbcalls.READ


def _is_cached_property(method: nodes.FunctionDef, ctx) -> bool:
    for decorator in method.decorators.nodes if method.decorators else ():
        found = infer.resolve_callee(decorator)
        if found is not None and found.qualname in CACHED_PROPERTY:
            return True
    return False


def _created_per_request(qualname: str, ctx) -> str | None:
    """How the class comes to be created per request, or None."""
    functions = ctx.project.functions
    dependencies = set()
    for name, summary in functions.items():
        depends = summary.depends
        if qualname in depends:
            return f"Depends({qualname.rpartition('.')[2]}) in {name.rpartition('.')[2]}()"
        dependencies.update(depends)
    for name, summary in sorted(functions.items()):
        if qualname not in summary.constructs:
            continue
        if name in dependencies:
            return f"constructed by the dependency {name.rpartition('.')[2]}()"
        execution = ctx.project.execution_of(name)
        if execution is not None and execution.is_request_handler:
            return f"constructed in the request handler {name.rpartition('.')[2]}()"
    return None


def _joins_or_aggregates(query: nodes.Call, ctx) -> bool:
    found = dbcalls.db_call(query, ctx) or dbcalls.iterated_query(query, ctx)
    if found is None:
        return False
    if found.sql:
        return _sql.joins_or_aggregates(found.sql)
    statement = found.statement if found.statement is not None else query
    described = dbcalls.describe(statement, ctx)
    return described.joins_or_aggregates or bool(described.eager)
