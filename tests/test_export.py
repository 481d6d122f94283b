"""`parley export`: PLOVER JSON Lines, CAMEO CSV and RDF serialisations of the seed graph.

Expectations come from reading the seed articles (quoted in the comments), not from output."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset
from seedsets import CORPUS

from parley import build
from parley.analyst.alignment import kind_alignment
from parley.analyst.export_cameo import CSV_COLUMNS
from parley.api import export
from parley.cli.main import main
from parley.model.layout import ontology_path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = CORPUS
PID = "https://w3id.org/parley/id/"


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kg")
    build(SEEDS, out)
    return out


@pytest.fixture(scope="module")
def plover(kg) -> list[dict]:
    data = export(kg, "plover").decode("utf-8")
    assert data.endswith("\n")
    return [json.loads(line) for line in data.splitlines()]


def article_text(article_id: str) -> str:
    return (SEEDS / "articles" / f"{article_id}.txt").read_text(encoding="utf-8")


def test_meetings_are_consult_records_with_linked_parties(plover):
    consult = {r["id"]: r for r in plover if r["event_type"] == "CONSULT"}
    round1 = consult[PID + "meeting/round-1"]
    # FACTS.md: round 1 on Monday 28 May 2007 in Baghdad; Iran Q794, United States Q30
    assert round1["date"] == "2007-05-28"
    assert round1["location"]["wikidata"] == "Q1530"
    assert round1["location"]["country"] == "Iraq"
    actors = {a["name"]: a["wikidata"] for a in round1["actors"]}
    assert actors == {"Iran": "Q794", "United States": "Q30"}
    # 002: "the meeting at the home of Nuri al-Maliki" (host:): Iraq hosts the US and Iranian
    # delegations, the host is the recipient and the two meet where a third party hosts them
    assert [r["name"] for r in round1["recipients"]] == ["Iraq"]
    assert round1["mode"] == "third-party" and round1["cameo"] == "044"
    assert round1["context"] == []  # no mediator
    people = {p["person"]["name"] for p in round1["participants"] if p["person"]}
    assert {"Ryan Crocker", "Hassan Kazemi Qomi"} <= people


def test_every_citation_points_at_its_words(plover):
    checked = 0
    for record in plover:
        cites = [record["citation"]] if "citation" in record else []
        cites += [p["citation"] for p in record.get("participants", [])]
        for cite in cites:
            text = article_text(cite["article_id"])
            assert text[cite["start"] : cite["end"]] == cite["text"], cite
            assert cite["source_file"] == f"seeds/articles/{cite['article_id']}.txt"
            checked += 1
    assert checked > 40


def test_statement_record_fields(plover):
    # 001: Crocker said ... "we have actually seen militia-related activity with Iranian
    # support go up and not down" — an accusation against Iran
    quote = "we have actually seen militia-related activity with Iranian support go up and not down"
    (record,) = [r for r in plover if r.get("text") == quote]
    assert record["event_type"] == "ACCUSE"
    assert record["cameo"] == kind_alignment()["accuse"].cameo
    assert record["actors"][0]["name"] == "Ryan Crocker"
    assert record["actors"][0]["acting_for"]["wikidata"] == "Q30"
    assert record["recipients"][0]["wikidata"] == "Q794"
    assert record["quotation"] is True
    assert record["citation"]["article_id"] == "001-blog-clash"
    assert record["date"]  # the article date when the statement has none


def test_kinds_without_plover_type_are_left_out(plover, kg):
    alignment = kind_alignment()
    no_plover = {k for k, a in alignment.items() if a.plover is None}
    assert "make-statement" in no_plover  # PLOVER does not code public statements (CAMEO 01)
    kinds = {r["kind"] for r in plover if r["event_type"] != "CONSULT"}
    assert kinds and not kinds & no_plover


def test_alignment_is_read_from_the_ontology(tmp_path):
    ontology = tmp_path / "parley.ttl"
    ontology.write_text(
        "@prefix parley: <https://w3id.org/parley/ontology#> .\n"
        '<https://w3id.org/parley/vocab/statement-kind/accuse> parley:cameoCode "999" .\n',
        encoding="utf-8",
    )
    aligned = kind_alignment(ontology)
    assert aligned["accuse"].cameo == "999" and aligned["accuse"].plover is None
    assert aligned["reject"].cameo == "120" and not aligned["reject"].from_ontology  # fallback
    if ontology_path().exists():
        assert kind_alignment()["accuse"].from_ontology


def test_cameo_csv(kg):
    rows = list(csv.DictReader(io.StringIO(export(kg, "cameo-csv").decode("utf-8"))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    meeting = [r for r in rows if r["Event ID"].startswith(PID + "meeting/round-2#")]
    dyads = {(r["Source Name"], r["Target Name"], r["CAMEO Code"]) for r in meeting}
    # round 2 in Baghdad between the Iranian and US delegations: a third location for both
    assert ("Iran", "United States", "044") in dyads
    assert ("United States", "Iran", "044") in dyads
    assert all(r["City"] == "Baghdad" and r["Country"] == "Iraq" for r in meeting)
    accuse = [r for r in rows if r["CAMEO Code"] == "112" and r["Source Name"] == "Ryan Crocker"]
    assert accuse and all(r["Target Wikidata"] == "Q794" for r in accuse)
    for r in rows:
        if r["Quote"]:
            text = article_text(r["Story ID"])
            assert text[int(r["Quote Start"]) : int(r["Quote End"])] == r["Quote"]


@pytest.mark.parametrize("fmt", ["nquads", "trig", "turtle", "jsonld"])
def test_rdf_formats_parse_back(kg, fmt):
    data = export(kg, fmt)
    assert data == export(kg, fmt)  # deterministic
    reference = Dataset()
    reference.parse(kg / "parley.trig", format="trig")
    quads = {(s, p, o, g) for s, p, o, g in reference.quads((None, None, None, None))}
    if fmt == "turtle":
        parsed = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
        assert len(parsed) == len({(s, p, o) for s, p, o, _ in quads})
        return
    ds = Dataset()
    ds.parse(data=data.decode("utf-8"), format={"jsonld": "json-ld"}.get(fmt, fmt))
    back = {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}
    assert len(back) == len(quads)


def test_cli_export_writes_file(kg, tmp_path):
    out = tmp_path / "events.jsonl"
    result = CliRunner().invoke(
        main, ["export", "--format", "plover", "--kg", str(kg), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export(kg, "plover")


def test_cli_export_without_graph_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "plover", "--kg", str(tmp_path)])
    assert result.exit_code == 2
    assert "parley build" in result.output
    assert "Traceback" not in result.output
