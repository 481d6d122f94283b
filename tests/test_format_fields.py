"""The fields issue 19 item 5 added to parley-annotations/1: a reprint's site and original
(`article.found_at`, `article.original`), former offices with their years (`offices[].status`,
`start`, `end`), a meeting's duration (`meetings[].duration`) and "first since YEAR" claims
(`first-since-year`). Each is loaded, mapped with its evidence, validated (by both engines)
and refused with one `file:line: what — how` line when its value is bad.

The fixture tests/data/reprint is a tiny fictional corpus whose one article uses them all.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef
from seedsets import CORPUS

from parley.builder.corpus import load_corpus
from parley.builder.mapper import map_corpus
from parley.cli.main import main
from parley.model import iris
from parley.model.errors import InputError
from parley.model.iris import OA, PARLEY, PROV, SCHEMA, STATUS
from parley.validate import engine
from parley.validate.dataset import validate_dataset
from parley.validate.report import render_text, report_json

DATA = Path(__file__).parent / "data" / "reprint"
ANNOTATION = "annotations/001-reprint.yaml"
ARTICLE = iris.article("001-reprint")
ORIGINAL = iris.original("001-reprint")
LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<what>[^\n]+) — (?P<how>[^\n]+)$")


@pytest.fixture(scope="module")
def doc():
    (doc,) = load_corpus(DATA).articles
    return doc


@pytest.fixture(scope="module")
def dataset(doc):
    corpus = load_corpus(DATA)
    return map_corpus(corpus.registry, list(corpus.articles))


@pytest.fixture(scope="module")
def graph(dataset):
    """The union of the dataset's graphs (the article's and the registry's)."""
    union = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def copy(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA, seeds)
    return seeds


def mutate(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old` by `new`; the first line that differs."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture changed: {old!r} is not unique in {path}"
    changed = text.replace(old, new)
    path.write_text(changed, encoding="utf-8")
    pairs = zip(text.splitlines(), changed.splitlines(), strict=False)
    return next(i for i, (a, b) in enumerate(pairs, start=1) if a != b)


def evidence_of(ds, node) -> list[str]:
    """The exact words of every evidence span of `node` (an assertion or holding)."""
    words = []
    for span in ds.objects(node, PARLEY.evidence):
        for selector in ds.objects(span, OA.hasSelector):
            words.extend(str(w) for w in ds.objects(selector, OA.exact))
    return sorted(words)


def assertion(ds, subject, prop, value):
    """The one Assertion node recording `subject prop value`, after checking the triple."""
    assert (subject, prop, value) in ds, f"missing {subject} {prop} {value}"
    found = [
        a
        for a in ds.subjects(PARLEY.assertedOf, subject)
        if (a, PARLEY.assertedProperty, prop) in ds
        and ((a, PARLEY.assertedObject, value) in ds or (a, PARLEY.assertedLiteral, value) in ds)
    ]
    assert len(found) == 1, found
    return found[0]


# --- loaded ----------------------------------------------------------------------------------


def test_the_new_fields_are_loaded(doc):
    art = doc.article
    assert art.found_at.site == "strelsau-herald"
    assert art.found_at.span.exact == "Subscribe to the Strelsau Herald"  # in site furniture
    assert any(start <= art.found_at.span.start < end for start, end in art.furniture)
    original = art.original
    assert (original.outlet, original.span.exact) == (
        "test-wire",
        "This story first appeared on Test Wire",
    )
    assert original.title.exact == "Ruritania and Freedonia talk for four hours"
    assert (str(original.date.value), original.date.basis) == ("2024-03-05", "stated")
    (meeting,) = doc.meetings
    assert (meeting.duration.value, meeting.duration.span.exact) == ("PT4H", "four-hour talks")
    former = next(o for o in doc.offices if o.person == "boris-jones")
    assert former.status == "former"
    assert (former.start.value, former.end.value) == ("2015", "2019")
    assert (former.start.span.exact, former.end.span.exact) == ("2015", "2019")
    assert next(o for o in doc.offices if o.person == "anna-smith").status == "current"
    (claim,) = doc.claims
    assert (claim.property, claim.value, claim.note) == (
        "first-since-year",
        1998,
        "“since 1998”: the year, not a number of years",
    )


# --- mapped, with evidence -------------------------------------------------------------------


def test_a_reprint_is_derived_from_its_original(graph):
    derived = assertion(graph, ARTICLE, PROV.hadPrimarySource, ORIGINAL)
    assert evidence_of(graph, derived) == [
        "Subscribe to the Strelsau Herald",
        "This story first appeared on Test Wire",
    ]
    assert (ORIGINAL, RDF.type, PARLEY.OriginalArticle) in graph
    site = iris.entity("organisation", "strelsau-herald")
    found = assertion(graph, ARTICLE, PARLEY.foundAt, site)
    assert evidence_of(graph, found) == ["Subscribe to the Strelsau Herald"]
    # the credited outlet stays the article's publisher; the original has its own
    wire = iris.entity("organisation", "test-wire")
    assert (ARTICLE, SCHEMA.publisher, wire) in graph
    publisher = assertion(graph, ORIGINAL, SCHEMA.publisher, wire)
    assert evidence_of(graph, publisher) == ["This story first appeared on Test Wire"]
    title = Literal("Ruritania and Freedonia talk for four hours")
    assert evidence_of(graph, assertion(graph, ORIGINAL, SCHEMA.headline, title)) == [
        "Ruritania and Freedonia talk for four hours"
    ]
    date = Literal("2024-03-05", datatype=XSD.date)
    dated = assertion(graph, ORIGINAL, SCHEMA.datePublished, date)
    assert evidence_of(graph, dated) == ["March 5"]
    assert (dated, PARLEY.dateBasis, iris.BASIS.stated) in graph


def test_a_meeting_duration_is_an_xsd_duration(graph):
    meeting = iris.entity("meeting", "round-1")
    value = Literal("PT4H", datatype=XSD.duration)
    node = assertion(graph, meeting, SCHEMA.duration, value)
    assert evidence_of(graph, node) == ["four-hour talks"]


def test_a_former_office_keeps_its_status_years_and_words(graph):
    person = iris.entity("person", "boris-jones")
    post = iris.entity("post", "freedonia-ambassador-to-ruritania")
    node = iris.in_article("001-reprint", "holding", "freedonia-ambassador-to-ruritania")
    node = URIRef(f"{node}/boris-jones/former")
    assert (node, PARLEY.holder, person) in graph and (node, PARLEY.post, post) in graph
    assert (node, PARLEY.holdingStatus, STATUS.former) in graph
    assert (node, PARLEY.startDate, Literal("2015", datatype=XSD.gYear)) in graph
    assert (node, PARLEY.endDate, Literal("2019", datatype=XSD.gYear)) in graph
    assert evidence_of(graph, node) == [
        "2015",
        "2019",
        "formerly Freedonia’s ambassador to Ruritania",
    ]
    current = URIRef(
        iris.in_article("001-reprint", "holding", "ruritania-ambassador-to-freedonia", "anna-smith")
    )
    assert (current, PARLEY.holdingStatus, STATUS.current) in graph


def test_a_first_since_year_claim_is_an_xsd_gyear(graph):
    meeting = iris.entity("meeting", "round-1")
    node = assertion(graph, meeting, PARLEY.firstSinceYear, Literal("1998", datatype=XSD.gYear))
    assert evidence_of(graph, node) == ["the first direct talks between the two states since 1998"]
    assert (node, iris.RDFS.comment, Literal("“since 1998”: the year, not a number of years")) in (
        graph
    )


# --- validated by both engines ---------------------------------------------------------------


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "pyshacl"])
def test_the_fixture_conforms(dataset, monkeypatch, compiled):
    if not compiled:
        monkeypatch.setattr(engine, "compiled_shapes", lambda shapes: None)
    report = validate_dataset(dataset)
    assert report.conforms, render_text(report)


def test_the_seeds_use_the_new_fields():
    """The migration: 001 is a blog repost, 003 is DPA on TwoCircles.net, 004 names two former
    offices and 003 a "first … since 1979" claim (tests/data/corpus, as seeds/)."""
    docs = {d.article.id: d for d in load_corpus(CORPUS).articles}
    blog = docs["001-blog-clash"].article
    assert (blog.found_at.site, blog.original.outlet) == (None, None)
    assert (blog.found_at.span.exact, blog.original.span.exact) == ("Post a Comment", "Source")
    dpa = docs["003-dpa"].article
    assert (dpa.found_at.site, dpa.original.outlet) == ("twocircles", "dpa")
    former = {(o.post, o.span.exact) for o in docs["004-iranfocus"].offices if o.status == "former"}
    assert former == {
        (
            "iran-charge-d-affaires-in-iraq",
            "Kazemi Qomi, who was previously Iran’s charge d’affaires in Iraq",
        ),
        ("irgc-liaison-to-hezbollah", "was once the IRGC’s liaison to Hezbollah in Lebanon"),
    }
    since = [(c.about, c.value) for c in docs["003-dpa"].claims if c.property == "first-since-year"]
    assert since == [("round-1", 1979)]


# --- bad values: one line, file:line, exit 2 -------------------------------------------------

CASES = [
    (
        "duration-not-iso",
        "duration: {value: PT4H,",
        'duration: {value: "four hours",',
        ["bad duration 'four hours'", "duration.value"],
        ["ISO 8601 duration such as PT4H"],
    ),
    (
        "duration-weeks",
        "duration: {value: PT4H,",
        "duration: {value: P1W,",
        ["bad duration 'P1W'"],
        ["weeks as days"],
    ),
    (
        "duration-zero",
        "duration: {value: PT4H,",
        "duration: {value: PT0H,",
        ["duration of zero"],
        ["PT4H"],
    ),
    (
        "year-in-the-future",
        "value: 1998",
        "value: 2098",
        ["year 2098", "after 2024-03-05"],
        ["the year the text names"],
    ),
    (
        "year-not-a-year",
        "value: 1998",
        'value: "since 1998"',
        ["bad year 'since 1998'"],
        ["four digits"],
    ),
    (
        "office-start-in-the-future",
        "start: {value: 2015,",
        "start: {value: 2031,",
        ["start.value 2031 is after 2024-03-05"],
        ["the date the text states"],
    ),
    (
        "office-end-before-start",
        "end: {value: 2019,",
        "end: {value: 2011,",
        ["end 2011 is before start 2015"],
        ["check both"],
    ),
    (
        "office-status-unknown",
        "status: former",
        "status: retired",
        ["unknown status 'retired'"],
        ["allowed: current, former"],
    ),
    (
        "found-at-unknown-site",
        "site: strelsau-herald",
        "site: strelsau-heralds",
        ["unknown organisation 'strelsau-heralds'"],
        ["did you mean 'strelsau-herald'"],
    ),
    (
        "original-after-the-article",
        "date: {value: 2024-03-05, text: {quote",
        "date: {value: 2024-03-06, text: {quote",
        ["article.original.date 2024-03-06 is after the article's date 2024-03-05"],
        ["check both dates"],
    ),
    (
        "original-title-in-furniture",  # only found_at and original.evidence may quote furniture
        'title: "Ruritania and Freedonia talk for four hours"',
        'title: "Subscribe to the Strelsau Herald"',
        ["only inside site furniture"],
        ["furniture"],
    ),
    (
        "found-at-lacks-evidence",
        '    evidence: "Subscribe to the Strelsau Herald"\n',
        "",
        ["article.found_at lacks 'evidence'"],
        ["add"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "what", "how"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_bad_value_is_one_line_with_its_line(tmp_path, old, new, what, how):
    seeds = copy(tmp_path)
    path = seeds / ANNOTATION
    line = mutate(path, old, new)
    with pytest.raises(InputError) as info:
        load_corpus(seeds)
    (problem,) = info.value.problems
    match = LINE.match(str(problem))
    assert match, f"not a `file:line: what — how` line: {problem}"
    assert match["path"] == str(path)
    if new:  # a removed key is reported at its mapping: the line before the change
        assert int(match["line"]) == line, f"{problem} should point at line {line}"
    for word in what:
        assert word in match["what"], f"{word!r} missing from {problem}"
    for word in how:
        assert word in match["how"], f"{word!r} missing from the hint of {problem}"


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("duration: {value: PT4H,", "duration: {value: 4 hours,", "bad duration"),
        ("value: 1998", "value: 2999", "year 2999"),
    ],
    ids=["duration", "future-year"],
)
def test_cli_build_exits_2_with_one_line(tmp_path, old, new, words):
    seeds = copy(tmp_path)
    path = seeds / ANNOTATION
    line = mutate(path, old, new)
    kg = tmp_path / "kg"
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--kg", str(kg)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (only,) = result.stderr.splitlines()
    assert only.startswith(f"error: {path}:{line}: ") and words in only, only
    assert " — " in only
    assert not kg.exists()


# --- each new shape: its failing example, the same report from both engines --------------------

VALIDATE = Path(__file__).parent / "data" / "validate"
NEW_SHAPES = [
    "PostHolding-status",
    "Meeting-duration",
    "Meeting-firstSinceYear",
    "NewsArticle-foundAt",
    "NewsArticle-primarySource",
    "OriginalArticle-publisher",
    "OriginalArticle-headline",
    "OriginalArticle-date",
]


@pytest.mark.parametrize("shape", NEW_SHAPES)
def test_new_shape_fails_its_example_alike_in_both_engines(shape, monkeypatch):
    ds = Dataset()
    for path in (VALIDATE / "base.trig", VALIDATE / "shapes" / f"{shape}.trig"):
        ds.parse(path, format="trig")
    compiled = validate_dataset(ds)
    monkeypatch.setattr(engine, "compiled_shapes", lambda shapes: None)
    reference = validate_dataset(ds)
    assert report_json(compiled) == report_json(reference)
    assert {v.rule for v in compiled.violations} == {f"psh:{shape}"}
