"""flake8 end to end: the real ``flake8`` command in a fresh process, on
small projects written by each test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import harness

SLEEPY = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<rest>.*)$")

# A function that is a request handler only because another module registers
# it: only the project context knows, so the severity shows whether the
# context came from the file's real project.
HANDLERS_ON_DISK = "async def export():\n    return None\n"
HANDLERS_IN_EDITOR = "import time\n\n\nasync def export():\n    time.sleep(1)\n"
ROUTES = (
    "from fastapi import APIRouter\n\nfrom app.handlers import export\n\n"
    "router = APIRouter()\n"
    'router.add_api_route("/export", export, methods=["POST"])\n'
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(tmp_path / "proj", {"pyproject.toml": '[project]\nname = "proj"\n'})


@pytest.fixture
def routed(project: Path) -> Path:
    return write(project, {"app/__init__.py": "", "app/routes.py": ROUTES,
                           "app/handlers.py": HANDLERS_ON_DISK})


def findings(stdout: str, prefix: str = "P") -> list[tuple[str, int, int, str, str]]:
    """(path, line, col, code, message) of persistlint's lines."""
    found = []
    for line in stdout.splitlines():
        match = LINE.match(line)
        assert match, f"not flake8's default format: {line!r}"
        if match["code"].startswith(prefix):
            found.append((match["path"], int(match["line"]), int(match["col"]), match["code"], match["rest"]))
    return found


def test_version_lists_persistlint(tmp_path):
    result = harness.flake8("--version", cwd=tmp_path)
    assert result.returncode == 0
    from persistlint import __version__

    assert f"persistlint: {__version__}" in result.stdout


def test_output_format(project):
    write(project, {"app.py": SLEEPY})
    result = harness.flake8("--select=PR", "app.py", cwd=project)
    assert result.returncode == 1, result.stderr
    [line] = result.stdout.splitlines()
    assert re.fullmatch(
        r"app\.py:5:5: PR303 \[MEDIUM\] Sync sleep in async function: time\.sleep\(1\).*"
        r" -> use await asyncio\.sleep\(1\)",
        line), line


def test_default_selection_includes_px(project):
    """No --select at all: flake8's default selection covers the PX0 entry."""
    write(project, {"app.py": SLEEPY})
    (project / "pyproject.toml").write_text("[tool.persistlint]\ntime_budget = 0.000001\n", encoding="utf-8")
    result = harness.flake8("app.py", cwd=project)
    assert result.returncode == 1, result.stderr
    assert [f[3] for f in findings(result.stdout)] == ["PX001"]
    (project / "pyproject.toml").write_text("[tool.persistlint]\ntime_budget = 10\n", encoding="utf-8")
    result = harness.flake8("app.py", cwd=project)
    assert "PR303" in [f[3] for f in findings(result.stdout)]


# Printed at exit by the flake8 process: whether persistlint's engine was ever loaded.
REPORT_ENGINE_LOADED = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('engine loaded:', 'persistlint.engine' in sys.modules, file=sys.stderr))\n"
)


@pytest.mark.parametrize("selection", [
    ("--select=E501",),
    ("--extend-ignore=PQ,PT,PR,PX",),
    ("--select=E,PQ", "--ignore=PQ"),
])
def test_nothing_reportable_does_nothing(project, selection):
    """flake8 runs every installed plugin; when its options exclude every
    persistlint code, persistlint builds no context and analyses nothing."""
    write(project, {"app.py": SLEEPY + "x = 1;\n"})
    result = harness.flake8(*selection, "app.py", cwd=project, prelude=REPORT_ENGINE_LOADED)
    assert "engine loaded: False" in result.stderr, result.stderr
    assert not (project / ".persistlint_cache").exists()
    assert findings(result.stdout) == []


@pytest.mark.parametrize("selection", [("--select=PR303",), ("--select=E501,PX",), ("--ignore=PQ,PT,PR",)])
def test_one_reportable_code_runs_the_analysis(project, selection):
    write(project, {"app.py": SLEEPY})
    result = harness.flake8(*selection, "app.py", cwd=project, prelude=REPORT_ENGINE_LOADED)
    assert "engine loaded: True" in result.stderr, result.stderr
    assert (project / ".persistlint_cache").is_dir()
    expected = ["PR303"] if selection == ("--select=PR303",) else []
    assert [f[3] for f in findings(result.stdout)] == expected


# Printed at exit by the flake8 process: the families whose rules walked a file.
REPORT_FAMILIES_RUN = (
    "import atexit, sys\n"
    "from persistlint import walker\n"
    "_walk, _run = walker.walk, set()\n"
    "def _recording(fctx, rules, *args):\n"
    "    _run.update(rule.code[:2] for rule in rules)\n"
    "    return _walk(fctx, rules, *args)\n"
    "walker.walk = _recording\n"
    "atexit.register(lambda: print('families run:', ','.join(sorted(_run)), file=sys.stderr))\n"
)
SLEEP_AND_COMMIT = (
    "import time\n\nfrom sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
    "class Store:\n"
    "    def __init__(self, session: AsyncSession) -> None:\n"
    "        self.session = session\n\n"
    "    async def save(self, item) -> None:\n"
    "        time.sleep(1)\n"
    "        self.session.add(item)\n"
    "        await self.session.commit()\n"
)


def test_only_the_selected_families_run(project):
    """``--select=PR`` runs the PR rules only; what it keeps in the results
    cache is not what a later run of every family gets."""
    write(project, {"app.py": SLEEP_AND_COMMIT})
    selected = harness.flake8("--select=PR", "app.py", cwd=project, prelude=REPORT_FAMILIES_RUN)
    assert "families run: PR\n" in selected.stderr, selected.stderr
    assert [f[3] for f in findings(selected.stdout)] == ["PR303"]
    two = harness.flake8("--select=PR,PT", "app.py", cwd=project, prelude=REPORT_FAMILIES_RUN)
    assert "families run: PR,PT\n" in two.stderr, two.stderr
    assert [f[3] for f in findings(two.stdout)] == ["PR303", "PT204"]
    # PX001 may tell of any rule failing: a run that can report PX runs them all
    everything = harness.flake8("--select=PR,PX", "app.py", cwd=project, prelude=REPORT_FAMILIES_RUN)
    assert "families run: PQ,PR,PT,PX\n" in everything.stderr, everything.stderr
    assert [f[3] for f in findings(everything.stdout)] == ["PR303"]
    again = harness.flake8("--select=P", "app.py", cwd=project)
    assert [f[3] for f in findings(again.stdout)] == ["PR303", "PT204"]


def test_noqa(project):
    write(project, {"app.py": (
        "import time\n\n\nasync def poll():\n"
        "    time.sleep(1)  # noqa\n"
        "    time.sleep(2)  # noqa: PR303\n"
        "    time.sleep(3)  # noqa: PQ101\n"
        "    time.sleep(4)\n")})
    result = harness.flake8("--select=PR", "app.py", cwd=project)
    assert [(f[1], f[3]) for f in findings(result.stdout)] == [(7, "PR303"), (8, "PR303")]


def test_stdin_takes_the_context_of_the_display_names_project(routed):
    """An editor lints the unsaved buffer through stdin, from any working
    directory: the project is the one the display name lives in."""
    outside = routed.parent
    result = harness.flake8("--select=PR", "-", "--stdin-display-name", "proj/app/handlers.py",
                            cwd=outside, stdin=HANDLERS_IN_EDITOR)
    assert result.returncode == 1, result.stderr
    [(path, line, col, code, message)] = findings(result.stdout)
    assert (path, line, col, code) == ("proj/app/handlers.py", 5, 5, "PR303")
    assert message.startswith("[HIGH]")  # registered as a handler in app/routes.py


def test_stdin_with_absolute_display_name(routed, tmp_path):
    result = harness.flake8("--select=PR", "-", "--stdin-display-name", str(routed / "app" / "handlers.py"),
                            cwd=tmp_path, stdin=HANDLERS_IN_EDITOR)
    [finding] = findings(result.stdout)
    assert finding[4].startswith("[HIGH]")


def test_stdin_elsewhere_has_no_such_context(routed):
    """Control for the tests above: the same buffer under a name outside the
    project is an ordinary coroutine."""
    result = harness.flake8("--select=PR", "-", "--stdin-display-name", "elsewhere/handlers.py",
                            cwd=routed.parent, stdin=HANDLERS_IN_EDITOR)
    [finding] = findings(result.stdout)
    assert finding[4].startswith("[MEDIUM]")


TEST_FILE = {"tests/test_poll.py": SLEEPY, "app.py": "x = 1\n"}


def test_test_files_skipped_by_default(project):
    write(project, {**TEST_FILE, "test_top.py": SLEEPY, "poll_test.py": SLEEPY, "conftest.py": SLEEPY})
    result = harness.flake8("--select=PR", ".", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert findings(result.stdout) == []


def test_test_files_included_by_option(project):
    write(project, TEST_FILE)
    result = harness.flake8("--select=PR", "--persistlint-include-tests", ".", cwd=project)
    assert [(f[0], f[3]) for f in findings(result.stdout)] == [("./tests/test_poll.py", "PR303")]


def test_test_files_included_by_pyproject(project):
    write(project, {**TEST_FILE, "pyproject.toml": "[tool.persistlint]\ninclude_tests = true\n"})
    result = harness.flake8("--select=PR", ".", cwd=project)
    assert [(f[0], f[3]) for f in findings(result.stdout)] == [("./tests/test_poll.py", "PR303")]


def test_options_in_flake8_config_section(project):
    write(project, {**TEST_FILE, "setup.cfg": "[flake8]\npersistlint-include-tests = true\n"})
    result = harness.flake8("--select=PR", ".", cwd=project)
    assert [(f[0], f[3]) for f in findings(result.stdout)] == [("./tests/test_poll.py", "PR303")]


def test_parallel_jobs_give_the_same_results(routed):
    write(routed, {
        "app/jobs.py": SLEEPY,
        "app/io.py": "from pathlib import Path\n\n\nasync def load(p: Path):\n    return p.read_bytes()\n",
        "app/more.py": ("import time as t\n\n\nasync def a():\n    t.sleep(1)\n\n\n"
                        "async def b():\n    t.sleep(2)\n"),
    })
    write(routed, {"app/handlers.py": HANDLERS_IN_EDITOR})
    serial = harness.flake8("--select=PQ,PT,PR,PX", "-j", "1", "app", cwd=routed)
    parallel = harness.flake8("--select=PQ,PT,PR,PX", "-j", "2", "app", cwd=routed)
    assert serial.returncode == parallel.returncode == 1
    assert sorted(serial.stdout.splitlines()) == sorted(parallel.stdout.splitlines())
    assert len(findings(serial.stdout)) >= 4
    # and again with the cache written by the runs above
    warm = harness.flake8("--select=PQ,PT,PR,PX", "-j", "2", "app", cwd=routed)
    assert sorted(warm.stdout.splitlines()) == sorted(serial.stdout.splitlines())


def test_project_root_option(tmp_path):
    """The option picks the root, and with it the configuration read."""
    outer = write(tmp_path / "outer", {
        "pyproject.toml": "[tool.persistlint]\ninclude_tests = true\n",
        "inner/pyproject.toml": '[project]\nname = "inner"\n',
        "inner/tests/test_poll.py": SLEEPY,
    })
    default = harness.flake8("--select=PR", "inner", cwd=outer)
    assert findings(default.stdout) == []  # root: inner, tests skipped
    rooted = harness.flake8("--select=PR", f"--persistlint-project-root={outer}", "inner", cwd=outer)
    assert [(f[0], f[3]) for f in findings(rooted.stdout)] == [("inner/tests/test_poll.py", "PR303")]


def test_pre_commit_hook(project):
    """The hook pre-commit runs: ``entry`` + ``args`` + the staged files."""
    import shlex

    import yaml

    hooks = yaml.safe_load((harness.REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = [h for h in hooks if h["id"] == "persistlint"]
    assert hook["language"] == "python"
    assert hook["types"] == ["python"]
    assert "additional_dependencies" not in hook  # the hook's repository is the package
    command, *entry_args = shlex.split(hook["entry"])
    assert command == "flake8"
    [select] = [a for a in hook["args"] if a.startswith("--select=")]
    assert set(select.removeprefix("--select=").split(",")) == {"PQ", "PT", "PR", "PX", "E999"}
    write(project, {"app.py": SLEEPY, "style.py": "import os\nx=1\n", "broken.py": "def f(:\n    pass\n"})
    result = harness.flake8(*entry_args, *hook["args"], "app.py", "style.py", cwd=project)
    assert result.returncode == 1, result.stderr
    assert [(f[0], f[3]) for f in findings(result.stdout, prefix="")] == [("app.py", "PR303")]
    assert harness.flake8(*entry_args, *hook["args"], "style.py", cwd=project).returncode == 0
    # flake8 runs no AST plugin on a file it cannot parse: E999 makes the hook fail
    broken = harness.flake8(*entry_args, *hook["args"], "broken.py", "style.py", cwd=project)
    assert broken.returncode == 1, broken.stderr
    assert [(f[0], f[3]) for f in findings(broken.stdout, prefix="")] == [("broken.py", "E999")]
