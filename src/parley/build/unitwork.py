"""One unit's own work: validating its nodes (compiled shapes, the graph-local checks on a
registry store) and closing it under the OWL RL rules on top of the registry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import URIRef

from parley.build.tools import tools
from parley.build.unitterms import PID, PREFIXES, TYPE, Locality, header_and_body, sets_digest
from parley.model import iris

if TYPE_CHECKING:
    from parley.build.pipeline import Context, Unit


class LabelView:
    """`validate.label_of` needs `value` and `objects`: answered from a compiled `Data` index."""

    def __init__(self, data):
        self.data = data

    def value(self, s, p):
        found = self.data.objects(s, p)
        return found[0] if found else None

    def objects(self, s, p):
        return iter(self.data.objects(s, p))


def validate_unit(article: str, graph: str, triples: set, quads: list, context: Context):
    from parley.validate import compiled_data, compiled_eval

    t = tools()
    data = compiled_data.Data(triples, base=context.shacl_base)
    labels = LabelView(data)
    own = f"{PID}article/{article}"

    def local(node) -> bool:
        text = str(node)
        return isinstance(node, URIRef) and (text == own or text.startswith(own + "/"))

    out = []
    for r in compiled_eval.validate(t.shapes, data, local, own_only=True):
        out.append(shape_violation(r, labels, (article,)))
    if t.local_checks:
        store = context.check_store()
        g = ox.NamedNode(graph)
        store.extend(quads)
        try:
            out.extend(run_checks(store, t.local_checks, labels, {}, only_graph=graph))
        finally:
            store.remove_graph(g)
    return out


def shape_violation(r, labels, graphs):
    from parley.validate.shapes import Violation, _show, compact, label_of

    return Violation(
        rule=compact(r.shape) if isinstance(r.shape, URIRef) else "psh:(anonymous)",
        kind="shape",
        message=r.message,
        focus=str(r.focus),
        focus_label=label_of(labels, r.focus),
        graphs=graphs,
        path=compact(r.path) if isinstance(r.path, URIRef) else None,
        value=_show(r.value) if r.value is not None else None,
        component=compact(r.component),
    )


def run_checks(store, checks: dict, labels, where: dict, only_graph: str | None):
    """The SPARQL checks on an Oxigraph store (or its `query` method), as
    `validate.run_checks` reports them."""
    from parley.validate.shapes import check_rows

    run = store.query if isinstance(store, ox.Store) else store
    return check_rows(run, checks, labels, where, only_graph)


# --- reasoning over one unit -------------------------------------------------------------------


def reasoning_strings(strings: Iterable[tuple[str, str, str]], terms: frozenset[str]):
    """`reason.reasoning_input` on N-Triples strings."""
    same = f"<{__import__('rdflib').OWL.sameAs}>"
    for s, p, o in strings:
        if p == TYPE:
            if o in terms:
                yield (s, p, o)
        elif p == same:
            if o.startswith(f"<{PID}"):
                yield (s, p, o)
        elif p in terms:
            yield (s, p, o)


SELF_PAIRS = frozenset(
    f"<{x}>"
    for x in (
        "http://www.w3.org/2002/07/owl#sameAs",
        str(iris.PARLEY.met),
        str(iris.PARLEY.metState),
    )
)
EMPTY_TYPES = frozenset(
    f"<{x}>"
    for x in (
        "http://www.w3.org/2002/07/owl#Thing",
        "http://www.w3.org/2000/01/rdf-schema#Resource",
        "http://www.w3.org/2002/07/owl#NamedIndividual",
    )
)


def keep(t: tuple[str, str, str]) -> bool:
    """`reason.keep` on N-Triples strings."""
    s, p, o = t
    if not s.startswith(f"<{PID}"):
        return False
    if o.startswith("_:") or (p in SELF_PAIRS and s == o):
        return False
    return not (p == TYPE and o in EMPTY_TYPES)


def reason_unit(
    unit: Unit, article: str, strings, context: Context, local: Locality | None = None
) -> bytes:
    from parley.reason.rules import Engine

    t = tools()
    rules = t.rules
    local = local if local is not None else Locality(article)
    data = list(reasoning_strings(strings, t.terms))
    same = f"<{__import__('rdflib').OWL.sameAs}>"
    if any(x[1] == same for x in data):
        raise NeedsFullReasoning
    engine = Engine(rules, base=context.engine)
    engine.add(data)
    asserted = set(data)
    local_new, shared_new = [], set()
    for x in engine.facts:
        if x in asserted:
            continue
        if local[x[0]]:
            if keep(x):
                local_new.append(x)
        else:
            shared_new.add(x)
    joins = set()
    firsts = set(rules.chain_first) | set(rules.svf_by_prop)
    seconds = set(rules.chain_second)
    jc = rules.join_classes
    for x in (*data, *engine.facts):
        s, p, o = x
        if p == TYPE:
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
        if p == TYPE:
            counts[("c", o)] += 1
    return counts


def turtle_body(triples: list[tuple[str, str, str]], context: Context) -> bytes:
    """Oxigraph's Turtle for sorted N-Triples string triples, without the @prefix lines."""
    parsed = [ox.Triple(*(context.term(x) for x in t)) for t in triples]
    _, body = header_and_body(ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
    return body


class NeedsFullReasoning(Exception):
    """The data uses owl:sameAs between Parley resources: only owlrl over everything will do."""
