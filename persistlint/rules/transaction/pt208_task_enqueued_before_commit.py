"""## What it does
Checks for background jobs enqueued, or messages published, inside a
transaction that has not committed yet: Celery `.delay()` /
`.apply_async()` / `send_task()`, dramatiq `.send()`, rq `enqueue`, arq
`enqueue_job`, Redis `publish`, Kafka, NATS and RabbitMQ producers, inside
`transaction.atomic()`, `session.begin()`, between a session's first write
and its commit, or in a Django view when `ATOMIC_REQUESTS` wraps every
request in one transaction. Calls into project functions count by what
those functions do.

## Why is this bad?
The broker delivers the message at once, while the rows it refers to are
still invisible to every other connection. A worker that picks the job up
before the commit finds no row (`DoesNotExist`) or the old one, and fails
or acts on stale data; and when the transaction rolls back, the job runs
for something that never happened. The race is timing-dependent: it passes
every test and fails under load.

## Example
```python
from celery import shared_task
from django.db import models, transaction


class Order(models.Model):
    status = models.CharField(max_length=20)


@shared_task
def send_receipt(order_id):
    return order_id


def place_order():
    with transaction.atomic():
        order = Order.objects.create(status="new")
        send_receipt.delay(order.pk)
```

## Use instead
```python
from celery import shared_task
from django.db import models, transaction


class Order(models.Model):
    status = models.CharField(max_length=20)


@shared_task
def send_receipt(order_id):
    return order_id


def place_order():
    with transaction.atomic():
        order = Order.objects.create(status="new")
        transaction.on_commit(lambda: send_receipt.delay(order.pk))
```

With SQLAlchemy, enqueue after `commit()` (or from an `after_commit`
event); where delivery must be guaranteed, write an outbox row in the
transaction and let a relay publish it. FastAPI `BackgroundTasks` run after
the response and are not reported.

## Severity
HIGH when the job receives an id or an entity written in the same
transaction; MEDIUM otherwise. Read-only transactions are not reported.

## References
- [Django: performing actions after commit](https://docs.djangoproject.com/en/stable/topics/db/transactions/#performing-actions-after-commit)
- [Celery: trigger tasks at the end of the database transaction](https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html#trigger-tasks-at-the-end-of-the-database-transaction)
- [microservices.io: transactional outbox](https://microservices.io/patterns/data/transactional-outbox.html)
"""

from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import summaries, transactions


@rule("PT208", "task-enqueued-before-commit", effort=Effort.S, nodes=(nodes.Call,),
      principle="Hand work to other processes only after the data it needs is committed.")
def check(node: nodes.Call, ctx):
    what, chain = _enqueued(node, ctx)
    if what is None:
        return
    region = transactions.region_around(node, ctx) or transactions.open_region_around(node, ctx)
    if region is not None:
        if not any(op.kind == "write" for op in region.operations):
            return  # a read-only transaction: nothing for the worker to miss
        where = f"the transaction {transactions.describe_region(region)}"
        written = _written_names(region.operations, node)
    else:
        handler = transactions.atomic_request(node, ctx)
        if handler is None or not any(op.kind == "write" for op in handler):
            return
        where = "the request transaction (ATOMIC_REQUESTS)"
        written = _written_names(handler, node)
    passes_written = bool(_names_in_arguments(node) & written)
    severity = Severity.HIGH if passes_written else Severity.MEDIUM
    job = " -> ".join([*chain, what]) if chain else what
    data = "with data written in it " if passes_written else ""
    yield Finding.at(
        node, severity,
        f"{job}() hands work to a worker {data}inside {where}: the worker can run before the "
        f"commit and find no row, or the old one",
        "enqueue from transaction.on_commit(...) (Django) or after the commit; an outbox row "
        "where delivery must be guaranteed",
    )


def _enqueued(call: nodes.Call, ctx) -> tuple[str | None, list[str]]:
    """What ``call`` enqueues, and the project functions it goes through."""
    op = transactions.operation(call, ctx, summaries=False)
    if op is not None and op.kind == "enqueue":
        return op.what, []
    reach = summaries.effect_of_call(call, "enqueue", ctx)
    if reach is None:
        return None, []
    return reach.what, [q.rpartition(".")[2] for q in reach.chain]


def _written_names(operations: list, before: nodes.NodeNG) -> set[str]:
    """Names of instances written before ``before``: ``session.add(invoice)``,
    ``order.save()``, ``order = Order.objects.create(...)``."""
    names = set()
    position = (before.lineno or 0, before.col_offset or 0)
    for op in operations:
        if op.kind != "write" or op.position >= position:
            continue
        if op.target:
            names.add(op.target.partition(".")[0])
        assign = op.node.parent.parent if isinstance(op.node.parent, nodes.Await) else op.node.parent
        if isinstance(assign, nodes.Assign):
            names.update(t.name for t in assign.targets if isinstance(t, nodes.AssignName))
    return names


def _names_in_arguments(call: nodes.Call) -> set[str]:
    values = [*call.args, *(keyword.value for keyword in call.keywords or ())]
    return {name.name for value in values for name in value.nodes_of_class(nodes.Name)}
