"""The persistent Oxigraph store of a kg/ folder, in its cache: kept in step with kg/ by each
build (graph by graph when few articles changed), opened read-only by `parley query`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox

from parley.build.kgfiles import file_stamp, trig_header, turtle_header, write_json
from parley.build.pipeline import INFERRED_NAME, TRIG_NAME, Plan, read_blocks, read_cached
from parley.build.tools import kg_cache

STORE = "store"
ONTOLOGY_GRAPH = "https://w3id.org/parley/graph/ontology"
INFERRED_GRAPH = "https://w3id.org/parley/graph/inferred"


def store_path(kg: Path) -> Path:
    return kg_cache(kg) / STORE


def sync_store(kg: Path, plan: Plan, trig: Path, inferred: Path) -> ox.Store:
    """Bring the cached store of kg/ in step with it: graph by graph (and, in pg:inferred,
    article by article) when few articles changed; reloaded in bulk otherwise."""
    from parley.model.layout import WIKIDATA_NAME, ontology_path

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
        from parley.model.kgio import write_atomic

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
        from parley.query.answers import ANSWERS, forget

        forget(kg_cache(kg) / ANSWERS)
    write_json(state_file, new_state)
    return store


def open_built_store(kg: Path) -> tuple[ox.Store, str] | None:
    """The store of the last build and its identity (the build's state, which names every
    graph's content and file stamp), when it still matches kg/ (by size and mtime), else None."""
    from parley.model.layout import WIKIDATA_NAME, ontology_path

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
