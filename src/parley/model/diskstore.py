"""Opening an on-disk Oxigraph store, remembering that this process did.

RocksDB (under an on-disk store) starts background threads once per process; a child forked
afterwards inherits their bookkeeping but not the threads, and its first disk store can wait
for them forever. `builder.forked` asks `disk_store_opened` before it forks."""

from __future__ import annotations

import pyoxigraph as ox

_opened = [False]


def open_disk_store(path: str) -> ox.Store:
    """`ox.Store(path)`, remembered (see the module docstring)."""
    _opened[0] = True
    return ox.Store(path)


def open_disk_store_read_only(path: str) -> ox.Store:
    """`ox.Store.read_only(path)`, remembered (RocksDB starts its threads for it too)."""
    _opened[0] = True
    return ox.Store.read_only(path)


def disk_store_opened() -> bool:
    """Whether this process has opened an on-disk Oxigraph store (RocksDB threads exist)."""
    return _opened[0]
