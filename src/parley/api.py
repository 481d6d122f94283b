"""The small public API shared by the CLI and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .graphs import kg_sources
from .queries import SavedQuery, bind_params, get_query, is_select
from .results import iris_in
from .stats import GraphStats, graph_stats
from .store import DEFAULT_BACKEND, EndpointStore, MemoryStore, OxigraphStore, Table


@dataclass(frozen=True)
class QueryResult:
    query: SavedQuery
    table: Table
    labels: dict[str, str]


def open_store(
    kg: Path,
    backend: str = "memory",
    store_dir: Path | None = None,
    endpoint: str | None = None,
):
    """The dataset of `kg/` (graphs, inferences, ontology) in the chosen backend.

    `memory` is rdflib (the reference engine), `oxigraph` is pyoxigraph (in memory, or on disk
    under `store_dir`), `endpoint` is a remote SPARQL endpoint already loaded by `parley load`.
    """
    if endpoint is not None and backend != "endpoint":
        raise UsageError("--endpoint goes with --backend endpoint (or leave --backend out)")
    if store_dir is not None and backend != "oxigraph":
        raise UsageError("--store-dir goes with --backend oxigraph")
    if backend == "endpoint":
        if endpoint is None:
            raise UsageError("--backend endpoint needs --endpoint URL")
        from .endpoint import Endpoint

        return EndpointStore(Endpoint.connect(endpoint, timeout=120.0))
    if backend == "oxigraph":
        if store_dir is None:  # the store `parley build` keeps beside its cache, if current
            from .combine import open_built_store

            built = open_built_store(kg)
            if built is not None:
                return OxigraphStore(built)
        return OxigraphStore.from_sources(kg_sources(kg), store_dir)
    if backend == "memory":
        return MemoryStore.from_sources(kg_sources(kg))
    raise UsageError(f"unknown backend '{backend}' — use memory, oxigraph or endpoint")


def run_query(
    name: str,
    kg: Path,
    params: dict[str, str] | None = None,
    limit: int | None = None,
    store: MemoryStore | OxigraphStore | EndpointStore | None = None,
    backend: str | None = None,
    store_dir: Path | None = None,
    endpoint: str | None = None,
    online: bool = False,
) -> QueryResult:
    """Run the saved query `name` over the graph in `kg/` with typed, engine-bound params.

    Without `store`, the backend is `endpoint` when an endpoint URL is given, else `backend`
    (default: Oxigraph, the fastest to load and query).
    """
    query = get_query(name)
    if query.online and not online:
        raise UsageError(
            f"query '{name}' is online-only (it calls a remote SPARQL service) — "
            "pass --online to run it with network access"
        )
    if store is None:
        backend = backend or ("endpoint" if endpoint else DEFAULT_BACKEND)
        store = open_store(kg, backend, store_dir=store_dir, endpoint=endpoint)
    bindings = bind_params(query, params or {}, store.resolve_id)
    table = store.select(query.text, bindings)
    if limit is not None:
        table = Table(columns=table.columns, rows=table.rows[:limit])
    return QueryResult(query=query, table=table, labels=store.labels(iris_in(table)))


def run_sparql(
    text: str,
    kg: Path,
    source: str = "-",
    limit: int | None = None,
    store: MemoryStore | OxigraphStore | EndpointStore | None = None,
    backend: str | None = None,
    store_dir: Path | None = None,
    endpoint: str | None = None,
) -> QueryResult:
    """Run an ad-hoc SPARQL SELECT query (`parley sparql FILE|-`) over the graph in `kg/`."""
    if not is_select(text, source):
        raise UsageError(f"{source}: only SELECT queries can be run — write `SELECT … WHERE {{…}}`")
    query = SavedQuery(
        name=source,
        summary="ad-hoc query",
        description="",
        tags=(),
        params=(),
        columns=(),
        text=text,
        path=source,
    )
    if store is None:
        backend = backend or ("endpoint" if endpoint else DEFAULT_BACKEND)
        store = open_store(kg, backend, store_dir=store_dir, endpoint=endpoint)
    table = store.select(text, {})
    if limit is not None:
        table = Table(columns=table.columns, rows=table.rows[:limit])
    return QueryResult(query=query, table=table, labels=store.labels(iris_in(table)))


def stats(kg: Path) -> list[GraphStats]:
    """Per-graph counts of the built graph in `kg/`."""
    return graph_stats(open_store(kg).dataset)
