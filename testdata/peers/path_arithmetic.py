"""Path functions some peers report that touch no file system (string
arithmetic, or the process's own working directory / environment):
persistlint does not report them by design."""
import os.path
from pathlib import Path


async def arithmetic(path: str):
    os.path.normpath(path)
    os.path.abspath(path)
    os.path.relpath(path)
    os.path.expanduser(path)
    Path(path).absolute()
    Path(path).expanduser()
