"""The layout of `kg/` and of the packaged ontology: file names, the named graphs Parley
loads into every store (`kg/` files plus the ontology), and reading them.

One list, used by the in-memory and Oxigraph stores, `parley load` and `parley serve`, so that
every engine holds exactly the same dataset:

- `kg/parley.trig`: the article graphs and the registry graph, with their own names;
- `kg/inferred.ttl` (when present) into `pg:inferred`;
- `ontology/parley.ttl` (when present) into `pg:ontology`.

A build changes kg/'s files as one (`kgcommit`): the readers here first complete or wait for
a commit in progress (`settle`), and `read_kg_files` reads again if files changed meanwhile.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib import Dataset, Graph

from parley.model.errors import InputError, Problem, UsageError
from parley.model.iris import PG
from parley.model.kgcommit import COMMIT_NAME, settle

TRIG_NAME = "parley.trig"
INFERRED_NAME = "inferred.ttl"
WIKIDATA_NAME = "wikidata.trig"
KG_FILES = (TRIG_NAME, INFERRED_NAME)  # what a build writes into kg/, as one change
READ_TRIES = 5
R = TypeVar("R")
ONTOLOGY_GRAPH = str(PG["ontology"])
INFERRED_GRAPH = str(PG["inferred"])
WIKIDATA_GRAPH = str(PG["wikidata"])  # `parley enrich` writes it into kg/wikidata.trig
GRAPH_PREFIX = str(PG)


@dataclass(frozen=True)
class Source:
    """One RDF file and the graph it goes into (None: a TriG file naming its own graphs)."""

    path: Path
    graph: str | None

    @property
    def format(self) -> ox.RdfFormat:
        return ox.RdfFormat.TRIG if self.graph is None else ox.RdfFormat.TURTLE


def package_root() -> Path:
    """The folder of the installed `parley` package (its resources reached by symlink)."""
    return Path(str(resources.files("parley")))


def ontology_dir() -> Path:
    """The packaged `ontology/` folder (a symlink to the top-level folder in a checkout)."""
    return package_root() / "ontology"


def ontology_path() -> Path:
    """The packaged ontology, `ontology/parley.ttl`."""
    return ontology_dir() / "parley.ttl"


def shapes_path() -> Path:
    """The packaged SHACL shapes, `ontology/shapes.ttl`."""
    return ontology_dir() / "shapes.ttl"


def _parse_turtle(path: Path) -> Graph:
    graph = Graph()
    if not path.exists():
        raise UsageError(f"{path}: file not found — reinstall parley or restore it from git")
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser exception types
        raise UsageError(f"{path}: cannot parse Turtle: {exc}") from None
    return graph


def load_ontology() -> Graph:
    """The packaged ontology as an rdflib Graph."""
    return _parse_turtle(ontology_path())


def load_shapes(path: Path | None = None) -> Graph:
    """The SHACL shapes (the packaged ones unless `path` names others) as an rdflib Graph."""
    return _parse_turtle(path or shapes_path())


def read_kg(kg: Path) -> Dataset:
    """kg/parley.trig as an rdflib Dataset; `InputError` when missing or unreadable."""
    path = kg / TRIG_NAME

    def parse(_) -> Dataset:
        ds = Dataset()
        try:
            ds.parse(path, format="trig")
        except Exception as exc:  # rdflib raises many parser exception types
            raise InputError(
                Problem(str(path), None, f"cannot parse TriG: {exc}", "rebuild with `parley build`")
            ) from None
        return ds

    return read_kg_files(kg, parse)


def union_graph(ds: Dataset, *extra: Graph) -> Graph:
    """One rdflib Graph with the triples of every graph of `ds` and of `extra`."""
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    for graph in extra:
        for triple in graph:
            union.add(triple)
    return union


def kg_sources(kg: Path, ontology: Path | None = None) -> list[Source]:
    """The files that make up the dataset of `kg/`; raise `InputError` when it is not built."""
    settle(kg, KG_FILES)
    trig = kg / TRIG_NAME
    if not trig.exists():
        raise InputError(
            Problem(str(trig), None, "graph file not found", "run `parley build` or pass --kg DIR")
        )
    sources = [Source(trig, None)]
    if (kg / INFERRED_NAME).exists():
        sources.append(Source(kg / INFERRED_NAME, INFERRED_GRAPH))
    if (kg / WIKIDATA_NAME).exists():  # `parley enrich`: names its own graph, pg:wikidata
        sources.append(Source(kg / WIKIDATA_NAME, None))
    onto = ontology or ontology_path()
    if onto.exists():
        sources.append(Source(onto, ONTOLOGY_GRAPH))
    return sources


def read_kg_files(kg: Path, read: Callable[[list[Source]], R], ontology: Path | None = None) -> R:
    """`read(kg_sources(kg))`, done again if a build replaced kg/'s files while it read them
    (so what it read is one build's files); `UsageError` if they keep changing."""
    for _ in range(READ_TRIES):
        sources = kg_sources(kg, ontology)
        before = stamps(sources)
        result = read(sources)
        if not (kg / COMMIT_NAME).exists() and stamps(sources) == before:
            return result
    raise UsageError(f"{kg}/: its files kept changing while being read — wait for the build")


def stamps(sources: list[Source]) -> list[tuple[int, int, int] | None]:
    """Which file each source is (inode, size, mtime): a rename puts another file there."""
    stamps = []
    for source in sources:
        try:
            st = os.stat(source.path)
            stamps.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return stamps


def fingerprint(sources: list[Source]) -> str:
    """A hash of the files' contents and target graphs: equal fingerprints, equal datasets."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(f"{source.graph or '-'}\n".encode())
        digest.update(hashlib.sha256(source.path.read_bytes()).digest())
    return digest.hexdigest()


def read_graphs(sources: list[Source]) -> dict[str, list[ox.Triple]]:
    """Every named graph of the sources with its distinct triples, graphs sorted by IRI.

    Holds the whole dataset in memory: for tests and small graphs; `parley load` streams
    `QuadStream` instead."""
    graphs: dict[str, set[ox.Triple]] = {}
    for quad in QuadStream(sources):
        graphs.setdefault(quad.graph_name.value, set()).add(quad.triple)
    return {name: sorted(graphs[name], key=str) for name in sorted(graphs)}


class QuadStream:
    """The quads of the sources, parsed one at a time as the files are read (never the whole
    dataset in memory), each in its named graph. `read` says how many bytes of the files have
    been read so far, of `size`. A file that does not parse, or a triple of `parley.trig`
    outside any named graph, raises `InputError` when the stream reaches it."""

    def __init__(self, sources: list[Source]):
        self.sources = sources
        self._sizes = [source.path.stat().st_size for source in sources]
        self.size = sum(self._sizes)
        self._done = 0  # bytes of the files read to their end
        self._handle = None

    @property
    def read(self) -> int:
        handle = self._handle
        return self._done + (handle.tell() if handle is not None and not handle.closed else 0)

    def __iter__(self) -> Iterator[ox.Quad]:
        for source, size in zip(self.sources, self._sizes, strict=True):
            with source.path.open("rb") as handle:
                self._handle = handle
                yield from _quads_of(source, handle)
                self._handle = None
            self._done += size


def _quads_of(source: Source, handle) -> Iterator[ox.Quad]:
    target = None if source.graph is None else ox.NamedNode(source.graph)
    try:
        for quad in ox.parse(handle, format=source.format):
            if target is not None:
                yield ox.Quad(quad.subject, quad.predicate, quad.object, target)
            elif isinstance(quad.graph_name, ox.NamedNode):
                yield quad
            else:
                raise InputError(
                    Problem(
                        str(source.path),
                        None,
                        "triples outside any named graph",
                        "every triple of parley.trig belongs to a named graph; rebuild it",
                    )
                )
    except SyntaxError as exc:
        raise InputError(
            Problem(str(source.path), None, f"cannot parse: {exc}", "rebuild it")
        ) from None
