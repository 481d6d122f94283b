"""The RDF terms the mapper writes, made once (rdflib builds a new URIRef on every lookup)."""

from __future__ import annotations

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal

from parley.model.iris import (
    BASIS,
    KIND,
    LEVEL,
    OA,
    OFFICE,
    ORG,
    PARLEY,
    PROV,
    ROLE,
    SCHEMA,
    SEM,
    STATUS,
    WD,
)


class _Terms:
    """A namespace whose terms are made once: rdflib builds (and checks) a new URIRef on
    every `NS.name` or `NS[name]`, and the mapper asks for the same few terms again and again."""

    def __init__(self, namespace):
        self._namespace = namespace
        self._items: dict = {}

    def __getattr__(self, name: str):
        if name.startswith("_"):  # not a term (and not yet set up, say during copying)
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, key: str):
        term = self._items.get(key)
        if term is None:
            term = self._items[key] = self._namespace[key]
        return term


T_BASIS, T_KIND, T_LEVEL, T_OA, T_OFFICE, T_ORG, T_PARLEY, T_PROV, T_ROLE = (
    _Terms(ns) for ns in (BASIS, KIND, LEVEL, OA, OFFICE, ORG, PARLEY, PROV, ROLE)
)
T_SCHEMA, T_SEM, T_STATUS, T_WD = (_Terms(ns) for ns in (SCHEMA, SEM, STATUS, WD))
T_OWL, T_RDF, T_RDFS, T_SKOS, T_XSD = (_Terms(ns) for ns in (OWL, RDF, RDFS, SKOS, XSD))

_OFFSETS: dict[int, Literal] = {}


def offset_literal(offset: int) -> Literal:
    """`offset` as an xsd:nonNegativeInteger literal (made once: offsets recur, and rdflib's
    Literal() is slow)."""
    if type(offset) is not int or not 0 <= offset < 1_000_000:
        return Literal(offset, datatype=XSD.nonNegativeInteger)
    found = _OFFSETS.get(offset)
    if found is None:
        found = _OFFSETS[offset] = Literal(offset, datatype=XSD.nonNegativeInteger)
    return found
