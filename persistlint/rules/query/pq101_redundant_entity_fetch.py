"""## What it does
Checks for an entity fetched again along one call chain: a caller holds an
entity (fetched, or returned by a project function that returns the model)
and passes its id to a project function that fetches the same model by that
parameter (`session.get`, `query(M).get`, `select(M).where(M.id == p)` with
`scalar_one`/`first`, a repository `get`, Django `M.objects.get(pk=p)`).
The finding is reported at the second fetch and names where the caller got
the entity.

## Why is this bad?
The second fetch is a round-trip for data the process already has; with
row locks or concurrent writers it can also see a different version of the
row than the caller decided on.

## Example
```python
from sqlalchemy.orm import Session


def handle(session: Session, job_id: int):
    job = session.get(Job, job_id)
    if job is not None:
        process(session, job.id)


def process(session: Session, job_id: int):
    job = session.get(Job, job_id)
    job.status = "done"
```

## Use instead
```python
from sqlalchemy.orm import Session


def handle(session: Session, job_id: int):
    job = session.get(Job, job_id)
    if job is not None:
        process(job)


def process(job):
    job.status = "done"
```

When the callee only reads one to three attributes of the entity, PQ103
reports the site instead. Ids handed to background tasks (`delay`,
`add_task`, thread pools, functions registered as background jobs) are not
reported: there the id is the right thing to pass.

## Severity
HIGH on a request-handler chain; MEDIUM otherwise.

## References
- [SQLAlchemy: Session.get and the identity map](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#get-by-primary-key)
- [SQLAlchemy: expire_on_commit](https://docs.sqlalchemy.org/en/20/orm/session_api.html#sqlalchemy.orm.Session.params.expire_on_commit)
- [Django: database access optimization](https://docs.djangoproject.com/en/stable/topics/db/optimization/)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding
from persistlint.registry import rule
from persistlint.context import entities
from persistlint.rules.query import expiry_note, refetch_severity


@rule("PQ101", "redundant-entity-fetch", effort=Effort.S, nodes=(nodes.FunctionDef,),
      principle="Fetch an entity once per call chain and pass the entity, not its id.")
def check(node: nodes.FunctionDef, ctx):
    reported = set()
    for refetch in entities.refetches(node, ctx):
        if refetch.only_reads or id(refetch.call) in reported:
            continue
        reported.add(id(refetch.call))
        severity, evidence = refetch_severity(refetch, ctx)
        caller = refetch.caller.rpartition(".")[2]
        yield Finding.at(
            refetch.call, severity,
            f"Redundant fetch: {node.name}() re-fetches {refetch.model} by {refetch.param} "
            f"already loaded at {refetch.where_held} by {caller}()",
            f"pass the {refetch.model} instance instead of its id{expiry_note(ctx)}",
            evidence=evidence,
        )
