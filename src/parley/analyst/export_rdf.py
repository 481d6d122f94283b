"""The built graph as RDF files: N-Quads, TriG, Turtle (graphs merged) or JSON-LD, sorted."""

from __future__ import annotations

import json
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import Dataset

from parley.model.kgio import CANONICAL_PREFIXES, canonical_quads, trig_bytes


def _sorted_quads(ds: Dataset) -> list[ox.Quad]:
    return canonical_quads(ds.serialize(format="nquads", encoding="utf-8"), ox.RdfFormat.N_QUADS)


def write_nquads(ds: Dataset) -> bytes:
    return ox.serialize(_sorted_quads(ds), format=ox.RdfFormat.N_QUADS)


def write_turtle(ds: Dataset) -> bytes:
    """The union of all graphs as Turtle (graph names are dropped; use trig to keep them)."""
    triples = sorted(
        {ox.Triple(q.subject, q.predicate, q.object) for q in _sorted_quads(ds)},
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=CANONICAL_PREFIXES)


def _jsonld_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    out: dict = {"@value": term.value}
    if term.language:
        out["@language"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["@type"] = term.datatype.value
    return out


def write_jsonld(ds: Dataset) -> bytes:
    """Expanded, flattened JSON-LD: one object per named graph, nodes and values sorted."""
    RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    graphs: dict[str, dict[str, dict[str, list]]] = {}
    for q in _sorted_quads(ds):
        gname = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "@default"
        subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else f"_:{q.subject.value}"
        node = graphs.setdefault(gname, {}).setdefault(subject, {})
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            node.setdefault("@type", []).append(q.object.value)
        else:
            node.setdefault(q.predicate.value, []).append(_jsonld_term(q.object))
    doc = []
    for gname in sorted(graphs):
        nodes = [{"@id": s, **props} for s, props in sorted(graphs[gname].items())]
        if gname == "@default":
            doc.extend(nodes)
        else:
            doc.append({"@id": gname, "@graph": nodes})
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


RDF_WRITERS: dict[str, Callable[[Dataset], bytes]] = {
    "nquads": write_nquads,
    "trig": trig_bytes,
    "turtle": write_turtle,
    "jsonld": write_jsonld,
}
