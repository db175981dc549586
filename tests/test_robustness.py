"""Never crash the host, never run the project.

Whatever the input (broken syntax, undecodable bytes, NUL bytes, nesting
deeper than the parser copes with, huge files, a failing rule, a spent time
budget, a broken configuration, unparseable migrations, a read-only
checkout), persistlint answers with diagnostics: PX001/PX002 on the file
concerned and the rest of the run as usual. It never imports or executes
the linted project's code or its C extensions.
"""

from __future__ import annotations

import importlib.machinery
import stat
import sys
from pathlib import Path

import attrs
import pytest
from astroid import nodes

from persistlint import engine, registry
from persistlint.context import infer
from persistlint.diagnostic import Finding, Severity
from tests import harness

SLEEPY = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "sample"\n', encoding="utf-8")
    return tmp_path


def analyse_file(path: Path, **overrides) -> list:
    """The report engine's path: the file is read by persistlint itself."""
    return engine.analyse(str(path), None, overrides or None)


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def assert_clean_exit(result) -> None:
    """flake8 ran to completion: exit 0/1, no traceback, nothing on stderr
    from persistlint."""
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "persistlint" not in result.stderr, result.stderr


# ---------------------------------------------------------------- bad input

def test_syntax_error_is_one_px001_with_the_line(project):
    target = project / "broken.py"
    target.write_text("x = 1\n\ndef broken(:\n    pass\n", encoding="utf-8")
    [diagnostic] = analyse_file(target)
    assert diagnostic.code == "PX001"
    assert diagnostic.line == 3
    assert "syntax error at line 3" in diagnostic.issue


def test_undecodable_bytes_without_coding_cookie(project):
    target = project / "latin.py"
    target.write_bytes(b'GREETING = "caf\xe9"\n')
    [diagnostic] = analyse_file(target)
    assert diagnostic.code == "PX001"
    assert "cannot decode" in diagnostic.issue
    # flake8 reads such a file with its latin-1 fallback and hands us text:
    # the file is then analysed like any other
    result = harness.flake8("latin.py", cwd=project)
    assert_clean_exit(result)


def test_coding_cookie_is_honoured(project):
    target = project / "latin.py"
    target.write_bytes(b'# -*- coding: latin-1 -*-\nimport time\n\n\nasync def f():\n    time.sleep(1)\n')
    assert codes(analyse_file(target)) == ["PR303"]


def test_nul_bytes(project):
    target = project / "nul.py"
    target.write_bytes(b"x = 1\x00\n")
    [diagnostic] = analyse_file(target)
    assert diagnostic.code == "PX001" and "NUL" in diagnostic.issue
    # the same text handed over by a front end
    [diagnostic] = engine.analyse(str(target), "x = 1\x00\n")
    assert diagnostic.code == "PX001" and "NUL" in diagnostic.issue
    result = harness.flake8("nul.py", cwd=project)
    assert_clean_exit(result)
    assert "E999" in result.stdout  # flake8's own verdict on the file


# Shapes that CPython parses but that are too deep for astroid's recursive
# rebuilder and transforms (and for pyflakes, which is why the flake8 run
# below loads persistlint's plugins only).
DEEP = {
    "binary operators": "x = 1" + " + a" * 900 + "\n",
    "call chain": "async def f():\n    return a" + ".b()" * 600 + "\n",
    "conditional expressions": "x = " + "a if c else " * 900 + "b\n",
    "subscripts": "x = a" + "[0]" * 900 + "\n",
}


@pytest.mark.parametrize("shape", DEEP)
def test_very_deep_nesting(project, shape):
    target = project / "deep.py"
    target.write_text(DEEP[shape], encoding="utf-8")
    [diagnostic] = analyse_file(target)
    assert diagnostic.code == "PX001"
    assert "too deeply nested" in diagnostic.issue


def test_nesting_the_parser_rejects(project):
    target = project / "parens.py"
    target.write_text("x = " + "(" * 1000 + "1" + ")" * 1000 + "\n", encoding="utf-8")
    [diagnostic] = analyse_file(target)
    assert diagnostic.code == "PX001" and "too many nested parentheses" in diagnostic.issue


def test_deep_nesting_through_flake8(project):
    (project / "deep.py").write_text(DEEP["binary operators"], encoding="utf-8")
    (project / "app.py").write_text(SLEEPY, encoding="utf-8")
    result = harness.flake8("--select=PX,PR", "deep.py", "app.py", cwd=project, only=("persistlint",))
    assert_clean_exit(result)
    assert "deep.py:1:1: PX001 [LOW] too deeply nested" in result.stdout
    assert "app.py:5:5: PR303" in result.stdout


def test_context_build_survives_deep_and_broken_modules(project):
    """Modules that cannot be parsed are left out of the context with a
    problem noted; the other files are analysed normally."""
    (project / "deep.py").write_text(DEEP["subscripts"], encoding="utf-8")
    (project / "broken.py").write_text("def f(:\n", encoding="utf-8")
    (project / "latin.py").write_bytes(b'x = "\xe9"\n')
    target = project / "app.py"
    target.write_text(SLEEPY, encoding="utf-8")
    assert codes(analyse_file(target, cache="false")) == ["PR303"]
    result = harness.persistlint("context", str(project), "--rebuild", cwd=project)
    assert result.returncode == 0, result.stderr
    for name in ("deep.py", "broken.py", "latin.py"):
        assert name in result.stdout  # listed among the context's problems


def test_huge_file(project):
    target = project / "generated.py"
    target.write_text("VALUE = 1\n" * (engine.MAX_FILE_LINES + 10), encoding="utf-8")
    [diagnostic] = analyse_file(target)
    assert diagnostic.code == "PX001" and "too large" in diagnostic.issue
    # persistlint's plugins only: the point is persistlint's answer, not how
    # long other plugins take over fifty thousand lines
    result = harness.flake8("--select=PX", "generated.py", cwd=project, only=("persistlint",))
    assert_clean_exit(result)
    assert result.stdout.count("PX001") == 1


# ---------------------------------------------------------------- failing analysis

def _always(code: str, severity: Severity = Severity.LOW):
    """A stand-in rule reporting every module (to see the run goes on)."""
    def check(node, ctx):
        yield Finding.at(node, severity, "module seen", "nothing to do")

    return registry.Rule(code=code, name="module-seen", category="Runtime Performance",
                         effort=registry.get("PR303").effort, principle="", doc="",
                         check=check, nodes=(nodes.Module,))


def _explode(node, ctx):
    raise KeyError("boom")
    yield  # pragma: no cover - a generator, like every check


def test_a_failing_rule_is_px001_and_the_others_still_report(project, monkeypatch):
    sleepy = registry.get("PR303")
    monkeypatch.setitem(registry._RULES, "PR398", _always("PR398"))
    monkeypatch.setitem(registry._RULES, "PR303", attrs.evolve(sleepy, check=_explode))
    target = project / "app.py"
    target.write_text(SLEEPY, encoding="utf-8")
    found = engine.analyse(str(target), SLEEPY, {"cache": "false"})
    failure = [d for d in found if d.code == "PX001"]
    assert len(failure) == 1
    assert "PR303 failed here: KeyError" in failure[0].issue
    assert "PR398" in codes(found)
    assert "PR303" not in codes(found)


def test_a_failing_rule_through_flake8(project):
    """The same, in a real flake8 process: PX001 on the file, the other
    diagnostics of the run as usual, no traceback."""
    prelude = (
        "import attrs\n"
        "from persistlint import registry\n"
        "registry.all_rules()\n"
        "def explode(node, ctx):\n"
        "    raise RuntimeError('boom')\n"
        "    yield\n"
        "rule = registry._RULES['PR303']\n"
        "registry._RULES['PR303'] = attrs.evolve(rule, check=explode)\n"
    )
    (project / "app.py").write_text(SLEEPY, encoding="utf-8")
    (project / "other.py").write_text("import os\n", encoding="utf-8")
    result = harness.flake8("--select=PX,F", "-j", "1", "app.py", "other.py", cwd=project, prelude=prelude)
    assert_clean_exit(result)
    assert "app.py:5:1: PX001 [LOW] PR303 failed here: RuntimeError: boom" in result.stdout
    assert "other.py:1:1: F401" in result.stdout


def test_time_budget_spent(project):
    (project / "pyproject.toml").write_text("[tool.persistlint]\ntime_budget = 0.000001\n", encoding="utf-8")
    target = project / "app.py"
    target.write_text(SLEEPY, encoding="utf-8")
    found = analyse_file(target)
    assert codes(found) == ["PX001"]
    assert "time budget of 1e-06s spent" in found[0].issue


# ---------------------------------------------------------------- configuration

@pytest.mark.parametrize("config, words", [
    ("[tool.persistlint\ninclude_tests = \n", ["pyproject.toml", "not valid TOML"]),
    ('[tool.persistlint]\ninclude_tests = "maybe"\n', ["include_tests", "expected true or false", "'maybe'"]),
    ("[tool.persistlint]\ntime_budget = -1\n", ["time_budget", "positive"]),
    ('[tool.persistlint]\nexclude = [1, 2]\n', ["exclude", "list of strings"]),
    ("[tool.persistlint]\nincldue_tests = true\n", ["unknown key", "incldue_tests"]),
    ("[tool]\npersistlint = 3\n", ["[tool.persistlint]", "expected a table"]),
])
def test_bad_configuration_is_one_line(project, config, words):
    """flake8 stops with one line on stderr; the engine alone (called with
    a configuration nobody checked first) answers PX002."""
    (project / "pyproject.toml").write_text(config, encoding="utf-8")
    (project / "app.py").write_text(SLEEPY, encoding="utf-8")
    [diagnostic] = analyse_file(project / "app.py")
    assert diagnostic.code == "PX002"
    assert "\n" not in diagnostic.message()
    for word in words:
        assert word in diagnostic.issue
    result = harness.flake8("--select=PX,PR", "app.py", cwd=project)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("persistlint: invalid configuration: ")
    for word in words:
        assert word in line


def test_broken_setup_cfg(project):
    (project / "pyproject.toml").unlink()
    (project / "setup.cfg").write_text("[persistlint\ninclude_tests = true\n", encoding="utf-8")
    (project / "app.py").write_text(SLEEPY, encoding="utf-8")
    [diagnostic] = analyse_file(project / "app.py")
    assert diagnostic.code == "PX002" and "setup.cfg" in diagnostic.issue


def test_bad_flake8_option_value(project):
    (project / "app.py").write_text(SLEEPY, encoding="utf-8")
    result = harness.flake8("--select=PX,PR", "--persistlint-time-budget=soon", "app.py", cwd=project)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "time_budget" in line and "'soon'" in line and "positive number of seconds" in line


def test_no_configuration_at_all(tmp_path):
    """No pyproject, setup.cfg or .git anywhere above: defaults, the file's
    directory as root."""
    target = tmp_path / "loose.py"
    target.write_text(SLEEPY, encoding="utf-8")
    assert codes(analyse_file(target, cache="false")) == ["PR303"]


# ---------------------------------------------------------------- project state

def test_unparseable_migrations_do_not_fail_the_context(project):
    versions = project / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "0001_garbage.py").write_text(
        'from alembic import op\n\n\ndef upgrade():\n'
        '    op.execute("CREATE TRIGGER ((( $$ EXECUTE FUNCTION")\n'
        '    op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN")\n'
        '    op.execute("""CREATE TRIGGER t AFTER INSERT ON ; NOTIFY""")\n', encoding="utf-8")
    (versions / "0002_broken.py").write_text("def upgrade(:\n", encoding="utf-8")
    (project / "schema.sql").write_bytes(b"CREATE TRIGGER \xff\xfe ON (;;\x00\n$$ unterminated")
    target = project / "app.py"
    target.write_text(SLEEPY, encoding="utf-8")
    found = analyse_file(target, cache="false")
    assert codes(found) == ["PR303"], [d.message() for d in found]
    result = harness.persistlint("context", str(project), "--rebuild", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_read_only_project_still_analysed(project):
    """A checkout where the cache cannot be written: analysis works the same,
    nothing is written. (chmod does not stop root, so the cache directory is
    also made impossible to create.)"""
    (project / ".persistlint_cache").write_text("not a directory", encoding="utf-8")
    (project / "app.py").write_text(SLEEPY, encoding="utf-8")
    mode = project.stat().st_mode
    project.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        found = analyse_file(project / "app.py")
        result = harness.flake8("--select=PX,PR", "app.py", cwd=project)
    finally:
        project.chmod(mode)
    assert codes(found) == ["PR303"]
    assert_clean_exit(result)
    assert "app.py:5:5: PR303" in result.stdout
    assert (project / ".persistlint_cache").is_file()


def test_corrupt_cache_is_rebuilt(project):
    cache = project / ".persistlint_cache"
    cache.mkdir()
    (cache / "context.json").write_text('{"format": 1, "key": ', encoding="utf-8")
    (project / "app.py").write_text(SLEEPY, encoding="utf-8")
    assert codes(analyse_file(project / "app.py")) == ["PR303"]


# ---------------------------------------------------------------- never run the project

def _booby_trapped_project(project: Path) -> Path:
    """A project whose modules do harm when imported."""
    marker = project / "IMPORTED"
    (project / "settings_module.py").write_text(
        f"open({str(marker)!r}, 'w').write('imported')\n"
        "raise SystemExit('importing the project is forbidden')\n"
        "def pause(seconds):\n    pass\n", encoding="utf-8")
    package = project / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        f"import os\nos.makedirs({str(marker)!r}, exist_ok=True)\nraise SystemExit(3)\n", encoding="utf-8")
    suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
    (project / f"fastext{suffix}").write_bytes(b"\x7fELF not really a shared object")
    (project / "app.py").write_text(
        "import time\n\nimport fastext\nfrom pkg import helper\nfrom settings_module import pause\n\n\n"
        "async def handler():\n    pause(1)\n    fastext.crunch()\n    helper()\n    time.sleep(1)\n",
        encoding="utf-8")
    return marker


def test_analysis_never_imports_the_project(project):
    marker = _booby_trapped_project(project)
    before = set(sys.modules)
    found = analyse_file(project / "app.py", cache="false")
    assert not marker.exists()
    assert not {"settings_module", "pkg", "fastext"} & (set(sys.modules) - before)
    assert codes(found) == ["PR303"]
    result = harness.flake8("--select=PX,PR", "app.py", "settings_module.py", "pkg", cwd=project)
    assert_clean_exit(result)
    assert not marker.exists()
    assert "app.py:12:5: PR303" in result.stdout


def test_c_extension_is_never_loaded_even_by_name(project):
    """The fake extension is outside the boundary: its calls resolve from the
    import statement, and astroid never tries to load the binary."""
    _booby_trapped_project(project)
    source = (project / "app.py").read_text(encoding="utf-8")
    module = infer.parse(source, project / "app.py", project)
    call = next(n for n in module.nodes_of_class(nodes.Call) if n.as_string() == "fastext.crunch()")
    found = infer.resolve_call(call)
    assert found is not None and found.qualname == "fastext.crunch"
    assert found.evidence.name == "IMPORT_ALIAS"
    assert "fastext" not in infer.MANAGER.astroid_cache
    assert "fastext" not in sys.modules


def test_relative_display_name(tmp_path, monkeypatch):
    """A relative path (as flake8 passes it) resolves against the working
    directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").touch()
    (tmp_path / "app.py").write_text(SLEEPY, encoding="utf-8")
    [diagnostic] = engine.analyse("app.py", SLEEPY, {"cache": "false"})
    assert (diagnostic.code, diagnostic.path) == ("PR303", "app.py")
