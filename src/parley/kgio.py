"""Canonical serialization of the built graph and atomic file writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from .iris import PREFIXES


def write_atomic(path: Path, data: bytes | Iterable[bytes], fsync: bool = True) -> None:
    """Write `data` to `path` via a temporary file in the same folder, then rename.

    `data` may be an iterable of chunks (a large file streamed from parts); `fsync=False`
    skips the flush to disk, for caches that are recomputed when a file is damaged.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in (data,) if isinstance(data, bytes | bytearray) else data:
                handle.write(chunk)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


CANONICAL_PREFIXES = {
    # pid: and pg: are left out: their local names hold slashes, which Turtle must escape
    **{name: str(ns) for name, ns in PREFIXES.items() if name not in ("pid", "pg")},
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def canonical_quads(data: bytes, fmt: ox.RdfFormat) -> list[ox.Quad]:
    """Parse `data` with Oxigraph and return its quads in a total, stable order."""
    return sorted(ox.parse(data, format=fmt), key=_sort_key)


def trig_bytes(ds: Dataset) -> bytes:
    """Canonical TriG: graphs, subjects, predicates and objects in sorted order.

    rdflib orders graphs by hash, so the quads are sorted and written by Oxigraph's serializer.
    """
    nquads = ds.serialize(format="nquads", encoding="utf-8")
    quads = canonical_quads(nquads, ox.RdfFormat.N_QUADS)
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=CANONICAL_PREFIXES)


def turtle_bytes(graph: Graph) -> bytes:
    """Canonical Turtle of one graph (sorted triples, fixed prefixes)."""
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    triples = sorted(
        ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES),
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=CANONICAL_PREFIXES)


def read_dataset(path: Path) -> Dataset:
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds
