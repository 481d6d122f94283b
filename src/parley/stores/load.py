"""`parley load`: put every named graph of `kg/` into a triplestore, replacing each graph.

Each graph is sent with the SPARQL 1.1 Graph Store Protocol (PUT replaces it, so loading twice
changes nothing), then the store's triple count of each graph is compared with the local one.

A load is not atomic: a graph larger than one batch is PUT (its first batch, with every triple
that has a blank node) and then POSTed (the rest, ground triples only), and a load stops
part-way when the server keeps failing. Running it again converges: each graph starts with a
PUT, which replaces whatever a broken run left. `Endpoint` retries each request with back-off:
the PUT, the queries and the POSTs are all idempotent (adding ground triples twice changes
nothing).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from parley.model.layout import GRAPH_PREFIX, read_graphs, read_kg_files
from parley.stores.endpoint import Endpoint, Unavailable
from parley.stores.retry import RetryPolicy

TRIPLES_PER_REQUEST = 100_000  # triples per request: a larger graph is PUT in part, the rest POSTed


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
    retries: int = 0  # requests (or whole graphs) sent again after a transient failure

    @property
    def triples(self) -> int:
        return sum(g.local for g in self.graphs)

    @property
    def mismatches(self) -> tuple[GraphCount, ...]:
        return tuple(g for g in self.graphs if not self.dry_run and not g.ok)


@dataclass(frozen=True)
class LoadPlan:
    """The graphs to load, read and counted from `kg/` and the ontology."""

    graphs: dict[str, list[ox.Triple]]

    @property
    def triples(self) -> int:
        return sum(len(t) for t in self.graphs.values())


def load_plan(kg: Path, ontology: Path | None = None) -> LoadPlan:
    """Read every named graph of `kg/` (plus the ontology) with its distinct triples."""
    return LoadPlan(read_kg_files(kg, read_graphs, ontology))


def load_graphs(
    todo: LoadPlan,
    endpoint_url: str,
    graph_store_url: str | None = None,
    dry_run: bool = False,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
    batch: int = TRIPLES_PER_REQUEST,
    retry: RetryPolicy | None = None,
    timeout: float = 300.0,
) -> LoadResult:
    """Load the planned graphs into the store; `progress(n)` hears of every n triples sent.

    With `dry_run`, nothing is sent anywhere: the result holds the local counts only. When the
    server keeps failing, `Unavailable` says how far the load got and that a re-run completes it.
    """
    started = time.perf_counter()
    graphs = todo.graphs
    if dry_run:
        counts = tuple(GraphCount(g, len(t)) for g, t in graphs.items())
        return LoadResult(endpoint_url, graph_store_url or endpoint_url, counts, dry_run=True)
    endpoint = Endpoint.connect(endpoint_url, graph_store_url, retry=retry, timeout=timeout)
    done = 0
    try:
        for graph, triples in graphs.items():
            send_graph(endpoint, graph, triples, progress, batch)
            done += 1
        stale = tuple(g for g in endpoint.graph_names(GRAPH_PREFIX) if g not in graphs)
        if prune:
            for graph in stale:
                endpoint.delete_graph(graph)
        remote = endpoint.count_triples(list(graphs))
    except Unavailable as exc:
        raise Unavailable(
            f"{exc} ({done} of {len(graphs)} graphs loaded; run `parley load` again: it "
            "replaces each graph, so a re-run completes the load)"
        ) from None
    counts = tuple(GraphCount(g, len(t), remote[g]) for g, t in graphs.items())
    return LoadResult(
        endpoint=endpoint.query_url,
        graph_store=endpoint.store_url,
        graphs=counts,
        dry_run=False,
        stale=stale,
        pruned=prune,
        seconds=time.perf_counter() - started,
        retries=endpoint.retries,
    )


def send_graph(
    endpoint: Endpoint,
    graph: str,
    triples: list[ox.Triple],
    progress: Callable[[int], None] | None = None,
    batch: int = TRIPLES_PER_REQUEST,
) -> None:
    """Replace `graph` in the store with `triples`: PUT the first batch, POST the others.

    The POSTs hold only ground triples (`batches`), so each is retried like the PUT: adding
    the same ground triples twice changes nothing.
    """
    for index, chunk in enumerate(batches(triples, batch)):
        body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) if chunk else b""
        if index == 0:
            endpoint.put_graph(graph, body)
        else:
            endpoint.post_graph(graph, body, idempotent=True)
        if progress is not None:
            progress(len(chunk))


def batches(triples: list[ox.Triple], batch: int = TRIPLES_PER_REQUEST) -> list[list[ox.Triple]]:
    """The requests for one graph: every triple with a blank node goes in the first (a blank
    node label means the same node only within one request), then the ground triples in
    batches of `batch`. The first batch may be larger than `batch`; there is always one."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    blank = [t for t in triples if _has_blank_node(t)]
    ground = [t for t in triples if not _has_blank_node(t)]
    split = max(0, batch - len(blank))
    first, rest = blank + ground[:split], ground[split:]
    return [first] + [rest[start : start + batch] for start in range(0, len(rest), batch)]


def _has_blank_node(triple: ox.Triple) -> bool:
    return any(
        isinstance(term, ox.BlankNode) or (isinstance(term, ox.Triple) and _has_blank_node(term))
        for term in (triple.subject, triple.object)
    )
