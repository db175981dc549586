"""persistlint: database-persistence and runtime-performance linter."""

__version__ = "0.1.0"
