"""A module imported when one of its names is first used.

An editor run imports what linting one file needs, not what a context
build or SQL text would: sqlparse alone takes about as long to import as a
small linter, and most files hold no SQL.
"""

from __future__ import annotations

import importlib
from typing import Any


class Deferred:
    """Stands for the module ``name``: the first attribute read imports it;
    each name read is then kept on this object, so later reads cost what a
    module attribute costs."""

    def __init__(self, name: str) -> None:
        self.__dict__["_name"] = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self.__dict__["_name"]), attribute)
        self.__dict__[attribute] = value
        return value

    def __repr__(self) -> str:
        return f"<deferred module {self.__dict__['_name']}>"
