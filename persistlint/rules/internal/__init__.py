"""PX0xx: persistlint itself. Emitted by the engine, never scored."""

CATEGORY = "Internal"
