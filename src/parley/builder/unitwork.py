"""One unit's own work: validating its nodes (compiled shapes, the graph-local checks on a
registry store) and closing it under the OWL RL rules on top of the registry."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from rdflib import URIRef

from parley.builder.context import Context
from parley.builder.tools import tools
from parley.builder.unit import Unit
from parley.builder.unitterms import PID_BASE, Locality, serialized, sets_digest
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
