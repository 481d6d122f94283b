"""The unit cache: (Unit, TriG block, inferred block) per unit key, compressed pickles under
`<cache>/units/` ($PARLEY_CACHE overrides the folder). A damaged entry is recomputed."""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path

from parley.model.kgio import write_atomic

_CACHE_DIR: Path | None = None
_WRITE_CACHE = True


def configure(cache: Path | None, write: bool) -> None:
    """Where this process reads and writes units (None: no cache), and whether it writes."""
    global _CACHE_DIR, _WRITE_CACHE
    _CACHE_DIR, _WRITE_CACHE = cache, write


def cache_dir() -> Path | None:
    """The folder this process reads and writes units under (None: no cache)."""
    return _CACHE_DIR


def writes() -> bool:
    """Whether computed units go to a cache folder (else they are held in memory)."""
    return _CACHE_DIR is not None and _WRITE_CACHE


def cache_path(key: str) -> Path | None:
    if _CACHE_DIR is None:
        return None
    return _CACHE_DIR / "units" / key[:2] / f"{key}.unit"


def is_cached(key: str) -> bool:
    """Whether the unit cache holds `key` (`cache_path(key).exists()` without Path objects:
    a rebuild asks this for every article)."""
    if _CACHE_DIR is None:
        return False
    return os.path.exists(os.path.join(_CACHE_DIR, "units", key[:2], f"{key}.unit"))


def read_cached(key: str):
    """(Unit, trig block, inferred block) from the cache, or None."""
    path = cache_path(key)
    if path is None:
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    try:
        return pickle.loads(zlib.decompress(raw))
    except Exception:  # a truncated or stale cache file is simply recomputed
        return None


def write_cached(key: str, value) -> None:
    path = cache_path(key)
    if path is None or not _WRITE_CACHE:
        return
    write_atomic(path, zlib.compress(pickle.dumps(value, protocol=5), 1), fsync=False)
