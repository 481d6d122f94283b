"""The build: the units of `pipeline.plan` combined into kg/'s files (`kgfiles`), with the
work across articles (`crossarticle`), the validation and reasoning results kept for
`parley validate` and `parley reason` (the manifest), the kg index for the next build
(`unitindex`) and the store that `parley query` uses (`buildstore`)."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from parley.build.crossarticle import Reasoned, validate_plan, write_inferred
from parley.build.kgfiles import file_stamp, same_content, trig_chunks, write_json
from parley.build.pipeline import INFERRED_NAME, MANIFEST, TRIG_NAME, Plan
from parley.build.store import sync_store
from parley.build.tools import cache_root, code_version, kg_cache, tools
from parley.build.unitindex import INDEX, Index, Splicer, load_index, save_index


def manifest_path(kg: Path) -> Path:
    return kg_cache(kg) / MANIFEST


# --- the build ---------------------------------------------------------------------------------


@dataclass
class Built:
    """What `build_kg` made: file contents (in memory, or where they are on disk) and counts."""

    files: dict[str, bytes | Path]
    changed: dict[str, bool]
    quads: int
    graphs: int
    stale: tuple[str, ...] = ()


def build_kg(seeds: Path, out: Path | None, check: bool, progress=None, lock=None) -> Built:
    """Build kg/ from `seeds` (see the module and `pipeline` docs); `lock(out)` guards writes."""
    from parley.build.pipeline import plan as make_plan
    from parley.model.progress import silent

    progress = progress or silent
    cache = cache_root() if out is not None else None
    index = load_index(kg_cache(out) / INDEX, code_version()) if out is not None else None
    with progress("articles", _count(seeds)) as update:
        plan = make_plan(seeds, cache, update, write_cache=not check, index=index)
    if out is None:
        return _build_in_memory(plan)
    plan.splicer = Splicer(out, index, file_stamp)
    try:
        return _build_files(plan, index, out, check, progress, lock)
    finally:
        plan.splicer.close()


def _build_in_memory(plan: Plan) -> Built:
    quads = sum(u.quads for u in plan.units)
    graphs = sum(1 for u in plan.units if u.quads)
    inferred_blocks: dict = {}
    trig = b"".join(trig_chunks(plan, inferred_blocks))
    inferred: list = []
    _inferred(plan, inferred, inferred_blocks, lambda: trig)
    return Built(
        files={TRIG_NAME: trig, INFERRED_NAME: b"".join(inferred)},
        changed={},
        quads=quads,
        graphs=graphs,
    )


def _build_files(plan: Plan, index: Index | None, out: Path, check: bool, progress, lock):
    """kg/'s files, the validation and reasoning results and the store, from the plan."""
    from parley.model.kgio import write_atomic

    quads = sum(u.quads for u in plan.units)
    graphs = sum(1 for u in plan.units if u.quads)
    build_id = hashlib.sha256("\n".join(u.key for u in plan.units).encode()).hexdigest()
    inferred_blocks: dict = {}
    files = {TRIG_NAME: out / TRIG_NAME, INFERRED_NAME: out / INFERRED_NAME}
    if check:
        with progress("comparing", len(plan.units)) as update:
            same_trig = same_content(out / TRIG_NAME, trig_chunks(plan, inferred_blocks, update))
        inferred = []
        _inferred(plan, inferred, inferred_blocks, lambda: (out / TRIG_NAME).read_bytes())
        same_inferred = same_content(out / INFERRED_NAME, inferred)
        stale = tuple(
            name for name, ok in ((TRIG_NAME, same_trig), (INFERRED_NAME, same_inferred)) if not ok
        )
        return Built(files=files, changed={}, quads=quads, graphs=graphs, stale=stale)
    guard = lock(out) if lock is not None else contextlib.nullcontext()
    report = reasoned = None
    with guard:
        manifest = read_manifest(out)
        unchanged = manifest.get("build") == build_id and all(
            (out / name).exists()
            and manifest.get("files", {}).get(name, {}).get("stamp") == file_stamp(out / name)
            for name in files
        )
        ranges = {}
        if unchanged:  # kg/ holds what these very units produce: nothing to write
            changed = dict.fromkeys(files, False)
            if index is not None and all(
                index.stamps.get(name) == file_stamp(out / name) for name in files
            ):
                ranges = index.ranges
        else:
            trig_ranges: dict = {}
            with progress("writing", len(plan.units)) as update:
                trig = trig_chunks(plan, inferred_blocks, update, trig_ranges)
                write_atomic(out / TRIG_NAME, trig)
            chunks: list = []
            reasoned = _inferred(
                plan, chunks, inferred_blocks, lambda: (out / TRIG_NAME).read_bytes()
            )
            write_atomic(out / INFERRED_NAME, chunks)
            changed = dict.fromkeys(files, True)
            ranges = {TRIG_NAME: trig_ranges, INFERRED_NAME: plan.inferred_ranges}
        if unchanged and manifest.get("results"):
            results = built_results(out)
            report = results["report"] if results else None
            reasoned = results["reasoned"] if results else None
        if not unchanged or reasoned is None:
            if unchanged:
                chunks = []
                list(trig_chunks(plan, inferred_blocks))
                reasoned = _inferred(
                    plan, chunks, inferred_blocks, lambda: (out / TRIG_NAME).read_bytes()
                )
            report = None
        chunks = []  # kg/inferred.ttl is written: its pieces are not kept through the store's load
        inferred_blocks.clear()
        if report is None and tools().shapes is not None:
            with progress("validating", 1) as update:
                report = validate_plan(plan)
                update(1)
        plan.lighten()  # what only the work across articles reads goes before the store loads
        if plan.fresh + plan.hydrated > 100:  # then it is much; else not worth a collection
            gc.collect()
        with progress("indexing", 1) as update:
            store = sync_store(out, plan, out / TRIG_NAME, out / INFERRED_NAME)
            update(1)
        del store  # its lock goes with the last reference: `parley query` may open it now
        save_results(out, build_id, report, reasoned)
        new_index = Index(
            version=code_version(),
            registry=plan.registry_digest,
            inputs=plan.inputs,
            units={u.key: u for u in plan.units[:-1]},
            ranges=ranges,
            stamps={name: file_stamp(out / name) for name in files},
        )
        save_index(kg_cache(out) / INDEX, new_index)
    return Built(files=files, changed=changed, quads=quads, graphs=graphs)


def _count(seeds: Path) -> int:
    return sum(1 for _ in (seeds / "annotations").glob("*.yaml")) if seeds.is_dir() else 0


def _inferred(plan: Plan, sink: list, inferred_blocks: dict, trig_bytes):
    """Append kg/inferred.ttl's chunks to `sink`; the general (owlrl) way when the fast
    reasoner does not apply (`trig_bytes()` then gives the graph to parse)."""
    reasoned = write_inferred(plan, sink, inferred_blocks)
    if reasoned is not None:
        return reasoned
    from rdflib import Dataset

    from parley.reason.owl import infer

    sink.clear()
    plan.inferred_ranges = {}
    ds = Dataset()
    ds.parse(data=trig_bytes(), format="trig")
    inference = infer(ds)
    sink.append(inference.data)
    return Reasoned(
        counts=inference.counts,
        types=inference.types,
        inconsistencies=inference.inconsistencies,
        triples=len(inference.graph),
    )


def read_manifest(kg: Path) -> dict:
    try:
        return json.loads(manifest_path(kg).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def save_results(kg: Path, build_id: str, report, reasoned) -> None:
    """The manifest (what kg/ holds) and the validation and reasoning results for it."""
    import pickle

    from parley.model.kgio import write_atomic

    results = pickle.dumps({"report": report, "reasoned": reasoned}, protocol=5)
    name = hashlib.sha256(results).hexdigest()[:32] + ".results"
    write_atomic(kg_cache(kg) / name, results)
    old = read_manifest(kg).get("results")
    manifest = {
        "build": build_id,
        "files": {
            TRIG_NAME: {"stamp": file_stamp(kg / TRIG_NAME)},
            INFERRED_NAME: {"stamp": file_stamp(kg / INFERRED_NAME)},
        },
        "results": name,
    }
    write_json(manifest_path(kg), manifest)
    if old and old != name:
        with contextlib.suppress(OSError):
            (kg_cache(kg) / old).unlink()


def built_results(kg: Path) -> dict | None:
    """The validation and reasoning results of the last build, if kg/ still holds its files."""
    import pickle

    manifest = read_manifest(kg)
    try:
        for name, entry in manifest["files"].items():
            if file_stamp(kg / name) != entry["stamp"]:
                return None
        return pickle.loads((kg_cache(kg) / manifest["results"]).read_bytes())
    except (OSError, KeyError, ValueError, TypeError, EOFError, pickle.UnpicklingError):
        return None
