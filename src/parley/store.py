"""Query backends. rdflib in memory is the reference engine; more backends come later."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDFS, Dataset, URIRef
from rdflib.query import Result

from .errors import InputError, Problem
from .iris import PID, REGISTRY_GRAPH
from .model import ENTITY_KINDS


@dataclass
class Table:
    """A query result: column names and rows of rdflib terms (None for unbound)."""

    columns: list[str]
    rows: list[list[object]]


class MemoryStore:
    """An rdflib Dataset loaded from `kg/` files."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    @classmethod
    def from_files(cls, *paths: Path) -> MemoryStore:
        ds = Dataset()
        for path in paths:
            if not path.exists():
                raise InputError(
                    Problem(
                        str(path),
                        None,
                        "graph file not found",
                        "run `parley build` first, or pass --kg DIR",
                    )
                )
            fmt = "trig" if path.suffix == ".trig" else "turtle"
            try:
                if fmt == "trig":
                    ds.parse(path, format=fmt)
                else:
                    ds.graph(URIRef(path.resolve().as_uri())).parse(path, format=fmt)
            except Exception as exc:  # rdflib raises many parser exception types
                raise InputError(
                    Problem(
                        str(path), None, f"cannot parse: {exc}", "rebuild it with `parley build`"
                    )
                ) from None
        return cls(ds)

    def select(self, text: str, bindings: dict[str, object] | None = None) -> Table:
        result: Result = self.dataset.query(text, initBindings=bindings or {})
        columns = [str(v) for v in result.vars or []]
        return Table(columns=columns, rows=[list(row) for row in result])

    def labels(self, iris: set[str]) -> dict[str, str]:
        """rdfs:label of each IRI (from any graph; the registry wins), when there is one."""
        out: dict[str, str] = {}
        registry = self.dataset.graph(REGISTRY_GRAPH)
        for iri in iris:
            node = URIRef(iri)
            label = registry.value(node, RDFS.label)
            if label is None:
                for ctx in self.dataset.graphs():
                    label = ctx.value(node, RDFS.label)
                    if label is not None:
                        break
            if label is not None:
                out[iri] = str(label)
        return out

    def resolve_id(self, ident: str) -> str | None:
        """The IRI of a registry id (`ryan-crocker` -> …/person/ryan-crocker), if known."""
        registry = self.dataset.graph(REGISTRY_GRAPH)
        for kind in ENTITY_KINDS:
            iri = PID[f"{kind}/{ident}"]
            if (iri, None, None) in registry:
                return str(iri)
        return None
