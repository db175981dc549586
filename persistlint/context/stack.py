"""Tech stack detection (placeholder signature; see detect)."""
from __future__ import annotations
from pathlib import Path


def detect(root: Path) -> tuple[dict, list[str]]:
    """Return (tech_stack, problems)."""
    return {"db": None, "orm": None, "async": None, "web": None}, []
