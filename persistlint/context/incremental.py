"""What of a file the project context depends on, so that edits which cannot
change the context do not rebuild it.

The context is computed from the syntax tree of each Python module (node
types, names, constants, docstrings, positions, ``# type:`` comments), never
from its other comments or its layout between tokens: the text checks in
:mod:`persistlint.context.models` only skip modules whose tree could not
hold what they look for. The one text check that a comment can turn,
whether the migrations scan reads the module for triggers
(:data:`~persistlint.context.migrations.TRIGGER_WORDS`), is part of the
digest. A module's context digest is therefore a hash of
its tree, positions included, as ``ast`` parses it from the bytes
(honouring the coding declaration): changing or appending a comment, or
re-wrapping inside brackets without moving a node, leaves the digest and
so the context key unchanged, and the cached context is reused. Anything
that moves or changes a node changes the digest.

Other files (SQL, manifests, and ``setup.py``, which the stack detection
reads as text) are hashed byte for byte, as is a module that does not parse.
"""

from __future__ import annotations

import ast
import hashlib
import warnings
from pathlib import Path

from persistlint.context.migrations import TRIGGER_WORDS

#: Python files read as text by the stack detection (build.MANIFESTS)
TEXT_READ_MODULES = frozenset({"setup.py"})


def context_digest(path: Path, data: bytes) -> str:
    """The digest of what the context reads from ``data``, the bytes of ``path``."""
    if path.suffix == ".py" and path.name not in TEXT_READ_MODULES:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # invalid escapes etc.: not the context's business
                tree = ast.parse(data, type_comments=True)
            dump = ast.dump(tree, include_attributes=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
        else:
            read_for_triggers = bool(TRIGGER_WORDS.search(data.decode("utf-8", errors="replace")))
            digest = hashlib.sha1(f"{read_for_triggers}\0{dump}".encode("utf-8", "surrogatepass"))
            return "ast:" + digest.hexdigest()
    return hashlib.sha1(data).hexdigest()
