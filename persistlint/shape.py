"""Checking the shape of JSON data read from outside (cache files, API
answers) before it is used: a wrong type is a clear "not what we expect",
never a ``TypeError`` deep inside the code that trusted it.

A shape is a type (``int`` excludes ``bool``), ``dict_of(shape)`` or
``list_of(shape)`` for a homogeneous container, a dict of required keys to
shapes (other keys allowed), or a tuple of shapes meaning any of them.
"""

from __future__ import annotations

from collections.abc import Callable
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
    return _checker(shape)(value)


#: the checker of each shape object, made on its first use (shapes are
#: module constants; a cache file is checked entry by entry, tens of
#: thousands of values, so each check is a closure, not a walk of the shape)
_CHECKERS: dict[int, tuple[Any, Callable[[Any], bool]]] = {}


def _checker(shape: Any) -> Callable[[Any], bool]:
    found = _CHECKERS.get(id(shape))
    if found is None or found[0] is not shape:
        if len(_CHECKERS) > 4096:  # shapes made on the fly (never by this package itself)
            _CHECKERS.clear()
        found = _CHECKERS[id(shape)] = (shape, _compiled(shape))  # the shape kept: its id stays its own
    return found[1]


def _compiled(shape: Any) -> Callable[[Any], bool]:
    if isinstance(shape, dict):
        fields = [(key, _checker(inner)) for key, inner in shape.items()]
        return lambda value: isinstance(value, dict) and all(
            key in value and check(value[key]) for key, check in fields)
    if isinstance(shape, _Of):
        inner = shape.inner
        if isinstance(inner, type) and inner not in (int, bool):
            # a plain type (str, dict, list): no call per element
            if shape.container is dict:
                return lambda value: isinstance(value, dict) and all(
                    isinstance(k, str) and isinstance(v, inner) for k, v in value.items())
            return lambda value: isinstance(value, list) and all(isinstance(v, inner) for v in value)
        check = _checker(inner)
        if shape.container is dict:
            return lambda value: isinstance(value, dict) and all(
                isinstance(k, str) and check(v) for k, v in value.items())
        return lambda value: isinstance(value, list) and all(map(check, value))
    if isinstance(shape, tuple):
        options = [_checker(option) for option in shape]
        return lambda value: any(check(value) for check in options)
    if shape is int:
        return lambda value: isinstance(value, int) and not isinstance(value, bool)
    if shape is None:
        return lambda value: value is None
    return lambda value: isinstance(value, shape)
