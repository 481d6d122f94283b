"""The query commands of the API: open the store of kg/ (rdflib, Oxigraph, the build's own
store or a SPARQL endpoint), run saved and ad-hoc queries, describe the catalogue."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from parley.builder.caches import kg_cache
from parley.builder.store import open_built_store
from parley.model.errors import UsageError
from parley.model.kgcommit import settle
from parley.model.layout import KG_FILES, read_kg_files
from parley.query.answers import ANSWERS, Answers, answer_key, read_chunks
from parley.query.backends import DEFAULT_BACKEND, EndpointStore, MemoryStore, OxigraphStore, Table
from parley.query.catalogue import (
    SavedQuery,
    bind_params,
    catalogue,
    describe,
    get_query,
    is_select,
)
from parley.query.results import iris_in, render
from parley.stores.federation import ANYWHERE, OFF, Federation, check_services

__all__ = [
    "Answer",
    "QueryResult",
    "answer_query",
    "catalogue",
    "describe_query",
    "open_store",
    "run_query",
    "run_sparql",
]


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
        from parley.stores.endpoint import Endpoint  # lazy: the HTTP client, for start-up speed

        return EndpointStore(Endpoint.connect(endpoint, timeout=120.0))
    settle(kg, KG_FILES)  # no commit half done: the build's store is checked against kg/'s files
    if backend == "oxigraph":
        if store_dir is None:  # the store `parley build` keeps beside its cache, if current
            built = open_built_store(kg)
            if built is not None:
                store, identity = built
                return OxigraphStore(store, Answers(kg_cache(kg) / ANSWERS, identity))
        return read_kg_files(kg, lambda sources: OxigraphStore.from_sources(sources, store_dir))
    if backend == "memory":
        return read_kg_files(kg, MemoryStore.from_sources)
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
    (default: Oxigraph, the fastest to load and query). Only an online-only query, with
    `online`, may call remote services (`SERVICE`); any other is refused before it runs.
    """
    query = _offline_checked(name, online)
    store = _store_for(store, kg, backend, store_dir, endpoint)
    bindings = bind_params(query, params or {}, store.resolve_id)
    federation = ANYWHERE if query.online else OFF
    table = _limited(store.select(query.text, bindings, federation), limit)
    return QueryResult(query=query, table=table, labels=store.labels(iris_in(table)))


def _store_for(store, kg: Path, backend: str | None, store_dir: Path | None, endpoint: str | None):
    """`store` if given, else the one the options name (an endpoint URL implies `endpoint`)."""
    if store is not None:
        return store
    backend = backend or ("endpoint" if endpoint else DEFAULT_BACKEND)
    return open_store(kg, backend, store_dir=store_dir, endpoint=endpoint)


def _offline_checked(name: str, online: bool) -> SavedQuery:
    """The saved query `name`; an online-only one only when `online` allows the network."""
    query = get_query(name)
    if query.online and not online:
        raise UsageError(
            f"query '{name}' is online-only (it calls a remote SPARQL service) — "
            "pass --online to run it with network access"
        )
    return query


def _limited(table: Table, limit: int | None) -> Table:
    return table if limit is None else Table(columns=table.columns, rows=table.rows[:limit])


@dataclass(frozen=True)
class Answer:
    """A saved query's printed answer: in memory, or the file where it was remembered."""

    query: SavedQuery
    data: bytes | None
    path: Path | None

    @property
    def remembered(self) -> bool:
        """Whether the answer came from an earlier run on the same data."""
        return self.path is not None

    def chunks(self) -> Iterator[bytes]:
        """The answer's bytes, in pieces (a remembered answer is not read into memory whole)."""
        if self.path is not None:
            yield from read_chunks(self.path)
        elif self.data:
            yield self.data


def answer_query(
    name: str,
    kg: Path,
    params: dict[str, str] | None = None,
    fmt: str = "table",
    limit: int | None = None,
    backend: str | None = None,
    store_dir: Path | None = None,
    endpoint: str | None = None,
    online: bool = False,
    fresh: bool = False,
) -> Answer:
    """The saved query `name` run as `run_query` does, printed in `fmt` (see `results`).

    On an Oxigraph store whose data is known (the store `parley build` keeps, or a
    `--store-dir` store) the printed answer is remembered, and the same question on the same
    data is answered from it; `fresh` runs the query again. Online-only queries are never
    remembered: the remote side can change.
    """
    query = _offline_checked(name, online)
    store = _store_for(None, kg, backend, store_dir, endpoint)
    answers = getattr(store, "answers", None) if not query.online else None
    if answers is not None:
        bindings = bind_params(query, params or {}, store.resolve_id)
        key = answer_key(query.text, bindings, limit, fmt)
        if not fresh and (path := answers.find(key)) is not None:
            return Answer(query=query, data=None, path=path)
    result = run_query(name, kg, params, limit=limit, store=store, online=online)
    data = render(result.table, fmt, result.labels).encode("utf-8")
    if answers is not None:
        answers.remember(key, data)
    return Answer(query=query, data=data, path=None)


def run_sparql(
    text: str,
    kg: Path,
    source: str = "-",
    limit: int | None = None,
    store: MemoryStore | OxigraphStore | EndpointStore | None = None,
    backend: str | None = None,
    store_dir: Path | None = None,
    endpoint: str | None = None,
    allow_service: Iterable[str] = (),
) -> QueryResult:
    """Run an ad-hoc SPARQL SELECT query (`parley sparql FILE|-`) over the graph in `kg/`.

    Its default graph is the union of all graphs, as on `parley serve`; `FROM` picks graphs of
    the store. `SERVICE` may call only the `allow_service` hosts (HOST or HOST:PORT): none by
    default, and a query calling another is refused (`UsageError`) before it runs.
    """
    federation = Federation.of(allow_service)
    if not is_select(text, source):
        raise UsageError(f"{source}: only SELECT queries can be run — write `SELECT … WHERE {{…}}`")
    try:  # before the store is opened: a refused query costs nothing
        check_services(text, federation)
    except UsageError as exc:
        raise UsageError(f"{source}: {exc}") from None
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
    store = _store_for(store, kg, backend, store_dir, endpoint)
    table = _limited(store.select(text, {}, federation, union=True), limit)
    return QueryResult(query=query, table=table, labels=store.labels(iris_in(table)))


def describe_query(name: str) -> str:
    """The saved query `name` in full: summary, parameters, columns and text."""
    return describe(get_query(name))
