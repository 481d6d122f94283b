"""Load and query times of Parley's graph on every backend, for the seeds and a larger corpus.

The synthetic corpus replicates the seed dataset N times with renamed IRIs (every
`https://w3id.org/parley/id/…` and `…/graph/article/…` IRI gets a `copy-K/` segment; the
ontology and vocabularies are shared), so it has N times the article graphs of the same shape.

    .venv/bin/python bench/triplestores.py [--copies 50] [--out bench/results/triplestores.md]

Starts its own Oxigraph server and Virtuoso 7 on free 127.0.0.1 ports (as the tests do) and
stops them by PID. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import start_oxigraph, start_virtuoso, virtuoso_binaries  # noqa: E402

from parley import api  # noqa: E402
from parley.model.errors import UsageError  # noqa: E402
from parley.model.layout import INFERRED_NAME  # noqa: E402
from parley.query.backends import EndpointStore  # noqa: E402
from parley.stores import load  # noqa: E402

ID = "https://w3id.org/parley/id/"
ARTICLE_GRAPH = "https://w3id.org/parley/graph/article/"


def rename(term, copy: int):
    if isinstance(term, ox.NamedNode):
        for prefix in (ID, ARTICLE_GRAPH):
            if term.value.startswith(prefix):
                return ox.NamedNode(f"{prefix}copy-{copy}/{term.value[len(prefix) :]}")
    return term


def synthetic_kg(seed_kg: Path, copies: int, out: Path) -> int:
    """Write `out/parley.trig` with `copies` renamed copies of the seed graphs; quads."""
    quads = list(ox.parse(path=seed_kg / "parley.trig", format=ox.RdfFormat.TRIG))
    big = []
    for k in range(copies):
        for q in quads:
            graph = q.graph_name
            if graph.value.startswith(ARTICLE_GRAPH):  # the registry stays one graph
                graph = rename(graph, k)
            big.append(ox.Quad(rename(q.subject, k), q.predicate, rename(q.object, k), graph))
    out.mkdir(parents=True, exist_ok=True)
    (out / "parley.trig").write_bytes(ox.serialize(big, format=ox.RdfFormat.TRIG))
    if (seed_kg / INFERRED_NAME).exists():
        triples = list(ox.parse(path=seed_kg / INFERRED_NAME, format=ox.RdfFormat.TURTLE))
        renamed = [
            ox.Triple(rename(t.subject, k), t.predicate, rename(t.object, k))
            for k in range(copies)
            for t in triples
        ]
        (out / INFERRED_NAME).write_bytes(ox.serialize(renamed, format=ox.RdfFormat.TURTLE))
    return len(big)


@contextlib.contextmanager
def timed(results: list, what: str):
    start = time.perf_counter()
    yield
    results.append((what, time.perf_counter() - start))
    print(f"{what}: {results[-1][1]:.2f} s", file=sys.stderr)


def measure(kg: Path, label: str, tmp: Path) -> list[tuple[str, float]]:
    results: list[tuple[str, float]] = []
    with timed(results, f"{label}: read and count graphs"):
        todo = load.load_plan(kg)
        counted = load.load_graphs(todo, "http://127.0.0.1:9/unused", dry_run=True)
    shape = f"{len(counted.graphs)} graphs, {counted.triples} triples"
    print(f"{label}: {shape}", file=sys.stderr)
    with timed(results, f"{label}: rdflib load"):
        memory = api.open_store(kg, "memory")
    with timed(results, f"{label}: rdflib who-met-whom"):
        api.run_query("who-met-whom", kg, store=memory)
    del memory
    with timed(results, f"{label}: pyoxigraph load (in memory)"):
        embedded = api.open_store(kg, "oxigraph")
    with timed(results, f"{label}: pyoxigraph who-met-whom"):
        api.run_query("who-met-whom", kg, store=embedded)
    del embedded
    servers = [("Oxigraph server", start_oxigraph)]
    if virtuoso_binaries():
        servers.append(("Virtuoso 7", start_virtuoso))
    for name, start in servers:
        folder = Path(tempfile.mkdtemp(dir=tmp))
        with start(folder) as server:
            env = server.env()
            os.environ.update(env)
            try:
                for attempt in ("first", "second"):
                    with timed(results, f"{label}: parley load into {name} ({attempt})"):
                        result = load.load_graphs(todo, server.query_url, server.store_url)
                    assert not result.mismatches, result.mismatches
                store = EndpointStore(server.endpoint())
                try:
                    with timed(results, f"{label}: {name} who-met-whom"):
                        api.run_query("who-met-whom", kg, store=store)
                except UsageError as exc:  # recorded, not hidden: e.g. Virtuoso's cost limit
                    results.append((f"{label}: {name} who-met-whom FAILED: {exc}"[:300], 0.0))
            finally:
                for key in env:
                    os.environ.pop(key, None)
    results.insert(0, (f"{label}: {shape}", 0.0))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=50)
    parser.add_argument("--kg", type=Path, default=ROOT / "kg")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp_name:
        tmp = Path(tmp_name)
        rows = measure(args.kg, "seeds", tmp)
        synthetic_kg(args.kg, args.copies, tmp / "kg")
        rows += measure(tmp / "kg", f"synthetic x{args.copies}", tmp)
    lines = [
        f"# Triplestore load and query times ({platform.machine()}, {os.cpu_count()} cores)",
        "",
        "| what | seconds |",
        "|---|---|",
    ]
    lines += [
        f"| {what} | {secs:.2f} |" if secs else f"| **{what}** | |".replace("\n", " ")
        for what, secs in rows
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
