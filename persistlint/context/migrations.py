"""Triggers and NOTIFY channels from migrations (placeholder signature; see scan)."""
from __future__ import annotations
from pathlib import Path


def scan(root: Path, files: list[Path]) -> tuple[list[dict], list[str]]:
    """Return (triggers, problems)."""
    return [], []
