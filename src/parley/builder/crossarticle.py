"""The work across articles: the OWL RL joins through shared resources (`Unit.joins`), the
shapes of registry resources (from every article's triples about them) and the SPARQL checks
that compare graphs (on a small store of what articles share). Each is cached by `cross_key`,
the digests of what it reads from every unit."""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef

from parley.builder.kgfiles import turtle_header
from parley.builder.pipeline import Plan
from parley.builder.tools import tools
from parley.builder.unitcache import read_cached, write_cached
from parley.builder.unitterms import PID_BASE, REGISTRY
from parley.builder.unitwork import LabelView, count_inferred, turtle_body
from parley.model.iris import compact
from parley.model.terms import from_oxigraph, nt
from parley.reason.ntriples import keep_nt
from parley.reason.rules import Engine
from parley.validate import compiled_data, compiled_eval
from parley.validate.checks import check_rows
from parley.validate.engine import compiled_violation
from parley.validate.report import ValidationReport


@dataclass
class Reasoned:
    counts: dict[str, int]
    types: dict[str, int]
    inconsistencies: tuple[str, ...]
    triples: int


def cross_key(plan: Plan, kind: str, digests) -> str:
    """The cache key of work across articles: its kind, the registry unit's key (code version
    and registry) and, in graph order, each article unit's digest of what that work reads."""
    digest = hashlib.sha256(f"{kind}\n{plan.units[-1].key}\n".encode())
    for d in digests:
        digest.update(d.encode() + b"\n")
    return "x" + digest.hexdigest()[1:]


@dataclass
class JoinedInference:
    """What reasoning across articles adds, cached by `cross_key` (`usable` false: a join
    concludes something about an article's own node, and owlrl must run instead)."""

    usable: bool
    shared_out: bytes = b""  # Turtle body of the inferred triples about shared resources
    first_subject: str = ""  # of shared_out, "" when empty
    counts: Counter | None = None  # count_inferred of shared_out
    errors: tuple[str, ...] = ()  # the registry's and the joins' inconsistencies


def cached_across(kind: str, digest: str, cls: type):
    """Decorate `compute(plan) -> cls`, work across articles: its result is cached under
    `cross_key` of each article unit's `digest` attribute. On a miss the units taken from the
    kg index get their cross-article sets back first, as that work reads them."""

    def decorate(compute):
        @functools.wraps(compute)
        def cached(plan: Plan):
            key = cross_key(plan, kind, [getattr(u, digest) for u in plan.units[:-1]])
            found = read_cached(key)
            if isinstance(found, cls):
                return found
            plan.hydrate()
            result = compute(plan)
            write_cached(key, result)
            return result

        return cached

    return decorate


@cached_across("reason", "reason_digest", JoinedInference)
def joined_inference(plan: Plan) -> JoinedInference:
    """The inferences about shared resources, from the article units' joins."""
    articles = plan.units[:-1]
    t = tools()
    context = plan.context
    base = context.engine
    joined = Engine(t.rules, base=base)
    joined.add(sorted({x for u in articles for x in u.joins}))
    known = set()
    for u in articles:
        known.update(u.derived_shared)
        known.update(u.asserted_shared)
    new = [x for x in joined.facts if x not in known]
    if any(x[0].startswith(f"<{PID_BASE}article/") for x in new):
        result = JoinedInference(usable=False)  # a join concludes something about an article node
    else:
        asserted = set(context.registry_input)
        asserted.update(t.rules.schema)
        for u in articles:
            asserted.update(u.asserted_shared)
        shared = set(new)
        for u in articles:
            shared.update(u.derived_shared)
        shared.update(base.facts)
        shared_out = sorted(x for x in shared if x not in asserted and keep_nt(x))
        result = JoinedInference(
            usable=True,
            shared_out=turtle_body(shared_out, context) if shared_out else b"",
            first_subject=shared_out[0][0] if shared_out else "",
            counts=count_inferred(shared_out),
            errors=tuple(sorted(set(base.errors()) | set(joined.errors()))),
        )
    return result


def write_inferred(plan: Plan, sink: list, inferred_blocks: dict) -> Reasoned | None:
    """kg/inferred.ttl from the units, as chunks appended to `sink` (None: the fast reasoner
    cannot be used here)."""
    t = tools()
    if t.rules is None or any(u.full_reasoning for u in plan.units[:-1]):
        return None
    articles = plan.units[:-1]
    joined = joined_inference(plan)
    if not joined.usable:
        return None
    counts: Counter = Counter()
    for u in articles:
        counts.update(u.inferred_counts)
    counts.update(joined.counts)
    blocks = [(u, inferred_blocks[u.key]) for u in articles if u.key in inferred_blocks]
    ordered = all(
        a.inferred_last < b.inferred_first for (a, _), (b, _) in itertools.pairwise(blocks)
    ) and (
        not blocks or not joined.first_subject or blocks[-1][0].inferred_last < joined.first_subject
    )
    if not ordered:
        return None
    total = sum(n for (kind, _), n in counts.items() if kind == "p")
    plan.shared_inferred = joined.shared_out
    # where each unit's block goes in the file (an empty block: nowhere), for the next build
    ranges = {u.key: (0, 0) for u in articles if u.key not in inferred_blocks}
    if total:
        header = turtle_header()
        sink.append(header)
        offset = len(header)
        for u, block in blocks:
            sink.append(block)
            ranges[u.key] = (offset, len(block))
            offset += len(block)
        sink.append(plan.shared_inferred)
    plan.inferred_ranges = ranges
    errors = set(joined.errors)
    for u in articles:
        errors.update(u.errors)
    by_p = Counter({compact(k[1][1:-1]): n for k, n in counts.items() if k[0] == "p"})
    by_c = Counter({compact(k[1][1:-1]): n for k, n in counts.items() if k[0] == "c"})
    return Reasoned(
        counts=dict(sorted(by_p.items())),
        types=dict(sorted(by_c.items())),
        inconsistencies=tuple(sorted(errors)),
        triples=total,
    )


# --- validation --------------------------------------------------------------------------------


@dataclass
class SharedValidation:
    """The validation of what articles share, cached by `cross_key`."""

    violations: tuple  # of the shared part: shapes, the registry's local checks, checks across
    triples: int  # distinct triples of the ontology and the shared part


@cached_across("validate", "boundary_digest", SharedValidation)
def shared_validation(plan: Plan) -> SharedValidation:
    """Shapes over the shared part, the registry's local checks and the checks across graphs
    (on the boundary store), from the article units' boundaries."""
    articles = plan.units[:-1]
    t = tools()
    context = plan.context
    where: dict[str, set[str]] = {}
    for s, _, _ in context.registry_strings:
        where.setdefault(s, set()).add("registry")
    shared: set = set(context.registry_strings)
    for u in articles:
        for x in u.shared:
            where.setdefault(x[0], set()).add(u.name)
        shared.update(u.shared)
    values: set = set()
    for u in articles:
        values.update(u.shared_values)
    ontology = {(nt(s), nt(p), nt(o)) for s, p, o in t.ontology}
    data = compiled_data.Data([*t.ontology, *_to_rdflib(shared | values, context)])
    labels = LabelView(data)
    article_prefix = f"{PID_BASE}article/"
    violations = []
    for r in compiled_eval.evaluate_shapes(
        t.shapes, data, lambda n: not str(n).startswith(article_prefix)
    ):
        graphs = tuple(sorted(where.get(nt(r.focus), ())))
        violations.append(compiled_violation(r, labels, graphs))
    registry_store = ox.Store()
    registry_store.extend(context.registry_quads)
    violations.extend(
        check_rows(registry_store.query, t.local_checks, labels, {}, only_graph=REGISTRY)
    )
    if t.global_checks:
        wheres = {URIRef(k[1:-1]): tuple(sorted(v)) for k, v in where.items() if k.startswith("<")}
        boundary = boundary_store(plan)
        violations.extend(check_rows(boundary.query, t.global_checks, labels, wheres, None))
    return SharedValidation(violations=tuple(violations), triples=len(ontology | shared))


def validate_plan(plan: Plan):
    """The ValidationReport of the built dataset: each unit's own violations and those of the
    shared part."""
    t = tools()
    articles = plan.units[:-1]
    shared = shared_validation(plan)
    violations = [v for u in articles for v in u.violations]
    violations.extend(shared.violations)
    violations.sort(key=lambda v: (v.kind != "shape", v.rule, v.graphs, v.focus, v.value or ""))
    rules = t.rule_names
    return ValidationReport(
        conforms=not violations,
        violations=tuple(violations),
        rules=rules,
        shapes=sum(1 for r in rules.values() if r.kind == "shape"),
        checks=len(t.local_checks) + len(t.global_checks),
        triples=shared.triples + sum(u.local_triples for u in articles),
    )


def boundary_store(plan: Plan) -> ox.Store:
    """What checks across graphs look at, in memory: the registry graph and, in each article's
    graph, the triples about shared resources and one triple per shared IRI it refers to
    (`Unit.refs`). A check across graphs may ask what is said about shared resources and
    whether an article refers to a registry resource (or an IRI outside Parley's namespace),
    not how: its results are cached by `Unit.boundary_digest`, which holds no more. Tests
    compare it with the whole dataset."""
    plan.hydrate()
    context = plan.context
    store = ox.Store()
    store.extend(context.registry_quads)
    term = context.term
    for u in plan.units[:-1]:
        g = ox.NamedNode(u.graph)
        store.extend(ox.Quad(term(s), term(p), term(o), g) for s, p, o in sorted(u.shared | u.refs))
    return store


def _to_rdflib(strings, context):
    cache: dict = {}

    def term(text):
        found = cache.get(text)
        if found is None:
            found = cache[text] = from_oxigraph(context.term(text))
        return found

    return [(term(s), term(p), term(o)) for s, p, o in strings]
