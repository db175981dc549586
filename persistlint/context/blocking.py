"""The one table of operations that block the thread they run on, by
qualified name, shared by PR301 (IO), PR303 (sleep), PR305 (CPU) and, through
the ``blocks`` function summary, PR307 (the same operations reached through
synchronous project functions).

A call is looked up by what it resolves to (``ctx.resolve``): a function
(``shutil.copy``), a method of a class whose instances block on every use
of that method (``io.TextIOWrapper.read``, ``httpx.Client.get``), or a name
under a prefix whose every function blocks (``cv2.*``, ``pandas.read_*``).
"""

from __future__ import annotations

import enum
import functools
import sys

import attrs
from astroid import nodes

from persistlint.context import dbcalls
from persistlint.context.bindings import single_assigned_value
from persistlint.context.execution import offload_target_index
from persistlint.context.infer import Resolved, dotted_import, lookup_qualname, own_nodes, resolve_callee
from persistlint.diagnostic import Evidence, Severity


class Kind(enum.Enum):
    """What an operation waits for; decides the rule, severity and fix."""

    FILE = ("PR301", "file IO", "use aiofiles, or await asyncio.to_thread({call})")
    PROCESS = ("PR301", "subprocess", "use await asyncio.create_subprocess_exec(...)")
    PROCESS_WAIT = ("PR301", "process wait", "use await asyncio.to_thread({call})")
    HTTP = ("PR301", "HTTP request", "use an awaited httpx.AsyncClient or aiohttp request")
    NETWORK = ("PR301", "network IO",
               "use asyncio streams (asyncio.open_connection) or await asyncio.to_thread({call})")
    CLOUD = ("PR301", "network IO",
             "use an async client (aioboto3, aiobotocore) or await asyncio.to_thread({call})")
    DATABASE = ("PR301", "database IO",
                "use an async driver (AsyncSession, asyncpg, psycopg AsyncConnection) "
                "or await asyncio.to_thread({call})")
    RECORDER = ("PR301", "database IO",
                "run it in the recorder's executor: "
                "await get_instance(hass).async_add_executor_job({call})")
    INPUT = ("PR301", "console input", "use await asyncio.to_thread(input, ...)")
    IMPORT = ("PR301", "import machinery, reading files",
              "do it once at module level, or await asyncio.to_thread({call})")
    THREAD_WAIT = ("PR301", "waiting on a thread",
                   "await asyncio.wrap_future(...) for a concurrent future, or await asyncio.to_thread({call})")
    SLEEP = ("PR303", "sleep", "use await asyncio.sleep({delay})")
    CPU = ("PR305", "CPU-bound work", "use await asyncio.to_thread({call}) or a process pool")
    COMPRESSION = ("PR305", "compression", "use await asyncio.to_thread({call}) or a process pool")
    PASSWORD_HASH = ("PR305", "password hashing, slow by design",
                     "use await asyncio.to_thread({call}) or a process pool")

    def __init__(self, code: str, label: str, fix: str) -> None:
        self.code = code
        self.label = label
        self.fix = fix

    def severity(self, in_request_handler: bool) -> Severity:
        """RULES.md: IO and sleeps are HIGH in a request handler; CPU work is
        MEDIUM, except password hashing, slow by design, in a handler."""
        if self in (Kind.CPU, Kind.COMPRESSION):
            return Severity.MEDIUM
        return Severity.HIGH if in_request_handler else Severity.MEDIUM


_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request"})
_DB_EXECUTE = frozenset({"execute", "executemany", "executescript", "callproc", "commit", "rollback",
                         "copy_from", "copy_to", "copy_expert"})
_SESSION_IO = frozenset({"execute", "scalars", "scalar", "get", "commit", "flush", "refresh", "rollback",
                         "merge", "exec", "bulk_save_objects", "bulk_insert_mappings",
                         "bulk_update_mappings", "connection", "get_one"})
_QUERY_IO = frozenset({"all", "first", "one", "one_or_none", "scalar", "get", "count", "update", "delete"})
_PATH_IO = frozenset({
    "read_text", "read_bytes", "write_text", "write_bytes", "open", "exists", "is_dir", "is_file",
    "is_symlink", "is_mount", "is_socket", "is_fifo", "is_block_device", "is_char_device", "is_junction",
    "stat", "lstat", "owner", "group", "chmod", "lchmod", "mkdir", "rmdir", "unlink", "rename",
    "replace", "touch", "symlink_to", "hardlink_to", "link_to", "readlink", "iterdir", "glob", "rglob",
    "walk", "resolve", "samefile", "copy", "copy_into", "move", "move_into",
})
_PATH_CLASSES = ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.WindowsPath")

STREAMING_BODY = "botocore.response.StreamingBody"

#: class qualname -> (kind, methods that block; None: every method but the
#: ones in NON_BLOCKING_METHODS).
METHODS: dict[str, tuple[Kind, frozenset[str] | None]] = {
    # every method of a file object goes to its file descriptor (but the
    # metadata ones in NON_BLOCKING_METHODS). The concrete file classes only:
    # the io base classes (io.IOBase, io.BufferedIOBase, ...) are also those
    # of in-memory io.BytesIO/StringIO.
    **{cls: (Kind.FILE, None) for cls in (
        "io.TextIOWrapper", "io.BufferedReader", "io.BufferedWriter", "io.BufferedRandom",
        "io.BufferedRWPair", "io.FileIO", "tempfile._TemporaryFileWrapper")},
    # compressed streams: the work is the (de)compression, on a file
    # (``gzip.open(path)``, whose opening is file IO) or in memory
    # (``gzip.GzipFile(fileobj=io.BytesIO())``)
    **{cls: (Kind.COMPRESSION, None) for cls in ("gzip.GzipFile", "bz2.BZ2File", "lzma.LZMAFile")},
    "zipfile.ZipFile": (Kind.COMPRESSION, frozenset({"writestr", "write", "read", "extract", "extractall",
                                                    "testzip", "mkdir"})),
    **{cls: (Kind.FILE, _PATH_IO) for cls in _PATH_CLASSES},
    "subprocess.Popen": (Kind.PROCESS_WAIT, frozenset({"wait", "communicate"})),
    # the thread's primitives wait for another thread: the loop waits with them
    **{cls: (Kind.THREAD_WAIT, frozenset({"result", "exception"}))
       for cls in ("concurrent.futures.Future", "concurrent.futures._base.Future")},
    "threading.Thread": (Kind.THREAD_WAIT, frozenset({"join"})),
    **{cls: (Kind.THREAD_WAIT, frozenset({"wait"})) for cls in (
        "threading.Event", "threading.Condition", "threading.Barrier")},
    "requests.Session": (Kind.HTTP, _HTTP_VERBS | {"send"}),
    "requests.sessions.Session": (Kind.HTTP, _HTTP_VERBS | {"send"}),
    **{cls: (Kind.HTTP, _HTTP_VERBS | {"send", "stream", "close"})
       for cls in ("httpx.Client", "httpx2.Client")},
    **{cls: (Kind.HTTP, None) for cls in (
        "urllib3.PoolManager", "urllib3.ProxyManager", "urllib3.HTTPConnectionPool",
        "urllib3.HTTPSConnectionPool", "urllib3.connectionpool.ConnectionPool",
        "urllib3.connectionpool.HTTPConnectionPool", "urllib3.connectionpool.HTTPSConnectionPool",
        "urllib3.poolmanager.PoolManager", "urllib3.poolmanager.ProxyManager",
        "urllib3.request.RequestMethods", "urllib3._request_methods.RequestMethods")},
    "urllib.request.OpenerDirector": (Kind.HTTP, frozenset({"open"})),
    **{cls: (Kind.HTTP, frozenset({"request", "getresponse", "connect", "send", "endheaders"}))
       for cls in ("http.client.HTTPConnection", "http.client.HTTPSConnection")},
    "http.client.HTTPResponse": (Kind.HTTP, frozenset({
        "read", "read1", "readline", "readlines", "readinto"})),
    # the streamed member of a boto3 response (``resp["Body"]``, see
    # _streaming_body): reading it downloads the object over the network
    STREAMING_BODY: (Kind.CLOUD, frozenset({
        "read", "readlines", "readinto", "iter_lines", "iter_chunks", "__iter__", "__next__", "next"})),
    "socket.socket": (Kind.NETWORK, frozenset({
        "connect", "connect_ex", "accept", "recv", "recv_into", "recvfrom", "recvfrom_into", "recvmsg",
        "send", "sendall", "sendto", "sendmsg", "sendfile"})),
    **{cls: (Kind.NETWORK, None) for cls in ("smtplib.SMTP", "smtplib.SMTP_SSL", "smtplib.LMTP",
                                             "ftplib.FTP", "ftplib.FTP_TLS")},
    **{cls: (Kind.NETWORK, None) for cls in ("redis.Redis", "redis.StrictRedis", "redis.client.Redis")},
    # Django mail: sending talks to the mail server through the configured backend
    **{cls: (Kind.NETWORK, frozenset({"send"})) for cls in (
        "django.core.mail.EmailMessage", "django.core.mail.EmailMultiAlternatives",
        "django.core.mail.message.EmailMessage", "django.core.mail.message.EmailMultiAlternatives",
        "templated_mail.mail.BaseEmailMessage")},
    **{cls: (Kind.NETWORK, frozenset({"send_messages", "open"})) for cls in (
        "django.core.mail.backends.smtp.EmailBackend", "django.core.mail.backends.base.BaseEmailBackend")},
    **{cls: (Kind.DATABASE, _SESSION_IO) for cls in (
        "sqlalchemy.orm.Session", "sqlalchemy.orm.scoped_session", "sqlmodel.Session")},
    "sqlalchemy.orm.Query": (Kind.DATABASE, _QUERY_IO),
    "sqlalchemy.Connection": (Kind.DATABASE, frozenset({
        "execute", "scalar", "scalars", "exec_driver_sql", "commit", "rollback"})),
    "sqlalchemy.Engine": (Kind.DATABASE, frozenset({"connect", "begin", "raw_connection"})),
    "sqlalchemy.Transaction": (Kind.DATABASE, frozenset({"commit", "rollback"})),
    # schema reflection through ``inspect(engine)`` (see _reflection)
    "sqlalchemy.engine.reflection.Inspector": (Kind.DATABASE, None),
    **{cls: (Kind.DATABASE, _DB_EXECUTE) for cls in (
        "psycopg2.connection", "psycopg2.cursor", "psycopg.Connection", "psycopg.Cursor",
        "pymysql.connection", "pymysql.cursor", "pymysql.connections.Connection",
        "pymysql.cursors.Cursor", "MySQLdb.connection", "MySQLdb.cursor",
        "sqlite3.Connection", "sqlite3.Cursor")},
    "PIL.Image.Image": (Kind.CPU, frozenset({"resize", "save", "thumbnail", "convert", "rotate",
                                             "transform", "filter", "quantize", "reduce", "load"})),
    "passlib.context.CryptContext": (Kind.PASSWORD_HASH, frozenset({
        "hash", "verify", "verify_and_update", "encrypt", "dummy_verify"})),
    "argon2.PasswordHasher": (Kind.PASSWORD_HASH, frozenset({"hash", "verify", "check_needs_rehash"})),
}

#: Methods of an "every method blocks" class that do no IO: client
#: factories, and file-object metadata answered without waiting.
NON_BLOCKING_METHODS = frozenset({"pubsub", "pipeline", "from_url", "set_debuglevel", "__init__",
                                  "fileno", "readable", "writable", "seekable", "isatty"})

_OS_FILESYSTEM = (
    "listdir", "scandir", "stat", "lstat", "fstat", "statvfs", "remove", "unlink", "rmdir",
    "removedirs", "mkdir", "makedirs", "rename", "renames", "replace", "chmod", "lchmod", "chown",
    "lchown", "link", "symlink", "readlink", "truncate", "utime", "walk", "fwalk", "access", "open",
    "read", "write", "pread", "pwrite", "readv", "writev", "fsync", "fdatasync", "sendfile", "mkfifo",
    "copy_file_range",
)
_OS_PATH_FILESYSTEM = (
    "exists", "lexists", "isfile", "isdir", "islink", "ismount", "isjunction", "getsize", "getmtime",
    "getatime", "getctime", "samefile", "sameopenfile", "realpath", "_joinrealpath",
)

#: Calls that some linters report as blocking but that wait for no disk or
#: network (path string arithmetic, the process's working directory or
#: environment, file-object metadata): deliberately left out of the tables.
NOT_BLOCKING = frozenset({
    "os.path.normpath", "os.path._path_normpath", "os.path.abspath", "os.path.relpath",
    "os.path.expanduser", "os.path.expandvars", "os.path.normcase",
    "pathlib.Path.absolute", "pathlib.Path.expanduser", "pathlib.Path.home", "pathlib.Path.cwd",
    # file-object metadata, answered without a system call that can wait
    "io.TextIOWrapper.fileno", "io.TextIOWrapper.readable", "io.TextIOWrapper.writable",
    "io.TextIOWrapper.seekable", "io.TextIOWrapper.isatty",
})

#: Library calls that read a file on their first use with an argument and
#: answer later calls from the library's own cache (a time zone's database
#: file): worth knowing, LOW.
FIRST_USE_ONLY = frozenset({"pytz.timezone", "zoneinfo.ZoneInfo", "dateutil.tz.gettz",
                            "dateutil.tz.tz.gettz"})

_RECORDER_QUERIES = {
    "history": ("get_significant_states", "get_significant_states_with_session",
                "get_full_significant_states_with_session", "state_changes_during_period",
                "get_last_state_changes", "get_states", "get_state"),
    "statistics": ("statistics_during_period", "get_last_statistics", "get_last_short_term_statistics",
                   "get_latest_short_term_statistics", "list_statistic_ids", "get_metadata",
                   "statistic_during_period"),
}

#: function qualname -> kind.
FUNCTIONS: dict[str, Kind] = {
    "builtins.open": Kind.FILE, "io.open": Kind.FILE, "io.open_code": Kind.FILE, "os.fdopen": Kind.FILE,
    **{f"os.{name}": Kind.FILE for name in _OS_FILESYSTEM},
    **{f"os.path.{name}": Kind.FILE for name in _OS_PATH_FILESYSTEM},
    **{f"shutil.{name}": Kind.FILE for name in (
        "copy", "copy2", "copyfile", "copyfileobj", "copymode", "copystat", "copytree", "move",
        "rmtree", "make_archive", "unpack_archive", "disk_usage", "chown")},
    "glob.glob": Kind.FILE,
    # a dynamic import finds, reads and compiles the module's files; the
    # installed distributions' metadata is read from disk on every call
    "importlib.import_module": Kind.IMPORT, "importlib.reload": Kind.IMPORT,
    "importlib.__import__": Kind.IMPORT, "builtins.__import__": Kind.IMPORT,
    **{f"{module}.{name}": Kind.IMPORT for module in ("importlib.metadata", "importlib_metadata")
       for name in ("version", "distribution", "distributions", "metadata", "files", "requires",
                    "entry_points", "packages_distributions")},
    **{f"pkg_resources.{name}": Kind.IMPORT for name in (
        "get_distribution", "require", "iter_entry_points", "resource_string", "resource_stream",
        "resource_filename", "resource_listdir")},
    **{name: Kind.FILE for name in FIRST_USE_ONLY},
    # Home Assistant's file helpers, documented as executor-only
    **{name: Kind.FILE for name in (
        "homeassistant.util.json.load_json", "homeassistant.util.json.load_json_array",
        "homeassistant.util.json.load_json_object", "homeassistant.helpers.json.save_json",
        "homeassistant.util.json.save_json", "homeassistant.util.file.write_utf8_file",
        "homeassistant.util.file.write_utf8_file_atomic", "homeassistant.util.yaml.load_yaml",
        "homeassistant.util.yaml.save_yaml", "homeassistant.util.yaml.load_yaml_dict")},
    # Home Assistant's recorder history and statistics queries: synchronous
    # database work, documented to run in the recorder's executor
    # (``get_instance(hass).async_add_executor_job(...)``)
    **{f"homeassistant.components.recorder.{module}.{name}": Kind.RECORDER
       for module, names in _RECORDER_QUERIES.items() for name in names},
    "concurrent.futures.wait": Kind.THREAD_WAIT,
    **{f"tempfile.{name}": Kind.FILE for name in (
        "NamedTemporaryFile", "TemporaryFile", "mkstemp", "mkdtemp")},
    "tarfile.open": Kind.FILE,
    **{f"{module}.open": Kind.FILE for module in ("gzip", "bz2", "lzma")},
    "zipfile.ZipFile": Kind.FILE,
    **{f"subprocess.{name}": Kind.PROCESS for name in (
        "run", "call", "check_call", "check_output", "getoutput", "getstatusoutput", "Popen")},
    **{f"os.{name}": Kind.PROCESS for name in (
        "system", "popen", "posix_spawn", "posix_spawnp", "spawnl", "spawnle", "spawnlp", "spawnlpe",
        "spawnv", "spawnve", "spawnvp", "spawnvpe", "execv", "execl")},
    **{f"os.{name}": Kind.PROCESS_WAIT for name in ("wait", "wait3", "wait4", "waitid", "waitpid")},
    **{f"{lib}.{verb}": Kind.HTTP for lib in ("requests", "httpx", "httpx2")
       for verb in _HTTP_VERBS | {"stream", "trace", "connect"}},
    **{f"requests.api.{verb}": Kind.HTTP for verb in _HTTP_VERBS},
    "urllib3.request": Kind.HTTP,
    "urllib.request.urlopen": Kind.HTTP,
    "urllib.request.urlretrieve": Kind.HTTP,
    **{f"socket.{name}": Kind.NETWORK for name in (
        "create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
        "getfqdn", "create_server")},
    **{f"{driver}.connect": Kind.DATABASE
       for driver in ("psycopg2", "psycopg", "pymysql", "MySQLdb", "sqlite3")},
    "psycopg.Connection.connect": Kind.DATABASE,
    **{f"django.core.mail.{name}": Kind.NETWORK for name in (
        "send_mail", "send_mass_mail", "mail_admins", "mail_managers")},
    "djmail.core.send_messages": Kind.NETWORK,
    "builtins.input": Kind.INPUT,
    "time.sleep": Kind.SLEEP,
    "json.load": Kind.CPU, "json.loads": Kind.CPU,
    "pickle.load": Kind.CPU, "pickle.loads": Kind.CPU,
    "PIL.Image.open": Kind.CPU,
    **{f"{module}.{name}": Kind.CPU
       for module in ("lxml.etree", "xml.etree.ElementTree", "xml.etree.cElementTree")
       for name in ("parse", "fromstring", "XML", "HTML", "iterparse", "fromstringlist")},
    **{f"lxml.html.{name}": Kind.CPU
       for name in ("parse", "fromstring", "document_fromstring", "fragment_fromstring")},
    "xml.dom.minidom.parse": Kind.CPU, "xml.dom.minidom.parseString": Kind.CPU,
    "bs4.BeautifulSoup": Kind.CPU,
    **{f"{module}.export": Kind.CPU for module in ("nbconvert", "nbconvert.exporters",
                                                   "nbconvert.exporters.base")},
    **{f"{module}.{name}": Kind.COMPRESSION for module in ("zlib", "gzip", "bz2", "lzma")
       for name in ("compress", "decompress")},
    **{f"bcrypt.{name}": Kind.PASSWORD_HASH for name in ("hashpw", "checkpw", "kdf")},
    "hashlib.pbkdf2_hmac": Kind.PASSWORD_HASH, "hashlib.scrypt": Kind.PASSWORD_HASH,
    "argon2.hash_password": Kind.PASSWORD_HASH, "argon2.verify_password": Kind.PASSWORD_HASH,
    "argon2.low_level.hash_secret": Kind.PASSWORD_HASH,
    "argon2.low_level.hash_secret_raw": Kind.PASSWORD_HASH,
    "argon2.low_level.verify_secret": Kind.PASSWORD_HASH,
    "werkzeug.security.generate_password_hash": Kind.PASSWORD_HASH,
    "werkzeug.security.check_password_hash": Kind.PASSWORD_HASH,
    "django.contrib.auth.hashers.make_password": Kind.PASSWORD_HASH,
    "django.contrib.auth.hashers.check_password": Kind.PASSWORD_HASH,
}

#: qualname prefix -> kind, for libraries whose every function is heavy.
PREFIXES: dict[str, Kind] = {
    "cv2.": Kind.CPU,
    "pandas.read_": Kind.CPU,
}
#: ``passlib.hash.<scheme>.<method>``
_PASSLIB_SCHEMES = "passlib.hash."
_PASSLIB_METHODS = frozenset({"hash", "verify", "encrypt", "genhash"})

#: nbconvert's exporters (``HTMLExporter``, ``get_exporter("pdf")(...)``):
#: converting a notebook renders templates, Markdown and highlighted code
#: in process (CPU), for some formats with pandoc or LaTeX runs on top.
_NBCONVERT = "nbconvert."
_EXPORTING_METHODS = frozenset({"from_notebook_node", "from_filename", "from_file"})

#: Calls that only look blocking: the data is a literal, so the work is tiny.
_LITERAL_ARGUMENT_OK = frozenset({"json.loads", "pickle.loads"})


#: Object-store and cloud service clients: every public method but the local
#: ones calls the service over the network. boto3/botocore clients (and the
#: ``mypy_boto3_*`` annotations of them) block; aiobotocore's are awaited.
SYNC_SERVICE_CLIENTS = ("botocore.client.BaseClient", "boto3.BaseClient")
_TYPED_BOTO3_CLIENTS = "mypy_boto3_"
ASYNC_SERVICE_CLIENTS = ("aiobotocore.", "aioboto3.")
_LOCAL_CLIENT_METHODS = frozenset({"close", "aclose", "meta", "get_paginator", "get_waiter",
                                   "generate_presigned_url", "generate_presigned_post",
                                   "can_paginate", "exceptions"})
#: ``boto3.resource("s3")``: its lowercase methods call the service; the
#: capitalised ones (``Bucket("b")``, ``Table("t")``) make a sub-resource
#: locally, whose lowercase methods call the service again.
SERVICE_RESOURCES = ("boto3.resources.base.ServiceResource", "boto3.ServiceResource")
#: what astroid infers for them: classes boto3 makes inside its factory
_INFERRED_RESOURCE = "boto3.resources.factory.ResourceFactory.load_from_definition."
_LOCAL_RESOURCE_METHODS = frozenset({"meta", "get_available_subresources"})


def _service_call(owner: str, method: str) -> bool:
    """Whether ``owner.method`` is a synchronous call of a cloud service."""
    if method.startswith("_"):
        return False
    if owner in SYNC_SERVICE_CLIENTS or (owner.startswith(_TYPED_BOTO3_CLIENTS) and owner.endswith("Client")):
        return method not in _LOCAL_CLIENT_METHODS
    if owner in SERVICE_RESOURCES or owner.startswith(tuple(f"{r}." for r in SERVICE_RESOURCES)) \
            or owner.startswith(_INFERRED_RESOURCE):
        return method[:1].islower() and method not in _LOCAL_RESOURCE_METHODS
    return False


def kind_of(qualname: str) -> Kind | None:
    """The blocking kind of the callable named ``qualname``, if any."""
    if qualname in FUNCTIONS:
        return FUNCTIONS[qualname]
    owner, _, method = qualname.rpartition(".")
    if _service_call(owner, method):
        return Kind.CLOUD
    if owner in METHODS:
        kind, methods = METHODS[owner]
        if methods is None:
            return kind if not method.startswith("_") and method not in NON_BLOCKING_METHODS else None
        return kind if method in methods else None
    if owner.startswith(_NBCONVERT) and owner.endswith("Exporter") and method in _EXPORTING_METHODS:
        return Kind.CPU
    if qualname.startswith(_PASSLIB_SCHEMES) and method in _PASSLIB_METHODS:
        return Kind.PASSWORD_HASH
    for prefix, kind in PREFIXES.items():
        if qualname.startswith(prefix) and qualname[len(prefix):].isidentifier():
            return kind
    return None


#: Awaited operations that wait on the network or the disk without blocking
#: the event loop. PR rules ignore them; a transaction held open across
#: them is held just as long (PT202/PT205), so they complete the table.
ASYNC_METHODS: dict[str, tuple[Kind, frozenset[str] | None]] = {
    **{cls: (Kind.HTTP, _HTTP_VERBS | {"send", "stream"}) for cls in (
        "httpx.AsyncClient", "httpx2.AsyncClient", "aiohttp.ClientSession")},
    **{cls: (Kind.NETWORK, None) for cls in (
        "redis.asyncio.Redis", "redis.asyncio.client.Redis", "aiosmtplib.SMTP")},
    **{cls: (Kind.FILE, _PATH_IO) for cls in ("anyio.Path", "aiopath.AsyncPath", "trio.Path")},
}
ASYNC_FUNCTIONS: dict[str, Kind] = {
    "asyncio.sleep": Kind.SLEEP, "anyio.sleep": Kind.SLEEP, "trio.sleep": Kind.SLEEP,
    "aiofiles.open": Kind.FILE, "asyncio.open_connection": Kind.NETWORK,
    "aiohttp.request": Kind.HTTP, "aiosmtplib.send": Kind.NETWORK,
}
#: What a transaction held across an operation waits for.
EXTERNAL_OF_KIND = {Kind.HTTP: "network", Kind.NETWORK: "network", Kind.CLOUD: "network", Kind.FILE: "file",
                    Kind.SLEEP: "sleep"}


def external_kind(qualname: str) -> str | None:
    """``network``, ``file`` or ``sleep`` when the callable named
    ``qualname`` waits on the network, the disk or a timer, whether it
    blocks the thread (the sync table above) or is awaited; None otherwise.
    The transaction rules read this; the runtime rules read :func:`kind_of`.
    A load the library caches after its first use (:data:`FIRST_USE_ONLY`)
    is none: it holds a transaction for microseconds after that."""
    if qualname in FIRST_USE_ONLY:
        return None
    kind = kind_of(qualname) or ASYNC_FUNCTIONS.get(qualname)
    owner, _, method = qualname.rpartition(".")
    if kind is None and owner in ASYNC_METHODS:
        async_kind, methods = ASYNC_METHODS[owner]
        if methods is None:
            kind = async_kind if not method.startswith("_") and method not in NON_BLOCKING_METHODS else None
        else:
            kind = async_kind if method in methods else None
    if kind is None and owner.startswith(ASYNC_SERVICE_CLIENTS) and method not in _LOCAL_CLIENT_METHODS \
            and not method.startswith("_"):
        return "network"
    if kind is None and owner.endswith("Stub") and owner.rpartition(".")[0].endswith("_grpc"):
        return "network"  # generated gRPC stubs: <service>_pb2_grpc.<Name>Stub.<Rpc>
    return EXTERNAL_OF_KIND.get(kind) if kind is not None else None


@attrs.frozen
class Blocking:
    """One blocking call: what it is, how sure we are, and how to name it."""

    kind: Kind
    qualname: str
    evidence: Evidence
    label: str  # as written, e.g. ``input_path.read_bytes()``
    why: str = ""  # what makes parsing heavy here (``a file``), for parsers

    @property
    def first_use_only(self) -> bool:
        """The library caches what the call read: later calls do no IO."""
        return self.qualname in FIRST_USE_ONLY

    def recommendation(self, call: nodes.Call) -> str:
        func = call.func.as_string()
        args = ", ".join([a.as_string() for a in call.args]
                         + [k.as_string() for k in call.keywords or ()])
        offload = f"{func}, {args}" if args else func
        delay = call.args[0].as_string() if call.args else "seconds"
        return self.kind.fix.format(call=shorten(offload, 60), delay=delay)


def classify(call: nodes.Call, ctx) -> Blocking | None:
    """The blocking operation ``call`` performs, or None."""
    found = _reflection(call, ctx) or _resource_client(call, ctx) or _streaming_body(call, ctx) \
        or ctx.resolve(call) or _held_session_call(call, ctx)
    found = _future_wait(call, found) or found
    if found is None:
        return None
    kind = kind_of(found.qualname)
    if kind is None:
        return None
    if found.qualname in _LITERAL_ARGUMENT_OK and call.args and _is_literal(call.args[0]):
        return None
    if found.qualname in _ARCHIVES and _in_memory(call, ctx):
        return None  # ``ZipFile(io.BytesIO(), "w")``: no file; its writes are the compression work
    if found.qualname in _IMPORTERS and _standard_module(call):
        return None  # ``__import__("datetime")``: a sys.modules lookup, or one small load per process
    why = ""
    if found.qualname in PARSERS:
        why = big_input(call, found.qualname, ctx)
        if why is None:
            return None
    return Blocking(kind, found.qualname, found.evidence, label(call), why)


def _held_session_call(call: nodes.Call, ctx) -> Resolved | None:
    """A call on a session the code does not type but hands a model or a
    statement (:func:`dbcalls.held_session`), and the query chains it
    starts: ``db.query(M).all()`` in an ``async def`` is sync SQLAlchemy."""
    found = dbcalls.resolve(call, ctx)
    return found if found is not None and found.evidence is Evidence.USAGE else None


_ARCHIVES = frozenset({"zipfile.ZipFile", "tarfile.open"})
_IMPORTERS = frozenset({"importlib.import_module", "importlib.__import__", "builtins.__import__"})


def _standard_module(call: nodes.Call) -> bool:
    """An import of a standard-library module named by a literal."""
    name = call.args[0] if call.args else None
    return isinstance(name, nodes.Const) and isinstance(name.value, str) \
        and name.value.partition(".")[0] in sys.stdlib_module_names


_IN_MEMORY = frozenset({"io.BytesIO", "_io.BytesIO"})


def _in_memory(call: nodes.Call, ctx) -> bool:
    """An archive opened on an in-memory buffer, not on a file."""
    target = call.args[0] if call.args else next(
        (k.value for k in call.keywords or () if k.arg in {"file", "fileobj"}), None)
    found = ctx.type_of(target) if target is not None else None
    return found is not None and found.qualname in _IN_MEMORY


def _resource_client(call: nodes.Call, ctx) -> Resolved | None:
    """``s3.meta.client.upload_file(...)``: the client under a boto3 resource."""
    func = call.func
    holder = func.expr if isinstance(func, nodes.Attribute) else None
    if not (isinstance(holder, nodes.Attribute) and holder.attrname == "client"
            and isinstance(holder.expr, nodes.Attribute) and holder.expr.attrname == "meta"):
        return None
    resource = ctx.type_of(holder.expr.expr)
    if resource is None or not _service_call(resource.qualname, "load"):
        return None
    return Resolved(f"{SYNC_SERVICE_CLIENTS[1]}.{func.attrname}", resource.evidence)


#: The members of a boto3 response that stream the payload
#: (``botocore.response.StreamingBody``): S3 ``get_object``'s ``Body``,
#: Lambda ``invoke``'s ``Payload``, Polly's ``AudioStream``, Bedrock
#: ``invoke_model``'s ``body``.
_STREAMED_MEMBERS = frozenset({"Body", "Payload", "AudioStream", "body"})


def _streaming_body(call: nodes.Call, ctx) -> Resolved | None:
    """``resp["Body"].read()`` (or ``body = resp["Body"]; body.read()``)
    where ``resp`` is what a synchronous boto3 client call returned, also
    when that call itself was handed to a thread
    (``resp = await asyncio.to_thread(s3.get_object, ...)``): the body is
    downloaded while it is read, on the thread that reads it."""
    func = call.func
    if not isinstance(func, nodes.Attribute):
        return None
    member = func.expr
    if isinstance(member, nodes.Name):
        member = single_assigned_value(member)
    if not (isinstance(member, nodes.Subscript) and isinstance(member.slice, nodes.Const)
            and member.slice.value in _STREAMED_MEMBERS):
        return None
    evidence = _service_response(member.value, ctx, 0)
    return Resolved(f"{STREAMING_BODY}.{func.attrname}", evidence) if evidence is not None else None


def _service_response(expr: nodes.NodeNG, ctx, depth: int) -> Evidence | None:
    """How sure we are that ``expr`` holds the response of a synchronous
    boto3 client call: the call itself, awaited or not, or a call that ran
    it in a thread (``asyncio.to_thread(s3.get_object, ...)``,
    ``loop.run_in_executor(None, partial(s3.get_object, ...))``,
    ``run_in_executor(None, lambda: s3.get_object(...))``)."""
    if depth > 4:
        return None
    if isinstance(expr, nodes.Await):
        return _service_response(expr.value, ctx, depth + 1)
    if isinstance(expr, nodes.Name):
        value = single_assigned_value(expr)
        return _service_response(value, ctx, depth + 1) if value is not None else None
    if isinstance(expr, nodes.Lambda):
        return _service_response(expr.body, ctx, depth + 1)
    if not isinstance(expr, nodes.Call):
        return None
    index = offload_target_index(expr, ctx.resolve)
    if index is not None:
        target = expr.args[index] if len(expr.args) > index else None
        return _service_method(target, ctx, depth) if target is not None else None
    found = ctx.resolve(expr)
    if found is None:
        return None
    if found.qualname in _PARTIALS and expr.args:
        return _service_method(expr.args[0], ctx, depth)
    owner, _, method = found.qualname.rpartition(".")
    return found.evidence if _service_call(owner, method) else None


_PARTIALS = frozenset({"functools.partial"})


def _service_method(target: nodes.NodeNG, ctx, depth: int) -> Evidence | None:
    """A function handed on (to a thread, to ``partial``) that is a
    synchronous boto3 client method, or a lambda/partial calling one."""
    if isinstance(target, (nodes.Lambda, nodes.Call)):
        return _service_response(target, ctx, depth + 1)
    found = resolve_callee(target) if isinstance(target, nodes.Attribute) else None
    if found is None:
        return None
    owner, _, method = found.qualname.rpartition(".")
    return found.evidence if _service_call(owner, method) else None


_ASYNCIO_FUTURES = frozenset({"asyncio.Future", "asyncio.Task", "asyncio.futures.Future", "asyncio.tasks.Task",
                              "_asyncio.Future", "_asyncio.Task"})


def _future_wait(call: nodes.Call, found: Resolved | None) -> Resolved | None:
    """``future.result(timeout=5)``: an asyncio future's ``result()`` and
    ``exception()`` take no argument, so one given a timeout is a
    concurrent future (``asyncio.run_coroutine_threadsafe``,
    ``executor.submit``) whatever its annotation says, and waits."""
    func = call.func
    if not (isinstance(func, nodes.Attribute) and func.attrname in {"result", "exception"}
            and (call.args or call.keywords)):
        return None
    if found is None:  # unknown receiver: only the unmistakable ``x.result(timeout=5)``
        timeout = any(k.arg == "timeout" for k in call.keywords or ()) or (
            len(call.args) == 1 and isinstance(call.args[0], nodes.Const)
            and isinstance(call.args[0].value, (int, float)))
        if func.attrname != "result" or not timeout:
            return None
    elif found.qualname.rpartition(".")[0] not in _ASYNCIO_FUTURES:
        return None
    return Resolved(f"concurrent.futures.Future.{func.attrname}", Evidence.NAME_GUESS)


# ---------------------------------------------------------------- schema reflection

_SYNC_ENGINES = frozenset({"sqlalchemy.Engine", "sqlalchemy.engine.Engine", "sqlalchemy.engine.base.Engine",
                           "sqlalchemy.Connection", "sqlalchemy.engine.Connection",
                           "sqlalchemy.engine.base.Connection"})
INSPECTOR = "sqlalchemy.engine.reflection.Inspector"
_INSPECT = "sqlalchemy.inspect"


def _reflection(call: nodes.Call, ctx) -> Resolved | None:
    """``inspect(engine)`` connects, and the inspector it returns queries the
    catalog on every ``get_*``/``has_*`` call; ``inspect(obj)`` of a model or
    an instance is in-memory and not reported."""
    func = call.func
    if isinstance(func, nodes.Attribute) and func.attrname.startswith(("get_", "has_", "reflect_")):
        receiver = single_assigned_value(func.expr) if isinstance(func.expr, nodes.Name) else func.expr
        if isinstance(receiver, nodes.Call) and _inspects_engine(receiver, ctx):
            return Resolved(f"{INSPECTOR}.{func.attrname}", ctx.resolve(receiver).evidence)
        return None
    if call.args and _inspects_engine(call, ctx):
        return Resolved(f"{INSPECTOR}.from_engine", ctx.resolve(call).evidence)
    return None


def _inspects_engine(call: nodes.Call, ctx) -> bool:
    found = ctx.resolve(call)
    if found is None or found.qualname != _INSPECT or not call.args:
        return False
    subject = ctx.type_of(call.args[0])
    return subject is not None and subject.qualname in _SYNC_ENGINES


# ---------------------------------------------------------------- parsing

#: Parsers whose cost grows with the input (RULES.md PR305): CPU work worth
#: a thread only when the input is big by construction.
_STRING_PARSERS = frozenset({
    "json.loads", "bs4.BeautifulSoup", "xml.dom.minidom.parseString",
    *(f"{module}.{name}" for module in ("lxml.etree", "xml.etree.ElementTree", "xml.etree.cElementTree")
      for name in ("fromstring", "XML", "HTML", "fromstringlist")),
    *(f"lxml.html.{name}" for name in ("fromstring", "document_fromstring", "fragment_fromstring")),
})
#: Parsers that read a file (or a stream) by definition.
_FILE_PARSERS = frozenset({
    "json.load", "xml.dom.minidom.parse", "lxml.html.parse",
    *(f"{module}.{name}" for module in ("lxml.etree", "xml.etree.ElementTree", "xml.etree.cElementTree")
      for name in ("parse", "iterparse")),
})
PARSERS = _STRING_PARSERS | _FILE_PARSERS
_HTML_PARSERS = frozenset({"bs4.BeautifulSoup", "lxml.etree.HTML", "xml.etree.ElementTree.HTML",
                           *(f"lxml.html.{name}" for name in ("fromstring", "document_fromstring",
                                                              "fragment_fromstring"))})
#: Reading the content of a value on its way to the parser.
_CONTENT_CALLS = frozenset({"read", "decode", "text", "json", "getvalue", "strip"})
_CONTENT_ATTRIBUTES = frozenset({"text", "content", "body", "data"})
_BLOB_TYPES = frozenset({"LargeBinary", "BLOB", "BYTEA", "PickleType", "BinaryField", "LONGBLOB", "bytes"})


def big_input(call: nodes.Call, qualname: str, ctx) -> str | None:
    """Why the input of parser ``call`` is big by construction, or None:
    a file, an object-store download, a blob column, a page fetched for
    scraping, or one parse per item of a loop. One request body, API
    response, queue message or settings string costs less to parse than the
    thread hop that would replace it."""
    if qualname in _FILE_PARSERS:
        return "a file"
    if any(_parses_back_to_back(loop) for loop in ctx.loops_around(call)):
        return "one parse per item of a loop"
    argument = call.args[0] if call.args else next(
        (k.value for k in call.keywords or () if k.arg in {"s", "text", "markup"}), None)
    if argument is None:
        return None
    return _origin(argument, qualname in _HTML_PARSERS, ctx, 0)


def _parses_back_to_back(loop: nodes.NodeNG) -> bool:
    """A loop whose iterations follow each other without giving the event
    loop back: not ``async for`` (each item is one message received), and no
    ``await`` in its body (each parse then sits between two waits)."""
    if isinstance(loop, nodes.AsyncFor):
        return False
    body = loop.body if isinstance(loop, (nodes.For, nodes.While)) else [loop]
    return not any(True for statement in body
                   for _ in statement.nodes_of_class((nodes.Await, nodes.AsyncFor, nodes.AsyncWith)))


def _origin(expr: nodes.NodeNG, html: bool, ctx, depth: int) -> str | None:
    """Where the data ``expr`` holds comes from, when that makes it big."""
    if depth > 4:
        return None
    if isinstance(expr, nodes.Await):
        return _origin(expr.value, html, ctx, depth + 1)
    if isinstance(expr, nodes.Name):
        value = single_assigned_value(expr)
        return _origin(value, html, ctx, depth + 1) if value is not None else None
    if isinstance(expr, nodes.Subscript):
        return _origin(expr.value, html, ctx, depth + 1)
    if isinstance(expr, nodes.Attribute):
        if _is_blob_column(expr, ctx):
            return "a blob column"
        if expr.attrname in _CONTENT_ATTRIBUTES:
            return _origin(expr.expr, html, ctx, depth + 1)
        return None
    if not isinstance(expr, nodes.Call):
        return None
    found = ctx.resolve(expr)
    qualname = found.qualname if found is not None else ""
    owner, _, method = qualname.rpartition(".")
    if _service_call(owner, method) or owner.startswith(ASYNC_SERVICE_CLIENTS):
        return "an object-store download"
    kind = kind_of(qualname)
    if kind is Kind.FILE or kind is Kind.COMPRESSION or external_kind(qualname) == "file":
        return "a file"
    if kind is Kind.HTTP or external_kind(qualname) == "network":
        return "a scraped page" if html else None  # JSON from an API is one response
    if isinstance(expr.func, nodes.Attribute) and expr.func.attrname in _CONTENT_CALLS:
        return _origin(expr.func.expr, html, ctx, depth + 1)
    return None


def _is_blob_column(attribute: nodes.Attribute, ctx) -> bool:
    """``report.payload`` where the model maps ``payload`` to a binary
    column (``mapped_column(LargeBinary)``, ``Mapped[bytes]``,
    ``models.BinaryField()``)."""
    owner = ctx.type_of(attribute.expr)
    klass = lookup_qualname(owner.qualname) if owner is not None else None
    if not isinstance(klass, nodes.ClassDef):
        return False
    for binding in klass.locals.get(attribute.attrname, []):
        statement = binding.parent
        written = [statement.value] if isinstance(statement, (nodes.Assign, nodes.AnnAssign)) else []
        if isinstance(statement, nodes.AnnAssign):
            written.append(statement.annotation)
        names = {n.name if isinstance(n, nodes.Name) else n.attrname
                 for value in written if value is not None
                 for n in value.nodes_of_class((nodes.Name, nodes.Attribute))}
        if names & _BLOB_TYPES:
            return True
    return False


def is_sync_library_function(operation: Blocking) -> bool:
    """A module function of the table (``os.path.isfile``) found by
    inference or import, not a method: awaiting its result does not make
    the call itself asynchronous. An awaited *method* is taken as async: its
    receiver is likely the async twin of the class it resolved to."""
    return operation.qualname in FUNCTIONS and operation.evidence >= Evidence.IMPORT_ALIAS


def label(call: nodes.Call) -> str:
    """``time.sleep(1)``: the call as written, shortened."""
    return shorten(call.as_string(), 60)


def short_label(call: nodes.Call) -> str:
    """``open()``: the callee as written, arguments elided (for call chains)."""
    return shorten(call.func.as_string(), 40) + "()"


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_literal(node: nodes.NodeNG) -> bool:
    if isinstance(node, nodes.Const):
        return True
    if isinstance(node, nodes.JoinedStr):
        return False
    if isinstance(node, (nodes.List, nodes.Tuple, nodes.Set)):
        return all(_is_literal(e) for e in node.elts)
    return False


# ---------------------------------------------------------------- summaries

@attrs.frozen
class BlockingOp:
    """A blocking operation a synchronous project function performs itself:
    ``label`` as written (``open()``), ``kind`` a :class:`Kind` name."""

    label: str
    kind: str
    line: int
    evidence: str = "INFERRED"


@attrs.frozen
class Once:
    """How a function avoids repeating its work: ``memoised`` by a cache
    decorator (``functools.lru_cache``), or the ``lines`` of the calls it
    makes only on first use (``if _settings is None: _settings = load()``)."""

    memoised: bool = False
    lines: tuple[int, ...] = attrs.field(default=(), converter=tuple)
    decorator: str = ""  # the cache decorator, qualified when known (``functools.lru_cache``)


def blocking_operations(function: nodes.FunctionDef, fctx) -> tuple[list[BlockingOp], list[BlockingOp]]:
    """The blocking operations a synchronous project function performs
    itself (not in nested functions, not offloaded, not in a one-time lazy
    initialisation), first five in source order; and apart from them, the
    first five library-cached loads (:data:`FIRST_USE_ONLY`, ``tz.gettz``),
    which block on the first use of each argument only."""
    if isinstance(function, nodes.AsyncFunctionDef):
        return [], []
    found, cached = [], []
    for call in own_nodes(function, nodes.Call):
        operation = classify(call, fctx)
        if operation is None or in_lazy_initialisation(call, function):
            continue
        (cached if operation.first_use_only else found).append(
            BlockingOp(short_label(call), operation.kind.name, call.lineno, operation.evidence.name))
    found.sort(key=lambda operation: operation.line)
    cached.sort(key=lambda operation: operation.line)
    return found[:5], cached[:5]


def runs_once(function: nodes.FunctionDef) -> Once | None:
    caches = [d for d in (function.decorators.nodes if function.decorators else ()) if is_cache_decorator(d)]
    lines = sorted({call.lineno for call in own_nodes(function, nodes.Call)
                    if in_lazy_initialisation(call, function)}) if _cache_targets(function) else []
    if not caches and not lines:
        return None
    return Once(bool(caches), tuple(lines), _decorator_name(caches[0]) if caches else "")


def _decorator_name(decorator: nodes.NodeNG) -> str:
    func = decorator.func if isinstance(decorator, nodes.Call) else decorator
    return dotted_import(func) or func.as_string()


def repeated_calls(functions: dict, through_cache: bool = False):
    """For :func:`persistlint.context.callgraph.chains`: follow only the
    calls that block again on later uses: not the ones made on first use
    only, nor (unless ``through_cache``) calls of a memoised function."""
    def follow(caller, call) -> bool:
        once_lines = caller.once.lines if caller.once else ()
        callee = functions.get(call.callee)
        memoised = callee is not None and callee.is_memoised
        return call.line not in once_lines and (through_cache or not memoised)

    return follow


_CACHE_DECORATORS = frozenset({"lru_cache", "cache", "cached", "memoize", "memoized", "alru_cache"})


def is_cache_decorator(decorator: nodes.NodeNG) -> bool:
    func = decorator.func if isinstance(decorator, nodes.Call) else decorator
    written = func.as_string() if isinstance(func, (nodes.Name, nodes.Attribute)) else ""
    return written.rpartition(".")[2] in _CACHE_DECORATORS


def in_lazy_initialisation(node: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    """Whether ``node`` runs only on a function's first use: inside ``if
    <cache> is None:`` that assigns the cache, or after an early ``if
    <cache>: return <cache>``, where the cache is a global, an attribute
    (``self._client``) or an outer container (``_CACHE[key] = ...``)."""
    caches = _cache_targets(function)
    if not caches:
        return False
    child, parent = node, node.parent
    while parent is not None and parent is not function:
        if isinstance(parent, nodes.If) and child in parent.body:
            mentioned = (_mentions(parent.test) | _cache_reads(parent.test, function, caches)) & caches
            if mentioned and mentioned & _assigned_in(parent.body):
                return True
        child, parent = parent, parent.parent
    statement = child  # the top-level statement of the function holding node
    for earlier in function.body:
        if earlier is statement:
            break
        if not isinstance(earlier, nodes.If):
            continue
        tested = _mentions(earlier.test) & caches
        # ``if self._client: return self._client``, not a guard such as
        # ``if self._running: return``: the work after a guard runs on every start
        returned = {name for s in earlier.body for r in s.nodes_of_class(nodes.Return)
                    if r.value is not None for name in _mentions(r.value)}
        if tested & returned:
            return True
    return False


@functools.lru_cache(maxsize=64)
def _cache_targets(function: nodes.FunctionDef) -> frozenset[str]:
    """Names a function may keep a cache in (computed once per function:
    every call site of the function asks)."""
    declared_global = {name for g in own_nodes(function, nodes.Global) for name in g.names}
    targets = set()
    for node in own_nodes(function, (nodes.AssignName, nodes.AssignAttr, nodes.Subscript)):
        if isinstance(node, nodes.AssignName) and node.name in declared_global:
            targets.add(node.name)
        elif isinstance(node, nodes.AssignAttr):
            targets.add(node.as_string())
        elif isinstance(node, nodes.Subscript) and node.ctx is not None and node.ctx.name == "Store" \
                and isinstance(node.value, (nodes.Name, nodes.Attribute)) \
                and not _is_local(node.value, function):
            targets.add(node.value.as_string())
    return frozenset(targets)


def _is_local(expr: nodes.NodeNG, function: nodes.FunctionDef) -> bool:
    if not isinstance(expr, nodes.Name):
        return False
    return any(n.name == expr.name for n in own_nodes(function, nodes.AssignName)) \
        or expr.name in function.argnames()


def _cache_reads(test: nodes.NodeNG, function: nodes.FunctionDef, caches: frozenset[str]) -> set[str]:
    """The caches a test reads through a local name: ``url =
    _CACHE.get(key)`` (or ``_CACHE[key]``, ``self._cache.get(key)``) then
    ``if url is None:``."""
    found = set()
    for name in test.nodes_of_class(nodes.Name):
        value = single_assigned_value(name)
        if value is None or value.scope() is not function:
            continue
        if isinstance(value, nodes.Call) and isinstance(value.func, nodes.Attribute) \
                and value.func.attrname in {"get", "setdefault"}:
            value = value.func.expr
        elif isinstance(value, nodes.Subscript):
            value = value.value
        else:
            continue
        if value.as_string() in caches:
            found.add(value.as_string())
    return found


def _mentions(test: nodes.NodeNG) -> set[str]:
    return {n.as_string() for n in test.nodes_of_class((nodes.Name, nodes.Attribute))}


def _assigned_in(body: list[nodes.NodeNG]) -> set[str]:
    found = set()
    for statement in body:
        for node in statement.nodes_of_class((nodes.AssignName, nodes.AssignAttr, nodes.Subscript)):
            if isinstance(node, nodes.Subscript):
                if node.ctx is not None and node.ctx.name == "Store":
                    found.add(node.value.as_string())
            else:
                found.add(node.as_string() if isinstance(node, nodes.AssignAttr) else node.name)
    return found
