"""## What it does
Reports a persistlint setting that cannot be used: an unknown key, or a
value of the wrong type, in `[tool.persistlint]` (pyproject.toml),
`[persistlint]` (setup.cfg) or a `--persistlint-*` flake8 option. The message
names the file and the key.

## Why is this bad?
A misspelt setting silently does nothing; persistlint says so instead, once
per file, at line 1.

## Example
```python
# pyproject.toml
# [tool.persistlint]
# include_tests = "maybe"
```

## Use instead
```python
# pyproject.toml
# [tool.persistlint]
# include_tests = true
```

## Severity
LOW. Not scored.

## References
- [persistlint README: Configuration](https://pypi.org/project/persistlint/)
"""

from persistlint.diagnostic import Effort
from persistlint.registry import declare

declare(__name__, "PX002", "invalid-configuration", effort=Effort.S,
        principle="Configuration errors are reported, not ignored.")
