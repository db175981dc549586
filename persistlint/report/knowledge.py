"""Best-practice references by technology (placeholder; see references_for)."""
from __future__ import annotations


def references_for(tech_stack: dict, db_config: dict) -> list[dict[str, str]]:
    return []
