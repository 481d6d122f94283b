"""`parley explain`: the evidence trail in plain words, checked against the article texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from seedsets import CORPUS

from parley import build
from parley.api import explain
from parley.cli.main import main
from parley.model.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
SEEDS = CORPUS


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kg")
    build(SEEDS, out)
    return out


def test_claim_shows_each_source_and_its_sentence(kg):
    text = explain("round-1/years-since-previous-talks", kg, SEEDS).text()
    assert "the sources disagree" in text
    # 000: "which melted the icy relations of the two states after 28 years"
    # 002: "First high-level meeting in 27 years"
    block_28 = text[text.index("\n28 — ") :]
    # sources named as people know them: outlet, headline, date (not file ids)
    fars = "Fars News Agency, “Ahmadinejad Stresses Iran’s Support for Iraq”, 2007-07-25"
    assert fars in block_28.split("\n\n")[0]
    assert "«melted the icy relations of the two states after 28 years»" in text
    block_27 = text[text.index("\n27 — ") :].split("\n\n")[0]
    assert "Al Jazeera, “Iran and US hold ‘positive’ talks”, 2007-05-28" in block_27
    assert "«First high-level meeting in 27 years»" in block_27
    assert "000-fars-ahmadinejad" not in text and "002-aljazeera" not in text


def test_person_trail(kg):
    text = explain("hassan-kazemi-qomi", kg, SEEDS).text()
    assert text.startswith("Person: Hassan Kazemi Qomi")
    # 002: "Kazemi-Qomi told reporters that Iran had offered to help train and arm Iraq’s military."
    assert "Kazemi-Qomi told reporters that «Iran had offered to help train and arm" in text
    assert "head of delegation" in text
    # 004: "Kazemi Qomi, who was previously Iran’s charge d’affaires in Iraq" (status: former)
    assert "Iranian chargé d'affaires in Iraq (formerly), per Iran Focus, “U.S.’s Crocker" in text
    assert "Iranian Ambassador to Iraq (formerly)" not in text


def test_meeting_trail_names_participants_per_source(kg):
    text = explain("round-2", kg, SEEDS).text()
    assert text.startswith("Meeting: ")
    # 001: "The talks were hosted by al-Maliki in his offices"
    assert "Nouri al-Maliki took part for Iraq as host" in text
    assert "US and Iran clash at Iraq talks" in text and "Fars News Agency" in text
    assert "001-blog-clash" not in text and "000-fars-ahmadinejad" not in text
    # 000: "in the presence of Iraqi officials" — an unnamed group, named by its party
    assert "unnamed Iraqi delegation took part for Iraq as attendee" in text


def test_statement_by_iri(kg):
    person = explain("ryan-crocker", kg, SEEDS)
    from parley.analyst.facts_reader import read_facts
    from parley.api import open_store

    facts = read_facts(open_store(kg).dataset)
    statement = next(s for s in facts.statements if s.quote.startswith("we have actually seen"))
    text = explain(statement.iri, kg, SEEDS).text()
    assert "speaker: Ryan Crocker" in text and "kind: accuse;" in text
    assert "Crocker said that since the last meeting in May" in text
    assert person.thing.endswith("/person/ryan-crocker")


def test_unknown_thing_suggests(kg):
    with pytest.raises(UsageError, match="did you mean 'ryan-crocker'"):
        explain("ryan-croker", kg, SEEDS)
    with pytest.raises(UsageError, match="no source states 'colour'"):
        explain("round-1/colour", kg, SEEDS)


def test_cli(kg):
    ok = CliRunner().invoke(main, ["explain", "round-1", "--kg", str(kg), "--seeds", str(SEEDS)])
    assert ok.exit_code == 0 and "Meeting:" in ok.output
    bad = CliRunner().invoke(main, ["explain", "nobody", "--kg", str(kg)])
    assert bad.exit_code == 2 and bad.output.startswith("error: explain:")
