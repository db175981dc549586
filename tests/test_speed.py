"""What makes persistlint cheap where users wait, checked by behaviour (the
speed itself is measured by benchmarks/bench.py, never asserted here)."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from astroid.builder import AstroidBuilder

from persistlint.context import astbuild, infer
from tests import harness

SOURCES = sorted((harness.TESTDATA / "rules").rglob("*.py")) + sorted(
    (harness.TESTDATA / "projects").rglob("*.py"))


def _dump(module) -> list:
    """Every node with its position, the scopes' names, and the text."""
    from astroid import nodes

    found: list = [module.as_string()]
    for node in module.nodes_of_class(nodes.NodeNG):
        found.append((type(node).__name__, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset))
        if isinstance(node, nodes.LocalsDictNodeNG):
            found.append({name: len(defined) for name, defined in node.locals.items()})
    return found


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: p.relative_to(harness.TESTDATA).as_posix())
def test_module_from_flake8s_tree_equals_astroids_own_parse(path: Path):
    """The astroid module rebuilt from flake8's ``ast`` tree is the one
    astroid builds from the text."""
    source = path.read_text(encoding="utf-8")
    own = AstroidBuilder(infer.MANAGER).string_build(source, modname="parsed_once", path=str(path))
    reused = astbuild.build(infer.MANAGER, source, "parsed_once", str(path), ast.parse(source))
    assert _dump(reused) == _dump(own)
    assert reused.file_bytes == own.file_bytes and reused.future_imports == own.future_imports


def test_type_comments_are_read_as_astroid_reads_them():
    """flake8 parses without type comments; such a file is parsed by astroid."""
    source = "def f(a):\n    # type: (int) -> str\n    return a\n\nx = []  # type: list[int]\n"
    own = AstroidBuilder(infer.MANAGER).string_build(source, modname="typed", path="typed.py")
    reused = astbuild.build(infer.MANAGER, source, "typed", "typed.py", ast.parse(source))
    assert reused.body[0].type_comment_returns is not None
    assert _dump(reused) == _dump(own)


# Prints every node of astroid's builtins module with its fields, nodes
# named by the order in which they are first reached: the tree astroid
# built, as text. argv: "astroid" (astroid's own bootstrap) or the order in
# which the classes are first used after persistlint's ("forward", "reverse",
# "shuffled").
BUILTINS_TREE = """
import random, sys
from astroid import bases, nodes, raw_building
from astroid.builder import AstroidBuilder
from astroid.manager import AstroidManager
from persistlint.context import lazy_builtins

order = sys.argv[1]
if order == "astroid":
    AstroidBuilder(AstroidManager())
else:
    lazy_builtins.bootstrap(AstroidManager())
    assert lazy_builtins._PENDING, "no class waits for its members"
    module = AstroidManager().builtins_module
    names = sorted(module.locals)
    if order == "reverse":
        names.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(names)
    classes = [node for name in names for node in module.locals[name]]
    for node in classes + [bases.UnionType._proxied]:  # the one class not named in the module
        getattr(node, "locals", None)
    assert not lazy_builtins._PENDING
seen = {}
queue = []
def ref(node):
    if id(node) not in seen:
        seen[id(node)] = len(seen)
        queue.append(node)
    return "#%d" % seen[id(node)]
def text(value):
    if isinstance(value, nodes.NodeNG):
        return ref(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(text(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join("%r:%s" % (key, text(item)) for key, item in value.items()) + "}"
    if value is None or isinstance(value, (str, bytes, int, float)):
        return repr(value)
    return "<%s %s>" % (type(value).__name__, getattr(value, "__qualname__", ""))
ref(AstroidManager().builtins_module)
for proxied in (bases.Generator, bases.AsyncGenerator, bases.UnionType, nodes.List, nodes.Dict, nodes.Set, nodes.Tuple):
    ref(proxied._proxied)
for key in sorted(raw_building._CONST_PROXY, key=repr):
    ref(raw_building._CONST_PROXY[key])
done = 0
while done < len(queue):
    node = queue[done]
    done += 1
    fields = vars(node)
    print(type(node).__name__, *("%s=%s" % (name, text(fields[name]))
                                 for name in sorted(fields) if not name.startswith("_")))
"""


def _builtins_tree(order: str) -> str:
    done = subprocess.run([sys.executable, "-c", BUILTINS_TREE, order], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_builtins_built_on_first_use_are_astroids_own_tree():
    """Class members of astroid's builtins module built when first used give
    the tree astroid's own bootstrap builds, in whatever order classes are
    first used."""
    own = _builtins_tree("astroid")
    assert own.count("\n") > 10_000 and "FunctionDef" in own
    for order in ("forward", "reverse", "shuffled"):
        assert _builtins_tree(order) == own, order


# A flake8 process in which analysing a file fails loudly (PX001): whatever it
# reports for persistlint came from the results cache.
NO_ANALYSIS = "import persistlint.walker as walker\nwalker.walk = lambda *args: 1 / 0\n"
NOQA_AND_SLEEPS = ("import time\n\n\nasync def poll():\n"
                   "    time.sleep(1)  # noqa: PR303\n"
                   "    time.sleep(2)\n")


def _persistlint_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if ": P" in line]


def _where(stdout: str) -> list[tuple[str, str, str]]:
    """(path, line, code) of persistlint's findings."""
    found = []
    for line in _persistlint_lines(stdout):
        path, number, _, rest = line.split(":", 3)
        found.append((path, number, rest.split()[0]))
    return found


@pytest.fixture
def linted(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\n', encoding="utf-8")
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "poll.py").write_text(NOQA_AND_SLEEPS, encoding="utf-8")
    (root / "app" / "other.py").write_text("VALUE = 1\n", encoding="utf-8")
    return root


def test_unchanged_file_is_served_from_the_results_cache(linted):
    first = harness.flake8("--select=PR,PX", "app", cwd=linted)
    assert _where(first.stdout) == [("app/poll.py", "6", "PR303")]
    again = harness.flake8("--select=PR,PX", "app", cwd=linted, prelude=NO_ANALYSIS)
    assert _persistlint_lines(again.stdout) == _persistlint_lines(first.stdout)  # noqa still applied, no PX001


def test_results_cache_is_keyed_by_the_buffer_and_the_project_state(linted):
    harness.flake8("--select=PR,PX", "app", cwd=linted)
    # an editor buffer that differs from the saved file is analysed
    buffer = NOQA_AND_SLEEPS + "    time.sleep(3)\n"
    typed = harness.flake8("--select=PR,PX", "-", "--stdin-display-name", "app/poll.py", cwd=linted,
                           stdin=buffer, prelude=NO_ANALYSIS)
    assert [code for _, _, code in _where(typed.stdout)] == ["PX001"]
    # the saved text through stdin is the same entry as the file
    saved = harness.flake8("--select=PR,PX", "-", "--stdin-display-name", "app/poll.py", cwd=linted,
                           stdin=NOQA_AND_SLEEPS, prelude=NO_ANALYSIS)
    assert _where(saved.stdout) == [("app/poll.py", "6", "PR303")]
    # an edit of a module the file never read keeps it (see the tests below)
    (linted / "app" / "other.py").write_text("VALUE = 2\n", encoding="utf-8")
    kept = harness.flake8("--select=PR,PX", "app/poll.py", cwd=linted, prelude=NO_ANALYSIS)
    assert _where(kept.stdout) == [("app/poll.py", "6", "PR303")]
    # a module added: it may change what an import finds, the file is analysed again
    (linted / "app" / "added.py").write_text("VALUE = 3\n", encoding="utf-8")
    changed = harness.flake8("--select=PR,PX", "app/poll.py", cwd=linted, prelude=NO_ANALYSIS)
    assert "PX001" in changed.stdout


def test_no_results_kept_when_the_cache_is_off(linted):
    (linted / "pyproject.toml").write_text('[project]\nname = "proj"\n[tool.persistlint]\ncache = false\n',
                                           encoding="utf-8")
    harness.flake8("--select=PR,PX", "app", cwd=linted)
    assert not (linted / ".persistlint_cache").exists()


# ---------------------------------------------------------------- results keyed by the facts read

# A flake8 process that says, on stderr, how the results cache answered it.
ACCOUNTING = ("import atexit, sys\n"
              "from persistlint.context import results\n"
              "atexit.register(lambda: print(f'results: {results.Stats.hits} hit, {results.Stats.misses} miss',"
              " file=sys.stderr))\n")


def _answered(run) -> tuple[int, int]:
    """(hits, misses) of a flake8 run started with ``ACCOUNTING``."""
    line = next(line for line in run.stderr.splitlines() if line.startswith("results: "))
    hits, misses = line.removeprefix("results: ").split(", ")
    return int(hits.split()[0]), int(misses.split()[0])


@pytest.fixture
def layered(tmp_path: Path) -> Path:
    """A handler whose finding comes from a helper's summary, and modules it
    never reads."""
    root = tmp_path / "layered"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "layered"\n', encoding="utf-8")
    (root / "app" / "__init__.py").write_text("", encoding="utf-8")
    (root / "app" / "helpers.py").write_text("import time\n\n\ndef pause():\n    time.sleep(1)\n", encoding="utf-8")
    (root / "app" / "handlers.py").write_text(
        "from app.helpers import pause\n\n\nasync def handle():\n    pause()\n", encoding="utf-8")
    (root / "app" / "other.py").write_text("VALUE = 1\n", encoding="utf-8")
    return root


def _handler(layered: Path):
    return harness.flake8("--select=PR,PX", "app/handlers.py", cwd=layered, prelude=ACCOUNTING)


def test_an_edit_the_file_never_read_keeps_its_result(layered):
    first = _handler(layered)
    assert _where(first.stdout) == [("app/handlers.py", "5", "PR307")] and _answered(first) == (0, 1)
    # the context changes (a new function), but nothing the handler's analysis read
    (layered / "app" / "other.py").write_text("VALUE = 1\n\n\ndef added():\n    return VALUE\n",
                                              encoding="utf-8")
    again = _handler(layered)
    assert _answered(again) == (1, 0)
    assert _persistlint_lines(again.stdout) == _persistlint_lines(first.stdout)


def test_an_edit_of_a_summary_the_file_read_analyses_it_again(layered):
    assert _where(_handler(layered).stdout) == [("app/handlers.py", "5", "PR307")]
    # the helper no longer blocks: its summary, which the handler read, changed
    (layered / "app" / "helpers.py").write_text("import time\n\n\ndef pause():\n    return time.time()\n",
                                                encoding="utf-8")
    again = _handler(layered)
    assert _answered(again) == (0, 1)
    assert _where(again.stdout) == []
    # and back: the first entry is for another project state, analysed again
    (layered / "app" / "helpers.py").write_text("import time\n\n\ndef pause():\n    time.sleep(1)\n",
                                                encoding="utf-8")
    back = _handler(layered)
    assert _answered(back) == (0, 1) and _where(back.stdout) == [("app/handlers.py", "5", "PR307")]


def test_an_added_module_analyses_every_file_again(layered):
    """A new module may change what an import finds."""
    _handler(layered)
    (layered / "app" / "extra.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert _answered(_handler(layered)) == (0, 1)


def test_a_damaged_entry_is_a_miss(layered):
    _handler(layered)
    entries = sorted((layered / ".persistlint_cache").glob("result-*.json"))
    assert entries
    for entry in entries:
        data = json.loads(entry.read_text(encoding="utf-8"))
        data["facts"]["modules"] = {"app/helpers.py": 5}  # not a digest
        entry.write_text(json.dumps(data), encoding="utf-8")
    again = _handler(layered)
    assert _answered(again) == (0, 1) and _where(again.stdout) == [("app/handlers.py", "5", "PR307")]


def test_recorded_facts_name_what_the_analysis_read(layered):
    """The handler's entry names the helper module and the summary it read,
    not the module it never read, nor every summary."""
    from persistlint.context import results

    _handler(layered)
    (entry,) = [json.loads(path.read_text(encoding="utf-8"))
                for path in (layered / ".persistlint_cache").glob("result-*.json")]
    facts = entry["facts"]
    assert "app/helpers.py" in facts["modules"] and "app/other.py" not in facts["modules"]
    assert "app.helpers.pause" in facts["functions"] and results.EVERYTHING not in facts["functions"]


# ---------------------------------------------------------------- incremental context

def _context_after(root: Path):
    """The context as an editor's next flake8 process gets it: from the
    disk cache when its key still holds, else rebuilt."""
    from persistlint.context import build, forget_projects
    from persistlint.settings import Settings

    forget_projects()
    return build.load_or_build(root, Settings())


def _fresh_context(root: Path):
    from persistlint.context import build, forget_projects
    from persistlint.settings import Settings

    forget_projects()
    settings = Settings(cache=False)
    return build.build(root, settings, build.project_files(root, settings), "fresh")


def _comment_only_edits(root: Path) -> list[Path]:
    """Change every comment, add inline comments, append a trailing one: no
    node moves. Returns the edited modules."""
    edited = []
    for path in sorted(root.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        changed = []
        for line in lines:
            stripped = line.lstrip()
            if stripped.startswith("#") and not stripped.startswith("# type:"):
                line = line + " (reworded)"
            elif stripped.startswith(("import ", "from ")) and "#" not in line and not line.endswith(("(", ",")):
                line = line + "  # why this import"
            changed.append(line)
        path.write_text("\n".join(changed) + "\n# trailing note\n", encoding="utf-8")
        edited.append(path)
    return edited


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "shop"
    shutil.copytree(harness.TESTDATA / "projects" / "shop", root,
                    ignore=shutil.ignore_patterns(".persistlint_cache", "__pycache__"))
    return root


def test_comment_only_edits_keep_the_context(shop):
    """Comment edits everywhere (models, migrations, handlers) cannot change
    any context fact: the cached context is reused, and it equals a fresh
    build of the edited tree."""
    before = _context_after(shop)
    cached = (shop / ".persistlint_cache" / "context.json").read_bytes()
    assert _comment_only_edits(shop)
    after = _context_after(shop)
    assert after.key == before.key
    assert (shop / ".persistlint_cache" / "context.json").read_bytes() == cached  # not rebuilt
    assert after.to_json() == _fresh_context(shop).to_json()


@pytest.mark.parametrize("edit", [
    pytest.param(lambda text: "# a new first line moves every node\n" + text, id="line-inserted"),
    pytest.param(lambda text: text.replace("def ", "def renamed_", 1), id="function-renamed"),
    pytest.param(lambda text: text + "\n# this revision drops the trigger\n", id="trigger-word-in-comment"),
])
def test_edits_that_can_change_facts_rebuild_it(shop, edit):
    before = _context_after(shop)
    for relative in ("app/models.py", "alembic/versions/0001_initial.py", "app/worker.py"):
        path = shop / relative
        edited = edit(path.read_text(encoding="utf-8"))
        if edited != path.read_text(encoding="utf-8"):
            path.write_text(edited, encoding="utf-8")
    after = _context_after(shop)
    assert after.key != before.key
    assert after.to_json() == _fresh_context(shop).to_json()


def test_files_changed_just_before_hashing_are_hashed_again_only_until_they_are_old_enough(shop, monkeypatch):
    """Right after a checkout every file is too fresh for its hash to be
    reused (its timestamps could hide a second change); once the files are
    old enough, one more run records that, and later runs hash nothing."""
    from persistlint.context import cache

    hashed: list[str] = []
    digest = cache.file_digest
    monkeypatch.setattr(cache, "file_digest", lambda path: hashed.append(path.name) or digest(path))
    monkeypatch.setattr(cache, "RACY_WINDOW_NS", 10**18)  # every file changed "just now"
    first = _context_after(shop)
    assert hashed
    hashed.clear()
    _context_after(shop)
    assert hashed, "too fresh: hashed again"
    # a window that makes every file too fresh for the moment the context
    # was hashed at, and old enough for the next run
    import json
    import time

    payload = json.loads((shop / cache.CACHE_DIR / cache.CONTEXT_FILE).read_text(encoding="utf-8"))
    freshest = max(max(entry[0], entry[3]) for entry in payload["manifest"].values())
    time.sleep(0.05)
    later = time.time_ns()
    monkeypatch.setattr(cache, "RACY_WINDOW_NS",
                        payload["hashed_at"] - freshest + (later - payload["hashed_at"]) // 2)
    hashed.clear()
    settled = _context_after(shop)
    assert hashed, "hashed once more, and that is recorded"
    hashed.clear()
    again = _context_after(shop)
    assert hashed == [] and again.key == settled.key == first.key
    assert again.to_json() == first.to_json()


def test_a_build_records_a_later_moment_of_hashing_only_for_files_unchanged_since(tmp_path, monkeypatch):
    import time

    from persistlint.context import cache

    files = []
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text(f"NAME = {name!r}\n", encoding="utf-8")
        files.append(tmp_path / name)
    hashed_at = time.time_ns()
    found = cache.manifest(tmp_path, files, {})
    monkeypatch.setattr(cache, "RACY_WINDOW_NS", 10**18)  # every file too fresh, then and now
    assert cache.settled_moment(tmp_path, found, hashed_at) == hashed_at, "still too fresh"
    time.sleep(0.02)
    monkeypatch.setattr(cache, "RACY_WINDOW_NS", 10_000_000)  # 10 ms: old enough now
    later = cache.settled_moment(tmp_path, found, hashed_at)
    assert later > hashed_at
    (tmp_path / "b.py").write_text("NAME = 'changed since it was hashed'\n", encoding="utf-8")
    time.sleep(0.02)
    assert cache.settled_moment(tmp_path, found, hashed_at) == hashed_at


def test_a_template_edit_analyses_the_view_that_renders_it_again(tmp_path):
    """A view's PQ107 comes from the template it renders: the template is
    one of the files its analysis read."""
    root = tmp_path / "shop"
    shutil.copytree(harness.TESTDATA / "rules" / "query" / "pq107_django_templates", root,
                    ignore=shutil.ignore_patterns(".persistlint_cache"))
    template = root / "templates" / "names.html"

    def lint():
        return harness.flake8("--select=PQ107", "store/views.py", cwd=root, prelude=ACCOUNTING)

    first = lint()
    assert ("store/views.py", "26", "PQ107") in _where(first.stdout) and _answered(first) == (0, 1)
    assert _answered(lint()) == (1, 0)
    template.write_text(template.read_text(encoding="utf-8").replace("{{ brand.products.count }}", ""),
                        encoding="utf-8")
    edited = lint()
    assert _answered(edited) == (0, 1)
    assert ("store/views.py", "26", "PQ107") not in _where(edited.stdout)
    # a template that appears where the view's looked for one and found none
    (root / "store" / "templates" / "store" / "absent.html").write_text(
        "{% for product in products %}{{ product.brand.name }}{% endfor %}\n", encoding="utf-8")
    appeared = lint()
    assert _answered(appeared) == (0, 1)
    assert ("store/views.py", "31", "PQ107") in _where(appeared.stdout)
