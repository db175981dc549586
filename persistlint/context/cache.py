"""On-disk cache of the project context, keyed by the content of the files
it was built from.

The key is a hash of every file's context digest (plus persistlint's
version and the settings; see :mod:`persistlint.context.incremental`). To avoid re-reading an unchanged tree on every editor
save, a file whose size, modification time, change time and inode match the
previous manifest reuses the digest recorded there, unless it changed
too close to the moment it was hashed to tell (git's "racily clean" case):
then it is hashed again.

Next to the context, ``records.json`` keeps what the last complete build
computed per module and what each fact was computed from, so that the next
build after an edit recomputes only what the edit reaches
(:mod:`persistlint.context.build`).

Several flake8 ``-j`` workers may start cold at once: the first takes an
exclusive lock and builds, the others wait and then read its result.

A checked-out project is untrusted input, and so is its cache folder: every
file in it is opened without following symbolic links, only regular files
are read, writes go to a temporary file in the same folder that replaces the
target atomically, and nothing is ever written outside
``<root>/.persistlint_cache``. A cache whose content does not have the
expected shape is discarded and rebuilt.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from persistlint import __version__
from persistlint.context import incremental
from persistlint.context.files import project_files, relative_text
from persistlint.shape import dict_of, list_of, matches

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None

CACHE_DIR = ".persistlint_cache"
#: how a context's ``problems`` say that the disk cache was not used (and why)
REFUSED_NOTE = "cache not used: "
# 8: foreign keys in the model registry, lazy reads of parameters in the summaries;
# 7: library-cached loads in the summaries; 6: flags that switch effects off in the summaries;
# 5: state entries in the symbol index; 4: per-module records
FORMAT = 8
CONTEXT_FILE = "context.json"
#: what the last complete build recorded for the next one (apart, so that a
#: run that only reads the context does not read them too)
RECORDS_FILE = "records.json"
LOCK_FILE = "lock"
IGNORE_FILE = ".gitignore"
MAX_CACHE_FILE_BYTES = 256_000_000  # a cache file larger than this is not ours
#: a file changed within this many nanoseconds of being hashed may change
#: again without its timestamps showing it: hash it again next time
RACY_WINDOW_NS = 2_000_000_000

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted in the cache never blocks open()
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class CacheUnavailable(Exception):
    """The cache folder cannot be used; the text is one line for the user."""


@functools.cache
def tool_fingerprint() -> str:
    """persistlint's version and the state of its own modules: an edited
    rule in an editable install invalidates cached results as a release does."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(__version__.encode())
    for module in sorted(package.rglob("*.py")):
        stat_result = module.stat()
        digest.update(f"{module.relative_to(package)}\0{stat_result.st_mtime_ns}\0{stat_result.st_size}\0".encode())
    return digest.hexdigest()


# -------------------------------------------------------------- safe file IO

def cache_directory(root: Path) -> Path:
    """``<root>/.persistlint_cache``, created if missing, with its
    ``.gitignore``. Raises :class:`CacheUnavailable` when it is a symbolic
    link or not a directory, or cannot be created."""
    directory = root / CACHE_DIR
    try:
        os.mkdir(directory, 0o755)
    except FileExistsError:
        pass
    except OSError as exc:
        raise CacheUnavailable(f"{CACHE_DIR} cannot be created ({exc.strerror or exc})") from None
    try:
        found = os.lstat(directory)
    except OSError as exc:
        raise CacheUnavailable(f"{CACHE_DIR} cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISLNK(found.st_mode):
        raise CacheUnavailable(f"{CACHE_DIR} is a symbolic link; the disk cache is not used")
    if not stat.S_ISDIR(found.st_mode):
        raise CacheUnavailable(f"{CACHE_DIR} is not a directory; the disk cache is not used")
    if not _is_regular(directory / IGNORE_FILE):
        try:
            write_atomic(directory, IGNORE_FILE, b"# created by persistlint\n*\n")
        except OSError as exc:
            raise CacheUnavailable(f"{CACHE_DIR} is not writable ({exc.strerror or exc})") from None
    return directory


def existing_directory(root: Path) -> Path | None:
    """``<root>/.persistlint_cache`` when it is a directory (not a link to
    one); None otherwise, and nothing is created."""
    path = root / CACHE_DIR
    try:
        return path if stat.S_ISDIR(os.lstat(path).st_mode) else None
    except OSError:
        return None


def _identity(path: Path) -> tuple | None:
    """What tells one version of a cache file from another: every write
    replaces the file, so its inode, size or timestamps change."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def read_cache_file(directory: Path, name: str) -> bytes | None:
    """The bytes of a regular file in the cache folder; None when it is
    missing, a link, a FIFO, a directory or anything else, or too large."""
    try:
        handle = os.open(directory / name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError:
        return None
    try:
        found = os.fstat(handle)
        if not stat.S_ISREG(found.st_mode) or found.st_size > MAX_CACHE_FILE_BYTES:
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read(MAX_CACHE_FILE_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(handle)


def write_atomic(directory: Path, name: str, data: bytes) -> None:
    """Replace ``directory/name`` with ``data``: written to a temporary file
    in the same folder, then renamed over the target (a link there is
    replaced, never followed; a directory there is discarded). The
    temporary file never outlives the call."""
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        target = directory / name
        try:
            os.replace(temporary, target)
        except IsADirectoryError:
            _discard(target)
            os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _discard(path: Path) -> None:
    """Remove a directory found where a cache file belongs (links inside it
    are removed, never followed)."""
    if stat.S_ISDIR(os.lstat(path).st_mode):
        shutil.rmtree(path)


def read_json(directory: Path, name: str) -> Any:
    """The JSON value of a cache file, or None when it is absent or unreadable."""
    data = read_cache_file(directory, name)
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def write_json(directory: Path, name: str, value: Any) -> None:
    write_atomic(directory, name, json.dumps(value).encode("utf-8"))


@contextlib.contextmanager
def exclusive_lock(directory: Path) -> Iterator[None]:
    """Hold ``directory/lock`` exclusively for the block (no lock where
    locking is not possible: the block runs anyway)."""
    handle = _open_lock(directory) if fcntl is not None else None
    if handle is None:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _open_lock(directory: Path) -> int | None:
    path = directory / LOCK_FILE
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC
    for _ in range(2):
        try:
            handle = os.open(path, flags, 0o644)
        except OSError as exc:
            if exc.errno not in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
                return None
            try:  # a link, directory or FIFO planted as the lock: replace it
                write_atomic(directory, LOCK_FILE, b"")
            except OSError:
                return None
            continue
        if stat.S_ISREG(os.fstat(handle).st_mode):
            return handle
        os.close(handle)
        return None
    return None


# -------------------------------------------------------------- validation

#: ``{relpath: [mtime_ns, size, context digest, ctime_ns, inode]}``
MANIFEST_SHAPE = dict_of(list)
#: the context's data fields (see ``ProjectContext.DATA_FIELDS``)
CONTEXT_SHAPE = {
    "tech_stack": dict, "db_config": dict, "models": dict_of(dict), "entrypoints": dict_of(dict),
    "functions": dict_of(dict), "channels": dict, "best_practices": list_of(dict), "problems": list_of(str),
    "symbols": dict_of(dict_of({"kind": str, "qualname": str})),
}
PAYLOAD_SHAPE = {"format": int, "key": str, "hashed_at": int, "manifest": MANIFEST_SHAPE,
                 "context": CONTEXT_SHAPE}


def _manifest_entry(entry: Any) -> bool:
    return (len(entry) == 5 and all(matches(entry[i], int) for i in (0, 1, 3, 4))
            and isinstance(entry[2], str))


def valid_payload(data: Any) -> bool:
    """Whether a context cache file has this version's shape."""
    return (matches(data, PAYLOAD_SHAPE) and data["format"] == FORMAT
            and all(_manifest_entry(entry) for entry in data["manifest"].values()))


# -------------------------------------------------------------- freshness

def manifest(root: Path, files: list[Path], previous: dict[str, list],
             hashed_at: int = 0, rehashed: list[str] | None = None) -> dict[str, list]:
    """``{relpath: [mtime_ns, size, context digest, ctime_ns, inode]}`` for every file.

    ``previous`` is the manifest recorded at ``hashed_at`` (ns since the
    epoch): its hash is reused only when the file's timestamps, size and
    inode all match and the file had not changed within
    :data:`RACY_WINDOW_NS` of that moment. The files whose entry was
    reusable but for that window are added to ``rehashed``."""
    result: dict[str, list] = {}
    for path in files:
        relative = relative_text(path, root)
        try:
            found = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(found.st_mode):
            continue
        current = [found.st_mtime_ns, found.st_size, None, found.st_ctime_ns, found.st_ino]
        known = previous.get(relative)
        if known and known[:2] == current[:2] and known[3:] == current[3:]:
            if max(found.st_mtime_ns, found.st_ctime_ns) < hashed_at - RACY_WINDOW_NS:
                result[relative] = known
                continue
            if rehashed is not None:
                rehashed.append(relative)
        digest = file_digest(path)
        if digest is None:
            continue
        current[2] = digest
        result[relative] = current
    return result


def settled_moment(root: Path, found: dict[str, list], hashed_at: int) -> int:
    """A later moment of hashing for the manifest ``found`` hashed at
    ``hashed_at``, when one is safe: the files that had changed just before
    that moment (whose hash the next run could not reuse) are hashed again
    now that they are old enough, and none changed. ``hashed_at`` when some
    are still too fresh, or changed.

    A file modified after being hashed gets timestamps newer than the ones
    recorded, unless it changed within the timestamps' granularity of being
    hashed: the files hashed well after their last change are safe at any
    later moment, and the others are safe at the moment they are hashed
    again, once that is well after their last change."""
    now = time.time_ns()
    racy = [relative for relative, entry in found.items() if max(entry[0], entry[3]) >= hashed_at - RACY_WINDOW_NS]
    if not racy:
        return hashed_at
    for relative in racy:
        entry = found[relative]
        try:
            current = os.stat(root / relative)
        except OSError:
            return hashed_at
        if [current.st_mtime_ns, current.st_size, current.st_ctime_ns, current.st_ino] != \
                [entry[0], entry[1], entry[3], entry[4]] or max(entry[0], entry[3]) >= now - RACY_WINDOW_NS:
            return hashed_at
        if file_digest(root / relative) != entry[2]:
            return hashed_at
    return now


def file_digest(path: Path) -> str | None:
    """The context digest of a regular file's content
    (:func:`persistlint.context.incremental.context_digest`); never opens a
    FIFO or device."""
    try:
        handle = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return incremental.context_digest(path, stream.read())
    except OSError:
        return None
    finally:
        os.close(handle)


def project_state(root: Path, settings, store: ContextCache | None = None):
    """``(files, listing problems, manifest, context key, hashed at)`` of the
    project as it is now (the previous manifest in ``store`` spares hashing
    unchanged files; the files it could not spare hashing only because
    they changed just before it was hashed are noted in ``store.rehashed``)."""
    listing_problems: list[str] = []
    files = project_files(root, settings, listing_problems)
    previous, previously_hashed_at = store.previous_manifest() if store else ({}, 0)
    hashed_at = time.time_ns()
    found = manifest(root, files, previous, previously_hashed_at, store.rehashed if store else None)
    return files, listing_problems, found, key("\0".join([repr(settings), *listing_problems]), found), hashed_at


def key(settings: str, files: dict[str, list]) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{tool_fingerprint()}\0{settings}\0".encode())
    for relative in sorted(files):
        digest.update(f"{relative}\0{files[relative][2]}\0".encode())
    return digest.hexdigest()


# -------------------------------------------------------------- the context cache

class ContextCache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.refused: str | None = None  # why the disk cache is not used
        self._directory: Path | None = None
        self._data: Any = None
        self._read = False
        self._identity: tuple | None = None  # the context file's inode, size and mtime when read
        #: files hashed again only because they had changed just before the
        #: cached manifest was hashed (see :meth:`settle`)
        self.rehashed: list[str] = []

    def directory(self) -> Path | None:
        if self._directory is None and self.refused is None:
            try:
                self._directory = cache_directory(self.root)
            except CacheUnavailable as exc:
                self.refused = str(exc)
        return self._directory

    def _payload(self) -> dict[str, Any] | None:
        if not self._read:
            self._read = True
            directory = self._existing_directory()
            identity = _identity(directory / CONTEXT_FILE) if directory else None
            if identity is None or identity != self._identity:
                data = read_json(directory, CONTEXT_FILE) if directory else None
                self._data = data if valid_payload(data) else None
                self._identity = identity
        return self._data

    def _existing_directory(self) -> Path | None:
        """The cache folder if it is there and may be read (never created
        just to find nothing in it)."""
        if self._directory is not None:
            return self._directory
        path = existing_directory(self.root)
        if path is None and os.path.lexists(self.root / CACHE_DIR):
            self.directory()  # records why it is refused
        return path

    def previous_manifest(self) -> tuple[dict[str, list], int]:
        """The manifest recorded with the cached context, and when it was hashed."""
        data = self._payload()
        return (data["manifest"], data["hashed_at"]) if data else ({}, 0)

    def load(self, key: str) -> dict[str, Any] | None:
        # another process may have written it meanwhile (every write replaces
        # the file: a new inode): read again only then
        self._read = False
        data = self._payload()
        if data and data["key"] == key:
            return data["context"]
        return None

    def previous_records(self) -> dict[str, Any] | None:
        """What the last complete build recorded for the next one to reuse
        (:mod:`persistlint.context.build`; each fact there says what it was
        computed from, so records of any earlier build are safe to offer), or None."""
        directory = self._existing_directory()
        records = read_json(directory, RECORDS_FILE) if directory else None
        return records if isinstance(records, dict) and records.get("format") == FORMAT else None

    def save(self, key: str, manifest: dict[str, list], context: dict[str, Any], hashed_at: int,
             records: dict[str, Any] | None = None) -> None:
        directory = self.directory()
        if directory is None:
            return
        payload = {"format": FORMAT, "key": key, "hashed_at": hashed_at, "manifest": manifest,
                   "context": context}
        try:
            write_json(directory, CONTEXT_FILE, payload)
            if records is not None:
                write_json(directory, RECORDS_FILE, {**records, "format": FORMAT})
        except OSError as exc:
            self.refused = f"{CACHE_DIR}/{CONTEXT_FILE} not written ({exc.strerror or exc})"

    def settle(self, key: str, manifest: dict[str, list], hashed_at: int) -> None:
        """After a hit on ``key``: record the manifest again, with its newer
        moment of hashing, when that spares the next run hashing files
        again (files that had changed just before the previous manifest was
        hashed, and have not changed since, as after a checkout followed by
        a first run). The context itself is the one read."""
        data = self._payload()
        if not self.rehashed or not data or data["key"] != key:
            return
        settled = [relative for relative in self.rehashed if relative in manifest
                   and max(manifest[relative][0], manifest[relative][3]) < hashed_at - RACY_WINDOW_NS]
        if not settled:
            return  # still too fresh to tell: the next run hashes them again anyway
        self.save(key, manifest, data["context"], hashed_at)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        directory = self.directory()
        if directory is None:
            yield
            return
        with exclusive_lock(directory):
            yield
