"""Counts that describe a built graph: per graph, per class, and evidence coverage.

A fact counts as evidenced when it points to a text span (`parley:evidence`) or, in the
registry, names its outside source (`parley:sourceNote`).
"""

from __future__ import annotations

from dataclasses import dataclass

from parley.model.iris import PARLEY
from parley.model.layout import GRAPH_PREFIX
from parley.query.backends import Store

FACT_CLASSES = (PARLEY.Participation, PARLEY.Statement, PARLEY.PostHolding, PARLEY.Assertion)
COUNTED_CLASSES = (
    PARLEY.NewsArticle,
    PARLEY.Person,
    PARLEY.State,
    PARLEY.Organisation,
    PARLEY.Place,
    PARLEY.Meeting,
    PARLEY.Participation,
    PARLEY.Statement,
    PARLEY.PostHolding,
    PARLEY.Assertion,
    PARLEY.Mention,
)


_FACTS = " ".join(f"<{c}>" for c in FACT_CLASSES)
QUADS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
CLASSES = (
    "SELECT ?g ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { VALUES ?c { "
    + " ".join(f"<{c}>" for c in COUNTED_CLASSES)
    + " } GRAPH ?g { ?s a ?c } } GROUP BY ?g ?c"
)
FACTS = (
    f"SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {_FACTS} }} "
    "GRAPH ?g { ?s a ?c } } GROUP BY ?g"
)
EVIDENCED = (
    f"SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {_FACTS} }} "
    f"GRAPH ?g {{ ?s a ?c {{ ?s <{PARLEY.evidence}> ?e }} "
    f"UNION {{ ?s <{PARLEY.sourceNote}> ?e }} }} }} GROUP BY ?g"
)


@dataclass(frozen=True)
class GraphStats:
    graph: str
    quads: int
    classes: dict[str, int]
    facts: int
    facts_with_evidence: int


def graph_stats(store: Store) -> list[GraphStats]:
    """One `GraphStats` per non-empty Parley graph of `store` (any backend: rdflib, Oxigraph,
    a SPARQL endpoint), sorted by graph name: counted by the engine in four grouped queries,
    never by reading the graph into Python."""
    quads = _per_graph(store, QUADS)
    classes: dict[str, dict[str, int]] = {}
    for row in store.select(CLASSES).rows:
        graph, cls, count = str(row[0]), str(row[1]), int(row[2].toPython())
        classes.setdefault(graph, {})[cls.split("#")[-1]] = count
    facts, evidenced = _per_graph(store, FACTS), _per_graph(store, EVIDENCED)
    return [
        GraphStats(
            graph=graph,
            quads=count,
            classes=dict(sorted(classes.get(graph, {}).items())),
            facts=facts.get(graph, 0),
            facts_with_evidence=evidenced.get(graph, 0),
        )
        for graph, count in sorted(quads.items())
        if count
    ]


def _per_graph(store: Store, text: str) -> dict[str, int]:
    """graph IRI -> the count of a `SELECT ?g ?n … GROUP BY ?g` query, Parley's graphs only
    (a server's own graphs, Virtuoso's system graphs among them, are left out)."""
    rows = store.select(text).rows
    return {str(g): int(n.toPython()) for g, n in rows if str(g).startswith(GRAPH_PREFIX)}
