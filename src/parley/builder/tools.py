"""What every unit depends on: the ontology, shapes and checks compiled once per code version
(`caches.code_version`) and kept on disk."""

from __future__ import annotations

import contextlib
import pickle
import re
from dataclasses import dataclass

from parley.builder.caches import cache_root, code_version
from parley.builder.unitterms import REGISTRY
from parley.model.kgio import write_atomic
from parley.model.layout import load_ontology, load_shapes
from parley.model.terms import nt
from parley.reason import engine as reason_engine
from parley.reason.owl import axiom_terms
from parley.validate import engine as validate_engine
from parley.validate.checks import load_checks
from parley.validate.engine import shape_rules
from parley.validate.report import Rule


@dataclass
class Tools:
    """The compiled ontology, shapes and checks (None where the fast path cannot be used)."""

    ontology: list  # rdflib triples of ontology/parley.ttl
    rules: object  # rules.Rules | None
    shapes: object  # compiled_shapes.Shapes | None
    terms: frozenset[str]  # N-Triples forms of the ontology's axiom terms
    local_checks: dict  # name -> SavedQuery: rows of graph G need only G and the registry
    global_checks: dict
    rule_names: dict  # validate.Rule by name


_TOOLS: Tools | None = None


def tools() -> Tools:
    """Compile once per process (and once per code version on disk, under ~/.cache)."""
    global _TOOLS
    if _TOOLS is None:
        path = cache_root() / f"tools-{code_version()[:32]}.pickle"
        with contextlib.suppress(Exception):  # a missing or unreadable cache: compile
            _TOOLS = pickle.loads(path.read_bytes())
        if _TOOLS is None:
            _TOOLS = _compile_tools()
            with contextlib.suppress(OSError):
                write_atomic(path, pickle.dumps(_TOOLS, protocol=5))
    return _TOOLS


def _compile_tools() -> Tools:
    ontology = load_ontology()
    shapes_graph = load_shapes()
    checks = load_checks()
    local, shared = {}, {}
    for name, query in checks.items():
        (local if is_local_check(query.text) else shared)[name] = query
    rule_names = shape_rules(shapes_graph)
    for name, query in checks.items():
        rule_names[name] = Rule(name, "check", query.summary, query.description)
    shapes = validate_engine.compiled_shapes(shapes_graph)
    if shapes is not None:
        shapes.graph = None  # compiled: the graph is no longer needed (nor pickled)
    return Tools(
        ontology=list(ontology),
        rules=reason_engine.compiled_rules(ontology),
        shapes=shapes,
        terms=frozenset(nt(t) for t in axiom_terms(ontology)),
        local_checks=local,
        global_checks=shared,
        rule_names=rule_names,
    )


GRAPH_TERM = re.compile(r"(?<![?$\w])GRAPH\s+(\?\w+|\$\w+|<[^>]*>)", re.IGNORECASE)


def is_local_check(text: str) -> bool:
    """True when every GRAPH pattern is `?graph` or the registry: a row about graph G then
    depends only on G and the registry, so the check can run article by article."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    if re.search(r"(?<![?$\w])SERVICE\b", text, re.IGNORECASE):
        return False
    terms = set(GRAPH_TERM.findall(text))
    return bool(terms) and terms <= {"?graph", f"<{REGISTRY}>"}
