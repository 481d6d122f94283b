"""The build: the units of `pipeline.plan` combined into kg/'s files (`kgfiles`), with the
work across articles (`crossarticle`), the validation and reasoning results kept for
`parley validate` and `parley reason` (`manifest`), the kg index for the next build
(`unitindex`) and the store that `parley query` uses (`store`).

kg/'s new files are written beside the old ones as temporary files; the store, the manifest
and the index are brought in step from those, and only then are the files committed as one
change (`model.kgcommit.commit`): a failure anywhere before (a full disk) leaves kg/ as it
was."""

from __future__ import annotations

import contextlib
import gc
import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset

from parley.builder.caches import cache_root, code_version, kg_cache
from parley.builder.crossarticle import Reasoned, prepare, validate_plan, write_inferred
from parley.builder.kgfiles import same_content, trig_chunks
from parley.builder.manifest import built_results, file_stamp, read_manifest, save_results
from parley.builder.pipeline import Plan
from parley.builder.pipeline import plan as make_plan
from parley.builder.spool import BlockSpool
from parley.builder.store import remove_store
from parley.builder.storesync import sync_store
from parley.builder.tools import tools
from parley.builder.unitindex import INDEX, Index, Splicer, load_index, save_index
from parley.model.kgcommit import commit, discard_temps
from parley.model.kgio import check_rdflib_size, write_temp
from parley.model.layout import INFERRED_NAME, TRIG_NAME
from parley.model.progress import silent
from parley.reason.owl import infer
from parley.seeds.annotations import annotation_files

# --- the build ---------------------------------------------------------------------------------


@dataclass
class Built:
    """What `build_kg` made: file contents (in memory, or where they are on disk) and counts."""

    files: dict[str, bytes | Path]
    changed: dict[str, bool]
    quads: int
    graphs: int
    stale: tuple[str, ...] = ()
    skipped: tuple = ()  # Problems of the articles left out (skip_unready)


def build_kg(
    seeds: Path,
    out: Path | None,
    check: bool,
    progress=None,
    lock=None,
    skip_unready=False,
    keep_store=True,
) -> Built:
    """Build kg/ from `seeds` (see the module and `pipeline` docs); `lock(out)` guards writes."""
    progress = progress or silent
    cache = cache_root() if out is not None else None
    index = load_index(kg_cache(out) / INDEX, code_version()) if out is not None else None
    with progress("articles", _count(seeds)) as update:
        plan = make_plan(
            seeds, cache, update, write_cache=not check, index=index, skip_unready=skip_unready
        )
    plan.keep_store = keep_store
    if out is None:
        built = _build_in_memory(plan)
    else:
        plan.splicer = Splicer(out, index, file_stamp)
        try:
            built = _build_files(plan, index, out, check, progress, lock)
        finally:
            plan.splicer.close()
    built.skipped = plan.skipped
    return built


def _build_in_memory(plan: Plan) -> Built:
    quads = sum(u.quads for u in plan.units)
    graphs = sum(1 for u in plan.units if u.quads)
    inferred_blocks: dict = {}
    trig = b"".join(trig_chunks(plan, inferred_blocks))
    inferred: list = []
    _inferred(plan, inferred, inferred_blocks, trig)
    return Built(
        files={TRIG_NAME: trig, INFERRED_NAME: b"".join(inferred)},
        changed={},
        quads=quads,
        graphs=graphs,
    )


def _build_files(plan: Plan, index: Index | None, out: Path, check: bool, progress, lock):
    """kg/'s files, the validation and reasoning results and the store, from the plan."""
    quads = sum(u.quads for u in plan.units)
    graphs = sum(1 for u in plan.units if u.quads)
    files = {TRIG_NAME: out / TRIG_NAME, INFERRED_NAME: out / INFERRED_NAME}
    if check:
        stale = _stale_files(plan, out, progress)
        return Built(files=files, changed={}, quads=quads, graphs=graphs, stale=stale)
    build_id = hashlib.sha256("\n".join(u.key for u in plan.units).encode()).hexdigest()
    guard = lock(out) if lock is not None else contextlib.nullcontext()
    with guard:
        discard_temps(kg_cache(out))  # a killed build's manifest, index or state
        manifest = read_manifest(out)
        unchanged = manifest.get("build") == build_id and all(
            (out / name).exists()
            and manifest.get("files", {}).get(name, {}).get("stamp") == file_stamp(out / name)
            for name in files
        )
        if unchanged:  # kg/ holds what these very units produce: nothing to write
            _keep_files(plan, index, out, build_id, files, manifest, progress)
        else:
            temps: dict[str, Path] = {}
            try:
                ranges, reasoned = _write_files(plan, out, progress, temps)
                _after_writing(plan, out, build_id, None, reasoned, ranges, progress, temps)
                commit(out, temps)
            finally:
                for tmp in temps.values():  # not committed: kg/ stays as it was
                    tmp.unlink(missing_ok=True)
    return Built(
        files=files, changed=dict.fromkeys(files, not unchanged), quads=quads, graphs=graphs
    )


def _keep_files(plan: Plan, index, out: Path, build_id: str, files, manifest, progress):
    """kg/ already holds these units' files: the results and the store brought in step."""
    ranges = {}
    if index is not None and all(
        index.stamps.get(name) == file_stamp(out / name) for name in files
    ):
        ranges = index.ranges
    report = reasoned = None
    if manifest.get("results") and (results := built_results(out)):
        report, reasoned = results["report"], results["reasoned"]
    if reasoned is None:
        reasoned, report = _reason_again(plan, out), None
    _after_writing(plan, out, build_id, report, reasoned, ranges, progress, {})


def _stale_files(plan: Plan, out: Path, progress) -> tuple[str, ...]:
    """With `--check`: the kg/ files whose content differs from what the plan produces."""
    inferred_blocks: dict = {}
    with BlockSpool() as spool, progress("comparing", len(plan.units)) as update:
        chunks = trig_chunks(plan, inferred_blocks, update, spool=spool)
        same_trig = same_content(out / TRIG_NAME, chunks)
        inferred: list = []
        _inferred(plan, inferred, inferred_blocks, out / TRIG_NAME)
        same_inferred = same_content(out / INFERRED_NAME, inferred)
    pairs = ((TRIG_NAME, same_trig), (INFERRED_NAME, same_inferred))
    return tuple(name for name, ok in pairs if not ok)


def _write_files(plan: Plan, out: Path, progress, temps: dict) -> tuple[dict, Reasoned]:
    """kg/parley.trig and kg/inferred.ttl written to temporary files beside them (into
    `temps`); where each unit's blocks are in them, and the reasoning results. The work
    across articles is done first, in one pass over the units; the units' inferred blocks
    wait in a spool file between the two files, not in memory."""
    prepare(plan, progress)
    inferred_blocks: dict = {}
    trig_ranges: dict = {}
    with BlockSpool() as spool:
        with progress("writing", len(plan.units)) as update:
            trig = trig_chunks(plan, inferred_blocks, update, trig_ranges, spool)
            temps[TRIG_NAME] = write_temp(out / TRIG_NAME, trig)
        chunks: list = []
        reasoned = _inferred(plan, chunks, inferred_blocks, temps[TRIG_NAME])
        temps[INFERRED_NAME] = write_temp(out / INFERRED_NAME, chunks)
    return {TRIG_NAME: trig_ranges, INFERRED_NAME: plan.inferred_ranges}, reasoned


def _reason_again(plan: Plan, out: Path) -> Reasoned:
    """The reasoning results of unchanged kg/ files whose kept results are lost."""
    inferred_blocks: dict = {}
    with BlockSpool() as spool:
        for _ in trig_chunks(plan, inferred_blocks, spool=spool):
            pass
        return _inferred(plan, [], inferred_blocks, out / TRIG_NAME)


def _after_writing(plan: Plan, out: Path, build_id, report, reasoned, ranges, progress, temps):
    """Validation (unless kept), the store in step, the manifest and the kg index, for the
    files about to be committed (`temps`, where new) or kept."""
    paths = {name: temps.get(name, out / name) for name in (TRIG_NAME, INFERRED_NAME)}
    if report is None and tools().shapes is not None:
        with progress("validating", 1) as update:
            report = validate_plan(plan)
            update(1)
    plan.lighten()  # what only the work across articles reads goes before the store loads
    if plan.fresh + plan.hydrated > 100:  # then it is much; else not worth a collection
        gc.collect()
    if plan.keep_store:
        with progress("indexing", 1) as update:
            store = sync_store(out, plan, paths[TRIG_NAME], paths[INFERRED_NAME])
            update(1)
        del store  # its lock goes with the last reference: `parley query` may open it now
    else:
        remove_store(out)
    stamps = {name: file_stamp(path) for name, path in paths.items()}  # kept by the rename
    save_results(out, build_id, report, reasoned, stamps)
    new_index = Index(
        version=code_version(),
        registry=plan.registry_digest,
        inputs=plan.inputs,
        units={u.key: u for u in plan.units[:-1]},
        ranges=ranges,
        stamps=stamps,
    )
    save_index(kg_cache(out) / INDEX, new_index)


NO_FAST_REASONING = (
    "the compiled reasoner does not apply (the data uses owl:sameAs between Parley resources, "
    "a join across articles concludes something about an article's own node, or the ontology "
    "needs rules it does not compile): remove what makes it so"
)


def _count(seeds: Path) -> int:
    return len(annotation_files(seeds))  # none when the folder is refused (plan says why)


def _inferred(plan: Plan, sink: list, inferred_blocks: dict, trig: bytes | Path):
    """Append kg/inferred.ttl's chunks to `sink`; the general (owlrl) way when the fast
    reasoner does not apply (over `trig`, the graph: its bytes or its file, parsed into
    rdflib when it is not larger than `model.kgio.RDFLIB_LIMIT`, else refused)."""
    reasoned = write_inferred(plan, sink, inferred_blocks)
    if reasoned is not None:
        return reasoned
    sink.clear()
    plan.inferred_ranges = {}
    size = len(trig) if isinstance(trig, bytes) else trig.stat().st_size
    check_rdflib_size(size, "the build's reasoning with owlrl", NO_FAST_REASONING)
    ds = Dataset()
    ds.parse(data=trig if isinstance(trig, bytes) else trig.read_bytes(), format="trig")
    inference = infer(ds)
    sink.append(inference.data)
    return Reasoned(
        counts=inference.counts,
        types=inference.types,
        inconsistencies=inference.inconsistencies,
        triples=len(inference.graph),
    )
