"""One unit's own work: computing it from its triples (`make_unit`), validating its nodes
(compiled shapes, the graph-local checks on a registry store) and closing it under the OWL RL
rules on top of the registry."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from rdflib import URIRef

from parley.builder.context import Context
from parley.builder.tools import tools
from parley.builder.unit import Unit
from parley.builder.unitterms import (
    PARLEY_IRI,
    PID_BASE,
    REGISTRY,
    Locality,
    serialized,
    sets_digest,
    sorted_quads,
)
from parley.model.terms import NT_TYPE
from parley.reason.ntriples import SAME_AS, keep_nt, reasoning_strings
from parley.reason.rules import Engine
from parley.validate import compiled_data, compiled_eval
from parley.validate.checks import check_rows
from parley.validate.engine import compiled_violation


class LabelView:
    """`report.label_of` needs `value` and `objects`: answered from a `compiled_data.Data`."""

    def __init__(self, data):
        self.data = data

    def value(self, s, p):
        found = self.data.objects(s, p)
        return found[0] if found else None

    def objects(self, s, p):
        return iter(self.data.objects(s, p))


def validate_unit(article: str, graph: str, triples: set, quads: list, context: Context):
    t = tools()
    data = compiled_data.Data(triples, base=context.shacl_base)
    labels = LabelView(data)
    own = f"{PID_BASE}article/{article}"

    def local(node) -> bool:
        text = str(node)
        return isinstance(node, URIRef) and (text == own or text.startswith(own + "/"))

    out = []
    for r in compiled_eval.evaluate_shapes(t.shapes, data, local, own_only=True):
        out.append(compiled_violation(r, labels, (article,)))
    if t.local_checks:
        store = context.check_store()
        g = ox.NamedNode(graph)
        store.extend(quads)
        try:
            out.extend(check_rows(store.query, t.local_checks, labels, {}, only_graph=graph))
        finally:
            store.remove_graph(g)
    return out


def reason_unit(
    unit: Unit, article: str, strings, context: Context, local: Locality | None = None
) -> bytes:
    t = tools()
    rules = t.rules
    local = local if local is not None else Locality(article)
    data = list(reasoning_strings(strings, t.terms))
    if any(x[1] == SAME_AS for x in data):
        raise NeedsFullReasoning
    engine = Engine(rules, base=context.engine)
    engine.add(data)
    asserted = set(data)
    local_new, shared_new = [], set()
    for x in engine.facts:
        if x in asserted:
            continue
        if local[x[0]]:
            if keep_nt(x):
                local_new.append(x)
        else:
            shared_new.add(x)
    joins = set()
    firsts = set(rules.chain_first) | set(rules.svf_by_prop)
    seconds = set(rules.chain_second)
    jc = rules.join_classes
    for x in (*data, *engine.facts):
        s, p, o = x
        if p == NT_TYPE:
            if o in jc and not local[s]:
                joins.add(x)  # a class some rule joins on, of a shared node
        elif (p in firsts and not local[o]) or (p in seconds and not local[s]):
            joins.add(x)  # the half of a join whose joining node other units may share
    unit.joins = frozenset(joins)
    unit.derived_shared = frozenset(shared_new)
    unit.asserted_shared = frozenset(x for x in data if not local[x[0]])
    unit.reason_digest = sets_digest(unit.joins, unit.derived_shared, unit.asserted_shared)
    unit.errors = tuple(engine.errors())
    local_new.sort()
    unit.inferred_counts = count_inferred(local_new)
    if not local_new:
        return b""
    unit.inferred_first, unit.inferred_last = local_new[0][0], local_new[-1][0]
    return turtle_body(local_new, context)


def count_inferred(triples) -> Counter:
    counts: Counter = Counter()
    for _, p, o in triples:
        counts[("p", p)] += 1
        if p == NT_TYPE:
            counts[("c", o)] += 1
    return counts


def turtle_body(triples: list[tuple[str, str, str]], context: Context) -> bytes:
    """Oxigraph's Turtle for sorted N-Triples string triples, without the @prefix lines."""
    parsed = [ox.Triple(*(context.term(x) for x in t)) for t in triples]
    _, body = serialized(parsed, ox.RdfFormat.TURTLE)
    return body


class NeedsFullReasoning(Exception):
    """The data uses owl:sameAs between Parley resources: only owlrl over everything will do."""


def make_unit(name: str, graph: str, key: str, triples: set, context: Context) -> tuple:
    """Compute a unit from its rdflib triples; return (Unit, trig block, inferred block)."""
    t = tools()
    quads, strings = sorted_quads(triples, ox.NamedNode(graph))
    _, block = serialized(quads, ox.RdfFormat.TRIG)
    article = None if graph == REGISTRY else name
    unit = Unit(name=name, graph=graph, key=key, quads=len(quads))
    if article is None:  # the registry: everything in it is shared
        unit.shared = frozenset(strings)
        return unit, block, b""
    local = Locality(article)
    shared = frozenset(x for x in strings if not local[x[0]])
    unit.shared = shared
    unit.local_triples = len(strings) - len(shared)
    unit.refs = references(strings, article, local)
    by_subject: dict[str, list] = {}
    for x in strings:
        by_subject.setdefault(x[0], []).append(x)
    nested = context.nested_predicates
    values = set()
    for _, _, o in shared:
        if local[o]:
            values.update(x for x in by_subject.get(o, ()) if x[1] == NT_TYPE or x[1] in nested)
    unit.shared_values = frozenset(values)
    # the checks across graphs may ask which registry resources an article refers to, not how
    # (crossarticle.boundary_store): the digest takes those IRIs, not the triples that refer
    # to them, and, to be safe, every IRI outside Parley's namespace (Wikidata, schema.org…);
    # Parley's own vocabulary (classes, statement kinds) is left out, so that editing a kind
    # reuses it
    registry_subjects = context.registry_subjects
    referred = frozenset(
        (o,) for _, _, o in unit.refs if o in registry_subjects or not o.startswith(PARLEY_IRI)
    )
    unit.boundary_digest = sets_digest(name, shared, unit.shared_values, referred)
    unit.violations = tuple(validate_unit(article, graph, triples, quads, context))
    inferred = b""
    if t.rules is not None:
        try:
            inferred = reason_unit(unit, article, strings, context, local)
        except NeedsFullReasoning:
            unit.full_reasoning = True
    else:
        unit.full_reasoning = True
    return unit, block, inferred


def references(
    strings: list[tuple[str, str, str]], article: str, local: Locality | None = None
) -> frozenset:
    """For each IRI outside the article that one of its own nodes refers to, the first such
    triple (N-Triples order) whose subject is not that IRI: what checks across graphs need to
    know that (not how often) the article refers to a shared resource."""
    local = local if local is not None else Locality(article)
    first: dict[str, tuple[str, str, str]] = {}
    for x in strings:  # sorted: the first triple per object wins
        s, _, o = x
        if o.startswith("<") and o != s and local[s] and not local[o]:
            first.setdefault(o, x)
    return frozenset(first.values())
