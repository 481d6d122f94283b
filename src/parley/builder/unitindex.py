"""The index of kg/'s last build, kept in its cache folder, so that a rebuild after a small edit
reads little: which unit each annotation file gave (found again by the files' stat, as git's
index does), the units without their cross-article sets, and where each unit's blocks are in
kg/parley.trig and kg/inferred.ttl (copied from there instead of from the unit cache).

Everything here is a shortcut that is checked before use: the code version, the registry
digest, each input file's size, mtime and inode, the kg files' stamps. Anything that does not
match is worked out the slow way.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from parley.model.kgio import write_atomic

INDEX = "units.index"
INDEX_FORMAT = 1
RACY_S = 2.0  # a file changed this close to the index being written may change again unseen

Stat = tuple[int, int, int]  # size, mtime in ns, inode
Range = tuple[int, int]  # offset, length


def stat_of(path: Path) -> Stat | None:
    """None also for a symbolic link: such a file is read (and checked) on every build."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return None if stat.S_ISLNK(st.st_mode) else (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class Index:
    """What the last build of one kg/ folder used and wrote."""

    version: str  # code version of the build
    registry: str  # registry digest
    inputs: dict[str, tuple[Stat, Stat | None, str]] = field(default_factory=dict)
    units: dict = field(default_factory=dict)  # unit key -> Unit without cross-article sets
    ranges: dict[str, dict[str, Range]] = field(default_factory=dict)  # file -> key -> range
    stamps: dict[str, list] = field(default_factory=dict)  # file -> stamp when written

    def key_of(self, name: str, yaml_stat: Stat | None, text_stat: Stat | None) -> str | None:
        """The unit key recorded for annotation file `name` if both files are as they were."""
        entry = self.inputs.get(name)
        if entry is None or None in (yaml_stat, text_stat) or entry[:2] != (yaml_stat, text_stat):
            return None
        return entry[2]

    def record_input(self, name: str, yaml_stat: Stat | None, text_stat: Stat | None, key: str):
        """Remember `name`'s key by its files' stat, unless a file changed too recently to
        trust its mtime (it could change again within the same clock tick)."""
        if yaml_stat is None or text_stat is None:
            return
        if max(yaml_stat[1], text_stat[1]) < time.time_ns() - RACY_S * 1e9:
            self.inputs[name] = (yaml_stat, text_stat, key)


def load_index(path: Path, version: str) -> Index | None:
    """The index at `path` when it was written by this code version, else None."""
    try:
        data = pickle.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
        return None
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT:
        return None
    index = data.get("index")
    if not isinstance(index, Index) or index.version != version:
        return None
    return index


def save_index(path: Path, index: Index) -> None:
    data = pickle.dumps({"format": INDEX_FORMAT, "index": index}, protocol=5)
    write_atomic(path, data, fsync=False)


@dataclass(frozen=True)
class FileSlice:
    """`length` bytes of an open file from `offset`; `kgio.write_atomic` copies it in the
    kernel (and adjacent slices of one file in one go) instead of through Python."""

    fd: int
    offset: int
    length: int

    def __len__(self) -> int:
        return self.length

    def read(self) -> bytes:
        data = os.pread(self.fd, self.length, self.offset) if self.length else b""
        if len(data) != self.length:
            raise OSError(f"short read of a kg file at {self.offset}")
        return data


class Splicer:
    """Blocks of unchanged units read from the kg files the last build wrote. The files are
    opened when it is made, so the blocks stay readable after new files replace them."""

    def __init__(self, kg: Path, index: Index | None, stamp):
        self.ranges: dict[str, dict[str, Range]] = {}
        self.fds: dict[str, int] = {}
        if index is None:
            return
        for name, ranges in index.ranges.items():
            path = kg / name
            with contextlib.suppress(OSError):
                fd = os.open(path, os.O_RDONLY)
                if stamp(path) == index.stamps.get(name):
                    self.fds[name], self.ranges[name] = fd, ranges
                else:
                    os.close(fd)

    def slice(self, name: str, key: str) -> FileSlice | None:
        """Where unit `key`'s block is in kg file `name`, or None when not known."""
        where = self.ranges.get(name, {}).get(key)
        return None if where is None else FileSlice(self.fds[name], *where)

    def block(self, name: str, key: str) -> bytes | None:
        """The bytes of unit `key` in kg file `name`, or None when not known."""
        where = self.slice(name, key)
        try:
            return None if where is None else where.read()
        except OSError:
            return None

    def close(self) -> None:
        for fd in self.fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self.fds.clear()
        self.ranges.clear()
