"""Hostile parameter values against every parameterised saved query (issue 8, item 4).

Each value of HOSTILE (IRIs with `>`, spaces or newlines, literals with quotes, `} ; DROP
ALL`, NUL, very long values, Unicode…) is given to every parameter of every saved query that
runs offline, on the embedded stores: rdflib in memory (parameters bound by the engine,
initBindings) and Oxigraph (parameters written into a VALUES block). Each value is either
refused with a one-line `UsageError`, or bound safely:

- the query structure does not change: the parsed algebra of the query with the hostile value
  in its VALUES block equals that of the query with a harmless placeholder in its place;
- Oxigraph's rows (bound by text) equal rdflib's rows (bound by the engine, the known safe
  equivalent);
- neither store changes (hash of its sorted N-Quads before and after).

The graph is the tiny fixture corpus of tests/data/annotations, built once for the module.
"""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
from pathlib import Path

import pytest
from fuzzkit import COUNTS
from rdflib import Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from parley import api
from parley.builder.corpus import build
from parley.model.errors import UsageError
from parley.model.layout import kg_sources
from parley.model.terms import with_values
from parley.query.backends import MemoryStore, OxigraphStore
from parley.query.catalogue import bind_params, catalogue

DATA = Path(__file__).parent / "data" / "annotations"

HOSTILE = [
    # IRIs that would close or break `<…>`
    "http://example.org/a>b",
    "http://example.org/a b",
    "http://example.org/a\nb",
    "http://example.org/a\rb",
    "http://example.org/a\tb",
    'http://example.org/a"b',
    "http://example.org/a{b}",
    "http://example.org/a|b",
    "http://example.org/a^b",
    "http://example.org/a`b",
    "http://example.org/a\\b",
    "<http://example.org/a>",
    "http://example.org/> } ; DROP ALL ; SELECT * WHERE { <x",
    "pid:person/anna-smith> } UNION { ?s ?p ?o",
    "anna-smith> } ; DROP ALL ; {",
    # update and query keywords
    "} ; DROP ALL",
    "DROP ALL",
    "CLEAR DEFAULT",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }",
    "?x",
    "$x",
    "VALUES ?x { 1 }",
    "# comment",
    "a # b",
    # literals with quotes and escapes
    '"',
    "'",
    '"""',
    "'''",
    'Qumi" . } DROP ALL { "',
    "Qumi' . } DROP ALL { '",
    '"x"^^<http://www.w3.org/2001/XMLSchema#string>',
    '"x"@en',
    "\\",
    "\\u003E",
    "\\n",
    "Qumi\\",
    # empty, blank, control characters
    "",
    " ",
    "\n",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "\u2028",
    "\ufeff",
    # long values
    "x" * 100_000,
    "http://example.org/" + "a" * 5000,
    "pid:person/" + "a" * 3000,
    "9" * 40,
    # Unicode
    "é",
    "e\u0301",
    "سلام",
    "\u202eevil",
    "🤝",
    "http://例え.jp/",
    "Strelsau",
    # names, prefixes and look-alikes
    "anna-smith",
    "ANNA-SMITH",
    "anna-smith\n",
    "anna_smith",
    "pid:person/anna-smith",
    "https://w3id.org/parley/id/person/anna-smith",
    "unknown:thing",
    "pid:",
    ":",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "urn:x-parley:no-such-thing",
    # numbers and dates
    "1",
    "-1",
    "1e400",
    "NaN",
    "2024-03-04",
    "2024-02-30",
    "0000-00-00",
    "2024-03-04T00:00:00",
    "2024-03-04 } ; DROP ALL",
]

assert len(HOSTILE) >= 50


def _cases():
    for name, query in sorted(catalogue().items()):
        if query.online or not query.params:
            continue
        for param in query.params:
            yield pytest.param(name, param.name, id=f"{name}-{param.name}")


def store_hash(store) -> str:
    """SHA-256 of the store's quads in sorted N-Quads."""
    if isinstance(store, MemoryStore):
        data = store.dataset.serialize(format="nquads", encoding="utf-8")
        lines = sorted(line for line in data.splitlines() if line.strip())
    else:
        lines = sorted(str(q).encode("utf-8") for q in store.store)
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz-queries")
    seeds = root / "seeds"
    shutil.copytree(DATA, seeds)
    kg = root / "kg"
    build(seeds, kg)
    sources = kg_sources(kg)
    return kg, MemoryStore.from_sources(sources), OxigraphStore.from_sources(sources)


def shape(node, term):
    """The algebra as nested tuples, with `term` (the bound value) replaced by a marker."""
    if isinstance(node, URIRef | Literal) and node.n3() == term.n3():
        return "<PARAM>"
    if isinstance(node, CompValue):
        return (node.name, tuple((k, shape(v, term)) for k, v in node.items()))
    if isinstance(node, dict):
        return tuple(sorted((repr(k), shape(v, term)) for k, v in node.items()))
    if isinstance(node, list | tuple):
        return tuple(shape(v, term) for v in node)
    if isinstance(node, set | frozenset):
        return tuple(sorted(repr(shape(v, term)) for v in node))
    if isinstance(node, Variable | URIRef | Literal):
        return (type(node).__name__, node.n3())
    return repr(node)


def placeholder(term):
    """A harmless term of the same kind as `term`."""
    if isinstance(term, URIRef):
        return URIRef("http://example.org/placeholder")
    if term.datatype is not None:
        return Literal(term.toPython(), datatype=term.datatype)  # typed: already checked
    return Literal("placeholder")


def check_refusal(exc: UsageError, query_name: str, param: str) -> None:
    message = str(exc)
    assert len(message.splitlines()) == 1, f"not one line: {message!r}"
    bad = [c for c in message if unicodedata.category(c) in ("Cc", "Zl", "Zp")]
    assert not bad, f"control characters {bad!r} in {message!r}"
    assert f"'{param}'" in message or query_name in message, message


@pytest.mark.parametrize(("query_name", "param"), list(_cases()))
def test_hostile_values_are_refused_or_bound_safely(stores, query_name, param):
    _, memory, oxigraph = stores
    query = catalogue()[query_name]
    before = {store.name: store_hash(store) for store in (memory, oxigraph)}
    refused = bound = 0
    safe_shapes: dict[str, object] = {}
    for value in HOSTILE:
        COUNTS["query-params"] += 1
        try:
            bindings = bind_params(query, {param: value}, memory.resolve_id)
        except UsageError as exc:
            check_refusal(exc, query_name, param)
            with pytest.raises(UsageError):  # the Oxigraph store refuses it too
                bind_params(query, {param: value}, oxigraph.resolve_id)
            refused += 1
            continue
        bound += 1
        assert bind_params(query, {param: value}, oxigraph.resolve_id) == bindings
        variable = query.param(param).variable
        term, safe = bindings[variable], placeholder(bindings[variable])
        if safe.n3() not in safe_shapes:
            safe_text = with_values(query.text, {**bindings, variable: safe})
            safe_shapes[safe.n3()] = shape(prepareQuery(safe_text).algebra, safe)
        hostile_algebra = prepareQuery(with_values(query.text, bindings)).algebra
        assert shape(hostile_algebra, term) == safe_shapes[safe.n3()], (
            f"{query_name}: binding {value!r} changed the query structure"
        )
        by_engine = memory.select(query.text, bindings)  # rdflib initBindings: no query text
        by_text = oxigraph.select(query.text, bindings)  # a VALUES block in the query text
        assert by_text.columns == by_engine.columns
        assert sorted(map(repr, by_text.rows)) == sorted(map(repr, by_engine.rows)), (
            f"{query_name} -p {param}={value!r}: Oxigraph and rdflib disagree"
        )
    after = {store.name: store_hash(store) for store in (memory, oxigraph)}
    assert after == before, "a store changed"
    assert refused + bound == len(HOSTILE)
    assert refused > 0  # every parameter type refuses some of these values


def test_a_bound_id_still_finds_its_rows(stores):
    """Bound safely means bound: a valid id given with surrounding spaces still selects."""
    kg, memory, oxigraph = stores
    for store in (memory, oxigraph):
        rows = api.run_query("participants", kg, {"meeting": " round-1 "}, store=store).table.rows
        people = {str(row[0]).rsplit("/", 1)[-1] for row in rows}
        # tests/data/annotations/articles/001-tiny.txt: Anna Smith headed her delegation and
        # Boris Jones led the Freedonian side at the meeting
        assert {"anna-smith", "boris-jones"} <= people


def test_the_structure_check_sees_an_injection():
    """The algebra comparison is not blind: text formatted into the query (what Parley never
    does) changes the structure, and the check reports it."""
    query = catalogue()["mentions"]
    value = 'x" } OPTIONAL { ?a ?b ?c } VALUES ?zzz { "y'
    naive = query.text.replace("WHERE {", f'WHERE {{ VALUES ?spelling {{ "{value}" }}', 1)
    safe = with_values(query.text, {"spelling": Literal("placeholder")})
    term = Literal(value)
    assert shape(prepareQuery(naive).algebra, term) != shape(
        prepareQuery(safe).algebra, Literal("placeholder")
    )
    bound = with_values(query.text, {"spelling": term})
    assert shape(prepareQuery(bound).algebra, term) == shape(
        prepareQuery(safe).algebra, Literal("placeholder")
    )
