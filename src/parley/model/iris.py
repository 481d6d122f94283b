"""Namespaces and IRI minting. IRIs derive from ids and offsets, never from list order."""

from __future__ import annotations

import re

from rdflib import RDF, RDFS, SKOS, Namespace, URIRef

BASE = "https://w3id.org/parley/"
PARLEY = Namespace(BASE + "ontology#")
ROLE = Namespace(BASE + "vocab/role/")
KIND = Namespace(BASE + "vocab/statement-kind/")
OFFICE = Namespace(BASE + "vocab/office/")
LEVEL = Namespace(BASE + "vocab/level/")
BASIS = Namespace(BASE + "vocab/date-basis/")
STATUS = Namespace(BASE + "vocab/holding-status/")
PID = Namespace(BASE + "id/")
PG = Namespace(BASE + "graph/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SCHEMA = Namespace("https://schema.org/")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")
SH = Namespace("http://www.w3.org/ns/shacl#")
PSH = Namespace(BASE + "shapes#")

PREFIXES = {
    "parley": PARLEY,
    "role": ROLE,
    "kind": KIND,
    "office": OFFICE,
    "level": LEVEL,
    "basis": BASIS,
    "status": STATUS,
    "pid": PID,
    "pg": PG,
    "sem": SEM,
    "org": ORG,
    "prov": PROV,
    "schema": SCHEMA,
    "oa": OA,
    "wd": WD,
}

REGISTRY_GRAPH = PG["registry"]


def entity(kind: str, ident: str) -> URIRef:
    return PID[f"{kind}/{ident}"]


def article(ident: str) -> URIRef:
    return PID[f"article/{ident}"]


def article_graph(ident: str) -> URIRef:
    return PG[f"article/{ident}"]


def in_article(article_id: str, *parts: str) -> URIRef:
    return PID["/".join(("article", article_id, *parts))]


def span(article_id: str, start: int, end: int) -> URIRef:
    return in_article(article_id, "span", f"{start}-{end}")


def original(article_id: str) -> URIRef:
    """The earlier publication an article reproduces (a reprint's original)."""
    return in_article(article_id, "original")


def delegation(meeting: str, party: str) -> URIRef:
    return PID[f"meeting/{meeting}/delegation/{party}"]


def unnamed_group(meeting: str, party: str) -> URIRef:
    """The unnamed people of `party` at `meeting` ("Iraqi officials"): one node that every
    article naming no person for that party shares."""
    return PID[f"meeting/{meeting}/unnamed/{party}"]


def holding(post: str, person: str) -> URIRef:
    return PID[f"post/{post}/holder/{person}"]


def camel(slug: str) -> str:
    """`years-since-previous-talks` -> `yearsSincePreviousTalks`."""
    head, *rest = slug.split("-")
    return head + "".join(part.capitalize() for part in rest)


def value_slug(value: object) -> str:
    """A short, IRI-safe rendering of a claim value."""
    text = str(value)
    if isinstance(value, URIRef):
        text = text.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "value"


def local_id(iri: str) -> str:
    """The registry id at the end of a Parley entity IRI (`…/person/ryan-crocker`)."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


def compact(iri: URIRef | str) -> str:
    """`psh:Statement-speaker`, `parley:speaker`, `pid:person/x`: a short name for messages."""
    text = str(iri)
    for prefix, ns in (("psh", PSH), ("sh", SH), *PREFIXES.items()):
        if text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)) :]}"
    for prefix, ns in (("rdfs", RDFS), ("rdf", RDF), ("skos", SKOS)):
        if text.startswith(str(ns)):
            return f"{prefix}:{text[len(str(ns)) :]}"
    return text


def expand(name: str) -> URIRef:
    """`psh:Statement-speaker` -> its full IRI (the inverse of `compact`)."""
    prefix, _, local = name.partition(":")
    namespaces = {"psh": PSH, "sh": SH, **PREFIXES}
    return URIRef(str(namespaces[prefix]) + local) if prefix in namespaces else URIRef(name)
