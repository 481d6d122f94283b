"""The one engine switch of reasoning: the compiled OWL 2 RL rules (`reason.rules`) where
they cover the ontology, owlrl otherwise; the rules compiled once per ontology."""

from __future__ import annotations

import hashlib

from rdflib import OWL, BNode, Graph, Literal, URIRef

from parley.model.iris import PID
from parley.model.terms import nt
from parley.reason.rules import Engine, Rules, compile_rules

OWLRL_ERROR_PROPERTY = "http://www.daml.org/2002/03/agents/agent-ont#error"  # owlrl's messages
_RULES: dict[str, Rules | None] = {}


def compiled_rules(ontology: Graph) -> Rules | None:
    """The switch: the ontology's rules compiled for `rules.Engine` (cached by the ontology's
    content), or None when it uses more than they cover and owlrl must run. Tests replace it
    to run the reference engine."""
    key = hashlib.sha256(
        b"\n".join(sorted(ontology.serialize(format="nt", encoding="utf-8").splitlines()))
    ).hexdigest()
    if key not in _RULES:
        _RULES[key] = compile_rules(ontology)
    return _RULES[key]


def closure(data: Graph, ontology: Graph) -> Graph:
    """The OWL 2 RL closure of ontology + `data` (a fresh graph; the inputs are kept).

    The compiled reasoner gives owlrl's closure of the data when the ontology stays within
    what it compiles and the data has no owl:sameAs; owlrl runs otherwise.
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


def _fast_closure(data: Graph, ontology: Graph) -> Graph | None:
    """The closure by `rules.Engine`: data triples plus what follows (None: use owlrl).

    Error messages (disjoint classes) are added as owlrl adds them, so callers cannot tell.
    """
    rules = compiled_rules(ontology)
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
        out.add((BNode(), URIRef(OWLRL_ERROR_PROPERTY), Literal(message)))
    return out
