"""## What it does
Reports that persistlint could not analyse a file, or part of it: a syntax
error, undecodable bytes, NUL bytes, nesting too deep for the parser, a file
over the size limit, an internal error in one rule, or the per-file time
budget running out.

## Why is this bad?
A file that is not analysed can hide defects. The rest of the run goes on:
the file's other diagnostics still appear and flake8 never crashes because of
persistlint.

## Example
```python
def broken(:
    pass
```

## Use instead
```python
def fixed():
    pass
```

## Severity
LOW. Not scored.

## References
- [flake8: selecting and ignoring violations](https://flake8.pycqa.org/en/latest/user/violations.html)
"""

from persistlint.diagnostic import Effort
from persistlint.registry import declare

declare(__name__, "PX001", "analysis-failed", effort=Effort.S,
        principle="Every file is analysed; what cannot be is said, not hidden.")
