"""Blocking work done once: memoised functions and lazy initialisation."""
import functools
import json
from functools import lru_cache

_settings = None
_TEMPLATES = {}


@lru_cache
def get_settings():
    with open("settings.json") as f:  # ok: PR301
        return json.load(f)  # ok: PR305


@functools.cache
def get_secret():
    return open("secret").read()  # ok: PR301


def configured():
    global _settings
    if _settings is None:
        _settings = load_file("settings.json")
    return _settings


def template(name):
    if name in _TEMPLATES:
        return _TEMPLATES[name]
    _TEMPLATES[name] = load_file(name)
    return _TEMPLATES[name]


_URLS: dict[str, str] = {}


def queue_url(name):
    url = _URLS.get(name)
    if url is None:
        url = load_file(name)
        _URLS[name] = url
    return url


def looked_up_not_kept(name):
    url = _URLS.get(name)
    if url is None:
        url = load_file(name)
    return url


def uses_cached_settings():
    return get_settings()["debug"]


def load_file(path):
    with open(path) as f:  # ok: PR301
        return f.read()  # ok: PR301


def not_a_cache(path=None):
    if path is None:
        path = load_file("default-path")
    return path


class Client:
    def __init__(self):
        self._config = None

    def config(self):
        if self._config is None:
            self._config = load_file("client.json")
        return self._config
