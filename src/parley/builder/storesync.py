"""Keeping the build's Oxigraph store (`store`) in step with kg/ after each build: graph by
graph when few articles changed, reloaded in bulk otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from parley.builder.caches import kg_cache
from parley.builder.kgfiles import trig_header, turtle_header
from parley.builder.manifest import file_stamp, write_json_file
from parley.builder.pipeline import Plan, read_blocks
from parley.builder.store import STATE, store_path
from parley.builder.unitcache import read_cached
from parley.model.diskstore import open_disk_store
from parley.model.kgio import write_atomic
from parley.model.layout import (
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    WIKIDATA_GRAPH,
    WIKIDATA_NAME,
    ontology_path,
)
from parley.query.answers import ANSWERS, forget


def sync_store(kg: Path, plan: Plan, trig: Path, inferred: Path) -> ox.Store:
    """Bring the cached store of kg/ in step with it: graph by graph (and, in pg:inferred,
    article by article) when few articles changed; reloaded in bulk otherwise."""
    path = store_path(kg)
    path.mkdir(parents=True, exist_ok=True)
    state_file = path.parent / STATE
    shared_file = path.parent / "inferred-shared.ttl"
    try:
        state = json.loads(state_file.read_text("utf-8"))
    except (OSError, ValueError):
        state = {}
    store = open_disk_store(str(path))
    graphs = state.get("graphs", {})
    wanted = {u.graph: u.key for u in plan.units}
    changed = [u for u in plan.units if graphs.get(u.graph) != u.key]
    removed = [g for g in graphs if g not in wanted]
    state_file.unlink(missing_ok=True)  # a crash from here on means: reload everything
    old_inferred = _old_inferred(graphs, changed, removed)
    cold = not graphs or len(changed) > max(50, len(plan.units) // 10) or old_inferred is None
    if (changed or removed) and (plan.shared_inferred is None or not shared_file.exists()):
        cold = True
    if cold:
        _reload(store, trig, inferred)
    elif changed or removed:
        _replace_graphs(store, plan, changed, removed, old_inferred)
        _replace_shared(store, shared_file.read_bytes(), plan.shared_inferred)
    if plan.shared_inferred is not None:
        write_atomic(shared_file, plan.shared_inferred, fsync=False)
    new_files = _sync_extras(store, kg, state.get("files", {}) if not cold else {}, cold)
    new_files = {"inferred": file_stamp(inferred), **new_files}
    store.flush()
    new_state = {"graphs": wanted, "files": new_files, "kg": file_stamp(trig)}
    if new_state != state:  # the answers remembered for the old data are of no use now
        forget(kg_cache(kg) / ANSWERS)
    write_json_file(state_file, new_state)
    return store


def _old_inferred(graphs: dict, changed: list, removed: list) -> list[bytes] | None:
    """The inferred blocks of the articles replaced or removed (None: one is not cached)."""
    old = []
    for key in [graphs[u.graph] for u in changed if u.graph in graphs] + [
        graphs[g] for g in removed
    ]:
        entry = read_cached(key)
        if entry is None:
            return None
        old.append(entry[2])
    return old


def _reload(store: ox.Store, trig: Path, inferred: Path) -> None:
    """Everything afresh, in bulk, then compacted."""
    store.clear()
    # lenient: these files were just written by Oxigraph from checked terms (~20% faster)
    store.bulk_load(path=str(trig), format=ox.RdfFormat.TRIG, lenient=True)
    if inferred.stat().st_size:
        store.bulk_load(
            path=str(inferred),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(INFERRED_GRAPH),
            lenient=True,
        )
    # compact what the bulk load left in many files: at 10,000 articles this takes ~40 s
    # and makes the canned queries 1.6-6x faster (measured; docs/performance.md)
    store.optimize()


def _replace_graphs(store: ox.Store, plan: Plan, changed: list, removed: list, old_inferred):
    """The changed articles' graphs and their inferred triples replaced, the removed dropped."""
    header, theader = trig_header(), turtle_header()
    inferred_graph = ox.NamedNode(INFERRED_GRAPH)
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


def _replace_shared(store: ox.Store, old_shared: bytes, new_shared: bytes) -> None:
    """The inferred triples about shared resources: only what changed (at 10,000 articles
    they are ~400k triples, and replacing them all took 30 s). Both bodies list their triples
    sorted (`crossreason`), so the difference is found walking both at once, without holding
    either parsed."""
    if old_shared == new_shared:
        return
    inferred_graph = ox.NamedNode(INFERRED_GRAPH)
    gone, new = [], []
    for sign, t in _sorted_difference(old_shared, new_shared):
        (gone if sign < 0 else new).append(
            ox.Quad(t.subject, t.predicate, t.object, inferred_graph)
        )
        if len(gone) + len(new) >= DIFF_BATCH:
            _apply(store, gone, new)
    _apply(store, gone, new)


DIFF_BATCH = 100_000  # changed triples applied to the store at once


def _apply(store: ox.Store, gone: list, new: list) -> None:
    for q in gone:
        store.remove(q)
    store.extend(new)
    gone.clear()
    new.clear()


def _sorted_difference(old: bytes, new: bytes):
    """(-1, triple) for each triple only in `old`, (1, triple) for each only in `new` (Turtle
    bodies whose triples are in N-Triples order, as `crossreason` writes them). Should they
    not be, what was yielded until then may be wrong: then both are parsed into sets, and
    every triple of `new` is yielded as new (adding a triple twice changes nothing)."""
    theader = turtle_header()
    try:
        yield from _merge(*(ox.parse(theader + b, format=ox.RdfFormat.TURTLE) for b in (old, new)))
    except _Unsorted:
        before, after = (set(ox.parse(theader + b, format=ox.RdfFormat.TURTLE)) for b in (old, new))
        for t in before - after:
            yield -1, t
        for t in after:
            yield 1, t


class _Unsorted(Exception):
    """A body's triples are not in N-Triples order."""


def _merge(old, new):
    """The difference of two iterators of triples sorted by their N-Triples strings."""

    def keyed(triples):
        last = None
        for t in triples:
            key = (str(t.subject), str(t.predicate), str(t.object))
            if last is not None and key <= last:
                raise _Unsorted
            last = key
            yield key, t

    a, b = keyed(old), keyed(new)
    x, y = next(a, None), next(b, None)
    while x is not None or y is not None:
        if y is None or (x is not None and x[0] < y[0]):
            yield -1, x[1]
            x = next(a, None)
        elif x is None or y[0] < x[0]:
            yield 1, y[1]
            y = next(b, None)
        else:
            x, y = next(a, None), next(b, None)


def _sync_extras(store: ox.Store, kg: Path, files: dict, cold: bool) -> dict:
    """The ontology and kg/wikidata.trig reloaded where their files changed; their stamps."""
    extras = {
        "ontology": (ontology_path(), ONTOLOGY_GRAPH, ox.RdfFormat.TURTLE),
        "wikidata": (kg / WIKIDATA_NAME, None, ox.RdfFormat.TRIG),
    }
    new_files = {}
    for name, (file, graph, fmt) in extras.items():
        stamp = file_stamp(file) if file.exists() else None
        new_files[name] = stamp
        if files.get(name) == stamp and (stamp is not None or not cold):
            continue
        store.remove_graph(ox.NamedNode(graph or WIKIDATA_GRAPH))
        if stamp is not None:
            store.load(path=str(file), format=fmt, to_graph=ox.NamedNode(graph) if graph else None)
    return new_files
