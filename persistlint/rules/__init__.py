"""Rule families. Each subpackage declares its CATEGORY; each module
``<code>_<name>.py`` in it is one rule (see :mod:`persistlint.registry`)."""
