"""Combine the units of `pipeline.plan` into kg/ files, the validation report and inferences.

Only what crosses articles is computed here: the OWL RL joins through shared resources
(`Unit.joins`), the shapes of registry resources (from every article's triples about them),
and the SPARQL checks that compare graphs (on a persistent Oxigraph store in the
kg/ folder's cache, kept in step with kg/ graph by graph; `parley query` uses it too).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from .pipeline import (
    INFERRED_NAME,
    MANIFEST,
    PID,
    PREFIXES,
    REGISTRY,
    TRIG_NAME,
    Plan,
    cache_root,
    code_version,
    count_inferred,
    header_and_body,
    keep,
    kg_cache,
    rdflib_term,
    read_blocks,
    read_cached,
    run_checks,
    shape_violation,
    tools,
    turtle_body,
    write_cached,
)
from .unitindex import INDEX, Index, Splicer, load_index, save_index

STORE = "store"
ONTOLOGY_GRAPH = "https://w3id.org/parley/graph/ontology"
INFERRED_GRAPH = "https://w3id.org/parley/graph/inferred"


# --- kg/parley.trig ----------------------------------------------------------------------------


def same_content(path: Path, chunks) -> bool:
    """Whether the file at `path` holds exactly the concatenation of `chunks` (streamed)."""
    try:
        handle = path.open("rb")
    except OSError:
        for _ in chunks:
            pass
        return False
    with handle:
        same = True
        for chunk in chunks:
            if same and handle.read(len(chunk)) != chunk:
                same = False
        return same and handle.read(1) == b""


def trig_header() -> bytes:
    probe = ox.Quad(
        ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x")
    )
    header, _ = header_and_body(ox.serialize([probe], format=ox.RdfFormat.TRIG, prefixes=PREFIXES))
    return header


def turtle_header() -> bytes:
    probe = ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"))
    header, _ = header_and_body(
        ox.serialize([probe], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    )
    return header


def trig_chunks(plan: Plan, inferred_blocks: dict, update=None, ranges: dict | None = None):
    """kg/parley.trig as chunks: the prefixes, then each unit's block in graph order (each
    unit's inferred block is kept in `inferred_blocks` on the way, and where its block is in
    the file in `ranges`). With `ranges`, for writing, blocks may be `FileSlice`s."""
    header = trig_header()
    yield header
    offset = len(header)
    for unit in plan.units:
        block, inferred = read_blocks(plan, unit, lazy=ranges is not None)
        if inferred:
            inferred_blocks[unit.key] = inferred
        if ranges is not None:
            ranges[unit.key] = (offset, len(block))
            offset += len(block)
        yield block
        if update:
            update(1)


# --- reasoning ---------------------------------------------------------------------------------


@dataclass
class Reasoned:
    counts: dict[str, int]
    types: dict[str, int]
    inconsistencies: tuple[str, ...]
    triples: int


def cross_key(plan: Plan, kind: str, digests) -> str:
    """The cache key of work across articles: its kind, the registry unit's key (code version
    and registry) and, in graph order, each article unit's digest of what that work reads."""
    digest = hashlib.sha256(f"{kind}\n{plan.units[-1].key}\n".encode())
    for d in digests:
        digest.update(d.encode() + b"\n")
    return "x" + digest.hexdigest()[1:]


@dataclass
class JoinedInference:
    """What reasoning across articles adds, cached by `cross_key` (`usable` false: a join
    concludes something about an article's own node, and owlrl must run instead)."""

    usable: bool
    shared_out: bytes = b""  # Turtle body of the inferred triples about shared resources
    first_subject: str = ""  # of shared_out, "" when empty
    counts: Counter | None = None  # count_inferred of shared_out
    errors: tuple[str, ...] = ()  # the registry's and the joins' inconsistencies


def _cached_across(plan: Plan, kind: str, digests, cls):
    """(cache key, the cached result of work across articles or None). On a miss the units
    taken from the kg index get their cross-article sets back, which that work reads."""
    key = cross_key(plan, kind, digests)
    cached = read_cached(key)
    if isinstance(cached, cls):
        return key, cached
    plan.hydrate()
    return key, None


def joined_inference(plan: Plan) -> JoinedInference:
    """The inferences about shared resources, from the article units' joins (cached)."""
    from .rules import Engine

    digests = [u.reason_digest for u in plan.units[:-1]]
    key, cached = _cached_across(plan, "reason", digests, JoinedInference)
    if cached is not None:
        return cached
    articles = plan.units[:-1]
    t = tools()
    context = plan.context
    base = context.engine
    joined = Engine(t.rules, base=base)
    joined.add(sorted({x for u in articles for x in u.joins}))
    known = set()
    for u in articles:
        known.update(u.derived_shared)
        known.update(u.asserted_shared)
    new = [x for x in joined.facts if x not in known]
    if any(x[0].startswith(f"<{PID}article/") for x in new):
        result = JoinedInference(usable=False)  # a join concludes something about an article node
    else:
        asserted = set(context.registry_input)
        asserted.update(t.rules.schema)
        for u in articles:
            asserted.update(u.asserted_shared)
        shared = set(new)
        for u in articles:
            shared.update(u.derived_shared)
        shared.update(base.facts)
        shared_out = sorted(x for x in shared if x not in asserted and keep(x))
        result = JoinedInference(
            usable=True,
            shared_out=turtle_body(shared_out, context) if shared_out else b"",
            first_subject=shared_out[0][0] if shared_out else "",
            counts=count_inferred(shared_out),
            errors=tuple(sorted(set(base.errors()) | set(joined.errors()))),
        )
    write_cached(key, result)
    return result


def write_inferred(plan: Plan, sink: list, inferred_blocks: dict) -> Reasoned | None:
    """kg/inferred.ttl from the units, as chunks appended to `sink` (None: the fast reasoner
    cannot be used here)."""
    from .validate import compact

    t = tools()
    if t.rules is None or any(u.full_reasoning for u in plan.units[:-1]):
        return None
    articles = plan.units[:-1]
    joined = joined_inference(plan)
    if not joined.usable:
        return None
    counts: Counter = Counter()
    for u in articles:
        counts.update(u.inferred_counts)
    counts.update(joined.counts)
    blocks = [(u, inferred_blocks[u.key]) for u in articles if u.key in inferred_blocks]
    ordered = all(
        a.inferred_last < b.inferred_first for (a, _), (b, _) in itertools.pairwise(blocks)
    ) and (
        not blocks or not joined.first_subject or blocks[-1][0].inferred_last < joined.first_subject
    )
    if not ordered:
        return None
    total = sum(n for (kind, _), n in counts.items() if kind == "p")
    plan.shared_inferred = joined.shared_out
    # where each unit's block goes in the file (an empty block: nowhere), for the next build
    ranges = {u.key: (0, 0) for u in articles if u.key not in inferred_blocks}
    if total:
        header = turtle_header()
        sink.append(header)
        offset = len(header)
        for u, block in blocks:
            sink.append(block)
            ranges[u.key] = (offset, len(block))
            offset += len(block)
        sink.append(plan.shared_inferred)
    plan.inferred_ranges = ranges
    errors = set(joined.errors)
    for u in articles:
        errors.update(u.errors)
    by_p = Counter({compact(k[1][1:-1]): n for k, n in counts.items() if k[0] == "p"})
    by_c = Counter({compact(k[1][1:-1]): n for k, n in counts.items() if k[0] == "c"})
    return Reasoned(
        counts=dict(sorted(by_p.items())),
        types=dict(sorted(by_c.items())),
        inconsistencies=tuple(sorted(errors)),
        triples=total,
    )


# --- validation --------------------------------------------------------------------------------


@dataclass
class SharedValidation:
    """The validation of what articles share, cached by `cross_key`."""

    violations: tuple  # of the shared part: shapes, the registry's local checks, checks across
    triples: int  # distinct triples of the ontology and the shared part


def shared_validation(plan: Plan) -> SharedValidation:
    """Shapes over the shared part, the registry's local checks and the checks across graphs
    (on the boundary store), from the article units' boundaries (cached)."""
    from . import shacl
    from .pipeline import LabelView
    from .rules import nt

    digests = [u.boundary_digest for u in plan.units[:-1]]
    key, cached = _cached_across(plan, "validate", digests, SharedValidation)
    if cached is not None:
        return cached
    articles = plan.units[:-1]
    t = tools()
    context = plan.context
    where: dict[str, set[str]] = {}
    for s, _, _ in context.registry_strings:
        where.setdefault(s, set()).add("registry")
    shared: set = set(context.registry_strings)
    for u in articles:
        for x in u.shared:
            where.setdefault(x[0], set()).add(u.name)
        shared.update(u.shared)
    values: set = set()
    for u in articles:
        values.update(u.shared_values)
    ontology = {(nt(s), nt(p), nt(o)) for s, p, o in t.ontology}
    data = shacl.Data([*t.ontology, *_to_rdflib(shared | values, context)])
    labels = LabelView(data)
    article_prefix = f"{PID}article/"
    violations = []
    for r in shacl.validate(t.shapes, data, lambda n: not str(n).startswith(article_prefix)):
        graphs = tuple(sorted(where.get(nt(r.focus), ())))
        violations.append(shape_violation(r, labels, graphs))
    registry_store = ox.Store()
    registry_store.extend(context.registry_quads)
    violations.extend(run_checks(registry_store, t.local_checks, labels, {}, only_graph=REGISTRY))
    if t.global_checks:
        wheres = {URIRef(k[1:-1]): tuple(sorted(v)) for k, v in where.items() if k.startswith("<")}
        boundary = boundary_store(plan)
        violations.extend(run_checks(boundary, t.global_checks, labels, wheres, None))
    result = SharedValidation(violations=tuple(violations), triples=len(ontology | shared))
    write_cached(key, result)
    return result


def validate_plan(plan: Plan):
    """The ValidationReport of the built dataset: each unit's own violations and those of the
    shared part."""
    from .validate import ValidationReport

    t = tools()
    articles = plan.units[:-1]
    shared = shared_validation(plan)
    violations = [v for u in articles for v in u.violations]
    violations.extend(shared.violations)
    violations.sort(key=lambda v: (v.kind != "shape", v.rule, v.graphs, v.focus, v.value or ""))
    rules = t.rule_names
    return ValidationReport(
        conforms=not violations,
        violations=tuple(violations),
        rules=rules,
        shapes=sum(1 for r in rules.values() if r.kind == "shape"),
        checks=len(t.local_checks) + len(t.global_checks),
        triples=shared.triples + sum(u.local_triples for u in articles),
    )


def boundary_store(plan: Plan) -> ox.Store:
    """What checks across graphs look at, in memory: the registry graph and, in each article's
    graph, the triples about shared resources and one triple per shared IRI it refers to
    (`Unit.refs`). A check across graphs may ask what is said about shared resources and
    whether an article refers to a registry resource (or an IRI outside Parley's namespace),
    not how: its results are cached by `Unit.boundary_digest`, which holds no more. Tests
    compare it with the whole dataset."""
    plan.hydrate()
    context = plan.context
    store = ox.Store()
    store.extend(context.registry_quads)
    term = context.term
    for u in plan.units[:-1]:
        g = ox.NamedNode(u.graph)
        store.extend(ox.Quad(term(s), term(p), term(o), g) for s, p, o in sorted(u.shared | u.refs))
    return store


def _to_rdflib(strings, context):
    cache: dict = {}

    def term(text):
        found = cache.get(text)
        if found is None:
            found = cache[text] = rdflib_term(context.term(text))
        return found

    return [(term(s), term(p), term(o)) for s, p, o in strings]


# --- the persistent store ----------------------------------------------------------------------


def store_path(kg: Path) -> Path:
    return kg_cache(kg) / STORE


def sync_store(kg: Path, plan: Plan, trig: Path, inferred: Path) -> ox.Store:
    """Bring the cached store of kg/ in step with it: graph by graph (and, in pg:inferred,
    article by article) when few articles changed; reloaded in bulk otherwise."""
    from .graphs import WIKIDATA_NAME, ontology_path
    from .pipeline import read_cached

    path = store_path(kg)
    path.mkdir(parents=True, exist_ok=True)
    state_file = path.parent / "store.json"
    shared_file = path.parent / "inferred-shared.ttl"
    try:
        state = json.loads(state_file.read_text("utf-8"))
    except (OSError, ValueError):
        state = {}
    store = ox.Store(str(path))
    graphs = state.get("graphs", {})
    wanted = {u.graph: u.key for u in plan.units}
    changed = [u for u in plan.units if graphs.get(u.graph) != u.key]
    removed = [g for g, key in graphs.items() if g not in wanted]
    state_file.unlink(missing_ok=True)  # a crash from here on means: reload everything
    inferred_graph = ox.NamedNode(INFERRED_GRAPH)
    cold = not graphs or len(changed) > max(50, len(plan.units) // 10)
    old_inferred = []  # inferred blocks of the articles replaced or removed
    for key in [graphs[u.graph] for u in changed if u.graph in graphs] + [
        graphs[g] for g in removed
    ]:
        entry = read_cached(key)
        if entry is None:
            cold = True
            break
        old_inferred.append(entry[2])
    if (changed or removed) and (plan.shared_inferred is None or not shared_file.exists()):
        cold = True
    if cold:
        store.clear()
        # lenient: these files were just written by Oxigraph from checked terms (~20% faster)
        store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG, lenient=True)
        if inferred.stat().st_size:
            store.bulk_load(
                path=str(inferred),
                format=ox.RdfFormat.TURTLE,
                to_graph=inferred_graph,
                lenient=True,
            )
        # compact what the bulk load left in many files: at 10,000 articles this takes ~40 s
        # and makes the canned queries 1.6-6x faster (measured; docs/performance.md)
        store.optimize()
    elif changed or removed:
        header, theader = trig_header(), turtle_header()
        for g in removed:
            store.remove_graph(ox.NamedNode(g))
        for u in changed:
            store.remove_graph(ox.NamedNode(u.graph))
            store.load(header + read_blocks(plan, u)[0], format=ox.RdfFormat.TRIG)
        for block in old_inferred:
            for t in ox.parse(theader + block, format=ox.RdfFormat.TURTLE):
                store.remove(ox.Quad(t.subject, t.predicate, t.object, inferred_graph))
        for u in changed:
            block = read_blocks(plan, u)[1]
            store.load(theader + block, format=ox.RdfFormat.TURTLE, to_graph=inferred_graph)
        # the inferred triples about shared resources: only what changed (at 10,000 articles
        # they are ~400k triples, and replacing them all took 30 s)
        old_shared = shared_file.read_bytes()
        if old_shared != plan.shared_inferred:
            before, after = (
                set(ox.parse(theader + b, format=ox.RdfFormat.TURTLE))
                for b in (old_shared, plan.shared_inferred)
            )
            for t in before - after:
                store.remove(ox.Quad(t.subject, t.predicate, t.object, inferred_graph))
            store.extend(
                ox.Quad(t.subject, t.predicate, t.object, inferred_graph) for t in after - before
            )
    if plan.shared_inferred is not None:
        from .kgio import write_atomic

        write_atomic(shared_file, plan.shared_inferred, fsync=False)
    extras = {
        "ontology": (ontology_path(), ONTOLOGY_GRAPH, ox.RdfFormat.TURTLE),
        "wikidata": (kg / WIKIDATA_NAME, None, ox.RdfFormat.TRIG),
    }
    files = state.get("files", {}) if not cold else {}
    new_files = {"inferred": file_stamp(inferred)}
    for name, (file, graph, fmt) in extras.items():
        stamp = file_stamp(file) if file.exists() else None
        new_files[name] = stamp
        if files.get(name) == stamp and (stamp is not None or not cold):
            continue
        if graph is not None:
            store.remove_graph(ox.NamedNode(graph))
        elif name == "wikidata":
            store.remove_graph(ox.NamedNode("https://w3id.org/parley/graph/wikidata"))
        if stamp is not None:
            store.load(path=str(file), format=fmt, to_graph=ox.NamedNode(graph) if graph else None)
    store.flush()
    new_state = {"graphs": wanted, "files": new_files, "kg": file_stamp(trig)}
    if new_state != state:  # the answers remembered for the old data are of no use now
        from .answers import ANSWERS, forget

        forget(kg_cache(kg) / ANSWERS)
    write_json(state_file, new_state)
    return store


def file_stamp(path: Path) -> list:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def write_json(path: Path, data: dict) -> None:
    from .kgio import write_atomic

    write_atomic(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def open_built_store(kg: Path) -> tuple[ox.Store, str] | None:
    """The store of the last build and its identity (the build's state, which names every
    graph's content and file stamp), when it still matches kg/ (by size and mtime), else None."""
    from .graphs import WIKIDATA_NAME, ontology_path

    state_file = kg_cache(kg) / "store.json"
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
        return ox.Store.read_only(str(store_path(kg))), hashlib.sha256(raw).hexdigest()
    except (OSError, ValueError):
        return None


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
    from .pipeline import plan as make_plan
    from .progress import silent

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
    from .kgio import write_atomic

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

    from .reason import infer

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

    from .kgio import write_atomic

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
