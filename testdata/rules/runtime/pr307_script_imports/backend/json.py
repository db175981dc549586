"""Shadows nothing: ``import json`` is the standard library's, also beside this file."""


def loads(text):
    with open(text) as f:  # ok: PR301
        return f.read()  # ok: PR301
