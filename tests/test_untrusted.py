"""A checked-out project is untrusted input, and so is its cache folder.

Each test plants something hostile or broken in a copy of the sample
project (links in the cache, a damaged cache, FIFOs and odd names among the
sources, edits that hide from timestamps) and runs the real ``flake8`` and
``persistlint`` commands on it: the run must finish, without a traceback,
without writing outside ``<root>/.persistlint_cache``, and with the
sample's cross-file findings intact.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from persistlint.context import cache, results
from persistlint.report import saved
from tests import harness

SHOP = harness.TESTDATA / "projects" / "shop"
CRITICAL_PT201 = "app/worker.py:39:9: PT201 [CRITICAL]"
RUN_LIMIT = 120  # seconds: a hang fails the test instead of stalling the suite


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SHOP, tmp_path / "checkout" / "shop",
                                ignore=shutil.ignore_patterns(cache.CACHE_DIR)))


def flake8(shop: Path, *args: str):
    result = harness.flake8("--select=PT201", *args, "app/worker.py", cwd=shop, timeout=RUN_LIMIT,
                            only=("persistlint",))
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


def report(shop: Path, *args: str):
    result = harness.persistlint("report", "--format", "json", "-j", "1", *args, ".", cwd=shop,
                                 timeout=RUN_LIMIT)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    return result, json.loads(result.stdout)


def findings(data: dict) -> list[dict]:
    """Every finding of a JSON report, PX ones included."""
    return [f for category in data["categories"] for f in category["findings"]] + data["internal"]


def found(data: dict) -> set[tuple[str, int, str]]:
    return {(f["path"], f["line"], f["code"]) for f in findings(data)}


def context_problems(shop: Path) -> list[str]:
    result = harness.persistlint("context", ".", cwd=shop, timeout=RUN_LIMIT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["problems"]


def leftovers(shop: Path) -> list[str]:
    """Temporary files the cache IO left behind."""
    return [p.name for p in (shop / cache.CACHE_DIR).iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- links in the cache

CACHE_FILES = ("lock", ".gitignore", cache.CONTEXT_FILE)


def result_files(shop: Path) -> list[str]:
    """The per-file result entries in the cache folder."""
    return sorted(p.name for p in (shop / cache.CACHE_DIR).glob(f"{results.PREFIX}*.json"))


def cache_file_names(shop: Path) -> list[str]:
    """Every file name the runs below use in a fresh cache folder, then the
    folder emptied: the result entries are named by a hash of what they
    hold, so one clean run tells their names."""
    flake8(shop)
    report(shop)
    entries = result_files(shop)
    assert entries, "the runs kept no per-file results"
    shutil.rmtree(shop / cache.CACHE_DIR)
    (shop / cache.CACHE_DIR).mkdir()
    return [*CACHE_FILES, *entries]


def test_a_link_in_the_cache_is_never_followed(shop):
    directory = shop / cache.CACHE_DIR
    names = cache_file_names(shop)
    victims = {}
    for name in names:
        victims[name] = shop.parent / f"victim-{name.strip('.')}"
        victims[name].write_text("precious\n", encoding="utf-8")
        (directory / name).symlink_to(os.path.relpath(victims[name], directory))

    assert CRITICAL_PT201 in flake8(shop).stdout
    _, data = report(shop)
    assert ("app/worker.py", 39, "PT201") in found(data)
    assert {v.read_text(encoding="utf-8") for v in victims.values()} == {"precious\n"}
    # the links were replaced by persistlint's own regular files
    assert [name for name in names if (directory / name).is_symlink()] == []
    assert leftovers(shop) == []


def test_dangling_links_as_cache_files_create_nothing_elsewhere(shop):
    directory = shop / cache.CACHE_DIR
    names = cache_file_names(shop)
    targets = [shop.parent / f"created-by-{name.strip('.')}" for name in names]
    for name, target in zip(names, targets):
        (directory / name).symlink_to(target)
    assert CRITICAL_PT201 in flake8(shop).stdout
    report(shop)
    assert [t.name for t in targets if os.path.lexists(t)] == []


def test_a_linked_cache_folder_is_refused(shop):
    outside = shop.parent / "outside"
    outside.mkdir()
    (shop / cache.CACHE_DIR).symlink_to(outside)
    assert CRITICAL_PT201 in flake8(shop).stdout
    result, data = report(shop)
    assert ("app/worker.py", 39, "PT201") in found(data)
    assert list(outside.iterdir()) == []
    [note] = [line for line in result.stderr.splitlines() if "cache" in line]
    assert "symbolic link" in note
    assert any("symbolic link" in problem for problem in context_problems(shop))


# ---------------------------------------------------------------- a damaged cache

def _damage_context(shop: Path, damage) -> None:
    path = shop / cache.CACHE_DIR / cache.CONTEXT_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    damage(data)
    path.write_text(json.dumps(data), encoding="utf-8")


CONTEXT_DAMAGE = {
    "context is empty": lambda data: data.update(context={}),
    "models is a string": lambda data: data["context"].update(models="oops"),
    "a model is a list": lambda data: data["context"]["models"].update(Job=[1]),
    "manifest entries are strings": lambda data: data.update(
        manifest={k: "x" for k in data["manifest"]}),
    "key is a number": lambda data: data.update(key=7),
}


def test_a_context_cache_with_the_right_key_and_a_wrong_body_is_rebuilt(shop):
    assert CRITICAL_PT201 in flake8(shop).stdout
    for damage in CONTEXT_DAMAGE.values():
        _damage_context(shop, damage)
        result = flake8(shop)
        assert CRITICAL_PT201 in result.stdout
        assert "PX001" not in result.stdout
        stored = json.loads((shop / cache.CACHE_DIR / cache.CONTEXT_FILE).read_text(encoding="utf-8"))
        assert cache.valid_payload(stored)  # rebuilt, not kept
        assert leftovers(shop) == []


def test_a_context_cache_that_is_a_directory_is_replaced(shop):
    (shop / cache.CACHE_DIR / cache.CONTEXT_FILE / "inner").mkdir(parents=True)
    for _ in range(2):
        assert CRITICAL_PT201 in flake8(shop).stdout
        assert leftovers(shop) == []
    assert (shop / cache.CACHE_DIR / cache.CONTEXT_FILE).is_file()


def _wrong_line_numbers(stored: dict) -> dict:
    for diagnostic in stored["diagnostics"]:
        diagnostic["line"] = "thirty-nine"
    return stored


RESULTS_DAMAGE = {
    "diagnostics is an object": lambda stored: {**stored, "diagnostics": {}},
    "a diagnostic is a string": lambda stored: {**stored, "diagnostics": [*stored["diagnostics"], "oops"]},
    "a diagnostic of wrong types": lambda stored: {**stored, "diagnostics": [
        *stored["diagnostics"], {"code": 1, "severity": None, "path": [], "line": "x", "col": {}}]},
    "line numbers are words": _wrong_line_numbers,
    "format is a word": lambda stored: {**stored, "format": "one"},
    "not an object": lambda stored: "damaged",
}


def test_report_results_of_the_wrong_shape_are_discarded(shop):
    _, first = report(shop)
    worker = [shop / cache.CACHE_DIR / name for name in result_files(shop)
              if any(d["path"] == "app/worker.py" for d in
                     json.loads((shop / cache.CACHE_DIR / name).read_text(encoding="utf-8"))["diagnostics"])]
    assert worker, "no stored result holds the worker's findings"
    for damage in RESULTS_DAMAGE.values():
        for path in worker:
            path.write_text(json.dumps(damage(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")
        for stored in (shop / cache.CACHE_DIR).glob(f"{saved.PREFIX}*.json"):
            stored.unlink()  # the whole report is kept too: the file results are what is tested here
        _, again = report(shop)
        assert found(again) == found(first)
        assert leftovers(shop) == []


# ---------------------------------------------------------------- odd entries among the sources

def _plant_odd_entries(shop: Path) -> None:
    app = shop / "app"
    (app / "ghost.py").symlink_to(app / "missing.py")
    (app / "loop.py").symlink_to(app / "loop.py")
    (app / "ring_a.py").symlink_to(app / "ring_b.py")
    (app / "ring_b.py").symlink_to(app / "ring_a.py")
    os.mkfifo(app / "pipe.py")
    (shop / "outside.py").symlink_to("/etc/hostname")
    with open(os.fsencode(app) + b"/caf\xe9.py", "w", encoding="utf-8") as out:
        out.write("import time\n\n\nasync def f():\n    time.sleep(1)\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_odd_entries_do_not_cost_the_context(shop):
    _plant_odd_entries(shop)
    # the FIFO is excluded from flake8's own files: the context must not open it either
    assert CRITICAL_PT201 in flake8(shop, "--exclude=app/pipe.py").stdout
    problems = context_problems(shop)
    for name, words in [("app/ghost.py", "dangling"), ("app/loop.py", "loop"), ("app/ring_a.py", "loop"),
                        ("app/pipe.py", "FIFO"), ("outside.py", "outside the project"),
                        ("app/caf\\xe9.py", "not valid UTF-8")]:
        assert any(p.startswith(f"{name}: ") and words in p for p in problems), (name, problems)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_report_on_odd_entries(shop):
    _plant_odd_entries(shop)
    (shop / "app" / "pipe.py").unlink()  # flake8's discovery would hand the FIFO to the report
    _, data = report(shop)
    assert ("app/worker.py", 39, "PT201") in found(data)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_report_on_a_fifo_among_the_sources(shop):
    os.mkfifo(shop / "app" / "pipe.py")
    _, data = report(shop)
    assert ("app/worker.py", 39, "PT201") in found(data)
    [note] = [f for f in data["internal"] if f["path"] == "app/pipe.py"]
    assert "not a regular file" in note["issue"]


# ---------------------------------------------------------------- edits that hide from timestamps

def test_an_edit_that_keeps_size_and_mtime_is_seen(shop):
    """Order.items becomes lazy: a new N+1 in list_orders, found only if the
    edited models module is read again."""
    new_finding = "app/api/orders.py:30:26: PQ107 [HIGH]"
    first = harness.flake8("--select=PQ107", "app/api/orders.py", cwd=shop, timeout=RUN_LIMIT)
    _, before = report(shop)
    assert new_finding not in first.stdout
    models = shop / "app" / "models.py"
    old = models.stat()
    text = models.read_text(encoding="utf-8")
    edited = text.replace('lazy="selectin")', 'lazy="select"  )')
    assert edited != text and len(edited) == len(text)
    models.write_text(edited, encoding="utf-8")
    os.utime(models, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert (models.stat().st_size, models.stat().st_mtime_ns) == (old.st_size, old.st_mtime_ns)

    second = harness.flake8("--select=PQ107", "app/api/orders.py", cwd=shop, timeout=RUN_LIMIT)
    assert new_finding in second.stdout
    _, after = report(shop)
    assert found(after) - found(before) == {("app/api/orders.py", 30, "PQ107")}


# ---------------------------------------------------------------- one decoding path

def test_bom_and_a_contradicting_coding_cookie_give_one_answer(shop):
    """Python refuses a BOM with ``# coding: latin-1``; flake8 then reads the
    file as latin-1. The report reads it the same way: the same findings."""
    (shop / "app" / "legacy.py").write_bytes(
        b"\xef\xbb\xbf# coding: latin-1\nimport time\n\n\nasync def poll():\n    time.sleep(1)\n")
    result = harness.flake8("--select=PR,PX", "app/legacy.py", cwd=shop, timeout=RUN_LIMIT)
    from_flake8 = {(line.split(":")[1], line.split(": ")[1].split()[0]) for line in result.stdout.splitlines()}
    _, data = report(shop)
    from_report = {(str(f["line"]), f["code"]) for f in findings(data)
                   if f["path"] == "app/legacy.py" and f["code"][:2] in ("PR", "PX")}
    assert from_flake8 == from_report == {("6", "PR303")}


# ---------------------------------------------------------------- manifests

def context_of(shop: Path) -> dict:
    result = harness.persistlint("context", "--rebuild", ".", cwd=shop, timeout=RUN_LIMIT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_requirement_includes_stay_inside_the_project(shop):
    outside = shop.parent / "outside.txt"
    outside.write_text("celery==5.3\n", encoding="utf-8")  # read, it would add a task queue
    (shop / "requirements").mkdir()
    (shop / "requirements" / "linked.txt").symlink_to(outside)
    with open(shop / "requirements.txt", "a", encoding="utf-8") as out:
        out.write("-r /etc/passwd\n--requirement=/proc/self/environ\n-r ../outside.txt\n"
                  "-r requirements/linked.txt\n")
    data = context_of(shop)
    assert "task_queue" not in data["tech_stack"]
    problems = data["problems"]
    for name in ("/etc/passwd", "/proc/self/environ", "../outside.txt"):
        assert f"requirements.txt: included file {name} is outside the project; not read" in problems
    assert any(p.startswith("requirements/linked.txt: symbolic link to a file outside the project")
               for p in problems), problems
    assert data["tech_stack"]["orm"]["name"] == "SQLAlchemy"  # the rest still read


def test_oversized_texts_are_read_in_part_with_a_note(shop):
    from persistlint.context import stack

    cap = stack.MAX_MANIFEST_BYTES
    with open(shop / "docs" / "project" / "tech_stack.md", "a", encoding="utf-8") as out:
        out.write(("filler naming MySQL, which is not used\n" * (cap // 20)))
    with open(shop / "docker-compose.yml", "a", encoding="utf-8") as out:
        out.write("# " + "x" * cap + "\n")
    data = context_of(shop)
    assert data["tech_stack"]["db"]["name"] == "PostgreSQL"  # from the part that was read
    for name in ("docs/project/tech_stack.md", "docker-compose.yml"):
        assert f"{name}: larger than {cap} bytes; only the first {cap} read" in data["problems"]


def test_the_context_build_has_a_time_budget(shop):
    """A budget too small for anything: the context says it is partial, and
    flake8 still runs to the end."""
    with open(shop / "pyproject.toml", "a", encoding="utf-8") as out:
        out.write("\n[tool.persistlint]\ntime_budget = 0.000001\n")
    data = context_of(shop)
    assert any(p.startswith("context build time budget of ") and "the context is partial" in p
               for p in data["problems"]), data["problems"]
    result = flake8(shop, "--select=PX")
    assert "time budget" in result.stdout


def test_context_schema_covers_every_context_field():
    from persistlint.context import ProjectContext

    assert set(cache.CONTEXT_SHAPE) == set(ProjectContext.DATA_FIELDS)


def test_a_function_summary_of_the_wrong_shape_is_rebuilt(shop):
    assert CRITICAL_PT201 in flake8(shop).stdout

    def damage(data):
        for summary in data["context"]["functions"].values():
            summary.clear()
            summary["queries"] = "oops"

    _damage_context(shop, damage)
    result = flake8(shop)
    assert CRITICAL_PT201 in result.stdout
    assert "PX001" not in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_templates_that_are_links_out_fifos_or_huge_are_not_read(tmp_path):
    """A view's template is read only as a regular file inside the project:
    a link out of it, a FIFO or an oversized file gives no finding, and the
    run finishes."""
    from persistlint.context import templates

    root = Path(shutil.copytree(harness.TESTDATA / "rules" / "query" / "pq107_django_templates",
                                tmp_path / "checkout" / "store", ignore=shutil.ignore_patterns(cache.CACHE_DIR)))
    outside = tmp_path / "outside.html"
    outside.write_text("{% for product in products %}{{ product.brand.name }}{% endfor %}\n", encoding="utf-8")
    names = root / "templates" / "names.html"
    names.unlink()
    names.symlink_to(outside)
    pages = root / "store" / "templates" / "store"
    (pages / "products.html").unlink()
    os.mkfifo(pages / "products.html")
    (pages / "absent.html").write_text(
        "{% for product in products %}{{ product.brand.name }}{% endfor %}\n" * (templates.MAX_TEMPLATE_BYTES // 60),
        encoding="utf-8")
    result = harness.flake8("--select=PQ107,PX", "store/views.py", cwd=root, timeout=RUN_LIMIT)
    assert result.returncode in (0, 1) and "Traceback" not in result.stdout + result.stderr, result.stderr
    # the views rendering the linked, FIFO and oversized templates
    reported = {line.split(":")[1] for line in result.stdout.splitlines()}
    assert reported.isdisjoint({"9", "26", "31"}), result.stdout
    assert "catalogue.html" in result.stdout  # the regular template beside them is read
