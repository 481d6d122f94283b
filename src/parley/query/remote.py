"""Parley's graphs read from a SPARQL endpoint into an rdflib Dataset: what `validate`,
`explain`, `export` and `report` read with `--endpoint`.

Each named graph is fetched with its own `SELECT ?s ?p ?o WHERE { GRAPH <g> { … } }`, after
the triples of all of them were counted: above `MAX_REMOTE_TRIPLES` the command refuses
before fetching anything. An rdflib Dataset takes about 1.8 KB a triple, and validation
holds the union graph of the shapes beside it, about 3 KB a triple in all (measured with
tracemalloc on the seeds): the limit keeps such a command under 1 GB, 1.5 GB for validate.
A graph larger than `PAGE_ROWS` is read in pages (`ORDER BY ?s ?p ?o LIMIT … OFFSET …`):
Virtuoso cuts longer results short (`ResultSetMaxRows`). Every graph must come back whole,
else the command says so.

Oxigraph and Virtuoso keep a number typed with a type derived from `xsd:integer` (the
`xsd:nonNegativeInteger` of evidence offsets) as a plain `xsd:integer`: such a literal gets
back the type the shapes (`sh:datatype`) demand of its property, so that the Dataset holds
the very terms of kg/'s files. (So a kg/ whose offsets were wrongly typed `xsd:integer` would
pass that shape on an endpoint: the store no longer tells the two apart.)
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import XSD, Dataset, Literal, Namespace, URIRef

from parley.model.errors import UsageError
from parley.model.iris import PID, REGISTRY_GRAPH
from parley.model.layout import (
    GRAPH_PREFIX,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    WIKIDATA_GRAPH,
    load_shapes,
)
from parley.model.terms import INTEGER_TYPES, IRI_FORBIDDEN, from_json
from parley.query.backends import NO_DEFAULT_GRAPH, EndpointStore, registry_candidates

MAX_REMOTE_TRIPLES = 500_000
PAGE_ROWS = 10_000  # rows a query may return: Virtuoso's packaged ResultSetMaxRows
EXTRA_GRAPHS = frozenset({INFERRED_GRAPH, ONTOLOGY_GRAPH, WIKIDATA_GRAPH})
SH = Namespace("http://www.w3.org/ns/shacl#")


def built_graph(graph: str) -> bool:
    """Whether `graph` is one of kg/parley.trig's (an article's or the registry), not the
    inferences, the ontology or Wikidata's."""
    return graph.startswith(GRAPH_PREFIX) and graph not in EXTRA_GRAPHS


def graphs_about(store: EndpointStore, thing: str) -> list[str]:
    """The graphs `parley explain THING` reads: the registry, the ontology (the words of
    statement kinds), and every graph in which an IRI
    that THING (a registry id, `pid:` name, IRI, or the subject of SUBJECT/PROPERTY) may stand
    for occurs as subject or object."""
    iris = sorted({iri for iri in thing_iris(thing) if not IRI_FORBIDDEN.search(iri)})
    found = set(graphs_with(store, iris)) | {str(REGISTRY_GRAPH), ONTOLOGY_GRAPH}
    return [g for g in store.graphs if g in found]


def thing_iris(thing: str) -> list[str]:
    """The IRIs `analyst.explain` may resolve `thing` to."""
    iris = [thing] if thing.startswith("http") else []
    if thing.startswith("pid:"):
        iris.append(str(PID) + thing[4:])
    elif not thing.startswith("http"):
        iris += [str(PID) + thing, *registry_candidates(thing)]
    if "/" in thing:  # SUBJECT/PROPERTY: the claims about SUBJECT
        iris += thing_iris(thing.rpartition("/")[0])
    return iris


def graphs_with(store: EndpointStore, iris: list[str]) -> list[str]:
    """Parley's graphs of the store in which any of `iris` is a subject or an object."""
    if not iris:
        return []
    values = " ".join(f"<{iri}>" for iri in iris)
    default, named = _one_graph_dataset(store, store.graphs)
    _, rows = store.endpoint.select(
        f"SELECT DISTINCT ?g WHERE {{ VALUES ?x {{ {values} }} "
        "{ GRAPH ?g { ?x ?p ?o } } UNION { GRAPH ?g { ?s ?p ?x } } }",
        default,
        named,
    )
    found = {row["g"]["value"] for row in rows if row.get("g", {}).get("type") == "uri"}
    return sorted(g for g in store.graphs if g in found)


def read_dataset(
    store: EndpointStore,
    keep: Callable[[str], bool] = lambda graph: True,
    limit: int = MAX_REMOTE_TRIPLES,
    graphs: list[str] | None = None,
    page: int = PAGE_ROWS,
) -> Dataset:
    """The Parley graphs of the store that `keep` accepts (or `graphs`), as an rdflib Dataset
    holding the same triples as the files of kg/ they were loaded from, each graph fetched in
    pages of at most `page` rows. `UsageError` above `limit` triples, or when a graph does not
    come back whole."""
    chosen = [g for g in (store.graphs if graphs is None else graphs) if keep(g)]
    counts = store.endpoint.count_triples(chosen)
    total = sum(counts.values())
    if total > limit:
        raise UsageError(
            f"{store.endpoint.query_url}: the graphs to read hold {total:,} triples, over the "
            f"{limit:,} a command reads into memory from an endpoint — run it on a local kg/ "
            "(`--kg DIR`), or query the endpoint with `parley query`/`parley sparql`"
        )
    ds = Dataset()
    typed = integer_types()
    for graph in chosen:
        target = ds.graph(URIRef(graph))
        pattern = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        if counts[graph] <= page:
            _add_rows(store, target, pattern, typed)
        else:  # a total order, so that the pages neither overlap nor miss a triple
            for offset in range(0, counts[graph], page):
                paged = f"{pattern} ORDER BY ?s ?p ?o LIMIT {page} OFFSET {offset}"
                _add_rows(store, target, paged, typed)
        if len(target) != counts[graph]:
            raise UsageError(
                f"{store.endpoint.query_url}: graph <{graph}> came back with {len(target):,} of "
                f"its {counts[graph]:,} triples — the server cuts results short (Virtuoso: "
                "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)"
            )
    return ds


def _add_rows(store: EndpointStore, target, query: str, typed: dict[object, URIRef]) -> None:
    """The rows of `query` (?s ?p ?o, on the one graph it names) added to `target`."""
    default, named = _one_graph_dataset(store, [str(target.identifier)])
    _, rows = store.endpoint.select(query, default, named)
    try:
        for row in rows:
            p = from_json(row["p"])
            target.add((from_json(row["s"]), p, _retyped(from_json(row["o"]), typed.get(p))))
    except (KeyError, ValueError, TypeError, AttributeError):
        raise UsageError(
            f"{store.endpoint.query_url}: the answer holds rows that are not SPARQL 1.1 "
            "JSON terms — check that the URL is a SPARQL endpoint"
        ) from None


def integer_types() -> dict[object, URIRef]:
    """Property -> the integer type (derived from xsd:integer) its values must have:
    `sh:datatype` of a shape on that path. (Not the ontology's `rdfs:range`: claim values are
    written as plain `xsd:integer`.)"""
    found: dict[object, URIRef] = {}
    shapes = load_shapes()
    for shape, _, datatype in shapes.triples((None, SH.datatype, None)):
        path = shapes.value(shape, SH.path)
        if isinstance(path, URIRef) and str(datatype) in INTEGER_TYPES:
            found[path] = datatype
    return found


def _retyped(term, declared: URIRef | None):
    """`term`, with its declared integer type if a store folded it into another one."""
    if declared is None or not isinstance(term, Literal) or term.datatype == declared:
        return term
    if term.datatype != XSD.integer and str(term.datatype) not in INTEGER_TYPES:
        return term
    return Literal(str(term), datatype=declared)


def _one_graph_dataset(store: EndpointStore, graphs: list[str]) -> tuple[list[str], list[str]]:
    """The protocol dataset of a query that reads only `graphs` (none on a clean store)."""
    default, _ = store.dataset
    return ([NO_DEFAULT_GRAPH], list(graphs)) if default else ([], [])
