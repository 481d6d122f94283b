"""Canonical serialization of the built graph and atomic file writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, SKOS, Dataset, Graph

from parley.model.iris import PREFIXES


def write_atomic(path: Path, data: bytes | Iterable[bytes], fsync: bool = True) -> None:
    """Write `data` to `path` via a temporary file in the same folder, then rename.

    `data` may be an iterable of chunks (a large file streamed from parts), bytes or
    `unitindex.FileSlice`s of other files (copied in the kernel, adjacent ones in one go);
    `fsync=False` skips the flush to disk, for caches that are recomputed when damaged.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            pending = None  # a run of adjacent file slices, copied when the run ends
            for chunk in (data,) if isinstance(data, bytes | bytearray) else data:
                if isinstance(chunk, bytes | bytearray):
                    if pending is not None:
                        _copy_slice(handle, *pending)
                        pending = None
                    handle.write(chunk)
                elif pending is not None and (chunk.fd, chunk.offset) == (
                    pending[0],
                    pending[1] + pending[2],
                ):
                    pending = (pending[0], pending[1], pending[2] + chunk.length)
                else:
                    if pending is not None:
                        _copy_slice(handle, *pending)
                    pending = (chunk.fd, chunk.offset, chunk.length)
            if pending is not None:
                _copy_slice(handle, *pending)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _copy_slice(handle, source: int, offset: int, length: int) -> None:
    """Append `length` bytes of file descriptor `source` from `offset` to `handle`."""
    handle.flush()
    position = handle.tell()
    end = position + length
    while position < end:
        try:
            copied = os.copy_file_range(source, handle.fileno(), end - position, offset, position)
        except (AttributeError, OSError):  # no such call here, or not between these files
            copied = os.pwrite(
                handle.fileno(), os.pread(source, min(end - position, 1 << 24), offset), position
            )
        if copied <= 0:
            raise OSError(f"could not copy into {handle.name}")
        position += copied
        offset += copied
    handle.seek(end)


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


def new_dataset() -> Dataset:
    """An rdflib Dataset with Parley's prefixes (and skos, owl) bound."""
    ds = Dataset()
    for prefix, namespace in PREFIXES.items():
        ds.bind(prefix, namespace, replace=True)
    ds.bind("skos", SKOS)
    ds.bind("owl", OWL)
    return ds
