"""ORDER BY done in Python for Oxigraph: the same rows in the same order as Oxigraph's sort."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef

from parley.model.layout import kg_sources
from parley.query.backends import OxigraphStore
from parley.query.catalogue import catalogue
from parley.query.ordering import sort_rows, split_order_by

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import generate


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    """The Oxigraph store of a generated 30-article kg/ (many rows, ties on the first keys)."""
    from parley.builder.corpus import build

    base = tmp_path_factory.mktemp("ordering")
    seeds, kg = base / "seeds", base / "kg"
    generate.generate(seeds, 30, seed=11)
    build(seeds, kg)
    return OxigraphStore.from_sources(kg_sources(kg))


def sorted_by_oxigraph(store: OxigraphStore, text: str):
    return store._run(text).rows


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_canned_queries_come_back_in_oxigraphs_order(corpus_store, name):
    query = catalogue()[name]
    if name.startswith("wikidata/"):
        pytest.skip("runs against Wikidata, not Oxigraph")
    table = corpus_store.select(query.text)
    assert table.rows == sorted_by_oxigraph(corpus_store, query.text)


def test_the_listings_are_sorted_here():
    """The big listings are the point: their ORDER BY must stay of the simple forms."""
    for name in ("who-met-whom", "mentions", "articles", "coverage", "meetings"):
        assert split_order_by(catalogue()[name].text) is not None, name


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a LIMIT 10",
        "SELECT ?a WHERE { ?a ?b ?c } ORDER BY IF(?a = <urn:x>, 1, 2)",
        "SELECT ?a WHERE { ?a ?b ?c } ORDER BY DESC(?a)",
        "SELECT ?a WHERE { { SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a } }",
        "SELECT DISTINCT ?a WHERE { ?a ?b ?c } ORDER BY STR(?c)",  # ?c would change the rows
        "SELECT ?a (STR(?b) AS ?s) WHERE { ?a ?b ?c } ORDER BY STR(?c)",
        "SELECT ?a WHERE { ?a ?b ?c } GROUP BY ?a ORDER BY STR(?c)",
        "SELECT ?a { { SELECT ?a ?c WHERE { ?a ?b ?c } } } ORDER BY STR(?c)",  # no outer WHERE
        "SELECT (COUNT(?b) AS ?n) WHERE { ?a ?b ?c } GROUP BY ?a ORDER BY ?a",
        'SELECT ?a WHERE { ?a ?b "ORDER BY ?a" }',
        "SELECT ?a WHERE { ?a ?b ?c } # ORDER BY ?a",
    ],
)
def test_other_orders_are_left_to_the_store(text):
    assert split_order_by(text) is None


def test_simple_keys_are_split_off():
    text = (
        "SELECT ?a (MIN(?c) AS ?m) WHERE { ?a ?b ?c } GROUP BY ?a\n"
        'ORDER BY COALESCE(STR(?a), "") ?m'
    )
    body, keys, extra = split_order_by(text)
    assert extra == []
    assert body.rstrip().endswith("GROUP BY ?a")
    assert [(k.kind, k.var, k.default) for k in keys] == [("str_or", "a", ""), ("term", "m", None)]
    assert split_order_by("SELECT * WHERE { ?a ?b ?c } ORDER BY ?a")[1][0].var == "a"


def test_a_key_not_projected_is_projected_for_the_sort_and_dropped_after(corpus_store):
    text = (
        "SELECT ?s WHERE { GRAPH ?g { ?s a ?t ; ?p ?o } FILTER (isIRI(?s)) }\n"
        "ORDER BY STR(?o) STR(?p) STR(?s)"
    )
    body, _, extra = split_order_by(text)
    assert extra == ["o", "p"] and " ".join(body.split()).startswith("SELECT ?s ?o ?p WHERE")
    table = corpus_store.select(text)
    assert table.columns == ["s"]
    assert table.rows == sorted_by_oxigraph(corpus_store, text)


def test_values_of_mixed_kinds_are_left_to_the_store():
    keys = split_order_by("SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a")[1]
    assert sort_rows(["a"], [[Literal(1)], [Literal("x")]], keys) is None
    assert (
        sort_rows(
            ["a"],
            [[Literal("2020-01-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))]],
            keys,
        )
        is None
    )
    rows = [[Literal(2)], [None], [URIRef("urn:b")], [BNode("x")], [Literal(1)]]
    assert sort_rows(["a"], rows, keys) == [
        [None],
        [BNode("x")],
        [URIRef("urn:b")],
        [Literal(1)],
        [Literal(2)],
    ]


TERMS = st.one_of(
    st.none(),
    st.sampled_from(["urn:a", "urn:b", "http://x.org/é", "urn:A"]).map(URIRef),
    st.integers(-5, 5).map(Literal),
)
STRINGS = st.one_of(st.none(), st.text(alphabet="aAbé z0", max_size=4).map(Literal))


def _sparql(term) -> str:
    if term is None:
        return "UNDEF"
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term.toPython(), int):
        return str(term)
    return '"' + str(term) + '"'


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(TERMS, STRINGS, st.integers(-3, 3)), max_size=12))
def test_python_order_equals_oxigraphs(rows):
    """Random rows in a VALUES block, sorted by Oxigraph and here, by every kind of key."""
    values = " ".join(f"({_sparql(a)} {_sparql(b)} {_sparql(Literal(n))})" for a, b, n in rows)
    body = f"SELECT ?a ?b ?n WHERE {{ VALUES (?a ?b ?n) {{ {values} }} }}"
    store = OxigraphStore(ox.Store())
    for order in (
        'ORDER BY COALESCE(STR(?b), "") STR(?a) ?n',
        "ORDER BY STR(?a) COALESCE(?n, -1) STR(?b)",
        "ORDER BY ?n ?b ?a",
    ):
        text = f"{body}\n{order}"
        ours = store.select(text).rows
        theirs = sorted_by_oxigraph(store, text)
        keys = split_order_by(text)[1]
        # rows equal on every key may come in any order: compare them grouped by the keys
        assert [k for k in _keys(ours, keys)] == [k for k in _keys(theirs, keys)]
        assert sorted(map(repr, ours)) == sorted(map(repr, theirs))


def _keys(rows, keys):
    from parley.query.ordering import _key_value

    where = {"a": 0, "b": 1, "n": 2}
    out = []
    for row in rows:
        try:
            out.append(tuple(_key_value(k, row[where[k.var]]) for k in keys))
        except Exception:  # a mixed key: the store's own order was used; compare the rows
            return [repr(r) for r in rows]
    return out
