"""The triplestore commands: load, serve (docs/triplestores.md)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from parley import api
from parley.cli.common import EXIT_DATA, handle_errors, kg_option, progress_bars
from parley.cli.querying import allow_service_option
from parley.stores.loadmethods import QUADS_PER_FILE


@click.command("load")
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="SPARQL query URL of the store, used to verify the counts (Oxigraph: /query, "
    "Virtuoso: /sparql).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    default=None,
    help="Graph Store Protocol URL when it differs from --endpoint (Oxigraph: /store, "
    "Virtuoso: /sparql-graph-crud-auth).",
)
@click.option("--dry-run", is_flag=True, help="Count the graphs to load; send nothing.")
@click.option("--prune", is_flag=True, help="Also drop Parley graphs that kg/ no longer has.")
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=100_000,
    show_default=True,
    help="Triples per chunk: one N-Quads request (oxigraph), or one request of one graph "
    "(gsp: a larger graph is sent as one PUT and then POSTs).",
)
@click.option(
    "--method",
    type=click.Choice(list(api.LOAD_METHODS)),
    default="auto",
    show_default=True,
    help="; ".join(f"{name}: {text}" for name, text in api.LOAD_METHODS.items()) + ".",
)
@click.option(
    "--bulk-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="virtuoso-bulk: the folder the N-Quads files are written to; Virtuoso on this machine "
    "must read it (listed in DirsAllowed of virtuoso.ini).",
)
@click.option(
    "--isql",
    metavar="HOST:PORT",
    default=None,
    help="virtuoso-bulk: Virtuoso's SQL port (ServerPort in [Parameters], 1111 by default), "
    "reached with isql-vt.",
)
@click.option(
    "--quads-per-file",
    type=click.IntRange(1),
    default=QUADS_PER_FILE,
    show_default=True,
    help="virtuoso-bulk: quads per N-Quads file (several files load in parallel).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted load into the same store from its checkpoint (skipping "
    "the chunks it had done); without one, load everything.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    default=4,
    show_default=True,
    help="Retries of a failed request (back-off 0.5, 1, 2, 4… s; Retry-After honoured).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=300.0,
    show_default=True,
    help="Seconds each request may take in all before it is retried.",
)
@kg_option
@handle_errors
def load_command(
    endpoint: str,
    graph_store: str | None,
    dry_run: bool,
    prune: bool,
    batch_size: int,
    method: str,
    bulk_dir: Path | None,
    isql: str | None,
    quads_per_file: int,
    resume: bool,
    retries: int,
    timeout: float,
    kg: Path,
) -> None:
    """Load every named graph of kg/ (and the ontology) into a triplestore, replacing each.

    The files are read as they are sent, in chunks: memory does not grow with the corpus.
    A checkpoint under the cache folder follows the load; after an interruption, --resume
    continues it, and a plain re-run replaces every graph again.
    Credentials come from PARLEY_ENDPOINT_USER/PARLEY_ENDPOINT_PASSWORD or ~/.netrc.
    Exit 1 when a graph's triple count in the store differs from the local one; exit 2 when
    the store cannot be reached or keeps failing after the retries (run it again later).
    """
    result = api.load(
        kg,
        endpoint,
        graph_store,
        dry_run=dry_run,
        prune=prune,
        batch=batch_size,
        retries=retries,
        timeout=timeout,
        progress=progress_bars(),
        method=method,
        resume=resume,
        bulk_dir=bulk_dir,
        isql=isql,
        per_file=quads_per_file,
    )
    for g in result.graphs:
        remote = "" if result.dry_run else f" -> {g.remote} in the store"
        click.echo(f"{g.graph}: {g.local} triples{remote}")
    if result.dry_run:
        click.echo(
            f"dry run: would load {len(result.graphs)} graphs, {result.triples} triples "
            f"into {result.graph_store}"
        )
        return
    for graph in result.stale:
        action = "dropped" if result.pruned else "kept (not in kg/; --prune drops it)"
        click.echo(f"warning: {graph}: {action}", err=True)
    if result.mismatches:
        for g in result.mismatches:
            click.echo(
                f"error: {g.graph}: {g.remote} triples in the store, {g.local} in kg/ — "
                "load again; if it persists the store rewrites some literals",
                err=True,
            )
        sys.exit(EXIT_DATA)
    unit = "files" if result.method == "virtuoso-bulk" else "chunks"
    notes = [f"{result.units} {unit} by {result.method}"]
    if result.resumed:
        notes.append(f"resumed after {result.resumed}")
    elif resume:
        notes.append("no interrupted load to resume")
    if result.retries:
        notes.append(f"{result.retries} requests retried")
    click.echo(
        f"loaded {len(result.graphs)} graphs, {result.triples} triples in "
        f"{result.seconds:.1f} s ({'; '.join(notes)}); counts verified"
    )


@click.command("serve")
@kg_option
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; anything but loopback exposes the graph to the network.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=30.0,
    show_default=True,
    help="Seconds a query may run; a longer one is stopped (HTTP 504).",
)
@click.option(
    "--max-result-bytes",
    type=click.IntRange(1),
    default=10_000_000,
    show_default=True,
    help="Largest result sent back; a larger one is cut off (HTTP 507).",
)
@allow_service_option
@handle_errors
def serve_command(
    kg: Path,
    port: int,
    host: str,
    timeout: float,
    max_result_bytes: int,
    allow_service: tuple[str, ...],
) -> None:
    """Serve kg/ as a read-only SPARQL endpoint (Oxigraph) until Ctrl-C or SIGTERM.

    Updates are refused; each query has a time limit and a result-size limit; SERVICE
    (federation) is refused (HTTP 400) unless --allow-service names its host. Only requests
    whose Host header names this server, and none from another web site, are answered.
    The query UI at / offers the saved queries. The default graph is the union of all graphs.
    """
    if not api.is_loopback(host):
        click.echo(f"warning: listening on {host}: other machines can query this graph", err=True)

    def ready(server) -> None:
        click.echo(f"SPARQL endpoint: {server.url}\nquery UI: {server.ui}\n(Ctrl-C to stop)")

    with contextlib.suppress(KeyboardInterrupt):
        api.serve(kg, host, port, ready, timeout, max_result_bytes, allow_service)
    click.echo("stopped")
