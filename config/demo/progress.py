"""A hand-written progress bar (no dependency): redrawn in place on a terminal, a line every
tenth of the way otherwise (logs, CI), silent for small totals."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

WIDTH = 30
MIN_TOTAL = 200  # below this the run takes a moment and a bar would only flicker


@dataclass(frozen=True)
class Terminal:
    """Where bars are drawn: `write` adds no line ending of its own."""

    write: Callable[[str], object]
    tty: bool
    always: bool = False  # draw even small totals


SILENT = Terminal(write=lambda text: None, tty=False)


class Progress:
    def __init__(self, terminal: Terminal, label: str, total: int) -> None:
        self.terminal = terminal
        self.label = label
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.visible = total > 0 and (terminal.always or total >= MIN_TOTAL)
        self._last_tenth = -1

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.total, self.done + steps)
        if not self.visible:
            return
        if self.terminal.tty:
            self._draw(end="")
            return
        tenth = self.done * 10 // self.total
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            self._draw(end="\n")

    def finish(self) -> None:
        if self.visible and self.terminal.tty:
            self._draw(end="\n")

    def _draw(self, *, end: str) -> None:
        filled = WIDTH * self.done // self.total
        bar = "#" * filled + "." * (WIDTH - filled)
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate else 0.0
        prefix = "\r" if self.terminal.tty else ""
        self.terminal.write(
            f"{prefix}{self.label:<12} [{bar}] {self.done:>6}/{self.total}  "
            f"{elapsed:6.1f}s, ~{left:.0f}s left{end}"
        )
