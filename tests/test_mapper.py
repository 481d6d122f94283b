"""Mapper tests: golden subgraphs (rdflib.compare), stable IRIs, no blank nodes, graph layout.

A tiny corpus (one article, its annotation, a registry) is written into tmp_path. The expected
Turtle is written by hand from docs/model.md; offsets come from the article text in this file.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
import yaml
from rdflib import RDF, RDFS, BNode, Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from parley.builder.corpus import build, load_corpus
from parley.builder.mapper import map_corpus
from parley.model import iris
from parley.model.kgio import trig_bytes

ARTICLE_ID = "100-golden"
TEXT = (
    "Talks in Strelsau — “calm” 🤝\n"
    "\n"
    "Strelsau, Monday: Anna Smith led the Ruritanian delegation. "
    "“We want calm,” Smith said. It was the first meeting in 27 years.\n"
)
CONTEXT = 32  # code points of context the mapper keeps as oa:prefix / oa:suffix

REGISTRY = {
    "states.yaml": """
states:
  - {id: ruritania, label: Ruritania}
  - {id: freedonia, label: Freedonia}
""",
    "people.yaml": """
people:
  - {id: anna-smith, label: Anna Smith, spellings: [Anna Smith, Smith], nationality: ruritania}
  - {id: boris-jones, label: Boris Jones, nationality: freedonia}
""",
    "places.yaml": """
places:
  - {id: strelsau, label: Strelsau, kind: city, in: ruritania}
""",
    "meetings.yaml": """
meetings:
  - {id: round-1, label: Round 1, round: 1, date: 2024-03-04, place: strelsau}
  - {id: round-2, label: Round 2, round: 2}
""",
    "topics.yaml": """
topics:
  - {id: calm, label: Calm}
  - {id: trade, label: Trade}
""",
}

ANNOTATION = {
    "format": "parley-annotations/1",
    "article": {"id": ARTICLE_ID, "sha256": None, "date_basis": "unknown"},
    "mentions": {"anna-smith": ["Anna Smith", "Smith"], "strelsau": ["Strelsau"]},
    "meetings": [
        {
            "event": "round-1",
            "evidence": "Anna Smith led the Ruritanian delegation.",
            "participants": [
                {
                    "person": "anna-smith",
                    "for": "ruritania",
                    "role": "head-of-delegation",
                    "evidence": "Anna Smith led the Ruritanian delegation",
                },
                {
                    "for": "freedonia",
                    "role": "attendee",
                    "evidence": "It was the first meeting",
                },
            ],
        },
        {"event": "round-2", "evidence": "Talks in Strelsau"},
    ],
    "statements": [
        {
            "speaker": "anna-smith",
            "quote": "We want calm",
            "paraphrase": False,
            "attribution": "Smith said",
            "kind": "demand",
            "date": {"value": "2024-03-04", "text": "Monday", "basis": "relative"},
            "meeting": "round-1",
            "target": "freedonia",
            "topics": ["trade", "calm"],
        },
        {
            "speaker": "ruritania",
            "quote": {"quote": "calm", "prefix": "“"},
            "kind": "make-statement",
            "paraphrase": True,
        },
    ],
    "offices": [],
    "claims": [
        {
            "about": "round-1",
            "property": "years-since-previous-talks",
            "value": 27,
            "qualifier": "exactly",
            "evidence": "the first meeting in 27 years",
        },
        {
            "about": "round-1",
            "property": "requested-by",
            "value": "ruritania",
            "evidence": "Ruritanian delegation",
        },
    ],
}

PREFIXES = """
@prefix parley: <https://w3id.org/parley/ontology#> .
@prefix role: <https://w3id.org/parley/vocab/role/> .
@prefix kind: <https://w3id.org/parley/vocab/statement-kind/> .
@prefix basis: <https://w3id.org/parley/vocab/date-basis/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
PID = "https://w3id.org/parley/id/"
ART = f"{PID}article/{ARTICLE_ID}"


def write_corpus(root: Path, annotation: dict | None = None) -> Path:
    seeds = root / "seeds"
    for name, text in REGISTRY.items():
        (seeds / "registry").mkdir(parents=True, exist_ok=True)
        (seeds / "registry" / name).write_text(text, encoding="utf-8")
    article = seeds / "articles" / f"{ARTICLE_ID}.txt"
    article.parent.mkdir(parents=True)
    article.write_text(TEXT, encoding="utf-8")
    data = json.loads(json.dumps(annotation or ANNOTATION))
    data["article"]["sha256"] = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    ann = seeds / "annotations" / f"{ARTICLE_ID}.yaml"
    ann.parent.mkdir(parents=True)
    ann.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return seeds


@pytest.fixture
def dataset(tmp_path) -> Dataset:
    return build(write_corpus(tmp_path)).dataset


def article_graph(ds: Dataset) -> Graph:
    return ds.graph(iris.article_graph(ARTICLE_ID))


def lit(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def span_ttl(exact: str, nth: int = 1) -> tuple[str, str]:
    """(IRI, Turtle) of the mention node of the nth `exact` in TEXT, as docs/model.md shows it."""
    start = -1
    for _ in range(nth):
        start = TEXT.index(exact, start + 1)
    end = start + len(exact)
    node = f"{ART}/span/{start}-{end}"
    prefix, suffix = TEXT[max(0, start - CONTEXT) : start], TEXT[end : end + CONTEXT]
    ttl = f"""
<{node}> a parley:Mention ; oa:hasSource <{ART}> ;
    oa:hasSelector <{node}/quote>, <{node}/position> .
<{node}/quote> a oa:TextQuoteSelector ;
    oa:exact {lit(exact)} ; oa:prefix {lit(prefix)} ; oa:suffix {lit(suffix)} .
<{node}/position> a oa:TextPositionSelector ;
    oa:start "{start}"^^xsd:nonNegativeInteger ; oa:end "{end}"^^xsd:nonNegativeInteger .
"""
    return node, ttl


def subgraph(graph: Graph, root: URIRef) -> Graph:
    """`root`, what points at it, and the nodes it owns (article nodes, delegations), closed."""
    out = Graph()
    for triple in graph.triples((None, None, root)):
        out.add(triple)
    todo, seen = [root], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in graph.triples((node, None, None)):
            out.add((s, p, o))
            owned = str(o).startswith(ART + "/") or any(
                part in str(o) for part in ("/delegation/", "/unnamed/")
            )
            if isinstance(o, URIRef) and owned and p != RDF.type:
                todo.append(o)
    return out


def assert_same(actual: Graph, expected_ttl: str) -> None:
    expected = Graph().parse(data=PREFIXES + expected_ttl, format="turtle")
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        pytest.fail(
            "golden subgraph differs\n--- only in the mapper's output:\n"
            + only_actual.serialize(format="nt")
            + "--- only in the expected Turtle:\n"
            + only_expected.serialize(format="nt")
        )


def test_participation_golden(dataset):
    span, span_data = span_ttl("Anna Smith led the Ruritanian delegation")
    node = URIRef(f"{ART}/participation/round-1/anna-smith-head-of-delegation")
    delegation = f"{PID}meeting/round-1/delegation/ruritania"
    expected = f"""
<{node}> a parley:Participation ;
    parley:meeting <{PID}meeting/round-1> ;
    parley:participant <{PID}person/anna-smith> ;
    parley:actingFor <{PID}state/ruritania> ;
    parley:role role:head-of-delegation ;
    parley:delegation <{delegation}> ;
    parley:evidence <{span}> .
<{PID}meeting/round-1> parley:hasParticipation <{node}> .
<{delegation}> a parley:Delegation ;
    parley:delegationOf <{PID}state/ruritania> ;
    parley:delegationTo <{PID}meeting/round-1> .
{span_data}"""
    graph = article_graph(dataset)
    assert_same(subgraph(graph, node), expected)
    meeting, person = URIRef(f"{PID}meeting/round-1"), URIRef(f"{PID}person/anna-smith")
    assert (meeting, URIRef(iris.SEM.hasActor), person) in graph


def test_unnamed_group_participation_golden(dataset):
    """An unnamed group ("for" only): keyed by the party, not a delegation; its participant is
    the party's unnamed group at the meeting, one node per meeting and party, labelled with the
    party's name (no `adjective:` in the registry: "unnamed delegation of Freedonia")."""
    span, span_data = span_ttl("It was the first meeting")
    node = URIRef(f"{ART}/participation/round-1/freedonia-attendee")
    group = f"{PID}meeting/round-1/unnamed/freedonia"
    expected = f"""
<{node}> a parley:Participation ;
    parley:meeting <{PID}meeting/round-1> ;
    parley:unnamedParticipant <{group}> ;
    parley:actingFor <{PID}state/freedonia> ;
    parley:role role:attendee ;
    parley:evidence <{span}> .
<{PID}meeting/round-1> parley:hasParticipation <{node}> .
<{group}> a parley:UnnamedGroup ; rdfs:label "unnamed delegation of Freedonia" .
{span_data}"""
    graph = article_graph(dataset)
    assert_same(subgraph(graph, node), expected)
    assert not list(graph.triples((node, iris.PARLEY.participant, None)))


def test_statement_golden(dataset):
    quote, quote_data = span_ttl("We want calm")
    said, said_data = span_ttl("Smith said")
    monday, monday_data = span_ttl("Monday")
    start = TEXT.index("We want calm")
    # docs/model.md: statement IRI from the offsets of its quote; the mapper adds kind and speaker
    node = URIRef(f"{ART}/statement/{start}-{start + 12}-demand-anna-smith")
    expected = f"""
<{node}> a parley:Statement, schema:Quotation ;
    rdfs:label "Anna Smith: “We want calm”" ;
    parley:speaker <{PID}person/anna-smith> ;
    parley:quote "We want calm" ;
    parley:quoteStart "{start}"^^xsd:nonNegativeInteger ;
    parley:isParaphrase false ;
    parley:kind kind:demand ;
    parley:date "2024-03-04"^^xsd:date ;
    parley:dateBasis basis:relative ;
    parley:context <{PID}meeting/round-1> ;
    parley:target <{PID}state/freedonia> ;
    parley:topic <{PID}topic/calm>, <{PID}topic/trade> ;
    parley:evidence <{quote}>, <{said}>, <{monday}> .
{quote_data}{said_data}{monday_data}"""
    assert_same(subgraph(article_graph(dataset), node), expected)


def test_labels_of_article_and_registry_graph(dataset):
    """What people read for nodes without a name: the article by outlet (none here), headline
    (none: its id) and date (none); the registry graph as "registry"."""
    label = RDFS.label
    graph = article_graph(dataset)
    assert str(graph.value(URIRef(ART), label)) == f"article {ARTICLE_ID}"
    registry = dataset.graph(iris.REGISTRY_GRAPH)
    assert str(registry.value(iris.REGISTRY_GRAPH, label)) == "registry"


def test_naming_golden(dataset):
    """One naming per entity and spelling: its mentions as evidence, counted, the first's offset."""
    first, first_data = span_ttl("Strelsau")
    second, second_data = span_ttl("Strelsau", 2)
    start = TEXT.index("Strelsau")
    node = URIRef(f"{ART}/naming/strelsau/{start}-{start + 8}")
    place = f"{PID}place/strelsau"
    expected = f"""
<{node}> a parley:Naming ;
    parley:names <{place}> ;
    parley:spelling "Strelsau" ;
    parley:inArticle <{ART}> ;
    parley:occurrences "2"^^xsd:nonNegativeInteger ;
    parley:firstStart "{start}"^^xsd:nonNegativeInteger ;
    parley:evidence <{first}>, <{second}> .
<{first}> parley:denotes <{place}> .
<{second}> parley:denotes <{place}> .
{first_data}{second_data}"""
    graph = article_graph(dataset)
    assert_same(subgraph(graph, node), expected)
    spellings = {
        (str(graph.value(n, iris.PARLEY.names)), str(graph.value(n, iris.PARLEY.spelling)))
        for n in graph.subjects(RDF.type, iris.PARLEY.Naming)
    }
    person = f"{PID}person/anna-smith"
    assert spellings == {(place, "Strelsau"), (person, "Anna Smith"), (person, "Smith")}


def test_paraphrase_is_not_a_quotation(dataset):
    graph = article_graph(dataset)
    statements = set(graph.subjects(RDF.type, iris.PARLEY.Statement))
    quotations = set(graph.subjects(RDF.type, iris.SCHEMA.Quotation))
    assert len(statements) == 2 and len(quotations) == 1


def test_claim_assertion_golden(dataset):
    span, span_data = span_ttl("the first meeting in 27 years")
    node = URIRef(f"{ART}/assertion/round-1/yearsSincePreviousTalks/27")
    meeting = f"{PID}meeting/round-1"
    expected = f"""
<{node}> a parley:Assertion ;
    parley:assertedOf <{meeting}> ;
    parley:assertedProperty parley:yearsSincePreviousTalks ;
    parley:assertedLiteral 27 ;
    parley:qualifier "exactly" ;
    parley:evidence <{span}> .
{span_data}"""
    graph = article_graph(dataset)
    assert_same(subgraph(graph, node), expected)
    # and the direct triple about the registry resource, in the article's graph only
    direct = (URIRef(meeting), iris.PARLEY.yearsSincePreviousTalks, None)
    assert [o.toPython() for o in graph.objects(*direct[:2])] == [27]
    assert not list(dataset.graph(iris.REGISTRY_GRAPH).triples(direct))


def test_reference_claim_golden(dataset):
    span, span_data = span_ttl("Ruritanian delegation")
    node = URIRef(f"{ART}/assertion/round-1/requestedBy/ruritania")
    expected = f"""
<{node}> a parley:Assertion ;
    parley:assertedOf <{PID}meeting/round-1> ;
    parley:assertedProperty parley:requestedBy ;
    parley:assertedObject <{PID}state/ruritania> ;
    parley:evidence <{span}> .
{span_data}"""
    assert_same(subgraph(article_graph(dataset), node), expected)


def test_mention_golden(dataset):
    """`Smith` in "Smith said" denotes the person; where spellings overlap, the longer wins."""
    graph = article_graph(dataset)
    for exact, nth in (("Smith", 2), ("Anna Smith", 1)):
        span, span_data = span_ttl(exact, nth)
        expected = f"<{span}> parley:denotes <{PID}person/anna-smith> .\n{span_data}"
        mention = Graph()
        for s, p, o in subgraph(graph, URIRef(span)):
            if o == URIRef(span) and p == iris.PARLEY.evidence:
                continue  # the fact it supports, if any, is not part of the mention
            mention.add((s, p, o))
        assert_same(mention, expected)
    # "Smith" inside "Anna Smith" is not a mention of its own
    inner = TEXT.index("Smith")
    assert not list(graph.triples((URIRef(f"{ART}/span/{inner}-{inner + 5}"), None, None)))


def shuffled(seed: int) -> dict:
    """ANNOTATION with every list (and the mentions mapping) in a different order."""
    rng = random.Random(seed)
    data = json.loads(json.dumps(ANNOTATION))
    for key in ("meetings", "statements", "claims"):
        rng.shuffle(data[key])
    for meeting in data["meetings"]:
        rng.shuffle(meeting.get("participants", []))
    for statement in data["statements"]:
        rng.shuffle(statement.get("topics", []))
    mentions = list(data["mentions"].items())
    rng.shuffle(mentions)
    data["mentions"] = {k: list(reversed(v)) for k, v in mentions}
    return data


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_iris_stable_when_lists_reordered(tmp_path, seed):
    reference = trig_bytes(build(write_corpus(tmp_path / "a")).dataset)
    other = shuffled(seed)
    assert other != ANNOTATION
    assert trig_bytes(build(write_corpus(tmp_path / "b", other)).dataset) == reference


def test_iris_stable_when_registry_reordered(tmp_path):
    reference = trig_bytes(build(write_corpus(tmp_path / "a")).dataset)
    seeds = write_corpus(tmp_path / "b")
    people = seeds / "registry" / "people.yaml"
    head, first, second = people.read_text(encoding="utf-8").split("\n  - ")
    people.write_text("\n  - ".join([head, second.rstrip("\n"), first]) + "\n", encoding="utf-8")
    assert trig_bytes(build(seeds).dataset) == reference


def test_no_blank_nodes_and_graph_names(dataset):
    names = {c.identifier for c in dataset.graphs()}
    expected = {iris.REGISTRY_GRAPH, iris.article_graph(ARTICLE_ID)}
    quads = list(dataset.quads((None, None, None, None)))
    assert quads
    for s, p, o, g in quads:
        assert not any(isinstance(t, BNode) for t in (s, p, o)), (s, p, o)
        graph_name = g.identifier if isinstance(g, Graph) else g
        assert graph_name in expected, f"triple {(s, p, o)} in unexpected graph {graph_name}"
    assert expected <= names


def test_mapping_twice_gives_the_same_bytes(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path))
    first = trig_bytes(map_corpus(corpus.registry, list(corpus.articles)))
    second = trig_bytes(map_corpus(corpus.registry, list(reversed(corpus.articles))))
    assert first == second
