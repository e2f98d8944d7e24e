"""Progress on a terminal: one line per stage with its counts, rate, elapsed time and time left.

`papertrail run` turns it on when its standard output is a terminal (`enable()`); otherwise —
output piped or redirected, a Dagster UI or daemon run, tests — every call here is a no-op. The
bars are drawn by rich on a duplicate of the terminal's file descriptor, so Dagster's capture of a
step's output does not swallow them. PAPERTRAIL_PROGRESS=0 turns them off on a terminal too.

    with progress.task("parse", total=len(pending), unit="captures") as bar:
        for capture in pending:
            ...
            bar.advance()
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

from rich.console import Console
from rich.table import Column
from rich.progress import (BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.text import Text

DISABLE_ENV = "PAPERTRAIL_PROGRESS"
T = TypeVar("T")
_console = None  # a rich Console once enabled


def enable(stream: TextIO | None = None) -> bool:
    """Draw progress from now on, on `stream` (default: the terminal standard output is, if it is
    one). Returns whether progress is on."""
    global _console
    if os.environ.get(DISABLE_ENV, "").strip() in {"0", "false", "no", "off"}:
        return False
    if stream is None:
        if not sys.stdout.isatty():
            return False
        stream = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8", errors="replace")
    _console = Console(file=stream, force_terminal=True, highlight=False)
    return True


def disable() -> None:
    global _console
    stop_all()
    _console = None


def enabled() -> bool:
    return _console is not None


class Bar:
    """One stage's line. `advance(n, **fields)` counts work done; `update(total=..., note=...)`;
    `close()` ends the line (idempotent). Without progress on, every method does nothing."""

    def __init__(self, progress: Progress | None = None, task_id=None, open_ended: bool = False,
                 keep_note: bool = False):
        self._progress, self._id, self._open_ended, self._keep_note = progress, task_id, open_ended, keep_note

    def advance(self, n: float = 1, **fields) -> None:
        if self._progress is not None:
            self._progress.update(self._id, advance=n, **fields)

    def update(self, **fields) -> None:
        if self._progress is not None:
            self._progress.update(self._id, **fields)

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """The items, one advance as each one's loop body ends (a `continue` counts too); the
        line ends with the loop."""
        try:
            for item in items:
                yield item
                self.advance()
        finally:
            self.close()

    def close(self) -> None:
        progress, self._progress = self._progress, None
        if progress is None:
            return
        if self._open_ended:  # an open-ended count is complete when the stage is
            done = progress.tasks[0].completed
            progress.update(self._id, total=done or 1, completed=done or 1)
        if not self._keep_note:  # what it was doing is over
            progress.update(self._id, note="")
        progress.stop()
        _active.discard(progress)


_active: set[Progress] = set()


def start(description: str, total: float | None = None, unit: str = "items", note: str = "",
          keep_note: bool = False) -> Bar:
    """A progress line for one stage (nothing at all unless enabled); `total` None: counts and
    rate only (the time left is unknown); `note`: what it is doing now (cleared at the end unless
    `keep_note`, for a note that sums the stage up). Close it, or use `task()`."""
    if _console is None:
        return Bar()
    fixed = {"no_wrap": True}
    progress = Progress(TextColumn("{task.description:<8}", table_column=Column(**fixed)),
                        BarColumn(bar_width=16), _Count(table_column=Column(**fixed)),
                        _Rate(table_column=Column(**fixed)), TimeElapsedColumn(table_column=Column(**fixed)),
                        TextColumn("left", table_column=Column(**fixed)), TimeRemainingColumn(table_column=Column(**fixed)),
                        # what is being done now: the one column cut short on a narrow terminal
                        TextColumn("{task.fields[note]}", table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis")),
                        console=_console, transient=False, expand=True, refresh_per_second=8)
    progress.start()
    _active.add(progress)
    return Bar(progress, progress.add_task(description, total=total, unit=unit, note=note), total is None, keep_note)


@contextlib.contextmanager
def task(description: str, total: float | None = None, unit: str = "items", note: str = "",
         keep_note: bool = False) -> Iterator[Bar]:
    bar = start(description, total, unit, note, keep_note)
    try:
        yield bar
    finally:
        bar.close()


def stop_all() -> None:
    """Ends every line still drawn (a stage that failed mid-way), before the run's last words."""
    for progress in list(_active):
        progress.stop()
    _active.clear()


class _Count(ProgressColumn):
    """done/total unit (done unit while the total is unknown)."""

    def render(self, task: Task) -> Text:
        done = f"{int(task.completed):,}"
        text = f"{done}/{int(task.total):,}" if task.total is not None else done
        return Text(f"{text} {task.fields.get('unit', '')}", style="progress.download")


class _Rate(ProgressColumn):
    """units per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed or (task.completed / task.elapsed if task.elapsed else None)
        return Text(f"{speed:,.1f} {task.fields.get('unit', '')}/s" if speed else "", style="progress.data.speed")
