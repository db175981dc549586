"""Checking the shape of JSON data read from outside (cache files, API
answers) before it is used: a wrong type is a clear "not what we expect",
never a ``TypeError`` deep inside the code that trusted it.

A shape is a type (``int`` excludes ``bool``), ``dict_of(shape)`` or
``list_of(shape)`` for a homogeneous container, a dict of required keys to
shapes (other keys allowed), or a tuple of shapes meaning any of them.
"""

from __future__ import annotations

from typing import Any


class _Of:
    __slots__ = ("container", "inner")

    def __init__(self, container: type, inner: Any) -> None:
        self.container = container
        self.inner = inner


def dict_of(shape: Any) -> _Of:
    """A dict with string keys whose values all have ``shape``."""
    return _Of(dict, shape)


def list_of(shape: Any) -> _Of:
    return _Of(list, shape)


def matches(value: Any, shape: Any) -> bool:
    if isinstance(shape, dict):
        return isinstance(value, dict) and all(k in value and matches(value[k], s) for k, s in shape.items())
    if isinstance(shape, _Of):
        if shape.container is dict:
            return isinstance(value, dict) and all(isinstance(k, str) and matches(v, shape.inner)
                                                   for k, v in value.items())
        return isinstance(value, list) and all(matches(v, shape.inner) for v in value)
    if isinstance(shape, tuple):
        return any(matches(value, option) for option in shape)
    if shape is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if shape is None:
        return value is None
    return isinstance(value, shape)
