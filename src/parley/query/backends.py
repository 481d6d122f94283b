"""Query backends: rdflib in memory (the reference), Oxigraph embedded, any SPARQL endpoint.

All three hold the same dataset (see `graphs.kg_sources`), return `Table`s of normalised rdflib
terms, bind parameters in the engine (initBindings for rdflib, a VALUES block otherwise), and
pick labels with the same rule, so a saved query prints the same output on each of them.

They read the dataset the same way too. The default graph is empty, or with `union` the union
of every graph (what `parley sparql` and `parley serve` give; a triple in several graphs then
matches once per graph on Oxigraph, once on rdflib). `FROM` and `FROM NAMED` pick graphs of
the store and never fetch anything (rdflib would otherwise load them from the web or the
disk). A `SERVICE` call runs only when the `Federation` allows its host
(`stores.federation`), checked before any engine sees the query.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import RDFS, SKOS, Dataset, URIRef
from rdflib.query import Result

from parley.model.diskstore import open_disk_store
from parley.model.errors import InputError, Problem, UsageError
from parley.model.iris import PID, REGISTRY_GRAPH
from parley.model.kgio import write_atomic
from parley.model.layout import GRAPH_PREFIX, Source, fingerprint
from parley.model.records import ENTITY_KINDS
from parley.model.terms import (
    IRI_FORBIDDEN,
    from_json,
    normalise,
    normalised_from_oxigraph,
    with_values,
)
from parley.query.answers import ANSWERS, Answers, forget
from parley.query.ordering import sort_rows, split_order_by
from parley.stores.federation import OFF, Federation, check_services
from parley.stores.sparqltext import names_dataset

if TYPE_CHECKING:
    from parley.stores.endpoint import Endpoint

BACKENDS = ("memory", "oxigraph", "endpoint")
DEFAULT_BACKEND = "oxigraph"
# A graph that never exists: the default graph of remote queries, which is then empty, as it
# is in the local stores (Virtuoso's own default graph is the union of every graph it holds).
NO_DEFAULT_GRAPH = "urn:x-parley:no-default-graph"
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class Table:
    """A query result: column names and rows of rdflib terms (None for unbound)."""

    columns: list[str]
    rows: list[list[object]]


# what names a resource for people: rdfs:label, and skos:prefLabel (the ontology's concepts:
# roles, statement kinds, offices, levels, date bases)
LABEL_PROPERTIES = (RDFS.label, SKOS.prefLabel)


def pick_labels(found: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """One label per IRI from (iri, graph, label) triples (rdfs:label or skos:prefLabel): the
    registry's first, then the label of the graph with the smallest IRI, the smallest label on
    ties: deterministic."""
    best: dict[str, tuple[tuple[bool, str, str], str]] = {}
    registry = str(REGISTRY_GRAPH)
    for iri, graph, label in found:
        key = (graph != registry, graph, label)
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, label)
    return {iri: label for iri, (_, label) in best.items()}


# the pattern that finds them, in any graph: an alternative path, which engines look up per
# subject when VALUES binds it (a UNION of two patterns is evaluated whole, then joined)
LABELLED = "GRAPH ?g { ?s " + "|".join(f"<{p}>" for p in LABEL_PROPERTIES) + " ?l }"
# from how many IRIs one scan of every label beats looking each one up (Oxigraph: about
# 0.1 ms an IRI looked up; a scan reads every label, one per statement and article too)
SCAN_LABELS_FROM = 20000


def registry_candidates(ident: str) -> list[str]:
    """The IRIs a bare registry id may stand for, in ENTITY_KINDS order."""
    if IRI_FORBIDDEN.search(ident) or not ident:
        return []
    return [str(PID[f"{kind}/{ident}"]) for kind in ENTITY_KINDS]


class Store:
    """What every backend does to a query before its engine sees it."""

    def select(
        self,
        text: str,
        bindings: dict[str, object] | None = None,
        federation: Federation = OFF,
        union: bool = False,
    ) -> Table:
        """The rows of the SELECT query `text`, `bindings` bound in the engine, `SERVICE`
        only as `federation` allows (`UsageError` else), over the union of all graphs when
        `union` (else an empty default graph)."""
        check_services(text, federation)
        return self._select(text, bindings or {}, union)

    def _select(self, text: str, bindings: dict[str, object], union: bool) -> Table:
        raise NotImplementedError


class MemoryStore(Store):
    """An rdflib Dataset loaded from `kg/` files: the reference engine."""

    name = "memory"

    def __init__(self, dataset: Dataset):
        self.dataset = dataset

    @classmethod
    def from_sources(cls, sources: list[Source]) -> MemoryStore:
        ds = Dataset()
        for source in sources:
            try:
                if source.graph is None:
                    ds.parse(source.path, format="trig")
                else:
                    ds.graph(URIRef(source.graph)).parse(source.path, format="turtle")
            except Exception as exc:  # rdflib raises many parser exception types
                raise InputError(
                    Problem(str(source.path), None, f"cannot parse: {exc}", "rebuild it")
                ) from None
        return cls(ds)

    @classmethod
    def from_files(cls, *paths: Path) -> MemoryStore:
        """TriG files keep their graphs; a Turtle file goes into the graph of its file URI."""
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
        return cls.from_sources(
            [
                Source(path, None if path.suffix == ".trig" else path.resolve().as_uri())
                for path in paths
            ]
        )

    def _select(self, text: str, bindings: dict[str, object], union: bool) -> Table:
        with _reading(self.dataset, union):
            result: Result = self.dataset.query(text, initBindings=bindings)
            columns = [str(v) for v in result.vars or []]
            rows = [[normalise(v) for v in row] for row in result]
        return Table(columns=columns, rows=rows)

    def labels(self, iris: set[str]) -> dict[str, str]:
        """The label of each IRI (`LABEL_PROPERTIES`, from any graph; the registry wins), when
        there is one."""
        found = []
        for iri in iris:
            for prop in LABEL_PROPERTIES:
                for _, _, label, ctx in self.dataset.quads((URIRef(iri), prop, None, None)):
                    graph = ctx.identifier if hasattr(ctx, "identifier") else ctx
                    found.append((iri, str(graph), str(label)))
        return pick_labels(found)

    def resolve_id(self, ident: str) -> str | None:
        """The IRI of a registry id (`ryan-crocker` -> …/person/ryan-crocker), if known."""
        registry = self.dataset.graph(REGISTRY_GRAPH)
        for iri in registry_candidates(ident):
            if (URIRef(iri), None, None) in registry:
                return iri
        return None


@contextlib.contextmanager
def _reading(dataset: Dataset, union: bool) -> Iterator[None]:
    """rdflib reading only the dataset (`FROM <url>` fetches nothing), its default graph the
    union of all graphs when `union`, for the block."""
    import rdflib.plugins.sparql as engine  # slow to import: only when rdflib queries

    loading, engine.SPARQL_LOAD_GRAPHS = engine.SPARQL_LOAD_GRAPHS, False
    merged, dataset.default_union = dataset.default_union, union
    try:
        yield
    finally:
        engine.SPARQL_LOAD_GRAPHS, dataset.default_union = loading, merged


class SparqlLookups(Store):
    """Labels and registry ids through SPARQL, for the stores that are not rdflib."""

    def _run(self, text: str, union: bool = False) -> Table:
        raise NotImplementedError

    def _select(self, text: str, bindings: dict[str, object], union: bool) -> Table:
        return self._run(with_values(text, bindings), union)

    def labels(self, iris: set[str]) -> dict[str, str]:
        found = []
        ordered = sorted(i for i in iris if ABSOLUTE_IRI.match(i) and not IRI_FORBIDDEN.search(i))
        for start in range(0, len(ordered), 200):
            values = " ".join(f"<{iri}>" for iri in ordered[start : start + 200])
            table = self._run(f"SELECT ?s ?g ?l WHERE {{ VALUES ?s {{ {values} }} {LABELLED} }}")
            found += [(str(s), str(g), str(label)) for s, g, label in table.rows]
        return pick_labels(found)

    def resolve_id(self, ident: str) -> str | None:
        candidates = registry_candidates(ident)
        if not candidates:
            return None
        values = " ".join(f"<{iri}>" for iri in candidates)
        table = self._run(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {values} }} "
            f"GRAPH <{REGISTRY_GRAPH}> {{ ?s ?p ?o }} }}"
        )
        known = {str(row[0]) for row in table.rows}
        return next((iri for iri in candidates if iri in known), None)


class OxigraphStore(SparqlLookups):
    """pyoxigraph, in memory or on disk; the on-disk store reloads when `kg/` changed."""

    name = "oxigraph"
    MARKER = "parley-sources.sha256"

    def __init__(self, store: ox.Store, answers: Answers | None = None):
        self.store = store
        self.answers = answers  # where answers on this store's data are remembered, if known

    @classmethod
    def from_sources(cls, sources: list[Source], store_dir: Path | None = None) -> OxigraphStore:
        if store_dir is None:
            store = ox.Store()
            _bulk_load(store, sources)
            return cls(store)
        marker = store_dir / cls.MARKER
        try:
            store_dir.mkdir(parents=True, exist_ok=True)
            store = open_disk_store(str(store_dir / "oxigraph"))
        except OSError as exc:
            raise UsageError(
                f"{store_dir}: cannot open the Oxigraph store ({exc}) — is another process "
                "using it? Pass another --store-dir"
            ) from None
        wanted = fingerprint(sources)
        current = marker.read_text(encoding="utf-8").strip() if marker.exists() else None
        if current != wanted:
            marker.unlink(missing_ok=True)
            forget(store_dir / ANSWERS)
            store.clear()
            _bulk_load(store, sources)
            store.flush()
            write_atomic(marker, wanted.encode("ascii") + b"\n")
        return cls(store, Answers(store_dir / ANSWERS, wanted))

    def _select(self, text: str, bindings: dict[str, object], union: bool) -> Table:
        """As `SparqlLookups._select`, with a simple final ORDER BY done here: Oxigraph's own
        sort is slow on big results (`parley.query.ordering`)."""
        query = with_values(text, bindings)
        split = split_order_by(query)
        if split is None:
            return self._run(query, union)
        body, keys, extra = split
        table = self._run(body, union)
        rows = sort_rows(table.columns, table.rows, keys)
        if rows is None:
            return self._run(query, union)
        keep = [i for i, name in enumerate(table.columns) if name not in extra]
        if len(keep) < len(table.columns):  # drop the variables projected only for the sort
            rows = [[row[i] for i in keep] for row in rows]
        return Table(columns=[table.columns[i] for i in keep], rows=rows)

    def _run(self, text: str, union: bool = False) -> Table:
        try:
            # Oxigraph's union would override the query's FROM: only for queries without one
            union = union and not names_dataset(text)
            solutions = self.store.query(text, use_default_graph_as_union=union)
        except SyntaxError as exc:
            raise UsageError(f"SPARQL syntax error: {exc}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise UsageError("only SELECT queries can be run as saved queries")
        names = [v.value for v in solutions.variables]
        cache: dict[object, object] = {None: None}  # each distinct term converted once

        def term(value: object) -> object:
            try:
                return cache[value]
            except KeyError:
                converted = cache[value] = normalised_from_oxigraph(value)
                return converted

        rows = [[term(value) for value in solution] for solution in solutions]
        return Table(columns=names, rows=rows)

    def labels(self, iris: set[str]) -> dict[str, str]:
        """As `SparqlLookups.labels`; for many IRIs, one scan of every label, keeping those of
        the IRIs asked for before any term is converted (statements and articles have labels
        too: the scan is long, the answer short)."""
        if len(iris) < SCAN_LABELS_FROM:
            return super().labels(iris)
        wanted = {i for i in iris if ABSOLUTE_IRI.match(i) and not IRI_FORBIDDEN.search(i)}
        solutions = self.store.query(f"SELECT ?s ?g ?l WHERE {{ {LABELLED} }}")
        found = []
        for subject, graph, label in solutions:
            if isinstance(subject, ox.NamedNode) and subject.value in wanted:
                found.append((subject.value, graph.value, label.value))
        return pick_labels(found)


def _bulk_load(store: ox.Store, sources: list[Source]) -> None:
    for source in sources:
        try:
            store.bulk_load(
                path=str(source.path),
                format=source.format,
                to_graph=ox.NamedNode(source.graph) if source.graph else None,
            )
        except (SyntaxError, ValueError) as exc:
            raise InputError(
                Problem(str(source.path), None, f"cannot parse: {exc}", "rebuild it")
            ) from None


class EndpointStore(SparqlLookups):
    """A remote SPARQL 1.1 endpoint holding Parley's graphs (`parley load`).

    When the store holds anything but Parley's named graphs (Virtuoso's default graph is the
    union of every graph, system graphs included), each query names its dataset: an empty
    default graph and Parley's graphs. Otherwise queries go as they are, which is faster.
    (Virtuoso given only an empty default graph drops explicit `GRAPH <iri>` matches, so the
    named graphs are always listed.)
    """

    name = "endpoint"

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self._dataset: tuple[list[str], list[str]] | None = None
        self._graphs: list[str] = []

    @property
    def graphs(self) -> list[str]:
        """Parley's named graphs in the store."""
        _ = self.dataset  # looks them up once
        return self._graphs

    @property
    def dataset(self) -> tuple[list[str], list[str]]:
        """(default-graph-uri, named-graph-uri) to send with each query."""
        if self._dataset is None:
            every = self.endpoint.graph_names("")
            self._graphs = [g for g in every if g.startswith(GRAPH_PREFIX)]
            if not self._graphs:
                raise UsageError(
                    f"{self.endpoint.query_url}: no Parley graphs there — load them with "
                    f"`parley load --endpoint {self.endpoint.query_url}`"
                )
            clean = len(every) == len(self._graphs) and not self.endpoint.ask("ASK { ?s ?p ?o }")
            self._dataset = ([], []) if clean else ([NO_DEFAULT_GRAPH], self._graphs)
        return self._dataset

    def _run(self, text: str, union: bool = False) -> Table:
        if names_dataset(text):  # the query's FROM decides: a protocol dataset would override it
            default, named = [], []
        else:
            default, named = (self.graphs, self.graphs) if union else self.dataset
        columns, bindings = self.endpoint.select(text, default, named)
        try:
            rows = [[normalise(from_json(b.get(name))) for name in columns] for b in bindings]
        except (ValueError, TypeError, AttributeError):  # a hostile or broken endpoint
            raise UsageError(
                f"{self.endpoint.query_url}: the answer holds a result term that is not a SPARQL "
                "1.1 JSON term (uri, bnode or literal) — check that the URL is a SPARQL endpoint"
            ) from None
        return Table(columns=columns, rows=rows)
