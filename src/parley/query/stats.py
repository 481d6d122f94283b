"""Counts that describe a built graph: per graph, per class, and evidence coverage.

A fact counts as evidenced when it points to a text span (`parley:evidence`) or, in the
registry, names its outside source (`parley:sourceNote`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Dataset

from parley.model.iris import PARLEY

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


@dataclass(frozen=True)
class GraphStats:
    graph: str
    quads: int
    classes: dict[str, int]
    facts: int
    facts_with_evidence: int


def graph_stats(ds: Dataset) -> list[GraphStats]:
    """One `GraphStats` per named graph, sorted by graph name."""
    out = []
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if len(graph) == 0:
            continue
        classes = {
            cls.split("#")[-1]: len(set(graph.subjects(RDF.type, cls))) for cls in COUNTED_CLASSES
        }
        facts = {s for cls in FACT_CLASSES for s in graph.subjects(RDF.type, cls)}
        with_evidence = {
            s
            for s in facts
            if (s, PARLEY.evidence, None) in graph or (s, PARLEY.sourceNote, None) in graph
        }
        out.append(
            GraphStats(
                graph=str(graph.identifier),
                quads=len(graph),
                classes={k: v for k, v in classes.items() if v},
                facts=len(facts),
                facts_with_evidence=len(with_evidence),
            )
        )
    return out
