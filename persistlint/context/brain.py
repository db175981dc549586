"""What persistlint knows of the libraries it reasons about, as small astroid
stub modules.

Inference never enters SQLAlchemy, Django, FastAPI or any other third-party
package: astroid inference through SQLAlchemy's own source can take minutes on
a small project (pylint issues 8150 and 8241), and results would depend on
what happens to be installed. Instead these stubs describe the public surface
that the rules need (classes, the methods that matter and what they return),
so that ``SessionLocal = sessionmaker(...)``; ``s = SessionLocal()``;
``s.execute(...)`` infers to ``sqlalchemy.orm.Session.execute`` whether or not
SQLAlchemy is installed. Every other third-party module is outside the
boundary (see :mod:`persistlint.context.infer`): names imported from it
resolve to their qualified names from the import statements alone.

The stub's defining module is the canonical qualified name that rules compare
against (``sqlalchemy.orm.Session``, ``sqlalchemy.select``); the submodules
people import from re-export them.
"""

from __future__ import annotations

import textwrap

_SQLALCHEMY = """
class Result:
    def scalars(self, index=0): return ScalarResult()
    def scalar(self): return object()
    def scalar_one(self): return object()
    def scalar_one_or_none(self): return object()
    def one(self): return object()
    def one_or_none(self): return object()
    def first(self): return object()
    def all(self): return []
    def fetchall(self): return []
    def fetchone(self): return object()
    def fetchmany(self, size=None): return []
    def unique(self): return self
    def mappings(self): return self
    def __iter__(self): return iter([])
class ScalarResult:
    def all(self): return []
    def first(self): return object()
    def one(self): return object()
    def one_or_none(self): return object()
    def unique(self): return self
    def __iter__(self): return iter([])
class _Statement:
    def where(self, *c): return self
    def filter(self, *c): return self
    def filter_by(self, **kw): return self
    def options(self, *o): return self
    def join(self, *a, **kw): return self
    def outerjoin(self, *a, **kw): return self
    def order_by(self, *a): return self
    def group_by(self, *a): return self
    def having(self, *a): return self
    def limit(self, n): return self
    def offset(self, n): return self
    def values(self, *a, **kw): return self
    def returning(self, *a): return self
    def execution_options(self, **kw): return self
    def subquery(self, name=None): return self
    def scalar_subquery(self): return self
    def distinct(self, *a): return self
class Select(_Statement): pass
class Update(_Statement): pass
class Delete(_Statement): pass
class Insert(_Statement): pass
class TextClause(_Statement):
    def bindparams(self, *a, **kw): return self
def select(*entities): return Select()
def update(table): return Update()
def delete(table): return Delete()
def insert(table): return Insert()
def text(sql): return TextClause()
class _FunctionGenerator:
    def __getattr__(self, name): return self
    def __call__(self, *a, **kw): return self
func = _FunctionGenerator()
def and_(*c): return object()
def or_(*c): return object()
def create_engine(url, **kw): return Engine()
class Connection:
    def execute(self, statement, parameters=None, **kw): return Result()
    def scalar(self, statement, parameters=None, **kw): return object()
    def scalars(self, statement, parameters=None, **kw): return ScalarResult()
    def exec_driver_sql(self, statement, parameters=None): return Result()
    def commit(self): pass
    def rollback(self): pass
    def close(self): pass
    def begin(self): return Transaction()
    def begin_nested(self): return Transaction()
    def __enter__(self): return self
    def __exit__(self, *a): pass
class Transaction:
    def commit(self): pass
    def rollback(self): pass
    def __enter__(self): return self
    def __exit__(self, *a): pass
class Engine:
    def connect(self): return Connection()
    def begin(self): return Connection()
    def dispose(self): pass
    def raw_connection(self): return object()
class Column:
    def __init__(self, *a, **kw): pass
class ForeignKey:
    def __init__(self, *a, **kw): pass
class Table:
    def __init__(self, *a, **kw): pass
class MetaData:
    def __init__(self, *a, **kw): pass
class DDL:
    def __init__(self, statement, **kw): pass
class Integer: pass
class BigInteger: pass
class String:
    def __init__(self, *a, **kw): pass
class Text: pass
class Boolean: pass
class DateTime:
    def __init__(self, *a, **kw): pass
class Float: pass
class Numeric:
    def __init__(self, *a, **kw): pass
class JSON: pass
class Enum:
    def __init__(self, *a, **kw): pass
class UniqueConstraint:
    def __init__(self, *a, **kw): pass
class Index:
    def __init__(self, *a, **kw): pass
"""

_SQLALCHEMY_ORM = """
from sqlalchemy import Result, ScalarResult, Connection, Transaction
class Query:
    def filter(self, *c): return self
    def filter_by(self, **kw): return self
    def options(self, *o): return self
    def join(self, *a, **kw): return self
    def outerjoin(self, *a, **kw): return self
    def order_by(self, *a): return self
    def group_by(self, *a): return self
    def limit(self, n): return self
    def offset(self, n): return self
    def distinct(self, *a): return self
    def with_entities(self, *a): return self
    def yield_per(self, n): return self
    def all(self): return []
    def first(self): return object()
    def one(self): return object()
    def one_or_none(self): return object()
    def scalar(self): return object()
    def get(self, ident): return object()
    def count(self): return 0
    def exists(self): return object()
    def update(self, values, **kw): return 0
    def delete(self, **kw): return 0
    def __iter__(self): return iter([])
class SessionTransaction:
    def commit(self): pass
    def rollback(self): pass
    def __enter__(self): return self
    def __exit__(self, *a): pass
class Session:
    def __init__(self, bind=None, autoflush=True, expire_on_commit=True, **kw): pass
    def execute(self, statement, params=None, **kw): return Result()
    def scalars(self, statement, params=None, **kw): return ScalarResult()
    def scalar(self, statement, params=None, **kw): return object()
    def get(self, entity, ident, **kw): return object()
    def query(self, *entities): return Query()
    def add(self, instance): pass
    def add_all(self, instances): pass
    def delete(self, instance): pass
    def merge(self, instance, **kw): return instance
    def flush(self, objects=None): pass
    def commit(self): pass
    def rollback(self): pass
    def close(self): pass
    def refresh(self, instance, attribute_names=None): pass
    def expire(self, instance, attribute_names=None): pass
    def expire_all(self): pass
    def expunge(self, instance): pass
    def begin(self): return SessionTransaction()
    def begin_nested(self): return SessionTransaction()
    def connection(self): return Connection()
    def bulk_save_objects(self, objects, **kw): pass
    def bulk_insert_mappings(self, mapper, mappings, **kw): pass
    def bulk_update_mappings(self, mapper, mappings): pass
    def __enter__(self): return self
    def __exit__(self, *a): pass
class sessionmaker:
    def __init__(self, bind=None, class_=None, autoflush=True, expire_on_commit=True, **kw): pass
    def __call__(self, **kw): return Session()
    def begin(self): return Session()
    def configure(self, **kw): pass
class scoped_session:
    def __init__(self, session_factory, scopefunc=None): pass
    def __call__(self, **kw): return Session()
    def execute(self, statement, params=None, **kw): return Result()
    def scalars(self, statement, params=None, **kw): return ScalarResult()
    def scalar(self, statement, params=None, **kw): return object()
    def get(self, entity, ident, **kw): return object()
    def query(self, *entities): return Query()
    def add(self, instance): pass
    def add_all(self, instances): pass
    def delete(self, instance): pass
    def merge(self, instance, **kw): return instance
    def flush(self, objects=None): pass
    def commit(self): pass
    def rollback(self): pass
    def close(self): pass
    def remove(self): pass
    def refresh(self, instance, attribute_names=None): pass
    def begin(self): return SessionTransaction()
    def begin_nested(self): return SessionTransaction()
def relationship(argument=None, secondary=None, back_populates=None, backref=None, lazy="select", **kw): return object()
def backref(name, **kw): return object()
def mapped_column(*a, **kw): return object()
def column_property(*a, **kw): return object()
def deferred(*a, **kw): return object()
def synonym(*a, **kw): return object()
def declarative_base(**kw):
    class Base(DeclarativeBase): pass
    return Base
def registry(**kw): return object()
class DeclarativeBase:
    metadata = None
class DeclarativeBaseNoMeta: pass
class MappedAsDataclass: pass
class Mapped:
    def __class_getitem__(cls, item): return cls
def selectinload(*a, **kw): return object()
def joinedload(*a, **kw): return object()
def subqueryload(*a, **kw): return object()
def immediateload(*a, **kw): return object()
def contains_eager(*a, **kw): return object()
def lazyload(*a, **kw): return object()
def noload(*a, **kw): return object()
def raiseload(*a, **kw): return object()
def load_only(*a, **kw): return object()
def defer(*a, **kw): return object()
def undefer(*a, **kw): return object()
def defaultload(*a, **kw): return object()
def aliased(element, **kw): return element
"""

_SQLALCHEMY_ASYNCIO = """
from sqlalchemy import Result, ScalarResult
class AsyncSessionTransaction:
    async def commit(self): pass
    async def rollback(self): pass
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class AsyncConnection:
    async def execute(self, statement, parameters=None, **kw): return Result()
    async def scalar(self, statement, parameters=None, **kw): return object()
    async def scalars(self, statement, parameters=None, **kw): return ScalarResult()
    async def run_sync(self, fn, *a, **kw): return object()
    async def commit(self): pass
    async def rollback(self): pass
    async def close(self): pass
    def begin(self): return AsyncSessionTransaction()
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class AsyncEngine:
    def connect(self): return AsyncConnection()
    def begin(self): return AsyncConnection()
    async def dispose(self): pass
def create_async_engine(url, **kw): return AsyncEngine()
class AsyncSession:
    def __init__(self, bind=None, expire_on_commit=True, **kw): pass
    async def execute(self, statement, params=None, **kw): return Result()
    async def scalars(self, statement, params=None, **kw): return ScalarResult()
    async def scalar(self, statement, params=None, **kw): return object()
    async def get(self, entity, ident, **kw): return object()
    async def stream(self, statement, **kw): return Result()
    async def stream_scalars(self, statement, **kw): return ScalarResult()
    def add(self, instance): pass
    def add_all(self, instances): pass
    async def delete(self, instance): pass
    async def merge(self, instance, **kw): return instance
    async def flush(self, objects=None): pass
    async def commit(self): pass
    async def rollback(self): pass
    async def close(self): pass
    async def refresh(self, instance, attribute_names=None): pass
    def expire(self, instance, attribute_names=None): pass
    def expunge(self, instance): pass
    async def run_sync(self, fn, *a, **kw): return object()
    def begin(self): return AsyncSessionTransaction()
    def begin_nested(self): return AsyncSessionTransaction()
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class async_sessionmaker:
    def __init__(self, bind=None, class_=None, autoflush=True, expire_on_commit=True, **kw): pass
    def __call__(self, **kw): return AsyncSession()
    def begin(self): return AsyncSession()
class async_scoped_session:
    def __init__(self, session_factory, scopefunc=None): pass
    def __call__(self, **kw): return AsyncSession()
class AsyncAttrs: pass
"""

_SQLMODEL = """
from sqlalchemy import select, update, delete, insert, text, func, create_engine, Column
from sqlalchemy.orm import Session as _Session, Query
class Session(_Session):
    def exec(self, statement, **kw): return ScalarResult()
from sqlalchemy import ScalarResult
class SQLModel:
    metadata = None
def Field(default=None, **kw): return default
def Relationship(back_populates=None, sa_relationship_kwargs=None, **kw): return object()
"""

_SQLMODEL_ASYNC = """
from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession
from sqlalchemy import ScalarResult
class AsyncSession(_AsyncSession):
    async def exec(self, statement, **kw): return ScalarResult()
"""

_DJANGO_MODELS = """
class QuerySet:
    def all(self): return self
    def filter(self, *a, **kw): return self
    def exclude(self, *a, **kw): return self
    def order_by(self, *a): return self
    def select_related(self, *a): return self
    def prefetch_related(self, *a): return self
    def only(self, *a): return self
    def defer(self, *a): return self
    def values(self, *a, **kw): return self
    def values_list(self, *a, **kw): return self
    def annotate(self, *a, **kw): return self
    def aggregate(self, *a, **kw): return {}
    def distinct(self, *a): return self
    def using(self, alias): return self
    def select_for_update(self, **kw): return self
    def iterator(self, chunk_size=None): return iter([])
    def get(self, *a, **kw): return object()
    def first(self): return object()
    def last(self): return object()
    def create(self, **kw): return object()
    def get_or_create(self, defaults=None, **kw): return (object(), True)
    def update_or_create(self, defaults=None, **kw): return (object(), True)
    def count(self): return 0
    def exists(self): return True
    def update(self, **kw): return 0
    def delete(self): return (0, {})
    def bulk_create(self, objs, **kw): return objs
    def bulk_update(self, objs, fields, **kw): return 0
    def in_bulk(self, id_list=None, **kw): return {}
    def __iter__(self): return iter([])
    def __len__(self): return 0
    def __bool__(self): return True
    async def aget(self, *a, **kw): return object()
    async def afirst(self): return object()
    async def acreate(self, **kw): return object()
    async def acount(self): return 0
    async def aexists(self): return True
    async def aupdate(self, **kw): return 0
    async def adelete(self): return (0, {})
    @classmethod
    def as_manager(cls): return cls()
class Manager(QuerySet):
    def get_queryset(self): return QuerySet()
    @classmethod
    def from_queryset(cls, queryset_class, class_name=None): return queryset_class
class Model:
    objects = Manager()
    pk = None
    id = None
    def save(self, *a, **kw): pass
    def delete(self, *a, **kw): pass
    def refresh_from_db(self, *a, **kw): pass
    async def asave(self, *a, **kw): pass
    async def adelete(self, *a, **kw): pass
def ForeignKey(to, on_delete=None, **kw): return object()
def OneToOneField(to, on_delete=None, **kw): return object()
def ManyToManyField(to, **kw): return object()
def CharField(*a, **kw): return object()
def TextField(*a, **kw): return object()
def IntegerField(*a, **kw): return object()
def BigIntegerField(*a, **kw): return object()
def PositiveIntegerField(*a, **kw): return object()
def BooleanField(*a, **kw): return object()
def DateTimeField(*a, **kw): return object()
def DateField(*a, **kw): return object()
def DecimalField(*a, **kw): return object()
def FloatField(*a, **kw): return object()
def JSONField(*a, **kw): return object()
def UUIDField(*a, **kw): return object()
def EmailField(*a, **kw): return object()
def SlugField(*a, **kw): return object()
def URLField(*a, **kw): return object()
def AutoField(*a, **kw): return object()
def BigAutoField(*a, **kw): return object()
def Count(*a, **kw): return object()
def Sum(*a, **kw): return object()
def F(name): return object()
def Q(*a, **kw): return object()
def Prefetch(lookup, queryset=None, to_attr=None): return object()
CASCADE = object()
SET_NULL = object()
PROTECT = object()
"""

_DJANGO_TRANSACTION = """
class Atomic:
    def __enter__(self): return self
    def __exit__(self, *a): pass
    def __call__(self, func): return func
def atomic(using=None, savepoint=True, durable=False): return Atomic()
def on_commit(func, using=None, robust=False): pass
def commit(using=None): pass
def rollback(using=None): pass
def set_autocommit(autocommit, using=None): pass
"""

_DJANGO_DB = """
class CursorWrapper:
    def execute(self, sql, params=None): pass
    def executemany(self, sql, param_list): pass
    def fetchone(self): return object()
    def fetchall(self): return []
    def fetchmany(self, size=None): return []
    def __enter__(self): return self
    def __exit__(self, *a): pass
class DatabaseWrapper:
    def cursor(self): return CursorWrapper()
    def commit(self): pass
    def rollback(self): pass
connection = DatabaseWrapper()
"""

_FASTAPI = """
from starlette.concurrency import run_in_threadpool
class _Router:
    def get(self, path, **kw): return _route
    def post(self, path, **kw): return _route
    def put(self, path, **kw): return _route
    def patch(self, path, **kw): return _route
    def delete(self, path, **kw): return _route
    def head(self, path, **kw): return _route
    def options(self, path, **kw): return _route
    def trace(self, path, **kw): return _route
    def api_route(self, path, **kw): return _route
    def websocket(self, path, **kw): return _route
    def route(self, path, **kw): return _route
    def add_api_route(self, path, endpoint, **kw): pass
    def add_api_websocket_route(self, path, endpoint, **kw): pass
    def include_router(self, router, **kw): pass
    def on_event(self, event): return _route
    def middleware(self, kind): return _route
    def exception_handler(self, exc): return _route
def _route(func): return func
class FastAPI(_Router):
    def __init__(self, **kw): pass
class APIRouter(_Router):
    def __init__(self, **kw): pass
def Depends(dependency=None, *, use_cache=True): return object()
def Security(dependency=None, **kw): return object()
def Query(default=None, **kw): return default
def Path(default=None, **kw): return default
def Body(default=None, **kw): return default
def Header(default=None, **kw): return default
def Form(default=None, **kw): return default
class HTTPException(Exception):
    def __init__(self, status_code, detail=None, headers=None): pass
class BackgroundTasks:
    def add_task(self, func, *args, **kwargs): pass
class Request: pass
class Response: pass
class WebSocket: pass
class UploadFile:
    async def read(self, size=-1): return b""
    async def write(self, data): pass
    async def close(self): pass
"""

_STARLETTE_CONCURRENCY = """
async def run_in_threadpool(func, *args, **kwargs): return func(*args, **kwargs)
"""

_HTTPX = """
class Response:
    status_code = 200
    text = ""
    content = b""
    def json(self, **kw): return {}
    def raise_for_status(self): return self
class Client:
    def __init__(self, **kw): pass
    def request(self, method, url, **kw): return Response()
    def get(self, url, **kw): return Response()
    def post(self, url, **kw): return Response()
    def put(self, url, **kw): return Response()
    def patch(self, url, **kw): return Response()
    def delete(self, url, **kw): return Response()
    def head(self, url, **kw): return Response()
    def options(self, url, **kw): return Response()
    def send(self, request, **kw): return Response()
    def stream(self, method, url, **kw): return Response()
    def close(self): pass
    def __enter__(self): return self
    def __exit__(self, *a): pass
class AsyncClient:
    def __init__(self, **kw): pass
    async def request(self, method, url, **kw): return Response()
    async def get(self, url, **kw): return Response()
    async def post(self, url, **kw): return Response()
    async def put(self, url, **kw): return Response()
    async def patch(self, url, **kw): return Response()
    async def delete(self, url, **kw): return Response()
    async def head(self, url, **kw): return Response()
    async def options(self, url, **kw): return Response()
    async def send(self, request, **kw): return Response()
    def stream(self, method, url, **kw): return Response()
    async def aclose(self): pass
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
def request(method, url, **kw): return Response()
def get(url, **kw): return Response()
def post(url, **kw): return Response()
def put(url, **kw): return Response()
def patch(url, **kw): return Response()
def delete(url, **kw): return Response()
def head(url, **kw): return Response()
def options(url, **kw): return Response()
def stream(method, url, **kw): return Response()
"""

_REQUESTS = """
class Response:
    status_code = 200
    text = ""
    content = b""
    def json(self, **kw): return {}
    def raise_for_status(self): pass
class Session:
    def request(self, method, url, **kw): return Response()
    def get(self, url, **kw): return Response()
    def post(self, url, data=None, json=None, **kw): return Response()
    def put(self, url, data=None, **kw): return Response()
    def patch(self, url, data=None, **kw): return Response()
    def delete(self, url, **kw): return Response()
    def head(self, url, **kw): return Response()
    def options(self, url, **kw): return Response()
    def send(self, request, **kw): return Response()
    def close(self): pass
    def __enter__(self): return self
    def __exit__(self, *a): pass
def session(): return Session()
def request(method, url, **kw): return Response()
def get(url, params=None, **kw): return Response()
def post(url, data=None, json=None, **kw): return Response()
def put(url, data=None, **kw): return Response()
def patch(url, data=None, **kw): return Response()
def delete(url, **kw): return Response()
def head(url, **kw): return Response()
def options(url, **kw): return Response()
"""

_AIOHTTP = """
class ClientResponse:
    status = 200
    async def json(self, **kw): return {}
    async def text(self, **kw): return ""
    async def read(self): return b""
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class ClientSession:
    def __init__(self, **kw): pass
    def get(self, url, **kw): return ClientResponse()
    def post(self, url, **kw): return ClientResponse()
    def put(self, url, **kw): return ClientResponse()
    def patch(self, url, **kw): return ClientResponse()
    def delete(self, url, **kw): return ClientResponse()
    def request(self, method, url, **kw): return ClientResponse()
    async def close(self): pass
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
"""

_ASYNCPG = """
class Transaction:
    async def start(self): pass
    async def commit(self): pass
    async def rollback(self): pass
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class Connection:
    async def execute(self, query, *args, timeout=None): return ""
    async def executemany(self, command, args, timeout=None): pass
    async def fetch(self, query, *args, timeout=None): return []
    async def fetchrow(self, query, *args, timeout=None): return object()
    async def fetchval(self, query, *args, column=0, timeout=None): return object()
    async def copy_records_to_table(self, table_name, **kw): pass
    def transaction(self, **kw): return Transaction()
    async def add_listener(self, channel, callback): pass
    async def remove_listener(self, channel, callback): pass
    async def close(self): pass
class Pool:
    def acquire(self): return _PoolAcquire()
    async def release(self, connection): pass
    async def execute(self, query, *args, timeout=None): return ""
    async def executemany(self, command, args, timeout=None): pass
    async def fetch(self, query, *args, timeout=None): return []
    async def fetchrow(self, query, *args, timeout=None): return object()
    async def fetchval(self, query, *args, timeout=None): return object()
    async def close(self): pass
class _PoolAcquire:
    async def __aenter__(self): return Connection()
    async def __aexit__(self, *a): pass
async def connect(dsn=None, **kw): return Connection()
async def create_pool(dsn=None, **kw): return Pool()
"""

_DBAPI = """
class cursor:
    def execute(self, query, vars=None): pass
    def executemany(self, query, vars_list): pass
    def fetchone(self): return object()
    def fetchall(self): return []
    def fetchmany(self, size=None): return []
    def close(self): pass
    def __enter__(self): return self
    def __exit__(self, *a): pass
    def __iter__(self): return iter([])
class connection:
    def cursor(self, *a, **kw): return cursor()
    def commit(self): pass
    def rollback(self): pass
    def close(self): pass
    def execute(self, query, vars=None): return cursor()
    def executemany(self, query, vars_list): return cursor()
    def __enter__(self): return self
    def __exit__(self, *a): pass
def connect(dsn=None, **kw): return connection()
"""

_PSYCOPG = _DBAPI.replace("class cursor:", "class Cursor:").replace(
    "class connection:", "class Connection:").replace("return cursor()", "return Cursor()").replace(
    "return connection()", "return Connection()") + """
class AsyncCursor:
    async def execute(self, query, params=None): pass
    async def executemany(self, query, params_seq): pass
    async def fetchone(self): return object()
    async def fetchall(self): return []
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class AsyncConnection:
    @classmethod
    async def connect(cls, conninfo="", **kw): return AsyncConnection()
    def cursor(self, *a, **kw): return AsyncCursor()
    async def execute(self, query, params=None): return AsyncCursor()
    async def commit(self): pass
    async def rollback(self): pass
    async def close(self): pass
    def transaction(self): return self
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
"""

_SQLITE3 = _DBAPI.replace("class cursor:", "class Cursor:").replace(
    "class connection:", "class Connection:").replace("return cursor()", "return Cursor()").replace(
    "return connection()", "return Connection()").replace("def connect(dsn=None, **kw)", "def connect(database, **kw)") + """
class Row: pass
"""

_REDIS = """
class PubSub:
    def subscribe(self, *channels, **kw): pass
    def psubscribe(self, *patterns, **kw): pass
    def get_message(self, **kw): return object()
    def listen(self): return iter([])
class Redis:
    def __init__(self, *a, **kw): pass
    @classmethod
    def from_url(cls, url, **kw): return Redis()
    def get(self, name): return object()
    def set(self, name, value, **kw): pass
    def publish(self, channel, message): return 0
    def pubsub(self, **kw): return PubSub()
def from_url(url, **kw): return Redis()
StrictRedis = Redis
"""

_REDIS_ASYNCIO = """
class PubSub:
    async def subscribe(self, *channels, **kw): pass
    async def psubscribe(self, *patterns, **kw): pass
    async def get_message(self, **kw): return object()
    def listen(self): return iter([])
class Redis:
    def __init__(self, *a, **kw): pass
    @classmethod
    def from_url(cls, url, **kw): return Redis()
    async def get(self, name): return object()
    async def set(self, name, value, **kw): pass
    async def publish(self, channel, message): return 0
    def pubsub(self, **kw): return PubSub()
def from_url(url, **kw): return Redis()
"""

_CELERY = """
class Task:
    def delay(self, *a, **kw): pass
    def apply_async(self, *a, **kw): pass
def _task_decorator(func): return Task()
class Celery:
    def __init__(self, *a, **kw): pass
    def task(self, *a, **kw): return _task_decorator
def shared_task(*a, **kw): return _task_decorator
"""

_AIOFILES = """
class AsyncFile:
    async def read(self, size=-1): return ""
    async def write(self, data): return 0
    async def readline(self): return ""
    async def close(self): pass
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
def open(file, mode="r", **kw): return AsyncFile()
"""

_PIL_IMAGE = """
class Image:
    def resize(self, size, resample=None, **kw): return Image()
    def thumbnail(self, size, **kw): pass
    def convert(self, mode=None, **kw): return Image()
    def rotate(self, angle, **kw): return Image()
    def crop(self, box=None): return Image()
    def filter(self, f): return Image()
    def copy(self): return Image()
    def save(self, fp, format=None, **kw): pass
    def load(self): pass
    def __enter__(self): return self
    def __exit__(self, *a): pass
def open(fp, mode="r", formats=None): return Image()
def new(mode, size, color=0): return Image()
"""

_AIOSQLITE = """
class Cursor:
    async def execute(self, sql, parameters=None): return self
    async def executemany(self, sql, parameters): return self
    async def fetchone(self): return object()
    async def fetchall(self): return []
    async def fetchmany(self, size=None): return []
    async def close(self): pass
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class Connection:
    async def execute(self, sql, parameters=None): return Cursor()
    async def executemany(self, sql, parameters): return Cursor()
    async def execute_fetchall(self, sql, parameters=None): return []
    async def cursor(self): return Cursor()
    async def commit(self): pass
    async def rollback(self): pass
    async def close(self): pass
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
    def __await__(self): return self
def connect(database, **kw): return Connection()
"""

_BOTO3 = """
class BaseClient: pass
class ServiceResource: pass
def client(service_name, **kw): return BaseClient()
def resource(service_name, **kw): return ServiceResource()
class Session:
    def client(self, service_name, **kw): return BaseClient()
    def resource(self, service_name, **kw): return ServiceResource()
"""

_ASYNCIO = """
class AbstractEventLoop:
    def run_in_executor(self, executor, func, *args): return Future()
    def run_until_complete(self, future): return object()
    def create_task(self, coro, **kw): return Task()
    def call_soon(self, callback, *args, **kw): pass
    def call_later(self, delay, callback, *args, **kw): pass
    def run_forever(self): pass
    def close(self): pass
class Future:
    def result(self): return object()
    def done(self): return True
    def cancel(self, msg=None): return True
class Task(Future): pass
class Queue:
    def __init__(self, maxsize=0): pass
    async def get(self): return object()
    async def put(self, item): pass
    def get_nowait(self): return object()
    def put_nowait(self, item): pass
    def qsize(self): return 0
    def task_done(self): pass
    async def join(self): pass
class Lock:
    async def acquire(self): return True
    def release(self): pass
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class Semaphore(Lock):
    def __init__(self, value=1): pass
class Event:
    async def wait(self): return True
    def set(self): pass
    def clear(self): pass
    def is_set(self): return False
class TaskGroup:
    def create_task(self, coro, **kw): return Task()
    async def __aenter__(self): return self
    async def __aexit__(self, *a): pass
class CancelledError(BaseException): pass
class TimeoutError(Exception): pass
async def sleep(delay, result=None): return result
async def to_thread(func, /, *args, **kwargs): return func(*args, **kwargs)
async def gather(*aws, return_exceptions=False): return []
async def wait_for(aw, timeout): return object()
async def wait(aws, **kw): return (set(), set())
async def shield(aw): return object()
def timeout(delay): return object()
def run(main, *, debug=None): return object()
def create_task(coro, *, name=None, context=None): return Task()
def ensure_future(coro_or_future, *, loop=None): return Task()
def get_event_loop(): return AbstractEventLoop()
def get_running_loop(): return AbstractEventLoop()
def new_event_loop(): return AbstractEventLoop()
def iscoroutinefunction(func): return False
def as_completed(aws, *, timeout=None): return iter([])
async def create_subprocess_exec(program, *args, **kw): return object()
async def create_subprocess_shell(cmd, **kw): return object()
async def open_connection(host=None, port=None, **kw): return (object(), object())
"""

#: ``typing`` is not built (it is large and teaches the rules nothing), but a
#: generic base (``class UserRepository(BaseRepository[User])``) must infer to
#: its class, or the subclass has no ancestors and inherits no methods.
_TYPING = """
class TypeVar:
    def __init__(self, name, *constraints, bound=None, covariant=False, contravariant=False, default=None): pass
class ParamSpec(TypeVar): pass
class TypeVarTuple(TypeVar): pass
class Generic:
    def __class_getitem__(cls, item): return cls
class Protocol(Generic): pass
"""

#: Standard-library modules astroid may build and infer through: the ones
#: whose objects the rules ask about (files, paths, processes, sockets,
#: serialisation, compression, hashing). The rest of the standard library is
#: resolved from import statements only, like third-party code: building
#: ``typing``, ``datetime`` or ``http.client`` costs tenths of a second each
#: and teaches the rules nothing.
STDLIB_INFERRED = frozenset({
    "builtins", "os", "posixpath", "genericpath", "stat", "pathlib", "io", "_io", "abc",
    "shutil", "subprocess", "json", "pickle", "time", "tempfile", "gzip", "bz2", "lzma",
    "zlib", "hashlib", "copy", "functools", "contextlib", "collections", "dataclasses",
    "enum", "re", "smtplib", "ftplib", "socket", "urllib", "concurrent", "threading",
    "xml", "csv", "glob", "fnmatch", "string", "operator", "types", "codecs", "sys",
    "errno", "warnings", "weakref", "keyword", "reprlib", "_collections_abc",
})

#: module name -> stub source. Packages are the names that others extend.
STUBS: dict[str, str] = {
    "asyncio": _ASYNCIO,
    "sqlalchemy": _SQLALCHEMY,
    "sqlalchemy.orm": _SQLALCHEMY_ORM,
    "sqlalchemy.orm.session": "from sqlalchemy.orm import Session, sessionmaker, scoped_session",
    "sqlalchemy.orm.query": "from sqlalchemy.orm import Query",
    "sqlalchemy.ext": "",
    "sqlalchemy.ext.asyncio": _SQLALCHEMY_ASYNCIO,
    "sqlalchemy.ext.declarative": "from sqlalchemy.orm import declarative_base",
    "sqlalchemy.future": "from sqlalchemy import select, create_engine, Engine, Connection",
    "sqlalchemy.sql": "from sqlalchemy import select, update, delete, insert, text, func, and_, or_, Select, Update, Delete, Insert, TextClause",
    "sqlalchemy.sql.expression": "from sqlalchemy import select, update, delete, insert, text, func, and_, or_, Select, Update, Delete, Insert, TextClause",
    "sqlalchemy.engine": "from sqlalchemy import create_engine, Engine, Connection, Result, ScalarResult",
    "sqlalchemy.schema": "from sqlalchemy import Column, ForeignKey, Table, MetaData, DDL",
    "sqlalchemy.event": "def listen(target, identifier, fn, **kw): pass\ndef listens_for(target, identifier, **kw): return lambda fn: fn",
    "sqlalchemy.pool": "class NullPool: pass\nclass QueuePool: pass\nclass StaticPool: pass\nclass AsyncAdaptedQueuePool: pass",
    "sqlmodel": _SQLMODEL,
    "sqlmodel.ext": "",
    "sqlmodel.ext.asyncio": "",
    "sqlmodel.ext.asyncio.session": _SQLMODEL_ASYNC,
    "django": "",
    "django.db": _DJANGO_DB,
    "django.db.models": _DJANGO_MODELS,
    "django.db.transaction": _DJANGO_TRANSACTION,
    "fastapi": _FASTAPI,
    "fastapi.concurrency": "from starlette.concurrency import run_in_threadpool",
    "fastapi.background": "from fastapi import BackgroundTasks",
    "starlette": "",
    "starlette.concurrency": _STARLETTE_CONCURRENCY,
    "httpx": _HTTPX,
    "requests": _REQUESTS,
    "aiohttp": _AIOHTTP,
    "asyncpg": _ASYNCPG,
    "psycopg2": _DBAPI,
    "psycopg2.extensions": "from psycopg2 import connection, cursor",
    "psycopg": _PSYCOPG,
    "pymysql": _DBAPI,
    "MySQLdb": _DBAPI,
    "sqlite3": _SQLITE3,
    "redis": _REDIS,
    "redis.asyncio": _REDIS_ASYNCIO,
    "celery": _CELERY,
    "aiofiles": _AIOFILES,
    "aiosqlite": _AIOSQLITE,
    "boto3": _BOTO3,
    "PIL": "",
    "PIL.Image": _PIL_IMAGE,
    "typing": _TYPING,
    "typing_extensions": _TYPING,
}

#: Top-level names whose every module stays outside the boundary unless stubbed.
STUB_PACKAGES = frozenset(name.partition(".")[0] for name in STUBS)

#: The stubs astroid's own transforms change as they are built (``asyncio``:
#: an inference tip for each ``set()`` call; ``sqlalchemy.orm.session``:
#: astroid's ``sessionmaker`` in place of the stub's). The others are built
#: without running the transforms, which would leave them as they are and are
#: a third of the cost of building them (tests/test_infer.py checks both, stub by stub).
TRANSFORMED_STUBS = frozenset({"asyncio", "sqlalchemy.orm.session"})
#: Stubs built without astroid's transforms although one applies: on Python
#: 3.12+ astroid extends any module named ``typing`` with definitions of its
#: own. The stub's ``Generic`` needs none of them, and building it the same
#: way on every Python keeps inference through generic bases the same too.
UNTRANSFORMED_ON_PURPOSE = frozenset({"typing", "typing_extensions"})


def stub_sources() -> dict[str, str]:
    return {name: textwrap.dedent(src) for name, src in STUBS.items()}


def is_package(name: str) -> bool:
    prefix = name + "."
    return any(other.startswith(prefix) for other in STUBS)
