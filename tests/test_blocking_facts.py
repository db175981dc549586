"""Facts the runtime rules read: the blocking table's library entries, loop
bounds, startup hooks and the size of what a parser parses."""

from __future__ import annotations

import textwrap

import astroid
import pytest
from astroid import nodes

from persistlint.context import ExecutionKind, blocking, execution, infer, loops
from tests.test_context import context_of, write


@pytest.mark.parametrize("qualname, expected", [
    ("boto3.BaseClient.put_object", blocking.Kind.CLOUD),
    ("botocore.client.BaseClient.list_objects_v2", blocking.Kind.CLOUD),
    ("mypy_boto3_s3.client.S3Client.get_object", blocking.Kind.CLOUD),
    ("boto3.BaseClient.generate_presigned_url", None),
    ("boto3.BaseClient.get_paginator", None),
    ("boto3.ServiceResource.Bucket", None),  # a sub-resource, made locally
    ("boto3.ServiceResource.Bucket.upload_fileobj", blocking.Kind.CLOUD),
    ("boto3.ServiceResource.meta", None),
    ("aiobotocore.client.AioBaseClient.get_object", None),  # awaited: not the thread's wait
    ("gzip.open", blocking.Kind.FILE),
    ("gzip.GzipFile.write", blocking.Kind.COMPRESSION),
    ("zlib.compress", blocking.Kind.COMPRESSION),
    ("io.TextIOWrapper.reconfigure", blocking.Kind.FILE),
    ("io.TextIOWrapper.fileno", None),
    ("sqlalchemy.engine.reflection.Inspector.get_columns", blocking.Kind.DATABASE),
    ("botocore.response.StreamingBody.read", blocking.Kind.CLOUD),
    ("botocore.response.StreamingBody.close", None),
    ("homeassistant.components.recorder.history.get_significant_states", blocking.Kind.RECORDER),
    ("homeassistant.components.recorder.statistics.statistics_during_period", blocking.Kind.RECORDER),
    ("nbconvert.exporters.Exporter.from_notebook_node", blocking.Kind.CPU),
    ("nbconvert.exporters.html.HTMLExporter.from_filename", blocking.Kind.CPU),
    ("nbconvert.exporters.Exporter.register_preprocessor", None),
    ("nbconvert.export", blocking.Kind.CPU),
])
def test_library_entries(qualname, expected):
    assert blocking.kind_of(qualname) is expected


def test_async_path_reads_are_file_work_for_transactions():
    assert blocking.external_kind("anyio.Path.read_text") == "file"
    assert blocking.kind_of("anyio.Path.read_text") is None  # awaited: the event loop stays free


def test_boto3_is_network_for_transactions_too():
    assert blocking.external_kind("mypy_boto3_s3.client.S3Client.put_object") == "network"
    assert blocking.external_kind("aiobotocore.client.AioBaseClient.put_object") == "network"


@pytest.mark.parametrize("iterable, bound", [
    ("[1, 2, 3]", 3), ("range(20)", 20), ("range(1, 31)", 30), ("range(0, 10, 3)", 4),
    ("rows[:10]", 10), ("rows[2:12]", 10), ("enumerate(range(5))", 5),
    ("zip(range(5), rows)", 5), ("itertools.islice(rows, 7)", 7), ("'abc'", 3),
    ("rows", None), ("range(n)", None), ("rows[:n]", None), ("rows[::2]", None),
    ("[*rows, 1]", None), ("zip(rows, more)", None), ("range(0, 10, 0)", None),
])
def test_iteration_bound(iterable, bound):
    assert loops.iteration_bound(astroid.extract_node(f"_ = {iterable}").value) == bound


STARTUP = """
    from contextlib import asynccontextmanager
    from fastapi import FastAPI
    from starlette.applications import Starlette

    @asynccontextmanager
    async def lifespan(app):
        yield

    async def open_pool():
        pass

    async def close_pool():
        pass

    async def on_start():
        pass

    async def aiohttp_hook(app):
        pass

    async def not_a_hook():
        pass

    app = FastAPI(lifespan=lifespan)
    other = Starlette(on_startup=[open_pool], on_shutdown=[close_pool])
    app.add_event_handler("startup", on_start)
    app.add_event_handler("request", not_a_hook)
    web_app.on_startup.append(aiohttp_hook)

    @app.on_event("shutdown")
    async def goodbye():
        pass

    @app.get("/")
    async def index():
        pass
"""


def test_startup_and_shutdown_hooks_are_an_execution_context(tmp_path):
    root = write(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/main.py": STARTUP})
    entries = context_of(root).entrypoints
    kinds = {name.rpartition(".")[2]: entry["kind"] for name, entry in entries.items()}
    for hook in ("lifespan", "open_pool", "close_pool", "on_start", "aiohttp_hook", "goodbye"):
        assert kinds.get(hook) == ExecutionKind.STARTUP.value, hook
    assert kinds.get("index") == ExecutionKind.REQUEST_HANDLER.value
    assert "not_a_hook" not in kinds


def test_startup_keywords_of_other_calls_register_nothing():
    module = astroid.parse("def make(**kw): pass\ndef hook(): pass\nmake(lifespan=hook)\n")
    assert list(execution.startup_hooks(module, infer.resolve_call)) == []


class _Context:
    """The two context answers :func:`blocking.big_input` asks for."""

    resolve = staticmethod(infer.resolve_call)
    type_of = staticmethod(infer.resolve_type)
    loops_around = staticmethod(lambda node: [p for p in node.node_ancestors()
                                              if isinstance(p, (nodes.For, nodes.AsyncFor, nodes.While))])


def _parse_reason(source: str) -> str | None:
    module = astroid.parse(textwrap.dedent(source))
    call = next(c for c in module.nodes_of_class(nodes.Call) if c.func.as_string() == "json.loads")
    return blocking.big_input(call, "json.loads", _Context())


@pytest.mark.parametrize("source, reason", [
    ("import json\nfrom pathlib import Path\ndef f(p: Path):\n    json.loads(p.read_text())\n", "a file"),
    ("import json\ndef f(name):\n    data = open(name).read()\n    json.loads(data)\n", "a file"),
    ("import json\ndef f(items):\n    for item in items:\n        json.loads(item)\n",
     "one parse per item of a loop"),
    ("import json\nasync def f(items, q):\n    for item in items:\n        await q.put(json.loads(item))\n", None),
    ("import json\nasync def f(request):\n    json.loads(await request.body())\n", None),
    ("import json\ndef f(message: bytes):\n    json.loads(message)\n", None),
])
def test_what_makes_a_parse_big(source, reason):
    assert _parse_reason(source) == reason
