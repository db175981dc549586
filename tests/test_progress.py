"""What ``persistlint report`` draws on a terminal: the context build as
its own phase, an ETA that does not jump, a closing line; nothing when
stderr is not a terminal."""

from __future__ import annotations

import io
import os
import pty
import select
import shutil
import subprocess
import sys

from persistlint.report import progress
from tests import harness


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_eta_ignores_worker_start_up_and_does_not_jump():
    """10 s before the first result (workers starting), then bursts of 8
    results every 0.16 s: the ETA is not shown at first, never moves by more
    than a few seconds between updates, and ends near the truth."""
    clock = Clock()
    eta = progress.Eta(clock)
    total, done, shown = 760, 0, []
    clock.now = 10.0
    while done < total:
        eta.advance(8)
        done += 8
        left = eta.left(total - done)
        if done <= 16:
            assert left is None  # too few files, too soon
        if left is not None:
            shown.append((clock.now, left))
        clock.now += 0.16
    assert shown
    true_rate = 8 / 0.16
    first_time, first_left = shown[0]
    assert abs(first_left - (total - 8 * (first_time - 10.0) / 0.16 - 8) / true_rate) < 3
    for (then, before), (now, after) in zip(shown, shown[1:]):
        assert abs(after - (before - (now - then))) < 2.0  # no jump beyond the time that passed


def test_bar_phases_and_closing_line():
    clock = Clock()
    out = io.StringIO()
    bar = progress.Bar(out, clock)
    bar.context_started()
    clock.now = 3.0
    bar.context_done()
    bar.files(20, 4)
    for _ in range(16):
        clock.now += 1.0
        bar.advance()
    bar.finished()
    lines = [line.rstrip() for line in out.getvalue().replace("\r", "\n").splitlines() if line.strip()]
    assert lines[:3] == ["persistlint: building the project context...",
                         "persistlint: project context built in 3.0 s",
                         "persistlint: analysing 4/20 files (20%)"]
    assert "persistlint: analysing 11/20 files (55%), about 9.0 s left" in lines
    assert lines[-1] == "persistlint: analysed 20 files in 19 s, 4 from the cache"
    assert out.getvalue().endswith("\n")


def test_report_on_a_terminal_shows_the_phases(tmp_path):
    """The real command with stderr on a pseudo-terminal."""
    root = tmp_path / "shop"
    shutil.copytree(harness.TESTDATA / "projects" / "shop", root,
                    ignore=shutil.ignore_patterns(".persistlint_cache", "__pycache__"))
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", "from persistlint.cli import main; main()",
                                "report", ".", "-o", "report.md"], cwd=root, stdout=subprocess.DEVNULL,
                               stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 1
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "building the project context" in text
    assert "project context built in" in text
    assert "analysed " in text and " files in " in text
    assert "report written to report.md" in text
    assert text.index("project context built") < text.index("analysed ")


def test_no_bar_when_stderr_is_not_a_terminal():
    assert type(progress.for_stream(io.StringIO())) is progress.Quiet
