import copy
from typing import Dict, List


def total(prices: list[float]) -> float:
    snapshot = list(prices)  # PR306[LOW]: 16 "list(prices) copies a list"
    return sum(snapshot)


def lookups(config: dict, names: List[str], tags: set):
    settings = dict(config)  # PR306[LOW]: 16
    local = config.copy()  # PR306[LOW]: 13
    seen = set(tags)  # PR306[LOW]: 12
    first = names[:]  # PR306[LOW]: 13
    deep = copy.deepcopy(config)  # PR306[LOW]: 12
    for name in first:
        if name in seen and settings.get(name) and local[name]:
            print(deep["x"], len(first))
    for name in list(names):  # PR306[LOW]: 17 "the loop does not change it"
        print(name)


def in_a_loop(batches: list[list[int]], weights: Dict[str, float]):
    for batch in batches:
        w = weights.copy()  # PR306[MEDIUM]: 13 "inside a loop"
        print(sum(w.values()) * len(batch))


# ---- near misses ---------------------------------------------------------

def mutated_copy(items: list[int]):
    result = list(items)  # ok: PR306
    result.append(0)
    return result


def mutated_original(items: list[int]):
    before = items.copy()  # ok: PR306
    items.append(1)
    return len(before)


def loop_changes_original(items: list[int]):
    for item in list(items):  # ok: PR306
        if item < 0:
            items.remove(item)


def handed_on(items: list[int], sink):
    copied = list(items)  # ok: PR306
    sink(copied)


def subscript_store(config: dict):
    changed = dict(config)  # ok: PR306
    changed["debug"] = True
    return len(changed)


def augmented(items: list[int]):
    grown = list(items)  # ok: PR306
    grown += [1]
    return len(grown)


def materialised(mapping: dict, numbers):
    pairs = list(mapping.items())  # ok: PR306
    keys = list(mapping)  # ok: PR306
    values = list(n * 2 for n in numbers)  # ok: PR306
    return len(pairs) + len(keys) + len(values)


class Inventory:
    def __init__(self):
        self.items: list[str] = []

    def snapshot(self):
        return list(self.items)  # ok: PR306

    def snapshot_named(self):
        copied = self.items.copy()  # ok: PR306
        return copied

    def drain(self):
        for item in list(self.items):  # ok: PR306
            self.discard(item)

    def discard(self, item):
        self.items.remove(item)


def unknown_source(rows):
    copied = list(rows)  # ok: PR306
    return sum(copied)


def deep_copies(config: dict, rows: list[dict]):
    settings = copy.deepcopy(config)  # ok: PR306
    settings["db"]["host"] = "replica"
    for row in copy.deepcopy(rows):  # ok: PR306
        row["seen"] = True
        print(row)
    for row in copy.deepcopy(rows):  # PR306[LOW]: 16 "deepcopy"
        print(row["id"], row.get("name"))
    return settings


def deep_copy_changed_through_its_elements(rows: list[dict]):
    snapshot = copy.deepcopy(rows)  # ok: PR306
    for row in snapshot:
        row["seen"] = True
    return len(rows)


def deep_copy_changed_through_nested_loops(groups: dict):
    by_name = copy.deepcopy(groups)  # ok: PR306
    for _, members in by_name.items():
        for member in members:
            member.append("x")
    return len(groups)


def deep_copy_changed_in_a_comprehension(rows: list[dict]):
    return [item.update(done=True) for item in copy.deepcopy(rows)]  # ok: PR306


def deep_copy_only_read_through_its_elements(rows: list[dict]):
    unchanged = copy.deepcopy(rows)  # PR306[LOW]: 17 "deepcopy"
    for row in unchanged:
        print(row["id"])
    return len(rows)
