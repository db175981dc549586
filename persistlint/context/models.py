"""ORM model registry and session/engine settings (placeholder signature; see scan)."""
from __future__ import annotations


def scan(file_contexts) -> tuple[dict, dict, list[str]]:
    """Return (models, db_settings, problems)."""
    return {}, {}, []
