"""The context every unit shares: the registry as triples, quads, N-Triples strings, a closed
rule engine and a SHACL base, a store for the graph-local checks, and term lookup."""

from __future__ import annotations

import os

import pyoxigraph as ox

from parley.builder.tools import tools
from parley.builder.unitterms import REGISTRY
from parley.model.terms import to_oxigraph
from parley.reason.ntriples import reasoning_strings
from parley.reason.rules import Engine
from parley.validate import compiled_data

CHECK_STORE_USES = 20  # articles checked in one registry store before it is made afresh


class Context:
    """The registry as every unit sees it: triples, quads, the closed registry, term lookup."""

    def __init__(self, registry, registry_triples: set):
        t = tools()
        self.registry = registry
        self.registry_triples = registry_triples
        g = ox.NamedNode(REGISTRY)
        self.registry_quads = [
            ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), g)
            for s, p, o in registry_triples
        ]
        self.registry_strings = [
            (str(q.subject), str(q.predicate), str(q.object)) for q in self.registry_quads
        ]
        self.registry_subjects = frozenset(x[0] for x in self.registry_strings)
        self.nested_predicates = frozenset(
            f"<{p}>" for p in (t.shapes.nested_predicates if t.shapes else ())
        )
        self.shacl_base = None
        if t.shapes is not None:
            self.shacl_base = compiled_data.Data([*t.ontology, *registry_triples])
        self.engine = None
        self.registry_input: list = []
        if t.rules is not None:
            self.engine = Engine(t.rules)
            self.registry_input = list(reasoning_strings(self.registry_strings, t.terms))
            self.engine.add([*t.rules.schema, *self.registry_input])
        self._terms: dict[str, object] = {}
        self._check_store: tuple[int, ox.Store] | None = None
        self._check_store_uses = 0

    def check_store(self) -> ox.Store:
        """An in-memory store holding the registry graph, for the local checks of one article
        (the caller adds the article's graph, then removes it). Loading the registry for every
        article made the per-article work grow with the registry; reusing one store for ever
        does too (Oxigraph's in-memory store keeps what was removed), so it is renewed every
        CHECK_STORE_USES articles and in each worker process."""
        self._check_store_uses += 1
        stale = self._check_store is None or self._check_store[0] != os.getpid()
        if stale or self._check_store_uses > CHECK_STORE_USES:
            store = ox.Store()
            store.extend(self.registry_quads)
            self._check_store = (os.getpid(), store)
            self._check_store_uses = 1
        return self._check_store[1]

    def term(self, text: str):
        """The pyoxigraph term of an N-Triples string."""
        if text.startswith("<"):
            return ox.NamedNode(text[1:-1])
        found = self._terms.get(text)
        if found is None:
            triple = next(
                iter(ox.parse(f"<urn:x> <urn:x> {text} .", format=ox.RdfFormat.N_TRIPLES))
            )
            found = self._terms[text] = triple.object
        return found
