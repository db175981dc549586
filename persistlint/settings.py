"""Settings: ``[tool.persistlint]`` in pyproject.toml or ``[persistlint]`` in
setup.cfg, the same keys also as flake8 options (``--persistlint-<key>``).

Precedence: flake8 option (command line or ``[flake8]`` section) over the
project's config file over the defaults. A bad value raises
:class:`SettingsError`, whose text is one line naming the key and what it
accepts; every front end prints it as :func:`error_line` and stops (flake8
and ``persistlint report`` before any file is analysed).
"""

from __future__ import annotations

import configparser
import fnmatch
import math
import re
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")
#: Files a Python project keeps at its top, for a tree without root markers.
PROJECT_FILES = ("setup.py", "requirements.txt", "Pipfile", "manage.py")

# Default test-file patterns (RULES.md: tests/, test_*.py, *_test.py,
# conftest.py and fixtures).
TEST_DIRS = frozenset({"tests", "test", "fixtures"})
TEST_FILES = ("test_*.py", "*_test.py", "conftest.py")


SEVERITY_NAMES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


class SettingsError(Exception):
    """A one-line, user-facing configuration error."""


def error_line(error: SettingsError) -> str:
    """The one line flake8 and ``persistlint report`` print for a bad setting."""
    return f"persistlint: invalid configuration: {error}"


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "yes", "1", "on"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"false", "no", "0", "off"}:
        return False
    raise SettingsError(f"{key}: expected true or false, got {value!r}")


def _str_list(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = value.replace("\n", ",").split(",")
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        items = list(value)
    else:
        raise SettingsError(f"{key}: expected a list of strings, got {value!r}")
    return tuple(item.strip() for item in items if item.strip())


def _optional_str(key: str, value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    raise SettingsError(f"{key}: expected a path, got {value!r}")


def _positive_float(key: str, value: Any) -> float:
    wanted = f"{key}: expected a positive number of seconds"
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SettingsError(f"{wanted}, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{wanted}, got {value!r}") from None
    if not math.isfinite(number) or number <= 0:  # nan would switch the budget off
        raise SettingsError(f"{wanted}, got {value!r}")
    return number


def _severity(key: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value.strip().upper() in SEVERITY_NAMES):
        return value.strip().upper() if value else None
    raise SettingsError(f"{key}: expected one of {', '.join(SEVERITY_NAMES)}, got {value!r}")


# key -> (parser, default, help). One table drives config files, flake8
# options and the README's settings table.
KEYS: dict[str, tuple[Any, Any, str]] = {
    "include_tests": (_bool, False, "also analyse test files (tests/, test_*.py, *_test.py, conftest.py, fixtures/)"),
    "exclude": (_str_list, (), "extra glob patterns (relative to the project root) of files to skip"),
    "exclude_seeding": (_bool, False, "skip data-seeding scripts (random_data.py, seed*, populate*, fake*, demo*, sample_data, dummy_data modules and management commands)"),
    "request_handler_decorators": (_str_list, (), "extra decorators (qualified names) that make a function a request handler"),
    "background_decorators": (_str_list, (), "extra decorators (qualified names) that make a function a background task"),
    "project_root": (_optional_str, None, "project root (default: nearest directory with pyproject.toml, setup.cfg or .git)"),
    "time_budget": (_positive_float, 10.0, "seconds of analysis per file before it is reported as PX001"),
    "cache": (_bool, True, "keep the project context in <root>/.persistlint_cache"),
    "baseline": (_optional_str, None, "a JSON report of known findings; only findings not in it are reported"),
    "min_severity": (_severity, None, "report only findings of this severity or higher (LOW, MEDIUM, HIGH, CRITICAL)"),
}
BOOLEAN_KEYS = frozenset(key for key, (parser, _, _) in KEYS.items() if parser is _bool)


@attrs.frozen
class Settings:
    include_tests: bool = False
    exclude: tuple[str, ...] = ()
    exclude_seeding: bool = False
    request_handler_decorators: tuple[str, ...] = ()
    background_decorators: tuple[str, ...] = ()
    project_root: str | None = None
    time_budget: float = 10.0
    cache: bool = True
    baseline: str | None = None  # absolute once resolved
    min_severity: str | None = None  # a SEVERITY_NAMES entry

    @classmethod
    def from_mapping(cls, values: dict[str, Any], source: str) -> Settings:
        parsed = {}
        for raw_key, value in values.items():
            key = raw_key.replace("-", "_")
            if key not in KEYS:
                raise SettingsError(f"{source}: unknown key {raw_key!r} (known: {', '.join(KEYS)})")
            try:
                parsed[key] = KEYS[key][0](key, value)
            except SettingsError as exc:
                raise SettingsError(f"{source}: {exc}") from None
        return cls(**parsed)

    @property
    def for_analysis(self) -> Settings:
        """These settings without what is applied after the analysis (the
        baseline and the severity floor): what the project context, the
        caches and the findings of a file depend on."""
        return attrs.evolve(self, baseline=None, min_severity=None)

    def merged(self, overrides: dict[str, Any]) -> Settings:
        """These settings with the non-None ``overrides`` (already parsed)."""
        return attrs.evolve(self, **{k: v for k, v in overrides.items() if v is not None})

    def skips(self, relpath: str) -> bool:
        """Whether a file (path relative to the project root) is not analysed."""
        text = relpath.replace("\\", "/")
        parts = tuple(text.split("/"))
        if self.exclude or "" in parts or "." in parts:
            # asked for every file of the project listing: a plain relative
            # path (the listing's) is split as text, anything else by pathlib
            posix = PurePosixPath(text)
            if any(fnmatch.fnmatch(str(posix), pattern) or posix.match(pattern)
                   for pattern in self.exclude):
                return True
            parts = posix.parts
        if self.exclude_seeding and parts and is_seeding_script(parts[-1]):
            return True
        return not self.include_tests and _is_test_path(parts)


#: Scripts that fill a database with demo or random data (``random_data.py``,
#: a ``populatedb`` management command): a slow loop there costs a developer
#: a few seconds once, not every user on every request.
SEEDING_SCRIPT = re.compile(
    r"(?:^|_)(?:random_data|seed(?:s|_\w+)?|populate\w*|fake(?:s|_\w+)?|demo(?:_\w+)?|sample_data|dummy_data)"
    r"(?:_|$)")


def is_seeding_script(filename: str) -> bool:
    return bool(SEEDING_SCRIPT.search(filename.removesuffix(".py")))


def is_test_file(path: PurePosixPath) -> bool:
    return _is_test_path(path.parts)


def _is_test_path(parts: tuple[str, ...]) -> bool:
    if any(part in TEST_DIRS for part in parts[:-1]):
        return True
    return bool(parts) and _TEST_FILE.match(parts[-1]) is not None


#: TEST_FILES as one pattern, as ``fnmatch`` reads each on POSIX (asked for
#: every file of the project listing)
_TEST_FILE = re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in TEST_FILES))


def find_root(start: Path) -> Path:
    """Nearest directory at or above ``start`` holding a root marker; with
    none (a tree exported without ``.git``), the nearest holding a project
    file; else ``start``'s own directory."""
    start = start if start.is_dir() else start.parent
    for markers in (ROOT_MARKERS, PROJECT_FILES):
        for directory in (start, *start.parents):
            if any((directory / marker).exists() for marker in markers):
                return directory
    return start


def read_project_settings(root: Path) -> Settings:
    """The settings in the project's pyproject.toml or setup.cfg (first found)."""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        import tomllib  # compiles its grammar on import: only runs that read a pyproject.toml pay for it

        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{pyproject}: not valid TOML ({exc})") from None
        except OSError as exc:
            raise SettingsError(f"{pyproject}: cannot be read ({exc.strerror or exc})") from None
        tool = data.get("tool", {})
        if not isinstance(tool, dict):
            raise SettingsError(f"{pyproject} [tool]: expected a table, got {tool!r}")
        section = tool.get("persistlint")
        if section is not None:
            if not isinstance(section, dict):
                raise SettingsError(f"{pyproject} [tool.persistlint]: expected a table, got {section!r}")
            return Settings.from_mapping(section, f"{pyproject} [tool.persistlint]")
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        # no interpolation: ``%(x)s`` is text, as in every other tool's setup.cfg section
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read(setup_cfg, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:
            raise SettingsError(f"{setup_cfg}: not a valid config file ({exc.__class__.__name__})") from None
        if parser.has_section("persistlint"):
            # the section's own keys, not those inherited from [DEFAULT]
            section = {key: parser.get("persistlint", key) for key in parser.options("persistlint")
                       if key not in parser.defaults()}
            return Settings.from_mapping(section, f"{setup_cfg} [persistlint]")
    return Settings()


def resolve(path: Path, overrides: dict[str, Any] | None = None,
            isolated: bool = False) -> tuple[Path, Settings]:
    """The project root and settings for a file or directory.

    ``overrides`` are raw values (e.g. from flake8 options); None means unset.
    Relative paths in them are relative to the working directory, those in
    a config file to the project root. ``isolated`` (flake8's
    ``--isolated``): no config file is read, only the overrides count.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    parsed = Settings.from_mapping(overrides, "option") if overrides else Settings()
    explicit = {k: getattr(parsed, k) for k in overrides}
    if explicit.get("project_root"):
        root = _existing_directory("option project_root", Path(explicit["project_root"]).resolve())
    else:
        root = find_root(path.resolve())
    from_file = Settings() if isolated else read_project_settings(root)
    settings = from_file.merged(explicit)
    if settings.project_root and not explicit.get("project_root"):
        root = _existing_directory(f"{root} project_root", (root / settings.project_root).resolve())
    if settings.baseline:
        base = Path.cwd() if explicit.get("baseline") else root
        settings = attrs.evolve(settings, baseline=str((base / settings.baseline).resolve()))
    return root, settings


def _existing_directory(source: str, directory: Path) -> Path:
    if not directory.is_dir():
        raise SettingsError(f"{source}: expected an existing directory, got {str(directory)!r}")
    return directory


class Resolver:
    """Project root and settings per directory, as the engine resolves them
    (resolved once per directory)."""

    def __init__(self, overrides: dict[str, Any], isolated: bool = False,
                 drop_baseline: bool = False) -> None:
        self.overrides = overrides
        self.isolated = isolated
        self.drop_baseline = drop_baseline
        self._by_directory: dict[Path, tuple[Path, Settings]] = {}

    def of(self, path: Path) -> tuple[Path, Settings]:
        directory = path.resolve()
        directory = directory if directory.is_dir() else directory.parent
        if directory not in self._by_directory:
            root, settings = resolve(directory, self.overrides, self.isolated)
            if self.drop_baseline:
                settings = attrs.evolve(settings, baseline=None)
            self._by_directory[directory] = (root, settings)
        return self._by_directory[directory]
