"""`parley load`: put every named graph of `kg/` into a triplestore, replacing each graph.

The files are read as they are sent (`model.layout.QuadStream`), cut into units of at most
`batch` triples (`stores.chunks`): memory stays the same whatever the size of the corpus.
Two ways to send them (`--method`):

- `oxigraph` (chosen by `auto` when the server answers as Oxigraph and the graph store URL is
  its `/store`): each unit is one N-Quads POST to `/store` (`?no_transaction`, Oxigraph's bulk
  loader, for a unit of `BULK_FROM` quads or more), after one SPARQL Update that drops (`DROP
  SILENT GRAPH`) the graphs whose first triples the unit holds;
- `gsp`, any SPARQL 1.1 Graph Store Protocol store (Virtuoso, Fuseki, GraphDB): each graph's
  first unit is PUT (which replaces the graph), the rest POSTed.

A third, `virtuoso-bulk`, writes files for Virtuoso's own bulk loader (`stores.bulkload`).
Either way a graph is cleared before its first triples go in, so loading twice changes
nothing. A load is not atomic, and stops part-way when the server keeps failing: every unit
can be sent again without changing the result (ground triples only, or a graph PUT whole), so
`Endpoint` retries each request, a re-run converges, and `--resume` skips the units that a
checkpoint (`stores.checkpoint`) says were done. Then the store's triple count of each graph
is compared with the local one.
"""

from __future__ import annotations

import itertools
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from parley.model.errors import UsageError
from parley.model.layout import GRAPH_PREFIX, QuadStream, Source, kg_sources, stamps
from parley.stores.checkpoint import Checkpoint, identity
from parley.stores.chunks import Cutter, Part, Unit, batches
from parley.stores.endpoint import Endpoint, Unavailable
from parley.stores.loadmethods import METHODS as LOAD_METHODS
from parley.stores.retry import RetryPolicy

TRIPLES_PER_REQUEST = 100_000  # triples per unit: a chunk of N-Quads, or a part of one graph
BULK_FROM = 10_000  # quads: Oxigraph's bulk loader costs ~0.1 s a request; a transaction less
METHODS = tuple(LOAD_METHODS)


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
    method: str = ""  # how the units were sent: "oxigraph" or "gsp"
    units: int = 0  # units of the load
    resumed: int = 0  # units an interrupted load had done, skipped by --resume

    @property
    def triples(self) -> int:
        return sum(g.local for g in self.graphs)

    @property
    def mismatches(self) -> tuple[GraphCount, ...]:
        return tuple(g for g in self.graphs if not self.dry_run and not g.ok)


@dataclass(frozen=True)
class LoadPlan:
    """The files to load; they are read as they are sent, never held in memory."""

    sources: list[Source]

    @property
    def size(self) -> int:
        """Bytes of the files."""
        return sum(source.path.stat().st_size for source in self.sources)


def load_plan(kg: Path, ontology: Path | None = None) -> LoadPlan:
    """The files of `kg/` (plus the ontology); `InputError` when kg/ is not built."""
    return LoadPlan(kg_sources(kg, ontology))


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
    method: str = "auto",
    resume: bool = False,
    checkpoints: Path | None = None,
) -> LoadResult:
    """Load the planned files into the store; `progress(n)` hears of every n bytes read.

    `method` is auto, oxigraph or gsp (see above); `checkpoints` the folder of checkpoint
    files (None: none is kept), from which `resume` skips what an interrupted load did.
    With `dry_run`, nothing is sent anywhere: the result holds the local counts only. When the
    server keeps failing, `Unavailable` says how far the load got and how to complete it.
    """
    started = time.perf_counter()
    if dry_run:
        cutter = Cutter(batch, one_graph=True)
        for _ in _units(cutter, todo.sources, progress):
            pass
        counts = tuple(GraphCount(g, n) for g, n in sorted(cutter.counts.items()))
        return LoadResult(endpoint_url, graph_store_url or endpoint_url, counts, dry_run=True)
    endpoint = Endpoint.connect(endpoint_url, graph_store_url, retry=retry, timeout=timeout)
    try:
        sender = Sender.choose(endpoint, method)
    except Unavailable as exc:
        raise Unavailable(f"{exc} (nothing sent; run `parley load` again later)") from None
    checkpoint = None
    if checkpoints is not None:
        ident = identity(todo.sources, sender.method, batch, endpoint, sender.update_url)
        checkpoint = Checkpoint.of(checkpoints, endpoint, ident)
    skip = checkpoint.resume() if checkpoint is not None and resume else 0
    if checkpoint is not None and not resume:
        checkpoint.advance(0, force=True)  # an older load's checkpoint no longer holds
    cutter = Cutter(batch, one_graph=sender.method == "gsp")
    units = _send_all(sender, cutter, todo.sources, skip, checkpoint, progress)
    graphs = dict(sorted(cutter.counts.items()))
    try:
        listed = endpoint.graph_names(GRAPH_PREFIX, listed=sender.method == "oxigraph")
        stale = tuple(g for g in listed if g not in graphs)
        if prune:
            for graph in stale:
                endpoint.delete_graph(graph)
        remote = endpoint.count_triples(list(graphs))
    except Unavailable as exc:
        again = "--resume" if checkpoint is not None else "again"
        raise Unavailable(f"{exc} (every graph was sent; run `parley load {again}`)") from None
    if checkpoint is not None:
        checkpoint.remove()
    return LoadResult(
        endpoint=endpoint.query_url,
        graph_store=endpoint.store_url,
        graphs=tuple(GraphCount(g, n, remote[g]) for g, n in graphs.items()),
        dry_run=False,
        stale=stale,
        pruned=prune,
        seconds=time.perf_counter() - started,
        retries=endpoint.retries,
        method=sender.method,
        units=units,
        resumed=min(skip, units),
    )


def _units(cutter: Cutter, sources: list[Source], progress=None) -> Iterator[Unit]:
    """Every unit of the load, in order; `progress` hears of the bytes read meanwhile."""
    stream = QuadStream(sources)
    told = 0
    for unit in itertools.chain(cutter.cut(stream), cutter.wholes(QuadStream(sources))):
        yield unit
        if progress is not None and stream.read > told:
            progress(stream.read - told)
            told = stream.read
    if progress is not None and stream.size > told:
        progress(stream.size - told)


def _send_all(
    sender: Sender,
    cutter: Cutter,
    sources: list[Source],
    skip: int,
    checkpoint: Checkpoint | None,
    progress: Callable[[int], None] | None,
) -> int:
    """Send every unit after the first `skip`; the number of units. The checkpoint follows
    the units done, and is written whatever stops the load."""
    before = stamps(sources)
    done = 0
    try:
        for index, unit in enumerate(_units(cutter, sources, progress)):
            if index >= skip:
                sender.send(unit)
                if checkpoint is not None:
                    checkpoint.advance(index + 1)
            done = index + 1
        if stamps(sources) != before:
            raise UsageError(
                "kg/ changed while it was being loaded (a build wrote it) — run `parley load` "
                "again: it replaces each graph"
            )
    except BaseException as exc:
        if checkpoint is not None and done > skip:  # nothing new done: the old one stands
            checkpoint.advance(done, force=True)
        if isinstance(exc, Unavailable):
            resume = "`parley load --resume` continues from there, or run " if checkpoint else ""
            raise Unavailable(
                f"{exc} ({max(done, skip)} chunks loaded; {resume}run `parley load` again: it "
                "replaces each graph, so a re-run completes the load)"
            ) from None
        raise
    if checkpoint is not None:
        checkpoint.advance(done, force=True)
    return done


@dataclass
class Sender:
    """How units reach the store: `oxigraph` (bulk N-Quads) or `gsp` (graph by graph)."""

    endpoint: Endpoint
    method: str
    update_url: str = ""  # Oxigraph's SPARQL Update URL, beside its /store

    @classmethod
    def choose(cls, endpoint: Endpoint, method: str) -> Sender:
        """`method`, or for `auto` the bulk path when the server answers as Oxigraph."""
        if method not in METHODS:
            raise UsageError(f"--method: '{method}' is not one of {', '.join(METHODS)}")
        if method == "virtuoso-bulk":
            raise UsageError("--method virtuoso-bulk needs --bulk-dir DIR and --isql HOST:PORT")
        if method == "gsp":
            return cls(endpoint, "gsp")
        update = oxigraph_update_url(endpoint.store_url)
        if method == "oxigraph":
            if update is None:
                raise UsageError(
                    f"--method oxigraph: {endpoint.store_url} is not Oxigraph's graph store "
                    "(http://HOST:PORT/store) — give that URL with --graph-store"
                )
            return cls(endpoint, "oxigraph", update)
        try:
            endpoint.ask("ASK {}")  # who answers: its Server header
        except Unavailable:
            raise
        except UsageError:  # no answer to tell who it is: graph by graph, which any store takes
            return cls(endpoint, "gsp")
        if update is not None and endpoint.software.startswith("Oxigraph/"):
            return cls(endpoint, "oxigraph", update)
        return cls(endpoint, "gsp")

    def send(self, unit: Unit) -> None:
        if self.method == "gsp" or unit.whole:
            for part in unit.parts:
                send_part(self.endpoint, part)
            return
        drop = [part.graph for part in unit.parts if part.first]
        if drop:
            self.endpoint.update(
                self.update_url, " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in drop)
            )
        quads = [quad for part in unit.parts for quad in part.quads]
        body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        self.endpoint.post_dataset(body, bulk=len(quads) >= BULK_FROM)


def oxigraph_update_url(store_url: str) -> str | None:
    """Oxigraph's update URL beside its graph store (`…/store` -> `…/update`), or None."""
    parts = urllib.parse.urlsplit(store_url)
    if not parts.path.endswith("/store") or parts.query or parts.fragment:
        return None
    return urllib.parse.urlunsplit(parts._replace(path=parts.path[: -len("store")] + "update"))


def send_part(endpoint: Endpoint, part: Part) -> None:
    """One graph's part by the Graph Store Protocol: PUT when it is the graph's first (it
    replaces the graph), else POST (ground triples only: retried like the PUT)."""
    triples = [quad.triple for quad in part.quads]
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""
    if part.first:
        endpoint.put_graph(part.graph, body)
    else:
        endpoint.post_graph(part.graph, body, idempotent=True)


def send_graph(
    endpoint: Endpoint,
    graph: str,
    triples: list[ox.Triple],
    progress: Callable[[int], None] | None = None,
    batch: int = TRIPLES_PER_REQUEST,
) -> None:
    """Replace `graph` in the store with `triples` held in memory: PUT the first batch (with
    every triple that has a blank node), POST the others (`chunks.batches`)."""
    name = ox.NamedNode(graph)
    for index, chunk in enumerate(batches(triples, batch)):
        quads = [ox.Quad(t.subject, t.predicate, t.object, name) for t in chunk]
        send_part(endpoint, Part(graph, quads, first=index == 0))
        if progress is not None:
            progress(len(chunk))
