"""## What it does
Checks for repeated UPDATEs, in one transaction, of a table that has a
trigger (found in the project's migrations): ORM attribute writes on an
instance of the mapped model that are flushed more than once, `update(M)`
statements, raw `UPDATE` SQL, Django `save()`/`update()` inside `atomic()`,
and project functions that update the table, in a loop or in sequence with
no commit between them.

## Why is this bad?
Triggers fire per statement, but their effects, above all the `NOTIFY` of a
`pg_notify` trigger, become visible only when the transaction commits.
Progress written step by step inside one transaction reaches listeners
all at once at the end: the "real-time" progress bar jumps from 0 to 100.

## Example
```python
from sqlalchemy import DDL, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

NOTIFY_PROGRESS = '''
CREATE FUNCTION notify_progress() RETURNS trigger AS $$
BEGIN PERFORM pg_notify('job_progress', NEW.id::text); RETURN NEW; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER jobs_progress AFTER UPDATE ON jobs
FOR EACH ROW EXECUTE FUNCTION notify_progress();
'''


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    progress: Mapped[int] = mapped_column(default=0)


event.listen(Job.__table__, "after_create", DDL(NOTIFY_PROGRESS))


def run(session: Session, job: Job, steps):
    for number, step in enumerate(steps):
        step()
        job.progress = number
        session.flush()
    session.commit()
```

## Use instead
```python
from sqlalchemy import DDL, event
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

NOTIFY_PROGRESS = '''
CREATE FUNCTION notify_progress() RETURNS trigger AS $$
BEGIN PERFORM pg_notify('job_progress', NEW.id::text); RETURN NEW; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER jobs_progress AFTER UPDATE ON jobs
FOR EACH ROW EXECUTE FUNCTION notify_progress();
'''


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    progress: Mapped[int] = mapped_column(default=0)


event.listen(Job.__table__, "after_create", DDL(NOTIFY_PROGRESS))


def run(session: Session, job: Job, steps):
    for number, step in enumerate(steps):
        step()
        job.progress = number
        session.commit()
```

Commit at throttled milestones (every N steps or seconds), or publish
progress outside the trigger.

## Severity
CRITICAL when the trigger notifies (`pg_notify`/`NOTIFY`); HIGH for other
triggers; MEDIUM when the writes collapse into one atomic UPDATE with no
intermediate state anyone could observe. A comment near the code saying
the single transaction is intentional (or citing an ADR) lowers it one
level.

## References
- [PostgreSQL: NOTIFY](https://www.postgresql.org/docs/current/sql-notify.html)
- [PostgreSQL: overview of trigger behavior](https://www.postgresql.org/docs/current/trigger-definition.html)
- [SQLAlchemy: flushing](https://docs.sqlalchemy.org/en/20/orm/session_basics.html#flushing)
"""

import re

import attrs
from astroid import nodes

from persistlint.diagnostic import Effort, Finding, Severity
from persistlint.registry import rule
from persistlint.context import inside, models, transactions

#: A comment saying one transaction is meant: lowers the severity one level.
INTENTIONAL = re.compile(r"intentional|on purpose|deliberate|by design|\bADR[-\s]?\d+|single transaction"
                         r"|one transaction|atomically", re.IGNORECASE)


@attrs.define
class _Update:
    """One UPDATE statement reaching the table."""

    op: transactions.Operation  # what the user wrote: the first attribute write, the execute
    emitter: nodes.NodeNG  # what sends it: the flush, the execute, the commit
    attributes: set[str]
    repeated: bool  # sent once per iteration of a loop inside the transaction
    collapsed_loop: bool = False  # attribute writes repeated in a loop, sent once

    @property
    def node(self) -> nodes.NodeNG:
        return self.op.node


@rule("PT201", "missing-intermediate-commit", effort=Effort.S_M, nodes=(nodes.FunctionDef,),
      principle="Commit where others must see progress: trigger effects appear only at commit.")
def check(function: nodes.FunctionDef, ctx):
    if not ctx.project.db_config.get("triggers"):
        return
    for region in transactions.regions(function, ctx):
        for table, updates in _updates_by_table(region, ctx).items():
            triggers = [t for t in ctx.project.triggers_on(table) if "UPDATE" in t.get("events", ())]
            columns = {c for t in triggers for c in t.get("columns") or ()}
            if columns and all(u.attributes and not (u.attributes & columns) for u in updates):
                continue  # an UPDATE OF trigger on other columns never fires
            if not triggers:
                continue
            finding = _finding(function, region, table, updates, triggers, ctx)
            if finding is not None:
                yield finding


def _updates_by_table(region: transactions.Region, ctx) -> dict[str, list[_Update]]:
    """The UPDATE statements of a region per table: attribute writes become
    one statement per flush (explicit, autoflush before a query, commit)."""
    result: dict[str, list[_Update]] = {}
    pending: dict[str, list[transactions.Operation]] = {}

    def send(emitter: nodes.NodeNG) -> None:
        for table, writes in pending.items():
            in_loop = [w for w in writes if _repeats(w.node, region, ctx)]
            # a flush in a loop repeats an UPDATE only of writes made in the loop
            repeated = bool(in_loop) and _repeats(emitter, region, ctx)
            collapsed = not repeated and bool(in_loop)
            attributes = {w.attribute for w in writes if w.attribute}
            result.setdefault(table, []).append(
                _Update((in_loop or writes)[0], emitter, attributes, repeated, collapsed))
        pending.clear()

    for op in region.operations:
        if op.family == "attribute" and op.table:
            pending.setdefault(op.table, []).append(op)
        elif op.family == "django" and op.verb == "UPDATE" and op.target and op.table in pending:
            send(op.node)  # Django: save() sends the attribute writes, no unit of work
        elif op.kind == "flush" or (op.kind in {"read", "write"} and op.family == "orm"):
            send(op.node)  # autoflush runs before every query
            if op.kind == "write" and op.verb == "UPDATE" and op.table:
                result.setdefault(op.table, []).append(
                    _Update(op, op.node, set(), _repeats(op.node, region, ctx)))
        elif op.kind == "write" and op.verb in {"UPDATE", None} and op.table:
            if op.family == "django" and op.verb == "UPDATE" or op.family in {"dbapi", "asyncpg", "helper"}:
                result.setdefault(op.table, []).append(
                    _Update(op, op.node, set(), _repeats(op.node, region, ctx)))
    unsaved = [table for table, writes in pending.items()
               if any(models.is_django_model(w.model, ctx) for w in writes)]
    for table in unsaved:
        del pending[table]  # a Django instance nobody saves writes nothing
    if pending:
        end = region.end.node if region.end is not None else region.start
        send(end)
    return result


def _repeats(node: nodes.NodeNG, region: transactions.Region, ctx) -> bool:
    """``node`` runs once per iteration of a loop that the transaction spans."""
    for loop in ctx.loops_around(node):
        if region.kind == "explicit":
            if inside(loop, region.start) and loop is not region.start:
                return True
        elif region.end is None or not inside(region.end.node, loop):
            return True
    return False


def _finding(function, region, table, updates, triggers, ctx) -> Finding | None:
    count = sum(2 if u.repeated else 1 for u in updates)
    notifying = [t for t in triggers if t.get("notifies")]
    trigger = (notifying or triggers)[0]
    if count >= 2:
        report = next((u for u in updates if u.repeated), updates[1] if len(updates) > 1 else updates[0])
        if report.repeated or _work_between(updates, function):
            severity = Severity.CRITICAL if notifying else Severity.HIGH
        else:
            severity = Severity.MEDIUM
        how = "in a loop" if report.repeated else f"{count} times"
    elif any(u.collapsed_loop for u in updates):
        report = next(u for u in updates if u.collapsed_loop)
        severity = Severity.MEDIUM
        how = "in a loop but flushed once (one atomic UPDATE)"
    else:
        return None
    intent = " ".join(ctx.comment_near(n) for n in (report.node, function))
    if INTENTIONAL.search(intent) or INTENTIONAL.search(_function_comments(function, ctx)):
        severity = severity.lowered()
    effect = (f"NOTIFYs {trigger['channel']!r}" if trigger.get("channel") else "notifies") \
        if trigger.get("notifies") else "takes effect"
    end = f"at line {region.end.line}" if region.end is not None and region.kind == "implicit" \
        else ("when the block ends" if region.kind == "explicit" else "when the caller commits")
    model = next((u.op.model.rpartition(".")[2] for u in updates if u.op.model), table)
    return Finding.at(
        report.node, severity,
        f"{model} ({table}) is updated {how} in one transaction; trigger {trigger['name']} "
        f"{effect} only at the commit {end}, so intermediate progress is never seen",
        "commit at throttled progress milestones, or publish progress outside the trigger",
        evidence=report.op.evidence,
    )


def _work_between(updates: list[_Update], function: nodes.FunctionDef) -> bool:
    """Other calls run between the first and the last UPDATE: there is an
    intermediate state someone could have wanted to see."""
    first = (updates[0].emitter.lineno or 0)
    last = (updates[-1].node.lineno or 0)
    statements = {_statement(u.node) for u in updates} | {_statement(u.emitter) for u in updates}
    for call in transactions.own_nodes_in_order(function, nodes.Call):
        if first < (call.lineno or 0) < last and _statement(call) not in statements:
            return True
    return False


def _statement(node: nodes.NodeNG) -> nodes.NodeNG:
    return node.statement() if hasattr(node, "statement") else node


def _function_comments(function: nodes.FunctionDef, ctx) -> str:
    """Comments on the lines just above the function and its first body line."""
    line = function.lineno or 1
    lines = ctx.source_lines[max(0, line - 3):line + 1]
    return " ".join(text[text.index("#") + 1:] for text in lines if "#" in text)
