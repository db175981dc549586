"""benchmarks/compare_peers.py: persistlint finds every blocking call that
flake8-async and ruff find in the runtime fixtures and the peers corpus.
Runs only where the optional ``compare`` extra (ruff, flake8-async) is
installed."""

import importlib.util
import shutil
import subprocess
import sys

import pytest

from tests.harness import REPO

SCRIPT = REPO / "benchmarks" / "compare_peers.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("compare_peers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _peers_installed() -> bool:
    if shutil.which("ruff") is None:
        return False
    return importlib.util.find_spec("flake8_async") is not None


@pytest.mark.skipif(not _peers_installed(), reason="ruff and flake8-async (the compare extra) not installed")
def test_no_peer_blocking_finding_is_missed():
    result = subprocess.run([sys.executable, str(SCRIPT), "--only-differences"], capture_output=True,
                            text=True, cwd=REPO, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "peer findings without a persistlint counterpart: 0" in result.stdout
    assert "ASYNC240" in result.stdout  # the documented differences are shown, with their reason
    assert "documented: no disk or network wait" in result.stdout


def test_a_peer_finding_without_persistlint_is_a_failure(tmp_path):
    script = _load_script()
    source = tmp_path / "service.py"
    source.write_text("import requests\n\n\nasync def f(url):\n    requests.get(url)\n", encoding="utf-8")
    verdict = script._verdict(str(source), 5, {"flake8-async": ["ASYNC210"], "ruff": ["ASYNC210"]})
    assert verdict.startswith("MISSING")
    assert script._verdict(str(source), 5, {"ruff": ["ASYNC210"], "persistlint": ["PR301[MEDIUM]"]}) == "same"
    assert script._verdict(str(source), 5, {"ruff": ["C419"]}).startswith("MISSING")


def test_documented_differences_are_recognised(tmp_path):
    script = _load_script()
    source = tmp_path / "paths.py"
    source.write_text("import os.path\n\n\nasync def f(p):\n    os.path.normpath(p)\n"
                      "    os.path.exists(p)  # noqa: PR301\n    os.path.exists(p)\n", encoding="utf-8")
    assert script._verdict(str(source), 5, {"ruff": ["ASYNC240"]}).startswith("documented: no disk")
    assert script._verdict(str(source), 6, {"ruff": ["ASYNC240"]}) == "documented: silenced with noqa"
    assert script._verdict(str(source), 7, {"ruff": ["ASYNC240"]}).startswith("MISSING")
