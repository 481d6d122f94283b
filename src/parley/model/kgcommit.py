"""One writer at a time in kg/, and kg/'s files changed as one.

The lock: an advisory `flock` on `kg/.parley.lock`, taken without waiting (a second writer fails
at once, naming the holder's pid). The file exists only while a writer holds it; the kernel
drops the lock when the holder dies, even by SIGKILL, so a lock file left behind never blocks
anyone (the next holder removes it).

The commit: a build writes each new kg/ file to a temporary file beside it, then `commit`
writes the record `kg/.parley.commit` (atomically) naming each temporary file and the file it
replaces, renames them into place and removes the record. The record is the commit point.
Killed before it exists, kg/ holds the old files untouched (the next writer removes the
temporary files); killed after, the new files are decided and whoever takes the lock next
completes the renames (`recover`). A reader that finds a record waits while a writer is alive
(a commit takes milliseconds), else completes it (`settle`): it never reads files of two builds.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from parley.model.errors import UsageError
from parley.model.kgio import disk_error, fsync_dir, write_atomic

LOCK_NAME = ".parley.lock"
COMMIT_NAME = ".parley.commit"
SETTLE_S = 30.0  # how long a reader waits for a live writer's commit to finish
_TEMP = re.compile(r"^\.(?P<name>.+)\.[0-9a-z_]+\.tmp$")  # write_atomic's temporary names


@contextlib.contextmanager
def kg_lock(kg: Path, stale: Iterable[str] = ()) -> Iterator[None]:
    """Hold the write lock of `kg` for the duration of the block; raise `UsageError` if taken.

    Once it is held, an interrupted commit is completed and the temporary files of the kg/
    files named in `stale` (left by a killed writer) are removed (`recover`)."""
    created = not kg.exists()
    kg.mkdir(parents=True, exist_ok=True)
    path = kg / LOCK_NAME
    fd = _acquire(path, kg)
    try:
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except OSError as exc:
            exc.filename = str(path)  # a full disk: the pid does not fit
            raise
        recover(kg, stale)
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
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
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


def writer_active(kg: Path) -> bool:
    """Whether a live process holds the write lock of `kg` (a lock file alone proves nothing)."""
    try:
        fd = os.open(kg / LOCK_NAME, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def commit(kg: Path, temps: dict[str, Path]) -> None:
    """Rename the temporary files `temps` (kg/ file name -> its temporary file) into place as
    one change. `temps` is emptied once the record is written: the change is decided, and from
    then on the files belong to the commit (`recover` completes it if this process dies)."""
    record = {"files": {name: tmp.name for name, tmp in temps.items()}}
    write_atomic(kg / COMMIT_NAME, json.dumps(record, sort_keys=True).encode("utf-8"))
    fsync_dir(kg)
    files = dict(record["files"])
    temps.clear()
    _apply(kg, files)


def _apply(kg: Path, files: dict[str, str]) -> None:
    """The renames of a commit record, those not done yet; then the record goes."""
    for name, tmp in files.items():
        if (kg / tmp).exists():
            os.replace(kg / tmp, kg / name)
    fsync_dir(kg)
    (kg / COMMIT_NAME).unlink(missing_ok=True)
    fsync_dir(kg)


def _record(kg: Path) -> dict[str, str] | None:
    """The files of the commit record in `kg`, if there is one; a record that names anything
    but plain file names in kg/ (not written by `commit`) is ignored."""
    try:
        files = json.loads((kg / COMMIT_NAME).read_bytes())["files"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    plain = all(
        isinstance(n, str) and isinstance(t, str) and "/" not in n + t and n.strip(".") and t
        for n, t in files.items()
    )
    return files if isinstance(files, dict) and plain else {}


def recover(kg: Path, stale: Iterable[str] = ()) -> None:
    """With the lock held: complete an interrupted commit, then remove the temporary files of
    the kg/ files named in `stale` and of the record (a dead writer's)."""
    files = _record(kg)
    if files is not None:
        _apply(kg, files)
    discard_temps(kg, {*stale, COMMIT_NAME})


def discard_temps(folder: Path, names: Iterable[str] | None = None) -> int:
    """Remove `write_atomic`'s temporary files in `folder` (only those of `names` if given);
    how many were removed. Only for a folder whose writers hold its lock."""
    names = None if names is None else set(names)
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = _TEMP.match(entry.name)
            if match and (names is None or match["name"] in names) and entry.is_file():
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def settle(kg: Path, stale: Iterable[str] = (), wait: float = SETTLE_S) -> None:
    """Before reading kg/: no commit half done. A live writer's commit is waited for; one a
    dead writer left is completed (which needs kg/ to be writable)."""
    deadline = time.monotonic() + wait
    while (kg / COMMIT_NAME).exists():
        if not writer_active(kg):
            try:
                with kg_lock(kg, stale):
                    continue
            except UsageError:
                pass  # a writer took the lock first: wait for it
            except OSError as exc:
                raise disk_error(
                    exc,
                    f"an interrupted `parley build` left {kg}/ half-committed; make {kg}/ "
                    "writable and run the command again (it completes the commit)",
                ) from None
        if time.monotonic() > deadline:
            raise UsageError(
                f"{kg}/: a parley build has been committing its files for over {wait:.0f} s — "
                "wait for it to finish"
            )
        time.sleep(0.01)
