"""Text that could break a serialiser round-trips exactly (issue 8, item 3).

Literals holding `\"\"\"`, backslashes, control characters, line separators, RTL marks, emoji and
escape-like text (`\\u0041`, `\\n`) go through Parley's canonical TriG (`kgio.trig_bytes`),
rdflib's N-Quads and JSON-LD, and Parley's own export writers, and come back isomorphic. The
same holds for the mapper's output over a generated article whose quotes are cut from
generated hostile text. IRIs cannot carry such characters: ids are slugs, the loaders refuse
anything else, and an IRI with `>` cannot be serialised at all (rather than written broken).
"""

from __future__ import annotations

import functools
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from fuzzkit import COUNTS, PIECES, hostile_text
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import XSD, Dataset, Literal, URIRef
from rdflib.compare import isomorphic

from parley.analyst.export_rdf import RDF_WRITERS
from parley.builder.mapper import map_corpus
from parley.model import iris
from parley.model.errors import InputError
from parley.model.iris import OA, PARLEY
from parley.model.kgio import trig_bytes
from parley.query.catalogue import IRI_FORBIDDEN
from parley.seeds.annotations import load_annotations
from parley.seeds.checks import SLUG
from parley.seeds.registry import load_registry

DATA = Path(__file__).parent / "data" / "annotations"
EX = "http://example.org/"


def serialisers(ds: Dataset) -> dict[str, tuple[bytes, str]]:
    """Every way Parley writes a dataset, with the rdflib format that reads it back."""
    out = {
        "trig_bytes": (trig_bytes(ds), "trig"),
        "rdflib-nquads": (ds.serialize(format="nquads", encoding="utf-8"), "nquads"),
        "rdflib-json-ld": (ds.serialize(format="json-ld", encoding="utf-8"), "json-ld"),
    }
    for name, fmt in (("nquads", "nquads"), ("jsonld", "json-ld"), ("trig", "trig")):
        if name in RDF_WRITERS:
            out[f"export-{name}"] = (RDF_WRITERS[name](ds), fmt)
    return out


def graphs(ds: Dataset) -> dict[str, object]:
    """The non-empty named graphs of `ds` by name."""
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def assert_round_trips(ds: Dataset) -> None:
    expected = graphs(ds)
    for name, (data, fmt) in serialisers(ds).items():
        back = Dataset()
        back.parse(data=data, format=fmt)
        got = graphs(back)
        assert sorted(got) == sorted(expected), f"{name}: graph names differ"
        for gname, graph in expected.items():
            assert isomorphic(graph, got[gname]), f"{name}: graph {gname} differs after a re-parse"


hostile_literal_text = st.one_of(
    hostile_text,
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map("".join),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp", "Mn"]), max_size=8),
)
literals = st.one_of(
    hostile_literal_text.map(Literal),
    # Oxigraph writes language tags in lower case (RDF 1.1: they compare case-insensitively)
    st.tuples(
        hostile_literal_text,
        st.sampled_from(["en", "fa", "ar-iq", "de-ch-1996"]),
    ).map(lambda t: Literal(t[0], lang=t[1])),
    st.integers(-(10**30), 10**30).map(lambda n: Literal(n, datatype=XSD.integer)),
    st.dates().map(lambda d: Literal(d, datatype=XSD.date)),
)


@settings(max_examples=300)
@given(objects=st.lists(literals, min_size=1, max_size=6))
def test_hostile_literals_round_trip(objects):
    """Each literal comes back identical through every serialiser."""
    COUNTS["roundtrip-literals"] += 1
    ds = Dataset()
    for i, obj in enumerate(objects):
        graph = ds.graph(URIRef(f"{EX}graph/{i % 2}"))
        graph.add((URIRef(f"{EX}s/{i}"), URIRef(f"{EX}p"), obj))
    assert_round_trips(ds)


@pytest.mark.parametrize("bad", [">", " ", "\n", '"', "{", "}", "<", "\\", "^", "`", "|"])
def test_iri_with_forbidden_character_is_never_written(bad):
    """An IRI holding `>` (or space, newline, quote…) raises instead of writing a broken file."""
    ds = Dataset()
    ds.graph(URIRef(f"{EX}g")).add((URIRef(f"{EX}a{bad}b"), URIRef(f"{EX}p"), Literal("x")))
    with pytest.raises(Exception):  # noqa: B017 - rdflib and Oxigraph raise different types
        trig_bytes(ds)


# --- ids are slugs, so minted IRIs are clean -----------------------------------------------

slugs = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True)
ids = st.one_of(
    hostile_text,
    slugs,
    st.tuples(
        slugs, st.sampled_from(["\n", " x", ">", "/x", "#", "%20", "?q", "é", "A", "--"])
    ).map("".join),
)


@functools.cache
def known_ids() -> set[str]:
    return set(load_registry(DATA / "registry").entities)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz-roundtrip") / "seeds"
    shutil.copytree(DATA, root)
    return root


@settings(max_examples=400)
@given(ident=ids)
def test_registry_refuses_ids_that_are_not_slugs(seeds, ident):
    """An id is accepted only as a slug; then every IRI minted from it is a valid IRI."""
    COUNTS["roundtrip-ids"] += 1
    path = seeds / "registry" / "topics.yaml"
    original = path.read_text(encoding="utf-8")
    tree = yaml.safe_load(original)
    tree["topics"].append({"id": ident, "label": "T"})
    path.write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    try:
        registry = load_registry(seeds / "registry")
    except InputError:
        registry = None
    finally:
        path.write_text(original, encoding="utf-8")
    if registry is None:  # refused: not a slug once stripped, or a duplicate of a known id
        assert not SLUG.fullmatch(ident.strip()) or ident.strip() in known_ids()
        return
    topics = [e.id for e in registry.of_kind("topic")]
    for ident_ in topics:
        assert SLUG.fullmatch(ident_), ident_
        for iri in (iris.entity("topic", ident_), iris.in_article(ident_, "span", "1-2")):
            assert not IRI_FORBIDDEN.search(str(iri)), iri
            ox.NamedNode(str(iri))  # Oxigraph checks IRI syntax


# --- the mapper's own output over a generated article --------------------------------------

ARTICLE = "001-gen"
names = ["Anna Smith", "Boris Jones", "Ruritania", "Freedonia"]
segments = st.lists(
    st.one_of(st.sampled_from(PIECES), st.sampled_from(names), st.text(min_size=1, max_size=12)),
    min_size=3,
    max_size=30,
).map("".join)


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of `quote` in `text`, overlapping ones included (as the loader counts)."""
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


@settings(max_examples=120)
@given(data=st.data(), text=segments)
def test_generated_quotes_round_trip_through_the_mapper(seeds, data, text):
    """Quotes cut from a generated hostile article load, map and round-trip exactly."""
    raw = text.encode("utf-8")
    (seeds / "articles" / f"{ARTICLE}.txt").write_bytes(raw)
    statements, expected = [], []
    for _ in range(data.draw(st.integers(1, 4))):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, min(len(text), start + 40)))
        quote = text[start:end]
        starts = occurrences(text, quote)
        speaker = data.draw(st.sampled_from(["anna-smith", "boris-jones", "ruritania"]))
        kind = data.draw(st.sampled_from(["demand", "agree", "deny"]))
        statements.append(
            {
                "speaker": speaker,
                "quote": {"quote": quote, "occurrence": starts.index(start) + 1},
                "kind": kind,
            }
        )
        expected.append((start, end, quote))
    doc = {
        "format": "parley-annotations/1",
        "article": {
            "id": ARTICLE,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "date_basis": "unknown",
        },
        "statements": statements,
    }
    path = seeds / "annotations" / f"{ARTICLE}.yaml"
    # ASCII YAML with escapes: PyYAML writes U+0085 raw with allow_unicode, and reading folds
    # it into a space (a YAML line break), so the quote would no longer match the article
    dumped = yaml.safe_dump(doc, allow_unicode=False)
    assert yaml.safe_load(dumped) == doc
    path.write_text(dumped, encoding="utf-8")
    COUNTS["roundtrip-mapper"] += 1
    try:
        registry = load_registry(seeds / "registry")
        loaded = load_annotations(path, seeds / "articles", registry)
    finally:
        path.unlink()
    ds = map_corpus(registry, [loaded])
    article_graph = ds.graph(iris.article_graph(ARTICLE))
    quotes = {str(o) for o in article_graph.objects(None, PARLEY.quote)}
    assert quotes == {q for _, _, q in expected}
    for start, end, quote in expected:
        span = iris.span(ARTICLE, start, end)
        selector = URIRef(f"{span}/quote")
        assert article_graph.value(selector, OA.exact) == Literal(quote)
        position = URIRef(f"{span}/position")
        assert article_graph.value(position, OA.start).toPython() == start
        assert article_graph.value(position, OA.end).toPython() == end
    assert_round_trips(ds)
