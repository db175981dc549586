"""## What it does
Checks for a function that receives an id, fetches the entity only to read
one to three of its attributes (no change, not returned, not passed on),
while its caller already holds that entity.

## Why is this bad?
A round-trip per call to look up values the caller has in hand; the
function's signature hides that it needs only those values.

## Example
```python
from sqlalchemy.orm import Session


def handle(session: Session, user_id: int):
    user = session.get(User, user_id)
    if user is not None:
        greet(session, user.id)


def greet(session: Session, user_id: int):
    user = session.get(User, user_id)
    return f"Hello {user.name}"
```

## Use instead
```python
from sqlalchemy.orm import Session


def handle(session: Session, user_id: int):
    user = session.get(User, user_id)
    if user is not None:
        greet(user.name)


def greet(name: str):
    return f"Hello {name}"
```

## Severity
MEDIUM.

## References
- [SQLAlchemy: Session.get and the identity map](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#get-by-primary-key)
- [Django: database access optimization](https://docs.djangoproject.com/en/stable/topics/db/optimization/)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import entities
from persistlint.rules.query import refetch_severity


@rule("PQ103", "unnecessary-resolve", effort=Effort.S_M, nodes=(nodes.FunctionDef,),
      principle="Pass the values a function needs, not an id it must resolve again.")
def check(node: nodes.FunctionDef, ctx):
    reported = set()
    for refetch in entities.refetches(node, ctx):
        if not refetch.only_reads or id(refetch.call) in reported:
            continue
        reported.add(id(refetch.call))
        attributes = ", ".join(refetch.reads)
        caller = refetch.caller.rpartition(".")[2]
        yield Finding.at(
            refetch.call, Severity.MEDIUM,
            f"Unnecessary resolve: {node.name}() fetches {refetch.model} by {refetch.param} only to "
            f"read {attributes}, while {caller}() holds it (loaded at {refetch.where_held})",
            f"pass {attributes} (or the {refetch.model}) instead of {refetch.param}, or split "
            f"{node.name}() into a variant taking the value",
            evidence=refetch_severity(refetch, ctx)[1],
        )
