"""What ``persistlint report`` says on stderr while it runs: the context
build as its own phase, then the files analysed with an ETA, then one
closing line.

The ETA comes from the running rate of the files analysed so far (files
served from the cache count as done, not as speed; see :class:`Eta`), and
is shown only after a few files and a couple of seconds.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

ETA_MIN_FILES = 5
ETA_MIN_SECONDS = 2.0
SMOOTHING = 0.2  # weight of the newest estimate in the one shown
REDRAW_SECONDS = 0.1


class Quiet:
    """No output (stderr is not a terminal); the interface of :class:`Bar`."""

    def context_started(self) -> None:
        pass

    def context_done(self) -> None:
        pass

    def files(self, total: int, from_cache: int) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def finished(self) -> None:
        pass


class Eta:
    """Seconds left, from the running rate of analysed files.

    The rate counts from the first file's result, not from the start: the
    first result also pays for the worker processes starting. The estimate
    is then smoothed (the shown value moves a fraction of the way to each
    new estimate, after counting down the time that passed), so one burst
    of results from a worker, or one slow file, does not swing it.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.first: tuple[float, int] | None = None  # (time, files done) at the first result
        self.done = 0
        self.shown: tuple[float, float] | None = None  # (time, seconds left) last shown

    def advance(self, count: int) -> None:
        self.done += count
        if self.first is None:
            self.first = (self.clock(), self.done)

    def left(self, remaining: int) -> float | None:
        if self.first is None or remaining <= 0:
            return None
        now = self.clock()
        since, base = self.first
        counted, elapsed = self.done - base, now - since
        if counted < ETA_MIN_FILES or elapsed < ETA_MIN_SECONDS:
            return None
        estimate = remaining * elapsed / counted
        if self.shown is not None:
            then, previous = self.shown
            estimate = SMOOTHING * estimate + (1 - SMOOTHING) * max(0.0, previous - (now - then))
        self.shown = (now, estimate)
        return estimate


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class Bar(Quiet):
    """One redrawn line on a terminal: ``persistlint: building the project
    context...``, then ``persistlint: analysing 120/760 files (16%), about
    40 s left``, then the closing line."""

    def __init__(self, out: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out or sys.stderr
        self.clock = clock
        self.begun = clock()
        self.total = 0
        self.done = 0
        self.from_cache = 0
        self.eta: Eta | None = None
        self.drawn = 0.0
        self.width = 0
        self.context_begun = self.begun

    def _draw(self, text: str, final: bool = False) -> None:
        padding = " " * max(0, self.width - len(text))
        self.out.write(f"\r{text}{padding}" + ("\n" if final else ""))
        self.out.flush()
        self.width = 0 if final else len(text)

    def context_started(self) -> None:
        self.context_begun = self.clock()
        self._draw("persistlint: building the project context...")

    def context_done(self) -> None:
        took = self.clock() - self.context_begun
        self._draw(f"persistlint: project context built in {duration(took)}", final=True)

    def files(self, total: int, from_cache: int) -> None:
        self.total, self.done, self.from_cache = total, from_cache, from_cache
        self.eta = Eta(self.clock)
        self._line(force=True)

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.eta is not None:
            self.eta.advance(count)
        self._line()

    def _line(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self.drawn < REDRAW_SECONDS and self.done < self.total:
            return
        self.drawn = now
        percent = 100 * self.done // self.total if self.total else 100
        text = f"persistlint: analysing {self.done}/{self.total} files ({percent}%)"
        left = self.eta.left(self.total - self.done) if self.eta else None
        if left is not None and self.done < self.total:
            text += f", about {duration(left)} left"
        self._draw(text)

    def finished(self) -> None:
        took = duration(self.clock() - self.begun)
        cached = f", {self.from_cache} from the cache" if self.from_cache else ""
        self._draw(f"persistlint: analysed {self.total} files in {took}{cached}", final=True)


def for_stream(stream: TextIO | None = None) -> Quiet:
    """A :class:`Bar` when ``stream`` (stderr) is a terminal, else quiet."""
    stream = stream or sys.stderr
    return Bar(stream) if stream.isatty() else Quiet()
