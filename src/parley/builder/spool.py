"""Scratch space of one build: what it would otherwise hold in memory for every article until
the end, written to unlinked temporary files in the cache folder and read back in order.

`BlockSpool` keeps the units' inferred blocks between writing kg/parley.trig and
kg/inferred.ttl (handed back as `FileSlice`s, which the kg writer copies in the kernel);
`RecordSpool` keeps pickled records for the work across articles; `scratch_folder` is a
temporary folder for the boundary store of the checks across graphs."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from parley.builder import unitcache
from parley.builder.unitindex import FileSlice

SCRATCH_PREFIX = "scratch-"


def _folder() -> Path | None:
    """Where scratch files go: the unit cache folder when there is one (a disk, where the
    system's temporary folder may be memory), else the system's temporary folder."""
    root = unitcache.cache_dir()
    if root is None:
        return None
    with contextlib.suppress(OSError):
        root.mkdir(parents=True, exist_ok=True)
        return root
    return None


class BlockSpool:
    """Byte blocks appended to an unlinked temporary file, handed back as `FileSlice`s that
    stay readable until `close`."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(dir=_folder())  # noqa: SIM115 (closed by close)
        self.fd = self._file.fileno()
        self.size = 0

    def add(self, data: bytes) -> FileSlice:
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        where = FileSlice(self.fd, self.size, len(data))
        self.size += len(data)
        return where

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> BlockSpool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class RecordSpool:
    """Picklable records appended to an unlinked temporary file, then read back in order
    (`__iter__`, any number of times once writing is done)."""

    def __init__(self):
        self._file = tempfile.TemporaryFile(dir=_folder())  # noqa: SIM115 (closed by close)
        self.count = 0

    def add(self, record) -> None:
        pickle.dump(record, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self.count):
            yield pickle.load(self._file)
        self._file.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._file.close()


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A temporary folder (removed afterwards); those of builds that were killed before they
    could remove theirs are removed first."""
    parent = _folder()
    if parent is not None:
        for old in parent.glob(f"{SCRATCH_PREFIX}*"):
            pid = old.name[len(SCRATCH_PREFIX) :].split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
