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
    # seeds/sources/facts.yaml: round 1 on Monday 28 May 2007 in Baghdad; Iran Q794, US Q30
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
    # round 2 in Baghdad, "hosted by al-Maliki" (001, `host:`): Iraq hosts the Iranian and US
    # delegations, who visit it and meet each other at a third location
    assert dyads == {
        ("Iran", "United States", "044"),
        ("United States", "Iran", "044"),
        ("Iraq", "Iran", "043"),
        ("Iraq", "United States", "043"),
        ("Iran", "Iraq", "042"),
        ("United States", "Iraq", "042"),
    }
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


# --- meetings coded from host and place, with unnamed participants -----------------------------

UNNAMED = ROOT / "tests" / "data" / "unnamed"  # three fictional articles: see its README.md


@pytest.fixture(scope="module")
def unnamed_kg(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kg-unnamed")
    build(UNNAMED, out)
    return out


def meeting_dyads(kg: Path) -> dict[str, set[tuple[str, str, str, str]]]:
    """Meeting id -> its CAMEO rows as (source, target, code, event text)."""
    rows = csv.DictReader(io.StringIO(export(kg, "cameo-csv").decode("utf-8")))
    out: dict[str, set] = {}
    for r in rows:
        if r["Event ID"].startswith(PID + "meeting/"):
            meeting = r["Event ID"][len(PID + "meeting/") :].split("#")[0]
            out.setdefault(meeting, set()).add(
                (r["Source Name"], r["Target Name"], r["CAMEO Code"], r["Event Text"])
            )
    return out


def test_cameo_codes_follow_host_and_place(unnamed_kg):
    dyads = meeting_dyads(unnamed_kg)
    # a1: talks "hosted by Prime Minister Nouri al-Maliki in Baghdad" (`host:`), with "an
    # Iranian delegation" and "an Iraqi delegation" unnamed: Iraq hosts even though it sent a
    # delegation too, the others visit it and meet each other at a third location
    assert dyads["baghdad-talks"] == {
        ("Iraq", "Iran", "043", "Host a visit"),
        ("Iraq", "United States", "043", "Host a visit"),
        ("Iran", "Iraq", "042", "Make a visit"),
        ("United States", "Iraq", "042", "Make a visit"),
        ("Iran", "United States", "044", "Meet at a third location"),
        ("United States", "Iran", "044", "Meet at a third location"),
    }
    # a2: "Iranian officials met the US delegation … in Geneva … A UN envoy mediated": no
    # host, Switzerland is no party; the UN mediates toward both
    assert dyads["geneva-talks"] == {
        ("Iran", "United States", "044", "Meet at a third location"),
        ("United States", "Iran", "044", "Meet at a third location"),
        ("United Nations", "Iran", "045", "Mediate"),
        ("United Nations", "United States", "045", "Mediate"),
    }
    # a3: "Hoshyar Zebari met US officials in Washington": no host stated, the place is in the
    # United States, a party: it hosts the Iraqi visit
    assert dyads["washington-visit"] == {
        ("Iraq", "United States", "042", "Make a visit"),
        ("United States", "Iraq", "043", "Host a visit"),
    }


def test_plover_consult_modes_and_unnamed_participants(unnamed_kg):
    records = [json.loads(line) for line in export(unnamed_kg, "plover").decode().splitlines()]
    consult = {r["id"][len(PID + "meeting/") :]: r for r in records if r["event_type"] == "CONSULT"}

    def names(entries):
        return [e["name"] for e in entries]

    baghdad = consult["baghdad-talks"]  # hosted by a third party (Iraq) for Iran and the US
    assert (baghdad["mode"], baghdad["cameo"], baghdad["context"]) == ("third-party", "044", [])
    assert names(baghdad["actors"]) == ["Iran", "United States"]
    assert names(baghdad["recipients"]) == ["Iraq"]
    unnamed = {p["person"]["name"]: p["person"] for p in baghdad["participants"]}
    assert unnamed["unnamed Iraqi delegation"] == {
        "id": PID + "meeting/baghdad-talks/unnamed/iraq",
        "kind": "unnamed-group",
        "name": "unnamed Iraqi delegation",
        "wikidata": None,
    }
    geneva = consult["geneva-talks"]  # a third location, mediated (CAMEO 045: diplomatic)
    assert (geneva["mode"], geneva["context"]) == ("third-party", ["diplomatic"])
    assert names(geneva["actors"]) == ["Iran", "United States"]
    assert names(geneva["recipients"]) == ["United Nations"]
    visit = consult["washington-visit"]  # the visitor is the source, the host the recipient
    assert (visit["mode"], visit["cameo"]) == ("visit", "042")
    assert names(visit["actors"]) == ["Iraq"] and names(visit["recipients"]) == ["United States"]
