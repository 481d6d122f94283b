"""The named graphs Parley loads into every store: `kg/` files plus the ontology.

One list, used by the in-memory and Oxigraph stores, `parley load` and `parley serve`, so that
every engine holds exactly the same dataset:

- `kg/parley.trig`: the article graphs and the registry graph, with their own names;
- `kg/inferred.ttl` (when present) into `pg:inferred`;
- `ontology/parley.ttl` (when present) into `pg:ontology`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from parley.build.corpus import TRIG_NAME
from parley.model.errors import InputError, Problem
from parley.model.iris import PG

INFERRED_NAME = "inferred.ttl"
WIKIDATA_NAME = "wikidata.trig"
ONTOLOGY_GRAPH = str(PG["ontology"])
INFERRED_GRAPH = str(PG["inferred"])
GRAPH_PREFIX = str(PG)


@dataclass(frozen=True)
class Source:
    """One RDF file and the graph it goes into (None: a TriG file naming its own graphs)."""

    path: Path
    graph: str | None

    @property
    def format(self) -> ox.RdfFormat:
        return ox.RdfFormat.TRIG if self.graph is None else ox.RdfFormat.TURTLE


def ontology_path() -> Path:
    """The packaged ontology (a symlink to the top-level `ontology/` in a checkout)."""
    return Path(str(resources.files("parley") / "ontology" / "parley.ttl"))


def kg_sources(kg: Path, ontology: Path | None = None) -> list[Source]:
    """The files that make up the dataset of `kg/`; raise `InputError` when it is not built."""
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


def fingerprint(sources: list[Source]) -> str:
    """A hash of the files' contents and target graphs: equal fingerprints, equal datasets."""
    digest = hashlib.sha256()
    for source in sources:
        digest.update(f"{source.graph or '-'}\n".encode())
        digest.update(hashlib.sha256(source.path.read_bytes()).digest())
    return digest.hexdigest()


def read_graphs(sources: list[Source]) -> dict[str, list[ox.Triple]]:
    """Every named graph of the sources with its distinct triples, graphs sorted by IRI."""
    graphs: dict[str, set[ox.Triple]] = {}
    for source in sources:
        try:
            for quad in ox.parse(path=source.path, format=source.format):
                if source.graph is not None:
                    name = source.graph
                elif isinstance(quad.graph_name, ox.NamedNode):
                    name = quad.graph_name.value
                else:
                    raise InputError(
                        Problem(
                            str(source.path),
                            None,
                            "triples outside any named graph",
                            "every triple of parley.trig belongs to a named graph; rebuild it",
                        )
                    )
                graphs.setdefault(name, set()).add(
                    ox.Triple(quad.subject, quad.predicate, quad.object)
                )
        except SyntaxError as exc:
            raise InputError(
                Problem(str(source.path), None, f"cannot parse: {exc}", "rebuild it")
            ) from None
    return {name: sorted(graphs[name], key=str) for name in sorted(graphs)}
