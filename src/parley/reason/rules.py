"""A compiled OWL 2 RL reasoner for Parley's ontology: owlrl's results, many times faster.

owlrl closes the ontology's schema (the scm-* rules) once; the closed schema is compiled into
tables, and the data rules that the ontology can trigger (cax-sco, prp-dom, prp-rng, prp-spo1,
prp-spo2 for two-step chains, prp-inv, prp-symp, cls-hv1/2, cls-svf1/2, cax-dw, cax-adc) run
over plain strings (the N-Triples form of each term) with hash indexes, to a fixpoint.
`compile_rules` returns None when the ontology uses anything else (equality, transitive or
functional properties, unions, cardinalities…): the caller then runs owlrl itself.

An `Engine` can be layered on a frozen `Engine` (the registry's closure), so that each article
is closed on top of the registry without copying it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, Graph

from parley.model.terms import NT_TYPE as TYPE
from parley.model.terms import nt

THING = f"<{OWL.Thing}>"
UNSUPPORTED_TYPES = {
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.IrreflexiveProperty,
    OWL.AsymmetricProperty,
    OWL.AllDisjointProperties,
    OWL.AllDifferent,
    OWL.NegativePropertyAssertion,
}
UNSUPPORTED_PREDICATES = {
    OWL.sameAs,
    OWL.differentFrom,
    OWL.propertyDisjointWith,
    OWL.hasKey,
    OWL.intersectionOf,
    OWL.unionOf,
    OWL.complementOf,
    OWL.allValuesFrom,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.oneOf,
    OWL.sourceIndividual,
}


@dataclass
class Rules:
    """The closed schema as lookup tables (every key and value in N-Triples form)."""

    supers: dict[str, tuple[str, ...]]  # class -> its strict superclasses (closed)
    superprops: dict[str, tuple[str, ...]]  # property -> strict superproperties (closed)
    domains: dict[str, tuple[str, ...]]
    ranges: dict[str, tuple[str, ...]]
    inverses: dict[str, tuple[str, ...]]
    symmetric: frozenset[str]
    chain_first: dict[str, tuple[tuple[str, str], ...]]  # p1 -> ((q, p2), …)
    chain_second: dict[str, tuple[tuple[str, str], ...]]  # p2 -> ((q, p1), …)
    hv_by_class: dict[str, tuple[tuple[str, str], ...]]  # R -> ((p, v), …)
    hv_by_prop: dict[str, tuple[tuple[str, str], ...]]  # p -> ((R, v), …)
    svf_by_prop: dict[str, tuple[tuple[str, str], ...]]  # p -> ((R, C), …)
    svf_by_class: dict[str, tuple[tuple[str, str], ...]]  # C -> ((R, p), …)
    disjoint: tuple[tuple[str, str], ...]  # (C1, C2) pairs, in owlrl's order
    schema: tuple[tuple[str, str, str], ...]  # the closed ontology, as triples

    @property
    def join_predicates(self) -> frozenset[str]:
        """Predicates whose triples a rule joins with another triple."""
        return (
            frozenset(self.chain_first) | frozenset(self.chain_second) | frozenset(self.svf_by_prop)
        )

    @property
    def join_classes(self) -> frozenset[str]:
        classes = set(self.svf_by_class)
        for a, b in self.disjoint:
            classes.update((a, b))
        return frozenset(classes)


def compile_rules(ontology: Graph) -> Rules | None:
    """The ontology's closed schema as `Rules`, or None when it needs rules not compiled here."""
    import owlrl

    closed = Graph()
    for triple in ontology:
        closed.add(triple)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(closed)
    for s, p, o in closed:
        if p in UNSUPPORTED_PREDICATES or (p == RDF.type and o in UNSUPPORTED_TYPES):
            if p == OWL.sameAs and s == o:
                continue
            return None
        if p in (OWL.equivalentClass, OWL.equivalentProperty) and s != o:
            return None
    supers: dict[str, set[str]] = defaultdict(set)
    superprops: dict[str, set[str]] = defaultdict(set)
    domains, ranges, inverses = defaultdict(set), defaultdict(set), defaultdict(set)
    for s, o in closed.subject_objects(RDFS.subClassOf):
        if s != o:
            supers[nt(s)].add(nt(o))
    for s, o in closed.subject_objects(RDFS.subPropertyOf):
        if s != o:
            superprops[nt(s)].add(nt(o))
    for s, o in closed.subject_objects(RDFS.domain):
        domains[nt(s)].add(nt(o))
    for s, o in closed.subject_objects(RDFS.range):
        ranges[nt(s)].add(nt(o))
    for s, o in closed.subject_objects(OWL.inverseOf):
        inverses[nt(s)].add(nt(o))
        inverses[nt(o)].add(nt(s))
    symmetric = frozenset(nt(s) for s in closed.subjects(RDF.type, OWL.SymmetricProperty))
    chain_first, chain_second = defaultdict(list), defaultdict(list)
    for q, head in closed.subject_objects(OWL.propertyChainAxiom):
        chain = list(closed.items(head))
        if len(chain) != 2:
            return None
        p1, p2 = nt(chain[0]), nt(chain[1])
        chain_first[p1].append((nt(q), p2))
        chain_second[p2].append((nt(q), p1))
    hv_by_class, hv_by_prop = defaultdict(list), defaultdict(list)
    svf_by_prop, svf_by_class = defaultdict(list), defaultdict(list)
    for r in closed.subjects(RDF.type, OWL.Restriction):
        props = list(closed.objects(r, OWL.onProperty))
        if len(props) != 1:
            return None
        p = nt(props[0])
        for v in closed.objects(r, OWL.hasValue):
            hv_by_class[nt(r)].append((p, nt(v)))
            hv_by_prop[p].append((nt(r), nt(v)))
        for c in closed.objects(r, OWL.someValuesFrom):
            svf_by_prop[p].append((nt(r), nt(c)))
            svf_by_class[nt(c)].append((nt(r), p))
    disjoint: list[tuple[str, str]] = [
        (nt(a), nt(b)) for a, b in closed.subject_objects(OWL.disjointWith)
    ]
    for node in closed.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in closed.objects(node, OWL.members):
            members = [nt(c) for c in closed.items(head)]
            for i, a in enumerate(members[:-1]):
                disjoint.extend((a, b) for b in members[i + 1 :])
    return Rules(
        supers=_freeze(supers),
        superprops=_freeze(superprops),
        domains=_freeze(domains),
        ranges=_freeze(ranges),
        inverses=_freeze(inverses),
        symmetric=symmetric,
        chain_first={k: tuple(sorted(v)) for k, v in chain_first.items()},
        chain_second={k: tuple(sorted(v)) for k, v in chain_second.items()},
        hv_by_class={k: tuple(sorted(v)) for k, v in hv_by_class.items()},
        hv_by_prop={k: tuple(sorted(v)) for k, v in hv_by_prop.items()},
        svf_by_prop={k: tuple(sorted(v)) for k, v in svf_by_prop.items()},
        svf_by_class={k: tuple(sorted(v)) for k, v in svf_by_class.items()},
        disjoint=tuple(disjoint),
        schema=tuple(sorted((nt(s), nt(p), nt(o)) for s, p, o in closed)),
    )


def _freeze(table: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    return {k: tuple(sorted(v)) for k, v in table.items()}


def _index() -> defaultdict:
    return defaultdict(lambda: defaultdict(set))


@dataclass
class Engine:
    """Forward chaining to a fixpoint over N-Triples strings, optionally on top of a base."""

    rules: Rules
    base: Engine | None = None
    facts: set[tuple[str, str, str]] = field(default_factory=set)
    # join indexes: predicate -> node -> set of nodes
    by_object: defaultdict = field(default_factory=_index)  # (x p y): p -> y -> {x}
    by_subject: defaultdict = field(default_factory=_index)  # (y p z): p -> y -> {z}
    types: defaultdict = field(default_factory=lambda: defaultdict(set))  # node -> classes

    def has(self, triple: tuple[str, str, str]) -> bool:
        return triple in self.facts or (self.base is not None and self.base.has(triple))

    def _left(self, p: str, y: str) -> set[str]:
        """{x | (x p y)} over this engine and its base."""
        mine = self.by_object.get(p, {}).get(y, set())
        if self.base is None:
            return mine
        return mine | self.base._left(p, y)

    def _right(self, p: str, y: str) -> set[str]:
        mine = self.by_subject.get(p, {}).get(y, set())
        if self.base is None:
            return mine
        return mine | self.base._right(p, y)

    def _types(self, node: str) -> set[str]:
        mine = self.types.get(node, set())
        if self.base is None:
            return mine
        return mine | self.base._types(node)

    def add(self, triples) -> None:
        """Add `triples` and everything that follows from them (with the base)."""
        r = self.rules
        queue = deque(triples)
        facts = self.facts
        while queue:
            t = queue.popleft()
            if t in facts or (self.base is not None and self.base.has(t)):
                continue
            facts.add(t)
            s, p, o = t
            if p == TYPE:
                self.types[s].add(o)
                for c in r.supers.get(o, ()):
                    queue.append((s, TYPE, c))
                for hp, v in r.hv_by_class.get(o, ()):
                    queue.append((s, hp, v))
                for restriction, sp in r.svf_by_class.get(o, ()):
                    for x in self._left(sp, s):
                        queue.append((x, TYPE, restriction))
                continue
            for q in r.superprops.get(p, ()):
                queue.append((s, q, o))
            for c in r.domains.get(p, ()):
                queue.append((s, TYPE, c))
            for c in r.ranges.get(p, ()):
                queue.append((o, TYPE, c))
            for q in r.inverses.get(p, ()):
                queue.append((o, q, s))
            if p in r.symmetric:
                queue.append((o, p, s))
            for restriction, v in r.hv_by_prop.get(p, ()):
                if o == v:
                    queue.append((s, TYPE, restriction))
            if p in r.svf_by_prop:
                self.by_object[p][o].add(s)
                for restriction, c in r.svf_by_prop[p]:
                    if c == THING or c in self._types(o):
                        queue.append((s, TYPE, restriction))
            if p in r.chain_first:
                self.by_object[p][o].add(s)
                for q, p2 in r.chain_first[p]:
                    for z in self._right(p2, o):
                        queue.append((s, q, z))
            if p in r.chain_second:
                self.by_subject[p][s].add(o)
                for q, p1 in r.chain_second[p]:
                    for x in self._left(p1, s):
                        queue.append((x, q, o))

    def errors(self) -> list[str]:
        """owlrl's messages for individuals of two disjoint classes (cax-dw, cax-adc)."""
        out = []
        pairs = self.rules.disjoint
        if not pairs:
            return out
        involved = {c for pair in pairs for c in pair}
        found = {}
        for node, own in self.types.items():
            if own.isdisjoint(involved):
                continue  # no class of a disjointness axiom stated here: nothing new
            classes = self._types(node) & involved
            if len(classes) > 1:
                found[node] = classes
        for a, b in pairs:
            for node, classes in found.items():
                if a in classes and b in classes:
                    out.append(
                        f"Disjoint classes {_plain(a)} and {_plain(b)} have a common individual "
                        f"{_plain(node)}"
                    )
        return out


def _plain(term: str) -> str:
    """How owlrl prints a term in its messages (rdflib's str)."""
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    if term.startswith("_:"):
        return term[2:]
    return term
