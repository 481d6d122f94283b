"""The small public API shared by the CLI and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .build import TRIG_NAME
from .queries import SavedQuery, bind_params, get_query
from .results import iris_in
from .stats import GraphStats, graph_stats
from .store import MemoryStore, Table


@dataclass(frozen=True)
class QueryResult:
    query: SavedQuery
    table: Table
    labels: dict[str, str]


def open_store(kg: Path) -> MemoryStore:
    """The built graph in `kg/` (plus inferences when present), in memory."""
    paths = [kg / TRIG_NAME]
    inferred = kg / "inferred.ttl"
    if inferred.exists():
        paths.append(inferred)
    return MemoryStore.from_files(*paths)


def run_query(
    name: str,
    kg: Path,
    params: dict[str, str] | None = None,
    limit: int | None = None,
    store: MemoryStore | None = None,
) -> QueryResult:
    """Run the saved query `name` over the graph in `kg/` with typed, engine-bound params."""
    query = get_query(name)
    store = store or open_store(kg)
    bindings = bind_params(query, params or {}, store.resolve_id)
    table = store.select(query.text, bindings)
    if limit is not None:
        table = Table(columns=table.columns, rows=table.rows[:limit])
    return QueryResult(query=query, table=table, labels=store.labels(iris_in(table)))


def stats(kg: Path) -> list[GraphStats]:
    """Per-graph counts of the built graph in `kg/`."""
    return graph_stats(open_store(kg).dataset)
