"""One writer at a time in kg/: an advisory `flock` on `kg/.parley.lock`.

The lock is taken without waiting: a second `parley build` fails at once, naming the process
that holds it. The file exists only while a build writes (it holds the writer's pid) and is
removed before the lock is released; the kernel drops the lock when the holder dies, even by
SIGKILL, so a lock file left behind never blocks anyone.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from parley.model.errors import UsageError

LOCK_NAME = ".parley.lock"


@contextlib.contextmanager
def kg_lock(kg: Path) -> Iterator[None]:
    """Hold the write lock of `kg` for the duration of the block; raise `UsageError` if taken."""
    created = not kg.exists()
    kg.mkdir(parents=True, exist_ok=True)
    path = kg / LOCK_NAME
    fd = _acquire(path, kg)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # while still locked: whoever opens the path next gets a new file
        os.close(fd)  # releases the lock
        if created:
            with contextlib.suppress(OSError):
                kg.rmdir()  # only if the build wrote nothing into the folder it created


def _acquire(path: Path, kg: Path) -> int:
    """A descriptor of `path`, locked; retried when another writer removed the file between
    our open and our lock (we would otherwise hold a lock on a file nobody else sees)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise UsageError(
                f"another parley build is writing {kg}/ (pid {holder}) — wait for it to finish"
            ) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)
