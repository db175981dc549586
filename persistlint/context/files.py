"""Reading a checked-out project, which is untrusted input.

* Only regular files are opened, and never in a way that blocks: a FIFO,
  socket or device named ``*.py`` is left out before anything opens it, and
  every open is non-blocking and checked with ``fstat`` in case the entry
  changed since it was listed.
* A link is followed only to a regular file inside the project root.
* Every text read for the context has a size cap; what lies beyond it is
  left out, and the caller notes that it was.
* Python source is decoded by one rule, Python's own (PEP 263 and the BOM,
  as :func:`tokenize.detect_encoding` reads them); what flake8 hands to its
  plugins is reproduced by :func:`decode_like_flake8`.
"""

from __future__ import annotations

import errno
import io
import os
import stat
import tokenize
from pathlib import Path

from persistlint.settings import Settings

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"))


class SourceError(Exception):
    """A file that cannot be read as Python source; the text is one line."""

    def __init__(self, text: str, recommendation: str = "save the file as UTF-8 Python source") -> None:
        super().__init__(text)
        self.recommendation = recommendation


UNREADABLE = "make it a regular file, or exclude it"


def printable(name: str) -> str:
    """A file name fit for a one-line note: bytes that are not UTF-8
    (kept by Python as surrogates) shown as ``\\xNN``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _kind(mode: int) -> str:
    return next((text for test, text in _KINDS if test(mode)), "not a regular file")


def unreadable_reason(path: Path, root: Path) -> str | None:
    """Why a listed project file is left out, without opening it: not a
    regular file, a dangling or looping link, a link leading out of the
    project, or a name that is not valid UTF-8. None: it may be read."""
    try:
        os.fsencode(str(path)).decode("utf-8")
    except UnicodeDecodeError:
        return "file name is not valid UTF-8; left out of the context"
    try:
        listed = os.lstat(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISLNK(listed.st_mode):
        try:
            target = path.resolve(strict=True)
            found = os.stat(target)
        except RuntimeError:  # Python < 3.13 reports a link loop so
            return "symbolic link loop; left out of the context"
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # Python 3.13 and later
                return "symbolic link loop; left out of the context"
            return f"dangling symbolic link ({exc.strerror or exc}); left out of the context"
        try:
            target.relative_to(root.resolve())
        except ValueError:
            return "symbolic link to a file outside the project; left out of the context"
    else:
        found = listed
    if not stat.S_ISREG(found.st_mode):
        return f"{_kind(found.st_mode)}, not a regular file; left out of the context"
    return None


def read_regular(path: Path, limit: int | None = None) -> tuple[bytes, bool]:
    """The bytes of a regular file, at most ``limit`` of them, and whether
    the file was longer. Never blocks on a FIFO or device."""
    try:
        handle = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", UNREADABLE) from None
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            raise SourceError(f"cannot read file: {_kind(mode)}, not a regular file", UNREADABLE)
        with os.fdopen(handle, "rb", closefd=False) as stream:
            data = stream.read() if limit is None else stream.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror or exc}", UNREADABLE) from None
    finally:
        os.close(handle)
    if limit is not None and len(data) > limit:
        return data[:limit], True
    return data, False


def read_text(path: Path, limit: int, errors: str = "strict") -> tuple[str, bool]:
    """A UTF-8 text file (manifests, docs, SQL), capped at ``limit`` bytes;
    a character cut by the cap is dropped. Raises :class:`SourceError` or
    :class:`UnicodeDecodeError`."""
    data, capped = read_regular(path, limit)
    if capped:
        return data.decode("utf-8", "ignore" if errors == "strict" else errors)[:-1], True
    return data.decode("utf-8", errors), False


def read_source(path: Path, data: bytes | None = None) -> str:
    """Decode a Python file the way the interpreter would (PEP 263)."""
    if data is None:
        data, _ = read_regular(path)
    if b"\x00" in data:
        raise SourceError("file contains NUL bytes; not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise SourceError(f"cannot decode file: {reason}") from None


def decode_like_flake8(data: bytes) -> str:
    """The text flake8 hands to its plugins for a file's bytes: decoded as
    :func:`tokenize.open` does (BOM and coding cookie), latin-1 when that
    fails (an undecodable file, a BOM that contradicts the cookie), with
    universal newlines and without the BOM."""
    try:
        with io.TextIOWrapper(io.BytesIO(data), encoding=_declared_encoding(data),
                              line_buffering=True) as stream:
            text = stream.read()
    except (SyntaxError, UnicodeError, LookupError):
        with io.TextIOWrapper(io.BytesIO(data), encoding="latin-1") as stream:
            text = stream.read()
    if text[:1] == "\ufeff":
        return text[1:]
    if text[:3] == "\xef\xbb\xbf":
        return text[3:]
    return text


def _declared_encoding(data: bytes) -> str:
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return encoding


def resolved(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when it is a link loop
    (reading it then fails with a message, instead of resolving raising)."""
    try:
        target = path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))
    return target if os.path.lexists(target) or not os.path.islink(path) else Path(os.path.abspath(path))


# ---------------------------------------------------------------- the project's files

SKIPPED_DIRS = frozenset({
    "__pycache__", "node_modules", "venv", "env", "build", "dist", "site-packages",
    "htmlcov", "__pypackages__",
})
CONTEXT_SUFFIXES = (".py", ".sql")
MANIFESTS = (
    "requirements*.txt", "requirements/*.txt", "pyproject.toml", "setup.cfg", "setup.py", "Pipfile",
    "package.json", "go.mod", "docker-compose*.yml", "docker-compose*.yaml", "compose*.yml",
    "compose*.yaml", "docs/project/tech_stack.md", "alembic.ini", "prisma/schema.prisma", "schema.prisma",
)
#: A monorepo keeps its services' manifests one level down
#: (``backend/pyproject.toml``): direct subdirectories holding one of these
#: are read after the root.
SUBPROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile", "requirements.txt",
                      "package.json", "go.mod")
_NOT_SUBPROJECTS = frozenset({"docs", "doc", "tests", "test", "examples", "example", "node_modules",
                              "venv", "env", "build", "dist", "site-packages", "testdata"})


def subprojects(root: Path) -> list[Path]:
    """Direct subdirectories that are projects of their own (``backend/``);
    deeper ones (``services/api/``) are left out."""
    try:
        children = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError:
        return []
    return [child for child in children
            if not child.name.startswith(".") and child.name.lower() not in _NOT_SUBPROJECTS
            and any((child / marker).is_file() for marker in SUBPROJECT_MARKERS)]


def relative_text(path: str | Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators ("" for the root
    itself), by its text when it is spelled under the root (every path the
    project listing makes is: pathlib's parsing is most of a warm run's
    listing otherwise)."""
    text, prefix = os.fspath(path), os.fspath(root)
    if text == prefix:
        return ""
    if text.startswith(prefix.rstrip(os.sep) + os.sep):
        inside = text[len(prefix.rstrip(os.sep)) + 1:]
        if os.altsep is None and os.sep == "/" and "/." not in f"/{inside}" and "//" not in inside:
            return inside
    return Path(path).relative_to(root).as_posix()


def _is_project(directory: Path) -> bool:
    return any((directory / marker).is_file() for marker in ("pyproject.toml", "setup.cfg"))


def project_files(root: Path, settings: Settings, problems: list[str] | None = None) -> list[Path]:
    """Python and SQL files of the project (tests and excludes left out),
    plus the manifests the stack is read from. Entries that cannot be read
    safely (FIFOs, devices, dangling or looping links, links out of the
    project, undecodable names) are left out, each noted in ``problems``."""
    found: list[Path] = []
    problems = [] if problems is None else problems

    def readable(path: Path) -> bool:
        reason = unreadable_reason(path, root)
        if reason is not None:
            problems.append(f"{printable(path.relative_to(root).as_posix())}: {reason}")
        return reason is None

    for directory, subdirs, files in os.walk(root):
        # A directory with a project file of its own is another project: its
        # files are linted with their own root and context.
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in SKIPPED_DIRS
                            and not d.endswith(".egg-info") and not _is_project(Path(directory, d)))
        inside = relative_text(directory, root)
        for name in sorted(files):
            if not name.endswith(CONTEXT_SUFFIXES):
                continue
            relative = f"{inside}/{name}" if inside else name
            if settings.skips(relative):
                continue
            path = Path(directory, name)
            if readable(path):
                found.append(path)
    for base in (root, *subprojects(root)):  # a monorepo's services: backend/pyproject.toml
        for pattern in MANIFESTS:
            found.extend(sorted(p for p in base.glob(pattern) if os.path.lexists(p) and readable(p)))
    return sorted(set(found))
