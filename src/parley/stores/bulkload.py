"""`parley load --method virtuoso-bulk`: kg/ through Virtuoso's own bulk loader.

1. The quads of kg/ are cut as `--method oxigraph` cuts them (`load._units`, `stores.chunks`),
   streamed into gzipped N-Quads files of about `per_file` quads each in `--bulk-dir`
   (`parley-00001.nq.gz`, …; a graph with blank nodes gets a file of its own, which Virtuoso
   parses in one go), then `parley-bulk.json` records what they hold: the kg/ files they came
   from (inode, size, mtime) and the triples of each graph.
2. Through `isql-vt` (`stores.isql`): the graphs about to be loaded are cleared (replace
   semantics), then `ld_dir` registers the files in `DB.DBA.load_list`; one session does both,
   so a registered file means cleared graphs.
3. `rdf_loader_run()` in one isql session per core, at once; then `checkpoint`.
4. `--prune` clears the Parley graphs of the store that kg/ no longer has; the triple count of
   each graph in Virtuoso's quad table (one GROUP BY in SQL: per-graph SPARQL counts take
   minutes at 10,000 graphs) is compared with the one written, and for the first
   `SPARQL_SAMPLE` graphs the count over SPARQL (`--endpoint`) too.

`--resume` after a kill: when `parley-bulk.json` still describes kg/, the files are not written
again; when `load_list` already lists them, the graphs are not cleared again and the files
that Virtuoso marked done (`ll_state` 2) are not loaded again. A file in progress when the load
stopped (`ll_state` 1) is loaded again (its graphs cleared first when it has blank nodes).
Virtuoso must read the files itself: same machine, `--bulk-dir` listed in `DirsAllowed`.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from parley.model.errors import UsageError
from parley.model.kgio import write_atomic
from parley.model.layout import GRAPH_PREFIX, stamps
from parley.stores.chunks import Cutter, Unit
from parley.stores.endpoint import Endpoint, Unavailable
from parley.stores.isql import ROW, Isql, quote, run_parallel
from parley.stores.load import GraphCount, LoadPlan, LoadResult, _units
from parley.stores.loadmethods import QUADS_PER_FILE as PER_FILE

MANIFEST = "parley-bulk.json"
PATTERN = "parley-*.nq.gz"
VERSION = 1
CLEAR_BATCH = 500  # DELETE statements per isql session
SPARQL_SAMPLE = 200  # graphs counted over SPARQL too (all are counted in SQL)


@dataclass
class BulkFile:
    name: str
    quads: int = 0
    blank_graphs: tuple[str, ...] = ()  # graphs with blank nodes: cleared before a reload


def bulk_load(
    todo: LoadPlan,
    endpoint_url: str,
    bulk_dir: Path,
    isql_address: str,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
    per_file: int = PER_FILE,
    resume: bool = False,
    loaders: int | None = None,
) -> LoadResult:
    """Load the planned files through Virtuoso's bulk loader (see above): `loaders` sessions
    of `rdf_loader_run()` (None: one per core; 0: none, the files only written and registered,
    which tests use to stop a load part-way)."""
    started = time.perf_counter()
    isql = Isql.of(isql_address)
    endpoint = Endpoint.connect(endpoint_url)
    isql.run("SELECT 1;")  # reachable, and the password right, before anything is written
    folder = _writable(bulk_dir)  # (so a mistyped --bulk-dir is not made when nothing loads)
    ident = _identity(todo, folder, per_file)
    manifest = _read_manifest(folder) if resume else None
    rewritten = manifest is None or manifest.get("identity") != ident
    if rewritten:
        manifest = _write_files(todo, folder, per_file, ident, progress)
    elif progress is not None:
        progress(todo.size)
    files = [BulkFile(f["name"], f["quads"], tuple(f["blank_graphs"])) for f in manifest["files"]]
    graphs: dict[str, int] = manifest["counts"]
    names = {str(folder / f.name) for f in files}
    states = {} if rewritten else _states(isql, folder)
    if rewritten or set(states) != names:
        _clear_and_register(isql, folder, list(graphs))
        registered = _states(isql, folder)
        if set(registered) != names:
            missing = sorted(names - set(registered)) or sorted(registered)
            raise UsageError(
                f"{Path(missing[0]).name}: Virtuoso's ld_dir did not register it as written in "
                f"{folder} — Virtuoso must run on this machine and see the same folder"
            )
        states = {}
    done = sum(1 for state, _ in states.values() if state == "2")
    _reset_unfinished(isql, folder, files, states)
    _run_loaders(isql, os.cpu_count() or 1 if loaders is None else loaders)
    states = _states(isql, folder)
    errors = [f"{Path(f).name}: {err}" for f, (_, err) in sorted(states.items()) if err]
    if errors:
        raise UsageError(f"Virtuoso's loader failed on {errors[0]} (and {len(errors) - 1} more)")
    unfinished = sorted(Path(f).name for f, (state, _) in states.items() if state != "2")
    if unfinished:
        raise Unavailable(
            f"{len(unfinished)} of {len(files)} files not loaded yet ({unfinished[0]}…) — "
            "run `parley load --method virtuoso-bulk --resume` to continue"
        )
    try:
        stored = _stored_counts(isql)
        stale = tuple(g for g in sorted(stored) if g not in graphs)
        if prune and stale:
            _clear(isql, list(stale))
        remote = {g: stored.get(g, 0) for g in graphs}
        sample = sorted(graphs)[:SPARQL_SAMPLE]  # what SPARQL sees is what SQL counted
        for graph, count in endpoint.count_triples(sample).items():
            if count != remote[graph]:
                remote[graph] = count
    except Unavailable as exc:
        raise Unavailable(f"{exc} (every file was loaded; run `parley load --resume`)") from None
    return LoadResult(
        endpoint=endpoint.query_url,
        graph_store=f"isql {isql.address} (bulk loader, {folder})",
        graphs=tuple(GraphCount(g, n, remote[g]) for g, n in sorted(graphs.items())),
        dry_run=False,
        stale=stale,
        pruned=prune,
        seconds=time.perf_counter() - started,
        method="virtuoso-bulk",
        units=len(files),
        resumed=done,
    )


def _writable(folder: Path) -> Path:
    """`folder`, made if missing and checked writable: `UsageError` otherwise."""
    folder = folder.resolve()
    probe = folder / ".parley-probe"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise UsageError(
            f"--bulk-dir {folder}: cannot write there ({exc.strerror or exc}) — give a folder "
            "this user can write and Virtuoso can read (listed in its DirsAllowed)"
        ) from None
    return folder


def _identity(todo: LoadPlan, folder: Path, per_file: int) -> dict:
    files = [
        [str(source.path.resolve()), source.graph, *(stamp or ())]
        for source, stamp in zip(todo.sources, stamps(todo.sources), strict=True)
    ]
    return {"version": VERSION, "folder": str(folder), "per_file": per_file, "files": files}


def _read_manifest(folder: Path) -> dict | None:
    with contextlib.suppress(OSError, ValueError):
        saved = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if isinstance(saved, dict) and all(
            (folder / f["name"]).exists() for f in saved.get("files", [])
        ):
            return saved
    return None


def _write_files(todo: LoadPlan, folder: Path, per_file: int, ident: dict, progress) -> dict:
    """Stream the units of kg/ into gzipped N-Quads files; the manifest of what they hold."""
    (folder / MANIFEST).unlink(missing_ok=True)
    for old in folder.glob(PATTERN):
        old.unlink()
    cutter = Cutter(min(per_file, 100_000), one_graph=False)
    writer = _Writer(folder, per_file)
    before = stamps(todo.sources)
    try:
        for unit in _units(cutter, todo.sources, progress):
            writer.add(unit)
    finally:
        writer.close()
    if stamps(todo.sources) != before:
        raise UsageError(
            "kg/ changed while it was being written out (a build wrote it) — run `parley load` "
            "again"
        )
    files = [
        {"name": f.name, "quads": f.quads, "blank_graphs": list(f.blank_graphs)}
        for f in writer.files
    ]
    manifest = {"identity": ident, "files": files, "counts": dict(sorted(cutter.counts.items()))}
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
    return manifest


class _Writer:
    """Units into files of about `per_file` quads; a unit with blank nodes in a file of its
    own (its blank node labels name the same nodes only within one file)."""

    def __init__(self, folder: Path, per_file: int):
        self.folder, self.per_file = folder, per_file
        self.files: list[BulkFile] = []
        self._handle = None
        self._whole: str | None = None  # the blank-node graph of the open file

    def add(self, unit: Unit) -> None:
        graph = unit.parts[0].graph if unit.whole else None
        current = self.files[-1] if self._handle is not None else None
        if (
            current is None
            or graph != self._whole
            or (graph is None and current.quads >= self.per_file)
        ):
            self._open(graph)
        quads = [quad for part in unit.parts for quad in part.quads]
        ox.serialize(quads, self._handle, format=ox.RdfFormat.N_QUADS)
        self.files[-1].quads += len(quads)

    def _open(self, graph: str | None) -> None:
        self.close()
        name = f"parley-{len(self.files) + 1:05d}.nq.gz"
        self.files.append(BulkFile(name, 0, (graph,) if graph else ()))
        self._handle = gzip.open(self.folder / name, "wb", compresslevel=1)  # noqa: SIM115
        self._whole = graph

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _states(isql: Isql, folder: Path) -> dict[str, tuple[str, str]]:
    """`load_list`'s state (0 to do, 1 loading, 2 done) and error of each file in `folder`."""
    rows = isql.rows(
        f"SELECT concat('{ROW}', ll_file, '|', cast(ll_state AS VARCHAR), '|', "
        "coalesce(cast(ll_error AS VARCHAR), '')) FROM DB.DBA.load_list "
        f"WHERE ll_file LIKE {quote(str(folder) + '/parley-%')};"
    )
    return {row[0]: (row[1], "|".join(row[2:]).strip()) for row in rows if len(row) >= 3}


def _stored_counts(isql: Isql) -> dict[str, int]:
    """The quads (distinct: its primary key) of each Parley graph in Virtuoso's quad table."""
    rows = isql.rows(
        f"SELECT concat('{ROW}', id_to_iri(G), '|', cast(COUNT(*) AS VARCHAR)) "
        "FROM DB.DBA.RDF_QUAD GROUP BY G;"
    )
    return {
        row[0]: int(row[1])
        for row in rows
        if len(row) == 2 and row[0].startswith(GRAPH_PREFIX) and row[1].isdigit()
    }


def _clear_statements(graphs: list[str]) -> list[str]:
    return [f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({quote(g)}, 0);" for g in graphs]


def _clear(isql: Isql, graphs: list[str], then: str = "") -> None:
    """Clear `graphs` (their quads deleted, unlogged), `CLEAR_BATCH` statements a session;
    `then` runs in the last session."""
    statements = _clear_statements(graphs)
    batches = [statements[i : i + CLEAR_BATCH] for i in range(0, len(statements), CLEAR_BATCH)]
    for index, batch in enumerate(batches or [[]]):
        tail = then if index == len(batches or [[]]) - 1 else ""
        isql.run("\n".join(["log_enable(3,1);", *batch, tail]))


def _clear_and_register(isql: Isql, folder: Path, graphs: list[str]) -> None:
    """Clear the graphs to load, then register the files: registered files mean cleared
    graphs. An error of `ld_dir` (the folder not in DirsAllowed) comes back as Virtuoso says."""
    where = f"ll_file LIKE {quote(str(folder) + '/parley-%')}"
    try:  # file_dirlist: refused, as ld_dir would be, when DirsAllowed does not list the folder
        _clear(
            isql,
            [],
            then=f"file_dirlist({quote(str(folder))}, 1);\n"
            f"DELETE FROM DB.DBA.load_list WHERE {where};",
        )
    except UsageError as exc:
        raise UsageError(
            f"{exc} — add {folder} to DirsAllowed in [Parameters] of virtuoso.ini and "
            "restart Virtuoso, or give a --bulk-dir that it lists"
        ) from None
    register = f"ld_dir({quote(str(folder))}, {quote(PATTERN)}, {quote(GRAPH_PREFIX)});"
    _clear(isql, graphs, then=register)


def _reset_unfinished(isql: Isql, folder: Path, files: list[BulkFile], states: dict) -> None:
    """Files a stopped load left in progress: loaded again, their blank-node graphs cleared."""
    unfinished = [f for f in files if states.get(str(folder / f.name), ("0", ""))[0] == "1"]
    if not unfinished:
        return
    names = ", ".join(quote(str(folder / f.name)) for f in unfinished)
    blank = sorted({g for f in unfinished for g in f.blank_graphs})
    statements = [
        *_clear_statements(blank),
        f"UPDATE DB.DBA.load_list SET ll_state = 0, ll_error = NULL WHERE ll_file IN ({names});",
    ]
    isql.run("\n".join(["log_enable(3,1);", *statements]))


def _run_loaders(isql: Isql, loaders: int) -> None:
    """`rdf_loader_run()` in `loaders` sessions at once, then a checkpoint."""
    if loaders > 0:
        run_parallel(isql, ["rdf_loader_run();"] * loaders)
        isql.run("checkpoint;")
