"""Validation across articles, fed one unit at a time (`BoundaryFeed`): the shapes of shared
resources (from every article's triples about them) and the SPARQL checks that compare graphs
(on the boundary store), with the registry's graph-local checks.

Nothing here holds what every article contributes at once:

- triples about shared resources whose object is not one of the stating article's own nodes
  are gathered once each (they grow with the registry, not with the articles);
- an article's triples from a shared resource to one of its own nodes (a meeting's
  participations), with what the shapes read of those nodes (`Unit.shared_values`) and which
  articles state something about each shared resource, are spooled to disk in partitions by
  subject, and the shapes run partition by partition (`PART_UNITS` articles' worth each), on
  the shared triples plus that partition: a focus node's own triples and its values' are all
  in its partition;
- the boundary store of the checks across graphs is written as N-Quads to scratch files of
  at most `BOUNDARY_CHUNK` quads (Oxigraph's bulk loader holds what it loads at once, up to
  1,000,000 quads a thread) and bulk-loaded into an Oxigraph store, on disk when large
  (`MEMORY_QUADS`).
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from parley.builder.crossreason import interned
from parley.builder.spool import RecordSpool
from parley.builder.tools import tools
from parley.builder.unitterms import PID_BASE, REGISTRY, Locality
from parley.builder.unitwork import LabelView
from parley.model.diskstore import open_disk_store
from parley.model.terms import from_oxigraph, nt
from parley.validate import compiled_data, compiled_eval
from parley.validate.checks import check_focus, check_solutions, check_violation
from parley.validate.engine import compiled_violation

PART_UNITS = 5_000  # article units per partition of the shapes across articles
MEMORY_QUADS = 200_000  # a boundary store of more quads is kept on disk, not in memory
BOUNDARY_CHUNK = 250_000  # quads of the boundary bulk-loaded at once
ARTICLE = f"<{PID_BASE}article/"


@dataclass
class SharedValidation:
    """The validation of what articles share, cached by `cross_key`."""

    violations: tuple  # of the shared part: shapes, the registry's local checks, checks across
    triples: int  # distinct triples of the ontology and the shared part


def part_of(node: str, parts: int) -> int:
    """The partition of a node, from its N-Triples form (an IRI's text for rdflib nodes)."""
    if parts == 1:
        return 0
    text = node[1:-1] if node.startswith("<") else node
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) % parts


class BoundaryFeed:
    """What validation across articles reads of every unit, fed in graph order; `result`
    runs the shapes and checks and returns the `SharedValidation`."""

    def __init__(self, plan, folder: Path | None):
        self.plan = plan
        context = plan.context
        self.parts = max(1, -(-(len(plan.units) - 1) // PART_UNITS))
        self.spools = [RecordSpool() for _ in range(self.parts)]
        self.shared: set = {interned(x) for x in context.registry_strings}
        # the boundary as N-Quads files in `folder` (None: there are no checks across graphs)
        self.boundary = BoundaryQuads(folder) if folder is not None else None
        if self.boundary is not None:
            self.boundary.write(context.registry_strings, REGISTRY)

    def feed(self, unit) -> None:
        local = Locality(unit.name)
        values: dict[str, list] = defaultdict(list)
        for x in unit.shared_values:
            values[x[0]].append(x)
        spooled: dict[int, tuple[list, list, set]] = {}
        for x in unit.shared:
            part = spooled.get(k := part_of(x[0], self.parts))
            if part is None:
                part = spooled[k] = ([], [], set())
            part[2].add(x[0])
            if local[x[2]]:
                part[0].append(x)
                part[1].extend(values.get(x[2], ()))
            elif x not in self.shared:
                self.shared.add(interned(x))
        for k, (own, vals, subjects) in spooled.items():
            self.spools[k].add((unit.name, own, vals, subjects))
        if self.boundary is not None:
            self.boundary.write(sorted(unit.shared | unit.refs), unit.graph)

    def result(self) -> SharedValidation:
        try:
            return self._result()
        finally:
            for spool in self.spools:
                spool.close()

    def _result(self) -> SharedValidation:
        t = tools()
        rows = self._rows()  # (group, row, check name, check, values) of every check row
        ontology = {(nt(s), nt(p), nt(o)) for s, p, o in t.ontology}
        triples = len(ontology | self.shared)
        convert = Terms(self.plan.context)
        base = compiled_data.Data([*t.ontology, *convert.triples(self._global())])
        by_part: dict[int, list] = defaultdict(list)
        for row in rows:
            focus = check_focus(row[4])
            by_part[part_of(nt(focus), self.parts) if focus is not None else 0].append(row)
        shape_violations, row_violations = [], []
        for k in range(self.parts):
            own, vals, where = self._partition(k)
            triples += len(set(own) - self.shared - ontology)
            data = compiled_data.Data(convert.triples([*own, *vals], keep=False), base=base)
            labels = LabelView(data)
            shape_violations.extend(self._shapes(k, data, labels, where))
            for group, i, name, query, values in by_part.get(k, ()):
                wheres = where if group else Where({}, frozenset())
                violation = check_violation(name, query, values, labels, wheres)
                row_violations.append((group, i, violation))
        row_violations.sort(key=lambda item: item[:2])
        violations = [*shape_violations, *(v for _, _, v in row_violations)]
        return SharedValidation(violations=tuple(violations), triples=triples)

    def _rows(self) -> list:
        """The rows of the registry's graph-local checks (group 0) and of the checks across
        graphs (group 1, run on the boundary store), labelled later, partition by partition."""
        t = tools()
        registry_store = ox.Store()
        registry_store.extend(self.plan.context.registry_quads)
        rows = []
        for i, (name, query, values) in enumerate(
            check_solutions(registry_store.query, t.local_checks)
        ):
            graph = values.get("graph")
            if isinstance(graph, ox.NamedNode) and graph.value == REGISTRY:
                rows.append((0, i, name, query, values))
        del registry_store
        if self.boundary is None:
            return rows
        store = boundary_store(self.boundary.close(), self.boundary.quads)
        try:
            solutions = list(check_solutions(store.query, t.global_checks))
        finally:
            del store
        rows.extend(
            (1, i, name, query, values) for i, (name, query, values) in enumerate(solutions)
        )
        return rows

    def _global(self):
        """The triples every partition sees: the shared ones and, should a shared triple
        point to an article's node (of another article), what the shapes read of that node."""
        extra = {x[2] for x in self.shared if x[2].startswith(ARTICLE)}
        if not extra:
            return self.shared
        found = set(self.shared)
        for spool in self.spools:
            for _, _, vals, _ in spool:
                found.update(x for x in vals if x[0] in extra)
        return found

    def _partition(self, k: int) -> tuple[list, list, Where]:
        """Partition `k`: triples to articles' own nodes, what the shapes read of those nodes,
        and which graphs state something about each of its subjects."""
        own, vals, where = [], [], defaultdict(set)
        for name, o, v, subjects in self.spools[k]:
            own.extend(o)
            vals.extend(v)
            for s in subjects:
                where[s].add(name)
        return own, vals, Where(where, self.plan.context.registry_subjects)

    def _shapes(self, k: int, data, labels, where: Where) -> list:
        """The shapes' violations of the focus nodes of partition `k` (shared resources)."""
        t = tools()

        def focus(n) -> bool:
            return not str(n).startswith(ARTICLE[1:]) and part_of(nt(n), self.parts) == k

        return [
            compiled_violation(r, labels, where.of(nt(r.focus)))
            for r in compiled_eval.evaluate_shapes(t.shapes, data, focus)
        ]


class BoundaryQuads:
    """The boundary store's quads, written as N-Quads files of at most `BOUNDARY_CHUNK` quads
    (cut between articles) in a scratch folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.paths: list[Path] = []
        self.handle = None
        self.quads = 0
        self.in_file = 0

    def write(self, triples, graph: str) -> None:
        if self.handle is None or self.in_file >= BOUNDARY_CHUNK:
            self.close()
            self.paths.append(self.folder / f"boundary-{len(self.paths)}.nq")
            self.handle = self.paths[-1].open("wb")
            self.in_file = 0
        g = f" <{graph}> .\n"
        self.handle.write("".join(f"{s} {p} {o}{g}" for s, p, o in triples).encode("utf-8"))
        self.quads += len(triples)
        self.in_file += len(triples)

    def close(self) -> list[Path]:
        """The files, complete."""
        if self.handle is not None:
            self.handle.close()
            self.handle = None
        return self.paths


def boundary_store(paths: list[Path], quads: int) -> ox.Store:
    """What checks across graphs look at: the registry graph and, in each article's graph,
    the triples about shared resources and one triple per shared IRI it refers to
    (`Unit.refs`), bulk-loaded from the N-Quads files at `paths` (on disk when large). A
    check across graphs may ask what is said about shared resources and whether an article refers
    to a registry resource (or an IRI outside Parley's namespace), not how: its results are
    cached by `Unit.boundary_digest`, which holds no more. Tests compare it with the whole
    dataset."""
    store = ox.Store() if quads <= MEMORY_QUADS else open_disk_store(str(paths[0]) + ".store")
    for path in paths:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS, lenient=True)
    return store


class Where:
    """Which graphs state something about a node (as subject): the articles of a partition's
    spooled records, and the registry for the registry's subjects. `get` answers
    `check_violation`, `of` the shapes."""

    def __init__(self, where: dict, registry: frozenset):
        self.where = where
        self.registry = registry

    def of(self, node: str) -> tuple[str, ...]:
        """Sorted graph names for a node in N-Triples form."""
        names = set(self.where.get(node, ()))
        if node in self.registry:
            names.add("registry")
        return tuple(sorted(names))

    def get(self, node, default=()):
        if not isinstance(node, URIRef):
            return default
        return self.of(f"<{node}>") or default


class Terms:
    """N-Triples strings to rdflib terms, each distinct term made once (those of the shared
    triples kept for every partition, a partition's own dropped after it)."""

    def __init__(self, context):
        self.context = context
        self.kept: dict = {}

    def triples(self, strings, keep: bool = True) -> list:
        memo = self.kept if keep else {}
        kept = self.kept
        term = self.context.term

        def convert(text):
            found = kept.get(text) or memo.get(text)
            if found is None:
                found = memo[text] = from_oxigraph(term(text))
            return found

        return [(convert(s), convert(p), convert(o)) for s, p, o in strings]
