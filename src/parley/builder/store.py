"""The persistent Oxigraph store of a kg/ folder, in its cache: opened read-only by
`parley query` while it matches kg/ (`storesync` keeps it in step with each build)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyoxigraph as ox

from parley.builder.caches import kg_cache
from parley.builder.manifest import file_stamp
from parley.model.diskstore import open_disk_store_read_only
from parley.model.layout import INFERRED_NAME, TRIG_NAME, WIKIDATA_NAME, ontology_path

STORE = "store"
STATE = "store.json"


def store_path(kg: Path) -> Path:
    return kg_cache(kg) / STORE


def remove_store(kg: Path) -> None:
    """Remove the store of `kg` (its state first: a store without one is never opened)."""
    (kg_cache(kg) / STATE).unlink(missing_ok=True)
    shutil.rmtree(store_path(kg), ignore_errors=True)


def open_built_store(kg: Path) -> tuple[ox.Store, str] | None:
    """The store of the last build and its identity (the build's state, which names every
    graph's content and file stamp), when it still matches kg/ (by size and mtime), else None."""
    state_file = kg_cache(kg) / STATE
    try:
        raw = state_file.read_bytes()
        state = json.loads(raw)
        if state.get("kg") != file_stamp(kg / TRIG_NAME):
            return None
        for name, file in (
            ("inferred", kg / INFERRED_NAME),
            ("wikidata", kg / WIKIDATA_NAME),
            ("ontology", ontology_path()),
        ):
            stamp = file_stamp(file) if file.exists() else None
            if state.get("files", {}).get(name) != stamp:
                return None
        return open_disk_store_read_only(str(store_path(kg))), hashlib.sha256(raw).hexdigest()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: RocksDB found it corrupt
        return None
