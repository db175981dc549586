"""The test suite on every installed Python among 3.11, 3.12 and 3.13.

``python -m nox`` runs the ``tests`` session once per interpreter found;
one that is not installed is left out (and said so), never a failure. A
``pythonX.Y`` on PATH that does not run (a pyenv shim for a version that is
installed but not selected) is passed over for pyenv's own copy of that
version. The tests run on one pytest-xdist worker per core. Any non-zero
pytest status fails the session, 5 ("no tests collected") included.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

import nox

VERSIONS = ("3.11", "3.12", "3.13")

nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = False


def _runs(executable: str, version: str) -> bool:
    try:
        found = subprocess.run([executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0 and found.stdout.strip() == version


def _interpreter(version: str) -> str | None:
    """A working ``pythonX.Y``: the one on PATH, else pyenv's newest X.Y."""
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*", "bin", f"python{version}")),
                         reverse=True)
    return next((c for c in candidates if c and _runs(c, version)), None)


def _installed() -> list[str]:
    found = []
    for version in VERSIONS:
        executable = _interpreter(version)
        if executable is None:
            print(f"nox: Python {version} is not installed; its session is skipped")
            continue
        found.append(version)
        # nox finds interpreters on PATH by name: put the working one first
        directory = os.path.dirname(executable)
        if shutil.which(f"python{version}") != executable:
            os.environ["PATH"] = directory + os.pathsep + os.environ.get("PATH", "")
    return found


@nox.session(python=_installed())
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    # one pytest worker per core: the suite is CPU-bound (real flake8 and
    # persistlint subprocesses), and no test shares files with another
    session.run("python", "-m", "pytest", "-q", "-n", "auto", *session.posargs)
