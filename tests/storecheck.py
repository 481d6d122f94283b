"""What a triplestore holds, per named graph, for comparing with kg/ (not a test module).

`store_state(base)` reads an Oxigraph server's whole dataset as N-Quads from its Graph Store
Protocol (`GET /store`) and gives, per graph, the number of triples and the SHA-256 of their
sorted N-Triples lines with blank nodes canonically relabelled; `expected_state(local)` gives
the same for graphs read locally. Equal states: the same triples, none missing, none extra.

`select_state(endpoint, graphs)` does the same for any SPARQL store (Virtuoso), graph by graph
with SELECT, terms normalised as `parley query` shows them; `expected_select_state(local)`.
"""

from __future__ import annotations

import hashlib
import urllib.request

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import to_canonical_graph

from parley.model.terms import INTEGER_TYPES, from_json, from_oxigraph, normalise

XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def as_stored(term):
    """Oxigraph 0.5 stores a literal of a type derived from xsd:integer as xsd:integer
    ("11"^^xsd:nonNegativeInteger comes back "11"^^xsd:integer): compare them that way."""
    if isinstance(term, ox.Literal) and term.datatype.value in INTEGER_TYPES:
        return ox.Literal(str(int(term.value)), datatype=XSD_INTEGER)
    return term


def digest(triples) -> tuple[int, str]:
    """Count and SHA-256 of the sorted N-Triples of a graph, blank nodes canonically named."""
    graph = ox.NamedNode("urn:x:g")
    dataset = ox.Dataset(
        ox.Quad(t.subject, t.predicate, as_stored(t.object), graph) for t in triples
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # stable within one version
    lines = sorted(str(ox.Triple(q.subject, q.predicate, q.object)) for q in dataset)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def store_state(base: str) -> dict[str, tuple[int, str]]:
    """Per named graph in the server: count and hash of its sorted triples (default: '')."""
    request = urllib.request.Request(f"{base}/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(request, timeout=60) as response:
        data = response.read()
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        graphs.setdefault(name, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return {name: digest(triples) for name, triples in graphs.items()}


def expected_state(local) -> dict[str, tuple[int, str]]:
    return {graph: digest(triples) for graph, triples in local.items() if triples}


def select_state(endpoint, graphs: list[str]) -> dict[str, tuple[int, str]]:
    """Per graph: triple count and a hash of its sorted, canonical N-Triples (via SELECT)."""
    out = {}
    for graph in graphs:
        _, rows = endpoint.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        triples = [tuple(normalise(from_json(r[k])) for k in "spo") for r in rows]
        out[graph] = select_digest(triples)
    return out


def expected_select_state(local) -> dict[str, tuple[int, str]]:
    return {
        graph: select_digest([tuple(normalise(from_oxigraph(term)) for term in t) for t in triples])
        for graph, triples in local.items()
    }


def select_digest(triples) -> tuple[int, str]:
    g = Graph()
    for t in triples:
        g.add(t)
    lines = sorted(to_canonical_graph(g).serialize(format="nt").strip().splitlines())
    return len(g), hashlib.sha256("\n".join(lines).encode()).hexdigest()
