"""List comprehensions consumed once (ruff C4/PERF), and list casts before
iteration."""


def consumed_once(orders):
    any([o.late for o in orders])
    all([o.paid for o in orders])
    sum([o.total for o in orders])
    min([o.total for o in orders])
    max([o.total for o in orders])
    set([o.customer for o in orders])
    dict([(o.id, o.total) for o in orders])
    list([o.total * 2 for o in orders])
    ",".join([str(o.id) for o in orders])


def list_cast_before_iteration(ids: list[int]):
    for identifier in list(ids):
        print(identifier)
