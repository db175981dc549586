"""Settings: ``[tool.persistlint]`` in pyproject.toml or ``[persistlint]`` in
setup.cfg, the same keys also as flake8 options (``--persistlint-<key>``).

Precedence: flake8 option (command line or ``[flake8]`` section) over the
project's config file over the defaults. A bad value raises
:class:`SettingsError`, whose text is one line naming the key.
"""

from __future__ import annotations

import configparser
import fnmatch
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

import attrs

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")

# Default test-file patterns (RULES.md: tests/, test_*.py, *_test.py,
# conftest.py and fixtures).
TEST_DIRS = frozenset({"tests", "test", "fixtures"})
TEST_FILES = ("test_*.py", "*_test.py", "conftest.py")


class SettingsError(Exception):
    """A one-line, user-facing configuration error."""


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
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{key}: expected a number of seconds, got {value!r}") from None
    if number <= 0:
        raise SettingsError(f"{key}: expected a positive number of seconds, got {value!r}")
    return number


# key -> (parser, default, help). One table drives config files, flake8
# options and the README's settings table.
KEYS: dict[str, tuple[Any, Any, str]] = {
    "include_tests": (_bool, False, "also analyse test files (tests/, test_*.py, *_test.py, conftest.py, fixtures/)"),
    "exclude": (_str_list, (), "extra glob patterns (relative to the project root) of files to skip"),
    "request_handler_decorators": (_str_list, (), "extra decorators (qualified names) that make a function a request handler"),
    "background_decorators": (_str_list, (), "extra decorators (qualified names) that make a function a background task"),
    "project_root": (_optional_str, None, "project root (default: nearest directory with pyproject.toml, setup.cfg or .git)"),
    "time_budget": (_positive_float, 10.0, "seconds of analysis per file before it is reported as PX001"),
    "cache": (_bool, True, "keep the project context in <root>/.persistlint_cache"),
}


@attrs.frozen
class Settings:
    include_tests: bool = False
    exclude: tuple[str, ...] = ()
    request_handler_decorators: tuple[str, ...] = ()
    background_decorators: tuple[str, ...] = ()
    project_root: str | None = None
    time_budget: float = 10.0
    cache: bool = True

    @classmethod
    def from_mapping(cls, values: dict[str, Any], source: str) -> Settings:
        parsed = {}
        for raw_key, value in values.items():
            key = raw_key.replace("-", "_")
            if key not in KEYS:
                raise SettingsError(f"{source}: unknown key {raw_key!r}")
            try:
                parsed[key] = KEYS[key][0](key, value)
            except SettingsError as exc:
                raise SettingsError(f"{source}: {exc}") from None
        return cls(**parsed)

    def merged(self, overrides: dict[str, Any]) -> Settings:
        """These settings with the non-None ``overrides`` (already parsed)."""
        return attrs.evolve(self, **{k: v for k, v in overrides.items() if v is not None})

    def skips(self, relpath: str) -> bool:
        """Whether a file (path relative to the project root) is not analysed."""
        posix = PurePosixPath(relpath.replace("\\", "/"))
        if any(fnmatch.fnmatch(str(posix), pattern) or posix.match(pattern)
               for pattern in self.exclude):
            return True
        return not self.include_tests and is_test_file(posix)


def is_test_file(path: PurePosixPath) -> bool:
    if any(part in TEST_DIRS for part in path.parts[:-1]):
        return True
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in TEST_FILES)


def find_root(start: Path) -> Path:
    """Nearest directory at or above ``start`` holding a root marker."""
    start = start if start.is_dir() else start.parent
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in ROOT_MARKERS):
            return directory
    return start


def read_project_settings(root: Path) -> Settings:
    """The settings in the project's pyproject.toml or setup.cfg (first found)."""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{pyproject}: not valid TOML ({exc})") from None
        section = data.get("tool", {}).get("persistlint")
        if section is not None:
            if not isinstance(section, dict):
                raise SettingsError(f"{pyproject} [tool.persistlint]: expected a table")
            return Settings.from_mapping(section, f"{pyproject} [tool.persistlint]")
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        parser = configparser.ConfigParser()
        try:
            parser.read(setup_cfg, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError) as exc:
            raise SettingsError(f"{setup_cfg}: not a valid config file ({exc.__class__.__name__})") from None
        if parser.has_section("persistlint"):
            return Settings.from_mapping(dict(parser.items("persistlint")), f"{setup_cfg} [persistlint]")
    return Settings()


def resolve(path: Path, overrides: dict[str, Any] | None = None) -> tuple[Path, Settings]:
    """The project root and settings for a file or directory.

    ``overrides`` are raw values (e.g. from flake8 options); None means unset.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    parsed = Settings.from_mapping(overrides, "option") if overrides else Settings()
    explicit = {k: getattr(parsed, k) for k in overrides}
    if explicit.get("project_root"):
        root = Path(explicit["project_root"]).resolve()
    else:
        root = find_root(path.resolve())
    settings = read_project_settings(root).merged(explicit)
    if settings.project_root and not explicit.get("project_root"):
        configured = (root / settings.project_root).resolve()
        if configured != root:
            root = configured
    return root, settings
