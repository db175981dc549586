"""## What it does
Reports a persistlint setting that cannot be used (an unknown key, a value
of the wrong type, a missing baseline) that the engine meets without it
having been checked first. flake8 and `persistlint report` check every
setting before analysing any file and stop with one line on stderr and exit
status 2, so PX002 only appears when a configuration appears or changes
while a long-lived flake8 process runs (an editor's), or when
`persistlint.engine.analyse` is called directly. The message names the file
and the key.

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
