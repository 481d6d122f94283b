"""`parley load`: put every named graph of `kg/` into a triplestore, replacing each graph.

Each graph is sent with the SPARQL 1.1 Graph Store Protocol (PUT replaces it, so loading twice
changes nothing), then the store's triple count of each graph is compared with the local one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .endpoint import Endpoint
from .graphs import GRAPH_PREFIX, kg_sources, read_graphs

CHUNK = 100_000  # triples per request: a larger graph is PUT in part, the rest POSTed


@dataclass(frozen=True)
class GraphCount:
    graph: str
    local: int
    remote: int | None = None  # None when not checked (dry run)

    @property
    def ok(self) -> bool:
        return self.remote == self.local


@dataclass(frozen=True)
class LoadResult:
    endpoint: str
    graph_store: str
    graphs: tuple[GraphCount, ...]
    dry_run: bool
    stale: tuple[str, ...] = ()  # Parley graphs in the store that kg/ no longer has
    pruned: bool = False
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(g.local for g in self.graphs)

    @property
    def mismatches(self) -> tuple[GraphCount, ...]:
        return tuple(g for g in self.graphs if not self.dry_run and not g.ok)


@dataclass(frozen=True)
class Plan:
    """The graphs to load, read and counted from `kg/` and the ontology."""

    graphs: dict[str, list[ox.Triple]]

    @property
    def triples(self) -> int:
        return sum(len(t) for t in self.graphs.values())


def plan(kg: Path, ontology: Path | None = None) -> Plan:
    """Read every named graph of `kg/` (plus the ontology) with its distinct triples."""
    return Plan(read_graphs(kg_sources(kg, ontology)))


def load(
    todo: Plan,
    endpoint_url: str,
    graph_store_url: str | None = None,
    dry_run: bool = False,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Load the planned graphs into the store; `progress(n)` hears of every n triples sent.

    With `dry_run`, nothing is sent anywhere: the result holds the local counts only.
    """
    started = time.perf_counter()
    graphs = todo.graphs
    if dry_run:
        counts = tuple(GraphCount(g, len(t)) for g, t in graphs.items())
        return LoadResult(endpoint_url, graph_store_url or endpoint_url, counts, dry_run=True)
    endpoint = Endpoint.connect(endpoint_url, graph_store_url)
    for graph, triples in graphs.items():
        send_graph(endpoint, graph, triples, progress)
    stale = tuple(g for g in endpoint.graph_names(GRAPH_PREFIX) if g not in graphs)
    if prune:
        for graph in stale:
            endpoint.delete_graph(graph)
    remote = endpoint.count_triples(list(graphs))
    counts = tuple(GraphCount(g, len(t), remote[g]) for g, t in graphs.items())
    return LoadResult(
        endpoint=endpoint.query_url,
        graph_store=endpoint.store_url,
        graphs=counts,
        dry_run=False,
        stale=stale,
        pruned=prune,
        seconds=time.perf_counter() - started,
    )


def send_graph(
    endpoint: Endpoint,
    graph: str,
    triples: list[ox.Triple],
    progress: Callable[[int], None] | None = None,
) -> None:
    """Replace `graph` in the store with `triples` (PUT, then POST for the rest of a big one)."""
    for start in range(0, max(len(triples), 1), CHUNK):
        chunk = triples[start : start + CHUNK]
        body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) if chunk else b""
        if start == 0:
            endpoint.put_graph(graph, body)
        else:
            endpoint.post_graph(graph, body)
        if progress is not None:
            progress(len(chunk))
