"""The manifest of a kg/ folder (in its cache): what the last build wrote there, by file stamp
(size and modification time: the file is still the one the build wrote), and its validation
and reasoning results, which `parley validate` and `parley reason` reuse while kg/ still
holds those files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
from pathlib import Path

from parley.builder.caches import kg_cache
from parley.model.kgio import write_atomic

MANIFEST = "manifest.json"


def manifest_path(kg: Path) -> Path:
    return kg_cache(kg) / MANIFEST


def read_manifest(kg: Path) -> dict:
    try:
        return json.loads(manifest_path(kg).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def save_results(kg: Path, build_id: str, report, reasoned, stamps: dict[str, list]) -> None:
    """The manifest (what kg/ holds, or is about to: kg/ file name -> `file_stamp`) and the
    validation and reasoning results for it."""
    results = pickle.dumps({"report": report, "reasoned": reasoned}, protocol=5)
    name = hashlib.sha256(results).hexdigest()[:32] + ".results"
    write_atomic(kg_cache(kg) / name, results)
    old = read_manifest(kg).get("results")
    manifest = {
        "build": build_id,
        "files": {name: {"stamp": stamp} for name, stamp in stamps.items()},
        "results": name,
    }
    write_json_file(manifest_path(kg), manifest)
    if old and old != name:
        with contextlib.suppress(OSError):
            (kg_cache(kg) / old).unlink()


def built_results(kg: Path) -> dict | None:
    """The validation and reasoning results of the last build, if kg/ still holds its files."""
    manifest = read_manifest(kg)
    try:
        for name, entry in manifest["files"].items():
            if file_stamp(kg / name) != entry["stamp"]:
                return None
        return pickle.loads((kg_cache(kg) / manifest["results"]).read_bytes())
    except (OSError, KeyError, ValueError, TypeError, EOFError, pickle.UnpicklingError):
        return None


def file_stamp(path: Path) -> list:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def write_json_file(path: Path, data: dict) -> None:
    write_atomic(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8"))
