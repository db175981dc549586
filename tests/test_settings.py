"""Settings: ``[tool.persistlint]`` (pyproject.toml), ``[persistlint]``
(setup.cfg), ``--persistlint-*`` flake8 options, and what each key does.

Precedence, as implemented in :func:`persistlint.settings.resolve`: a flake8
option (command line or ``[flake8]`` section) over the project's config
file over the defaults. The config file is ``[tool.persistlint]`` in
pyproject.toml when that table exists, else ``[persistlint]`` in setup.cfg:
one file configures persistlint, the two are not merged key by key (as
with ruff or black, a file-level choice is easier to reason about).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from persistlint import engine, settings as settings_mod
from persistlint.settings import KEYS, Settings, SettingsError
from tests import harness

SLEEPY = "import time\n\n\nasync def poll():\n    time.sleep(1)\n"


def project(tmp_path: Path, pyproject: str | None = "", setup_cfg: str | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    if setup_cfg is not None:
        (tmp_path / "setup.cfg").write_text(setup_cfg, encoding="utf-8")
    return tmp_path


def resolved(root: Path, **overrides) -> Settings:
    return settings_mod.resolve(root / "app.py", overrides or None)[1]


# ---------------------------------------------------------------- files and precedence

def test_defaults_match_the_keys_table():
    defaults = Settings()
    for key, (_, default, help_text) in KEYS.items():
        assert getattr(defaults, key) == default, key
        assert help_text
    assert set(KEYS) == {field.name for field in Settings.__attrs_attrs__}


def test_same_keys_in_both_files(tmp_path):
    toml = project(tmp_path / "toml", pyproject=(
        '[tool.persistlint]\ninclude_tests = true\nexclude = ["gen/*", "legacy/**"]\n'
        'request_handler_decorators = ["myframework.route"]\ntime_budget = 3\ncache = false\n'))
    cfg = project(tmp_path / "cfg", pyproject=None, setup_cfg=(
        "[persistlint]\ninclude_tests = true\nexclude =\n    gen/*\n    legacy/**\n"
        "request_handler_decorators = myframework.route\ntime_budget = 3\ncache = false\n"))
    assert resolved(toml) == resolved(cfg) == Settings(
        include_tests=True, exclude=("gen/*", "legacy/**"),
        request_handler_decorators=("myframework.route",), time_budget=3.0, cache=False)


def test_dashed_keys_are_accepted(tmp_path):
    root = project(tmp_path, pyproject="[tool.persistlint]\ninclude-tests = true\n")
    assert resolved(root).include_tests is True


def test_pyproject_table_wins_over_setup_cfg(tmp_path):
    root = project(tmp_path, pyproject="[tool.persistlint]\ntime_budget = 2\n",
                   setup_cfg="[persistlint]\ntime_budget = 7\ninclude_tests = true\n")
    found = resolved(root)
    assert found.time_budget == 2.0
    assert found.include_tests is False  # not merged from setup.cfg


def test_setup_cfg_used_when_pyproject_has_no_table(tmp_path):
    root = project(tmp_path, pyproject='[project]\nname = "x"\n',
                   setup_cfg="[flake8]\nmax-line-length = 100\n\n[persistlint]\ntime_budget = 7\n")
    assert resolved(root).time_budget == 7.0


def test_option_wins_over_config_file(tmp_path):
    root = project(tmp_path, pyproject="[tool.persistlint]\ninclude_tests = true\ntime_budget = 2\n")
    found = resolved(root, include_tests="false")
    assert found.include_tests is False
    assert found.time_budget == 2.0  # keys the option leaves unset come from the file


def test_option_wins_through_flake8(tmp_path):
    root = project(tmp_path, pyproject="[tool.persistlint]\ninclude_tests = true\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_poll.py").write_text(SLEEPY, encoding="utf-8")
    from_file = harness.flake8("--select=PR", "tests", cwd=root)
    assert "tests/test_poll.py:5:5: PR303" in from_file.stdout
    overridden = harness.flake8("--select=PR", "--no-persistlint-include-tests", "tests", cwd=root)
    assert overridden.returncode == 0 and overridden.stdout == ""


def test_project_root_from_config_file(tmp_path):
    """``project_root`` in the file, relative to it, moves the root up (a
    package with its own pyproject inside a larger project)."""
    project(tmp_path)
    inner = project(tmp_path / "service", pyproject='[tool.persistlint]\nproject_root = ".."\n')
    root, _ = settings_mod.resolve(inner / "app.py")
    assert root == tmp_path.resolve()


def test_root_markers(tmp_path):
    (tmp_path / ".git").mkdir()
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert settings_mod.find_root(nested / "x.py") == tmp_path
    (tmp_path / "a" / "setup.cfg").touch()
    assert settings_mod.find_root(nested / "x.py") == tmp_path / "a"


def test_without_root_markers_the_root_is_the_nearest_project_file(tmp_path):
    tree = tmp_path / "export"  # e.g. `git archive` output: no .git, no pyproject.toml
    nested = tree / "hc" / "api"
    nested.mkdir(parents=True)
    assert settings_mod.find_root(nested / "x.py") == nested
    (tree / "manage.py").touch()
    assert settings_mod.find_root(nested / "x.py") == tree
    (tree / "hc" / "requirements.txt").touch()
    assert settings_mod.find_root(nested / "x.py") == tree / "hc"
    (tmp_path / "pyproject.toml").touch()  # a root marker further up wins over project files
    assert settings_mod.find_root(nested / "x.py") == tmp_path


# ---------------------------------------------------------------- bad values

@pytest.mark.parametrize("key, value, words", [
    ("include_tests", '"maybe"', ["include_tests", "true or false"]),
    ("include_tests", "3", ["include_tests", "true or false"]),
    ("exclude", "[1]", ["exclude", "list of strings"]),
    ("request_handler_decorators", "{a = 1}", ["request_handler_decorators", "list of strings"]),
    ("background_decorators", "7", ["background_decorators", "list of strings"]),
    ("project_root", "[]", ["project_root", "path"]),
    ("time_budget", '"soon"', ["time_budget", "number of seconds"]),
    ("time_budget", "0", ["time_budget", "positive"]),
    ("time_budget", '"nan"', ["time_budget", "positive", "'nan'"]),
    ("time_budget", "nan", ["time_budget", "positive"]),
    ("time_budget", "inf", ["time_budget", "positive"]),
    ("time_budget", "-2.5", ["time_budget", "positive"]),
    ("time_budget", "true", ["time_budget", "positive"]),
    ("min_severity", '"urgent"', ["min_severity", "LOW, MEDIUM, HIGH, CRITICAL", "'urgent'"]),
    ("baseline", "3", ["baseline", "path"]),
    ("cache", '"sometimes"', ["cache", "true or false"]),
    ("colour", "true", ["unknown key", "colour", "include_tests", "min_severity"]),
])
def test_bad_value_is_one_line_naming_the_key(tmp_path, key, value, words):
    root = project(tmp_path, pyproject=f"[tool.persistlint]\n{key} = {value}\n")
    with pytest.raises(SettingsError) as raised:
        resolved(root)
    message = str(raised.value)
    assert "\n" not in message
    assert "pyproject.toml [tool.persistlint]" in message
    for word in words:
        assert word in message


def test_bad_value_in_setup_cfg_names_file_and_key(tmp_path):
    root = project(tmp_path, pyproject=None, setup_cfg="[persistlint]\ntime_budget = soon\n")
    with pytest.raises(SettingsError, match=r"setup\.cfg \[persistlint\]: time_budget: "):
        resolved(root)


def test_bad_option_value_names_the_key(tmp_path):
    root = project(tmp_path)
    with pytest.raises(SettingsError, match="include_tests") as raised:
        resolved(root, include_tests="perhaps")
    assert "\n" not in str(raised.value)


def test_bad_configuration_reported_once_per_file_as_px002(tmp_path):
    root = project(tmp_path, pyproject="[tool.persistlint]\ncache = 2\n")
    (root / "app.py").write_text(SLEEPY, encoding="utf-8")
    [diagnostic] = engine.analyse(str(root / "app.py"), SLEEPY)
    assert (diagnostic.code, diagnostic.line) == ("PX002", 1)
    assert "cache" in diagnostic.issue


# ---------------------------------------------------------------- what the keys do

@pytest.mark.parametrize("relpath, skipped", [
    ("app/main.py", False),
    ("gen/models_pb2.py", True),
    ("gen/deep/more.py", True),
    ("app/legacy_old.py", True),
    ("tests/test_app.py", True),
    ("app/test_utils.py", True),
    ("app/utils_test.py", True),
    ("conftest.py", True),
    ("app/fixtures/data.py", True),
    ("app/testing.py", False),
    ("contest.py", False),
])
def test_exclude_globs_and_test_files(relpath, skipped):
    settings = Settings(exclude=("gen/*", "*_old.py"))
    assert settings.skips(relpath) is skipped


def test_include_tests_keeps_excludes(tmp_path):
    settings = Settings(include_tests=True, exclude=("gen/*",))
    assert not settings.skips("tests/test_app.py")
    assert settings.skips("gen/x.py")


def test_excluded_file_is_not_analysed(tmp_path):
    root = project(tmp_path, pyproject='[tool.persistlint]\nexclude = ["scripts/*"]\n')
    for name in ("scripts/poll.py", "app/poll.py"):
        target = root / name
        target.parent.mkdir(exist_ok=True)
        target.write_text(SLEEPY, encoding="utf-8")
    assert engine.analyse(str(root / "scripts" / "poll.py"), SLEEPY, {"cache": "false"}) == []
    found = engine.analyse(str(root / "app" / "poll.py"), SLEEPY, {"cache": "false"})
    assert [d.code for d in found] == ["PR303"]


@pytest.mark.parametrize("relpath, skipped", [
    ("scripts/random_data.py", True),
    ("shop/management/commands/populatedb.py", True),
    ("shop/management/commands/populate_demo.py", True),
    ("seed.py", True),
    ("fixtures_gen/fake_orders.py", True),
    ("shop/models.py", False),
    ("shop/reseeding.py", False),
    ("shop/demographics.py", False),
])
def test_exclude_seeding_skips_seeding_scripts(relpath, skipped):
    assert Settings(exclude_seeding=True).skips(relpath) is skipped
    assert not Settings().skips(relpath)


SEEDING = "import time\n\n\nasync def fill():\n    time.sleep(1)\n"


def test_seeding_script_is_analysed_unless_excluded(tmp_path):
    included = project(tmp_path / "included", pyproject="")
    excluded = project(tmp_path / "excluded", pyproject="[tool.persistlint]\nexclude_seeding = true\n")
    for root in (included, excluded):
        (root / "random_data.py").write_text(SEEDING, encoding="utf-8")
    found = engine.analyse(str(included / "random_data.py"), SEEDING, {"cache": "false"})
    assert [d.code for d in found] == ["PR303"]
    assert engine.analyse(str(excluded / "random_data.py"), SEEDING, {"cache": "false"}) == []


CUSTOM_ROUTE = (
    "import time\n\nfrom myframework import route\n\n\n"
    '@route("/poll")\n'
    "async def poll():\n    time.sleep(1)\n"
)


def test_extra_request_handler_decorator_raises_severity(tmp_path):
    (tmp_path / "plain").mkdir()
    (tmp_path / "configured").mkdir()
    [plain] = harness.analyse_snippet(tmp_path / "plain", CUSTOM_ROUTE)
    assert (plain.code, plain.severity.name) == ("PR303", "MEDIUM")
    [configured] = harness.analyse_snippet(tmp_path / "configured", CUSTOM_ROUTE,
                                           request_handler_decorators="myframework.route")
    assert (configured.code, configured.severity.name) == ("PR303", "HIGH")


def test_extra_request_handler_decorator_from_pyproject(tmp_path):
    root = project(tmp_path,
                   pyproject='[tool.persistlint]\nrequest_handler_decorators = ["myframework.route"]\n')
    (root / "app.py").write_text(CUSTOM_ROUTE, encoding="utf-8")
    [found] = engine.analyse(str(root / "app.py"), CUSTOM_ROUTE, {"cache": "false"})
    assert found.severity.name == "HIGH"


def test_extra_background_decorator_marks_entry_points(tmp_path):
    root = project(tmp_path, pyproject='[tool.persistlint]\nbackground_decorators = ["myjobs.every"]\n')
    (root / "jobs.py").write_text(
        "from myjobs import every\n\n\n@every(60)\nasync def sweep():\n    return None\n\n\n"
        "async def helper():\n    return None\n", encoding="utf-8")
    result = harness.persistlint("context", str(root), "--rebuild", cwd=root)
    assert result.returncode == 0, result.stderr
    entrypoints = json.loads(result.stdout)["entrypoints"]
    assert entrypoints["jobs.sweep"]["kind"] == "background"
    assert entrypoints["jobs.sweep"]["via"] == "myjobs.every"
    assert "jobs.helper" not in entrypoints


def test_time_budget_and_cache_keys(tmp_path):
    root = project(tmp_path, pyproject="[tool.persistlint]\ncache = false\n")
    (root / "app.py").write_text(SLEEPY, encoding="utf-8")
    assert [d.code for d in engine.analyse(str(root / "app.py"), SLEEPY)] == ["PR303"]
    assert not (root / ".persistlint_cache").exists()
    (root / "pyproject.toml").write_text("[tool.persistlint]\n", encoding="utf-8")
    engine.analyse(str(root / "app.py"), SLEEPY + "\n")
    assert (root / ".persistlint_cache" / "context.json").is_file()


# ---------------------------------------------------------------- loud errors, end to end

BAD_CONFIGURATIONS = [
    # (file, text, words the one line must contain)
    ("pyproject.toml", '[tool.persistlint]\ninclude_tests = "maybe"\n', ["include_tests", "true or false"]),
    ("pyproject.toml", 'tool = "oops"\n', ["[tool]", "expected a table"]),
    ("pyproject.toml", "[tool]\npersistlint = 3\n", ["[tool.persistlint]", "expected a table"]),
    ("pyproject.toml", "[tool.persistlint]\ntime_budget = nan\n", ["time_budget", "positive number"]),
    ("pyproject.toml", "[tool.persistlint]\ntime_budget = -inf\n", ["time_budget", "positive number"]),
    ("pyproject.toml", '[tool.persistlint]\nproject_root = "/nonexistent/x"\n',
     ["project_root", "existing directory", "/nonexistent/x"]),
    ("pyproject.toml", '[tool.persistlint]\nmin_severity = "loud"\n', ["min_severity", "LOW, MEDIUM, HIGH, CRITICAL"]),
    ("pyproject.toml", '[tool.persistlint]\nbaseline = "missing.json"\n', ["baseline", "missing.json", "no such file"]),
    ("setup.cfg", "[persistlint]\ninclude_tests = %(x)s\n", ["setup.cfg [persistlint]", "include_tests", "'%(x)s'"]),
    ("setup.cfg", "[flake8]\npersistlint-include-tests = maybe\n", ["include_tests", "true or false"]),
    ("setup.cfg", "[flake8]\npersistlint-time-budget = nan\n", ["time_budget", "positive number"]),
]


@pytest.mark.parametrize("name, text, words", BAD_CONFIGURATIONS)
def test_bad_configuration_stops_flake8_and_report_with_one_line(tmp_path, name, text, words):
    """Whatever ``--select`` says: exit 2 and one line naming the key and
    what it accepts; ``persistlint report`` prints the same line."""
    root = project(tmp_path, pyproject='[project]\nname = "x"\n' if name == "setup.cfg" else None)
    (root / name).write_text(text, encoding="utf-8")
    (root / "app.py").write_text(SLEEPY, encoding="utf-8")
    lines = []
    for result in (harness.flake8("--select=PQ,PT,PR", "app.py", cwd=root),
                   harness.flake8("--select=E", ".", cwd=root),
                   harness.persistlint("report", ".", cwd=root)):
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith("persistlint: invalid configuration: ")
        for word in words:
            assert word in line
        lines.append(line)
    assert lines[0] == lines[1] == lines[2]


@pytest.mark.parametrize("args, words", [
    (["--persistlint-time-budget=nan"], ["time_budget", "positive number", "'nan'"]),
    (["--persistlint-min-severity=severe"], ["min_severity", "LOW, MEDIUM, HIGH, CRITICAL"]),
    (["--persistlint-project-root=/nonexistent"], ["project_root", "existing directory"]),
    (["--persistlint-baseline=nothing.json"], ["baseline", "nothing.json", "no such file"]),
])
def test_bad_flake8_option_is_one_line(tmp_path, args, words):
    root = project(tmp_path)
    (root / "app.py").write_text(SLEEPY, encoding="utf-8")
    result = harness.flake8("--select=PR", *args, "app.py", cwd=root)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    for word in words:
        assert word in line


def test_setup_cfg_values_are_read_literally(tmp_path):
    """No interpolation: ``%(here)s`` is part of the pattern, not a lookup."""
    root = project(tmp_path, pyproject=None, setup_cfg="[persistlint]\nexclude = %(here)s/*\n")
    assert resolved(root).exclude == ("%(here)s/*",)
    (root / "%(here)s").mkdir()
    (root / "%(here)s" / "poll.py").write_text(SLEEPY, encoding="utf-8")
    (root / "app.py").write_text(SLEEPY, encoding="utf-8")
    result = harness.flake8("--select=PR", ".", cwd=root)
    assert result.returncode == 1, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["./app.py"]


def test_boolean_flag_takes_no_value(tmp_path):
    """``--persistlint-include-tests tests/``: tests/ is the path to lint."""
    root = project(tmp_path)
    (root / "tests").mkdir()
    (root / "tests" / "test_poll.py").write_text(SLEEPY, encoding="utf-8")
    result = harness.flake8("--select=PR", "--persistlint-include-tests", "tests/", cwd=root)
    assert result.returncode == 1, result.stderr
    assert "tests/test_poll.py:5:5: PR303" in result.stdout
    assert harness.flake8("--select=PR", "tests/", cwd=root).stdout == ""


def test_isolated_ignores_tool_persistlint(tmp_path):
    """flake8 ``--isolated`` reads no config file, persistlint's included."""
    root = project(tmp_path, pyproject='[tool.persistlint]\nexclude = ["app.py"]\ninclude_tests = "bad"\n')
    (root / "app.py").write_text(SLEEPY, encoding="utf-8")
    assert harness.flake8("--select=PR", "app.py", cwd=root).returncode == 2
    isolated = harness.flake8("--isolated", "--select=PR", "app.py", cwd=root)
    assert isolated.returncode == 1, isolated.stderr
    assert "app.py:5:5: PR303" in isolated.stdout
