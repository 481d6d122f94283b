"""OWL 2 RL reasoning with owlrl: what the ontology adds to the built graph (kg/inferred.ttl).

The closure runs over the ontology plus the union of all graphs; only new, meaningful triples
about Parley resources are kept, so that the file loads into any store (Oxigraph included).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, BNode, Dataset, Graph, URIRef

from parley.model.iris import PARLEY, PID, compact
from parley.model.kgio import turtle_bytes
from parley.model.layout import load_ontology, ontology_path, union_graph
from parley.reason import engine
from parley.reason.engine import OWLRL_ERROR_PROPERTY

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


def infer(ds: Dataset, ontology: Graph | None = None) -> Inference:
    """The OWL 2 RL consequences of `ds` + ontology that are new facts about Parley resources."""
    key = None
    if ontology is None:  # the packaged ontology: closures are cached by content hash
        ontology = load_ontology()
        key = hashlib.sha256(ontology_path().read_bytes())
    asserted = union_graph(ds, ontology)
    data = reasoning_input(union_graph(ds), ontology)
    if key is None:
        closure = engine.closure(data, ontology)
    else:
        key.update(b"\0".join(sorted(data.serialize(format="nt", encoding="utf-8").splitlines())))
        closure = _CACHE.get(key.hexdigest())
        if closure is None:
            closure = engine.closure(data, ontology)
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key.hexdigest()] = closure
    new = Graph()
    for triple in closure:
        if triple not in asserted and keep(triple):
            new.add(triple)
    counts = Counter(compact(p) for _, p, _ in new)
    types = Counter(compact(o) for _, p, o in new if p == RDF.type)
    errors = sorted(str(m) for m in closure.objects(None, URIRef(OWLRL_ERROR_PROPERTY)))
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
