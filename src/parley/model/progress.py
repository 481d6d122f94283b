"""Progress reporting for long operations: library code calls `progress(label, total)` and gets
a context manager yielding `update(n)`; the CLI passes bars (stderr, only on a terminal and
without --quiet), everything else the silent default."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager

Update = Callable[[int], None]
Progress = Callable[[str, int], ContextManager[Update]]


@contextlib.contextmanager
def silent(label: str, total: int) -> Iterator[Update]:
    """No output."""
    yield lambda n=1: None


def bars(show: bool) -> Progress:
    """click progress bars on stderr, hidden unless `show` and stderr is a terminal."""

    @contextlib.contextmanager
    def progress(label: str, total: int) -> Iterator[Update]:
        import click

        hidden = not show or not sys.stderr.isatty()
        with click.progressbar(
            length=max(total, 1), label=f"{label:<12}", file=sys.stderr, hidden=hidden
        ) as bar:
            yield bar.update

    return progress
