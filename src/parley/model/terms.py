"""RDF terms across engines: rdflib <-> pyoxigraph <-> N-Triples strings, normalisation of
result terms, and VALUES binding.

Every backend returns rdflib terms passed through `normalise`, so that the same query prints
the same output on rdflib, Oxigraph and a remote endpoint (Virtuoso included).
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef

from parley.model.errors import UsageError

# Types derived from xsd:integer. Engines disagree on which one an expression returns
# (Virtuoso: xsd:int for arithmetic; Oxigraph: xsd:integer for MIN over xsd:nonNegativeInteger,
# rdflib keeps the input type), so results show them all as xsd:integer.
INTEGER_TYPES = {
    str(XSD[name])
    for name in [
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
# Comments, strings and IRIs, which may contain text that looks like `WHERE {`.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.DOTALL,
)
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def normalise(term: object) -> object:
    """One result term in the form every engine agrees on.

    Plain and `xsd:string` literals are the same (RDF 1.1); language tags are lower case;
    booleans are `true`/`false` (Virtuoso writes 1/0); types derived from xsd:integer are
    xsd:integer.
    """
    if not isinstance(term, Literal):
        return term
    datatype = str(term.datatype) if term.datatype else None
    if term.language:
        lang = term.language.lower()
        return term if lang == term.language else Literal(str(term), lang=lang)
    if datatype == str(XSD.string):
        return Literal(str(term))
    if datatype == str(XSD.boolean):
        lexical = str(term).strip().lower()
        value = {"1": "true", "0": "false"}.get(lexical, lexical)
        return term if value == str(term) else Literal(value, datatype=XSD.boolean)
    if datatype in INTEGER_TYPES:
        return Literal(str(term).strip(), datatype=XSD.integer)
    return term


_XSD_STRING = ox.NamedNode(str(XSD.string))
NT_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"  # rdf:type in N-Triples


def from_oxigraph(term: object) -> object:
    """A pyoxigraph term (or None) as the rdflib term rdflib's parsers make of it (an
    `xsd:string` literal is a plain literal)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: object) -> object:
    """The pyoxigraph term of an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(term)


def nt(term: object) -> str:
    """The N-Triples form of an rdflib term, as pyoxigraph prints it (`str(term)`)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        return str(to_oxigraph(term))
    raise TypeError(term)


def normalised_from_oxigraph(term: object) -> object:
    """`normalise(from_oxigraph(term))`, with a short way for the commonest case: an
    `xsd:string` literal becomes a plain literal without first being made a typed one."""
    if isinstance(term, ox.Literal) and term.datatype == _XSD_STRING:
        return Literal(term.value)
    return normalise(from_oxigraph(term))


def from_json(cell: dict | None) -> object:
    """A term of the SPARQL 1.1 Query Results JSON format (or Virtuoso's variant) in rdflib."""
    if cell is None:
        return None
    kind, value = cell.get("type"), cell.get("value", "")
    if not isinstance(value, str):
        raise ValueError(f"a {kind!r} term whose value is not text in SPARQL results")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        if cell.get("xml:lang"):
            return Literal(value, lang=cell["xml:lang"])
        if cell.get("datatype"):
            return Literal(value, datatype=URIRef(cell["datatype"]))
        return Literal(value)
    raise ValueError(f"unknown term type {kind!r} in SPARQL results")


def sparql_term(term: object) -> str:
    """A checked rdflib IRI or literal written as SPARQL syntax for a VALUES block."""
    if isinstance(term, URIRef):
        if IRI_FORBIDDEN.search(str(term)):
            raise UsageError(f"'{term}' is not a valid IRI (spaces, <, >, quotes or braces)")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^{sparql_term(URIRef(term.datatype))}'
        return f'"{text}"'
    raise UsageError(f"cannot bind {term!r}: only IRIs and literals can be parameters")


def with_values(text: str, bindings: dict[str, object]) -> str:
    """The query with a VALUES block for `bindings` right after its first `WHERE {`.

    This is how engines without rdflib's initBindings get parameters: terms are written from
    checked rdflib terms, never by formatting user text into the query.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    for name in names:
        if not VARIABLE.match(name):
            raise UsageError(f"'{name}' is not a SPARQL variable name")
    masked = _OPAQUE.sub(lambda m: " " * len(m.group(0)), text)
    match = _WHERE.search(masked)
    if match is None:
        raise UsageError(
            "the query has no `WHERE {` to bind parameters in — write `SELECT … WHERE { … }`"
        )
    variables = " ".join(f"?{name}" for name in names)
    values = " ".join(sparql_term(bindings[name]) for name in names)
    block = f"\n  VALUES ({variables}) {{ ({values}) }}\n"
    return text[: match.end()] + block + text[match.end() :]


def partial_date(value: str) -> Literal:
    """`2007-05-28` -> xsd:date, `2007-05` -> xsd:gYearMonth, `2007` -> xsd:gYear."""
    datatype = {10: XSD.date, 7: XSD.gYearMonth, 4: XSD.gYear}[len(value)]
    return Literal(value, datatype=datatype)
