"""Triples as the fast build handles them: N-Triples strings, sorted quads, digests of sets,
and which article a node belongs to."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import URIRef

from parley.model import iris
from parley.model.kgio import CANONICAL_PREFIXES
from parley.model.terms import to_oxigraph

PID_BASE = str(iris.PID)
REGISTRY = str(iris.REGISTRY_GRAPH)
PARLEY_IRI = "<https://w3id.org/parley/"


class TripleSink(set):
    """What the mapper writes into: a set of rdflib triples (no rdflib store overhead)."""


def header_and_body(data: bytes) -> tuple[bytes, bytes]:
    """Split Oxigraph's Turtle/TriG output into its @prefix lines and the rest."""
    at = 0
    while data.startswith(b"@prefix", at):
        at = data.index(b"\n", at) + 1
    return data[:at], data[at:]


def serialized(items: list, fmt: ox.RdfFormat) -> tuple[bytes, bytes]:
    """Oxigraph's `fmt` (TriG for quads, Turtle for triples) of `items` with Parley's canonical
    prefixes, as (the @prefix lines, the rest)."""
    return header_and_body(ox.serialize(items, format=fmt, prefixes=CANONICAL_PREFIXES))


def _key(quad_or_triple) -> tuple:
    return tuple(str(t) for t in quad_or_triple)


def sorted_quads(triples: Iterable, g) -> tuple[list, list[tuple[str, str, str]]]:
    """The quads of `triples` in graph `g` sorted as `_key` sorts them, and their N-Triples
    strings: each distinct term converted once."""
    memo: dict = {}
    get = memo.get
    rows = []
    for s, p, o in triples:
        a = get(s) or memo.setdefault(s, _both(s))
        b = get(p) or memo.setdefault(p, _both(p))
        c = get(o) or memo.setdefault(o, _both(o))
        rows.append(((a[1], b[1], c[1]), a[0], b[0], c[0]))
    rows.sort(key=_first)  # stable: equal strings keep their order, as with `_key`
    return [ox.Quad(r[1], r[2], r[3], g) for r in rows], [r[0] for r in rows]


def _first(row):
    return row[0]


def _both(term) -> tuple:
    """(pyoxigraph term, its N-Triples string) of an rdflib term."""
    if type(term) is URIRef:
        return ox.NamedNode(term), f"<{term}>"
    x = to_oxigraph(term)
    return x, str(x)


def sets_digest(*parts) -> str:
    """A digest of strings and sets of N-Triples string triples (sets taken in sorted order)."""
    digest = hashlib.sha256()
    for part in parts:
        items = [part] if isinstance(part, str) else sorted("\t".join(x) for x in part)
        digest.update(len(items).to_bytes(8, "big"))
        for item in items:
            digest.update(item.encode("utf-8") + b"\n")
    return digest.hexdigest()


def is_local(node: str, article: str | None) -> bool:
    """Whether `node` (N-Triples form) belongs to the article `article` alone."""
    if article is None:
        return False
    own = f"<{PID_BASE}article/{article}"
    return node.startswith(own) and node[len(own)] in "/>"


class Locality(dict):
    """`is_local(node, article)` by node, each node worked out once."""

    def __init__(self, article: str):
        super().__init__()
        self.article = article

    def __missing__(self, node: str) -> bool:
        found = self[node] = is_local(node, self.article)
        return found
