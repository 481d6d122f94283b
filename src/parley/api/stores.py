"""The triplestore commands of the API: load kg/ into a SPARQL store, serve kg/ read-only."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from parley.model.progress import Progress, silent
from parley.stores.hosts import is_loopback
from parley.stores.loadmethods import METHODS as LOAD_METHODS
from parley.stores.loadmethods import QUADS_PER_FILE

if TYPE_CHECKING:
    from parley.stores.load import LoadResult
    from parley.stores.serve import Server

__all__ = ["LOAD_METHODS", "QUADS_PER_FILE", "is_loopback", "load", "serve"]


def load(
    kg: Path,
    endpoint: str,
    graph_store: str | None = None,
    dry_run: bool = False,
    prune: bool = False,
    batch: int = 100_000,
    retries: int = 4,
    timeout: float = 300.0,
    progress: Progress = silent,
    method: str = "auto",
    resume: bool = False,
    bulk_dir: Path | None = None,
    isql: str | None = None,
    per_file: int | None = None,
) -> LoadResult:
    """Every named graph of kg/ (and the ontology) into the store at `endpoint`, replacing
    each graph, streamed from the files in chunks (Oxigraph's bulk loader, or the Graph Store
    Protocol), with the triple counts verified; `resume` continues an interrupted load from
    its checkpoint under the cache folder (see `stores.load`). `virtuoso-bulk` writes gzipped
    N-Quads files into `bulk_dir` and has Virtuoso's bulk loader read them, through isql-vt
    at `isql` (HOST:PORT), `per_file` quads a file (see `stores.bulkload`)."""
    from parley.builder.caches import cache_root
    from parley.stores import load as loading  # lazy: the HTTP client, for start-up speed
    from parley.stores.retry import RetryPolicy

    todo = loading.load_plan(kg)
    if method == "virtuoso-bulk" or bulk_dir is not None or isql is not None:
        return _bulk(
            todo, endpoint, dry_run, prune, progress, method, resume, bulk_dir, isql, per_file
        )
    with progress("loading", todo.size) as update:
        return loading.load_graphs(
            todo,
            endpoint,
            graph_store,
            dry_run=dry_run,
            prune=prune,
            progress=update,
            batch=batch,
            retry=RetryPolicy(attempts=retries + 1),
            timeout=timeout,
            method=method,
            resume=resume,
            checkpoints=cache_root() / "load",
        )


def _bulk(todo, endpoint, dry_run, prune, progress, method, resume, bulk_dir, isql, per_file):
    from parley.model.errors import UsageError
    from parley.stores import bulkload

    if method != "virtuoso-bulk":
        raise UsageError("--bulk-dir and --isql go with --method virtuoso-bulk — add it")
    if bulk_dir is None or isql is None:
        raise UsageError(
            "--method virtuoso-bulk needs --bulk-dir DIR (a folder in Virtuoso's DirsAllowed) "
            "and --isql HOST:PORT (its SQL port)"
        )
    if dry_run:
        raise UsageError(
            "--dry-run is not supported with --method virtuoso-bulk — run `parley load "
            "--dry-run` without it to count the graphs"
        )
    with progress("writing files", todo.size) as update:
        return bulkload.bulk_load(
            todo,
            endpoint,
            bulk_dir,
            isql,
            prune=prune,
            progress=update,
            per_file=per_file or bulkload.PER_FILE,
            resume=resume,
        )


def serve(
    kg: Path,
    host: str,
    port: int,
    on_ready: Callable[[Server], None] | None = None,
    timeout: float = 30.0,
    max_result_bytes: int = 10_000_000,
    allow_service: Iterable[str] = (),
) -> None:
    """Serve kg/ as a read-only SPARQL endpoint until interrupted, each query limited in time
    and result size, `SERVICE` calls only to the `allow_service` hosts, the saved queries
    offered in the query UI (see `stores.serve`)."""
    from parley.query.catalogue import catalogue
    from parley.stores.federation import Federation, refusal
    from parley.stores.guard import Limits  # lazy: the HTTP server, for start-up speed
    from parley.stores.serve import Options, serve_kg
    from parley.stores.serveui import SavedEntry

    federation = Federation.of(allow_service)
    saved = tuple(
        SavedEntry(name, query.summary, query.text)
        for name, query in catalogue().items()
        if not query.online or refusal(query.text, federation) is None
    )
    options = Options(Limits(timeout, max_result_bytes), federation, saved)
    serve_kg(kg, host, port, on_ready=on_ready, options=options)
