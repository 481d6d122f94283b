"""OWL 2 RL reasoning with owlrl: what the ontology adds to the built graph (kg/inferred.ttl).

The closure runs over the ontology plus the union of all graphs; only new, meaningful triples
about Parley resources are kept, so that the file loads into any store (Oxigraph included).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef

from parley.model.iris import PARLEY, PID
from parley.model.kgio import turtle_bytes, write_atomic
from parley.validate.shapes import compact, load_ontology, ontology_dir, read_kg, union_graph

INFERRED_NAME = "inferred.ttl"
OWLRL_ERROR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # owlrl's error messages
SELF_PAIRS = (OWL.sameAs, PARLEY.met, PARLEY.metState)  # x p x carries no information
EMPTY_TYPES = (OWL.Thing, RDFS.Resource, OWL.NamedIndividual)
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
NON_LOGICAL = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo}
_CACHE: dict[str, Graph] = {}  # closure by content hash: build, check and tests reuse it
_CACHE_SIZE = 4


@dataclass(frozen=True)
class Inference:
    """The inferred triples, their canonical Turtle and how many per predicate and class."""

    graph: Graph
    data: bytes
    counts: dict[str, int]  # compact predicate -> triples, sorted by predicate
    types: dict[str, int]  # compact class -> inferred rdf:type triples
    inconsistencies: tuple[
        str, ...
    ] = ()  # owlrl's messages when the graph contradicts the ontology


@dataclass(frozen=True)
class ReasonResult:
    inference: Inference
    path: Path
    changed: bool  # False when the file already held exactly these triples


def reason(kg: Path) -> ReasonResult:
    """Re-derive kg/inferred.ttl from kg/parley.trig (written atomically, only when changed).

    When kg/ still holds exactly what `parley build` wrote, the build's own reasoning (kept in
    .cache/parley/) is the answer and nothing is parsed again.
    """
    from parley.build.combine import built_results

    results = built_results(kg)
    if results is not None and results.get("reasoned") is not None:
        done = results["reasoned"]
        path = kg / INFERRED_NAME
        data = path.read_bytes()
        inference = Inference(
            graph=LazyGraph(data, done.triples),
            data=data,
            counts=done.counts,
            types=done.types,
            inconsistencies=done.inconsistencies,
        )
        return ReasonResult(inference=inference, path=path, changed=False)
    inference = infer(read_kg(kg))
    path = kg / INFERRED_NAME
    try:
        changed = path.read_bytes() != inference.data
    except OSError:
        changed = True
    if changed:
        write_atomic(path, inference.data)
    return ReasonResult(inference=inference, path=path, changed=changed)


def infer(ds: Dataset, ontology: Graph | None = None) -> Inference:
    """The OWL 2 RL consequences of `ds` + ontology that are new facts about Parley resources."""
    key = None
    if ontology is None:  # the packaged ontology: closures are cached by content hash
        ontology = load_ontology()
        key = hashlib.sha256(ontology_dir().joinpath("parley.ttl").read_bytes())
    asserted = union_graph(ds, ontology)
    data = reasoning_input(union_graph(ds), ontology)
    if key is None:
        closure = _closure(data, ontology)
    else:
        key.update(b"\0".join(sorted(data.serialize(format="nt", encoding="utf-8").splitlines())))
        closure = _CACHE.get(key.hexdigest())
        if closure is None:
            closure = _closure(data, ontology)
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key.hexdigest()] = closure
    new = Graph()
    for triple in closure:
        if triple not in asserted and keep(triple):
            new.add(triple)
    counts = Counter(compact(p) for _, p, _ in new)
    types = Counter(compact(o) for _, p, o in new if p == RDF.type)
    errors = sorted(str(m) for m in closure.objects(None, OWLRL_ERROR.error))
    return Inference(
        graph=new,
        data=turtle_bytes(new),
        counts=dict(sorted(counts.items())),
        types=dict(sorted(types.items())),
        inconsistencies=tuple(errors),
    )


class LazyGraph:
    """The inferred triples as an rdflib Graph, parsed from Turtle only when first used."""

    def __init__(self, data: bytes, size: int):
        self._data, self._size, self._graph = data, size, None

    def _parsed(self) -> Graph:
        if self._graph is None:
            self._graph = Graph()
            self._graph.parse(data=self._data, format="turtle")
        return self._graph

    def __len__(self) -> int:
        return self._size

    def __iter__(self):
        return iter(self._parsed())

    def __contains__(self, triple) -> bool:
        return triple in self._parsed()

    def __getattr__(self, name: str):
        return getattr(self._parsed(), name)


def keep(triple: tuple) -> bool:
    """A triple worth writing: about a Parley resource, loadable, not trivially true."""
    s, p, o = triple
    if not isinstance(s, URIRef) or not str(s).startswith(str(PID)):
        return False  # literal subjects, blank nodes, ontology and Wikidata terms
    if isinstance(o, BNode) or (p in SELF_PAIRS and s == o):
        return False  # anonymous restriction classes; reflexive sameAs, met, metState
    return not (p == RDF.type and o in EMPTY_TYPES)


def _closure(data: Graph, ontology: Graph) -> Graph:
    """owlrl's OWL 2 RL closure of ontology + `data` (a fresh graph; the inputs are kept).

    The compiled reasoner (`parley.rules`) gives the same closure of the data when the
    ontology stays within what it compiles; owlrl runs otherwise.
    """
    fast = _fast_closure(data, ontology)
    if fast is not None:
        return fast
    import owlrl

    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    for triple in data:
        graph.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(graph)
    return graph


def reasoning_input(data: Graph, ontology: Graph) -> Graph:
    """The data triples that OWL 2 RL rules can act on, given the ontology's axioms.

    A triple is kept when its property (or, for rdf:type, its class) occurs in an axiom of the
    ontology: a rule needs such an axiom to fire. The rest (quotes, offsets, selectors, labels)
    would only make owlrl slower and type every literal. owl:sameAs links to Wikidata are left
    out: equality reasoning would copy every triple about a linked entity onto its Wikidata IRI,
    and nothing about Parley resources follows from them (no two registry entities share a
    Wikidata ID — the wikidata-shared check).
    """
    terms = axiom_terms(ontology)
    out = Graph()
    for s, p, o in data:
        if p == RDF.type:
            wanted = o in terms
        elif p == OWL.sameAs:
            wanted = str(o).startswith(str(PID))
        else:
            wanted = p in terms
        if wanted:
            out.add((s, p, o))
    return out


def axiom_terms(ontology: Graph) -> set[URIRef]:
    """IRIs that occur in a logical axiom of the ontology (not in annotations or declarations)."""
    annotations = set(ontology.subjects(RDF.type, OWL.AnnotationProperty)) | NON_LOGICAL
    terms: set[URIRef] = set()
    for s, p, o in ontology:
        if p in annotations or (p == RDF.type and o in DECLARATIONS):
            continue
        terms.update(t for t in (s, p, o) if isinstance(t, URIRef))
    return terms


_RULES: dict[str, object] = {}


def _fast_closure(data: Graph, ontology: Graph) -> Graph | None:
    """The closure by `rules.Engine`: data triples plus what follows (None: use owlrl).

    Error messages (disjoint classes) are added as owlrl adds them, so callers cannot tell.
    """
    from parley.reason.rules import Engine, compile_rules, nt

    key = hashlib.sha256(
        b"\n".join(sorted(ontology.serialize(format="nt", encoding="utf-8").splitlines()))
    ).hexdigest()
    if key not in _RULES:
        _RULES[key] = compile_rules(ontology)
    rules = _RULES[key]
    if rules is None:
        return None
    terms = {}
    for graph in (data, ontology):
        for triple in graph:
            for term in triple:
                terms.setdefault(nt(term), term)
    strings = [(nt(s), nt(p), nt(o)) for s, p, o in data]
    if any(p == nt(OWL.sameAs) for _, p, _ in strings):
        return None
    engine = Engine(rules)
    engine.add([*rules.schema, *strings])
    out = Graph()
    for triple in data:
        out.add(triple)
    for s, p, o in engine.facts:
        if s.startswith("<" + str(PID)) and all(t in terms or t.startswith("<") for t in (p, o)):
            out.add(tuple(terms[t] if t in terms else URIRef(t[1:-1]) for t in (s, p, o)))
    for message in engine.errors():
        out.add((BNode(), OWLRL_ERROR.error, Literal(message)))
    return out
