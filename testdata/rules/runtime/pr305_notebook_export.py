"""Converting a notebook with nbconvert renders it in process: CPU work."""
import asyncio

import nbconvert
from nbconvert import HTMLExporter
from nbconvert.exporters.base import get_exporter as exporter_for
from tornado import web


def get_exporter(format, **kwargs):
    try:
        from nbconvert.exporters.base import get_exporter
    except ImportError as e:
        raise web.HTTPError(500, "Could not import nbconvert") from e
    Exporter = get_exporter(format)
    return Exporter(**kwargs)


class NbconvertFileHandler(web.RequestHandler):
    async def get(self, format, path):
        exporter = get_exporter(format, config={})
        nb = self.model(path)
        output, resources = exporter.from_notebook_node(nb, resources={})  # PR305[MEDIUM]: 29 "CPU"
        self.finish(output)

    async def post(self, format, path):
        exporter = get_exporter(format)
        nb = self.model(path)
        output, _ = await asyncio.to_thread(exporter.from_notebook_node, nb)  # ok: PR305
        self.finish(output)

    def put(self, format, path):
        output, _ = get_exporter(format).from_notebook_node(self.model(path))  # ok: PR305
        self.finish(output)


async def to_html(path: str, nb):
    HTMLExporter().from_filename(path)  # PR305[MEDIUM]: 5
    exporter_for("markdown")().from_notebook_node(nb)  # PR305[MEDIUM]: 5
    nbconvert.export(HTMLExporter, nb)  # PR305[MEDIUM]: 5
    HTMLExporter().register_preprocessor("x.Pre")  # ok: PR305
    return await asyncio.to_thread(nbconvert.export, HTMLExporter, nb)  # ok: PR305


async def unrelated(converter, nb):
    return converter.from_notebook_node(nb)  # ok: PR305
