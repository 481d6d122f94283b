"""`parley query who-met-whom` over the graph built from seeds/ into tmp_path.

Expectations come from the article texts: each test first checks that the sentence it relies on
is in the article, then that the graph gives the row that sentence supports.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from seedsets import CORPUS

from parley.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = CORPUS
PID = "https://w3id.org/parley/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
CROCKER, QOMI = f"{PID}person/ryan-crocker", f"{PID}person/hassan-kazemi-qomi"
US, IRAN = f"{PID}state/united-states", f"{PID}state/iran"
ROUND_1, ROUND_2 = f"{PID}meeting/round-1", f"{PID}meeting/round-2"

# sentences naming both ambassadors at each round (article file stem -> words of the text)
ROUND_1_SOURCES = {
    "000-fars-ahmadinejad": "The first round of talks between Tehran and Washington on May 28, "
    "which melted the icy relations of the two states after 28 years, was also held at "
    "ambassadorial level, where Kazemi Qomi and Crocker discussed",
    "002-aljazeera": "Kazemi-Qomi sat directly opposite Crocker in the meeting",
    "003-dpa": "The US and Iranian delegations were headed by the two country's ambassadors to "
    "Iraq, Ryan Crocker and Hassan Kazemi Qumi.",
    "004-iranfocus": "Crocker met Iranian ambassador to Iraq, Hassan Kazemi Qomi, on Monday",
}
ROUND_2_SOURCES = {
    "000-fars-ahmadinejad": "The second round of talks in Baghdad on Tuesday was held at "
    "ambassadorial level, where Iran’s Hassan Kazemi Qomi met US envoy to Baghdad Ryan Crocker",
}
ROUND_2_ARTICLES = {"000-fars-ahmadinejad", "001-blog-clash"}  # the two that report round 2


def article_text(stem: str) -> str:
    return (SEEDS / "articles" / f"{stem}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    kg = tmp_path_factory.mktemp("cli") / "kg"
    result = CliRunner().invoke(main, ["build", "--seeds", str(SEEDS), "--kg", str(kg)])
    assert result.exit_code == 0, result.output
    return kg


def query(kg: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["query", "who-met-whom", "--kg", str(kg), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def csv_rows(kg) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.reader(io.StringIO(query(kg, "--format", "csv"), newline=""))
    header, *rows = list(reader)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def test_the_sentences_relied_on_are_in_the_articles():
    for stem, sentence in {**ROUND_1_SOURCES, **ROUND_2_SOURCES}.items():
        assert sentence in article_text(stem), f"{stem} no longer says {sentence!r}"
    assert "second direct meeting" in article_text("001-blog-clash")


def test_rows_for_both_rounds(csv_rows):
    _, rows = csv_rows
    assert {row["meeting"] for row in rows} >= {ROUND_1, ROUND_2}


def _ambassador_rows(rows, meeting):
    return [
        row
        for row in rows
        if row["meeting"] == meeting and {row["person_a"], row["person_b"]} == {CROCKER, QOMI}
    ]


@pytest.mark.parametrize(
    ("meeting", "date", "stated_by"),
    [(ROUND_1, "2007-05-28", ROUND_1_SOURCES), (ROUND_2, "2007-07-24", ROUND_2_SOURCES)],
    ids=["round-1", "round-2"],
)
def test_crocker_and_kazemi_qomi_met_for_us_and_iran(csv_rows, meeting, date, stated_by):
    _, rows = csv_rows
    pairs = _ambassador_rows(rows, meeting)
    assert len(pairs) == 1, f"expected one Crocker–Kazemi Qomi row for {meeting}, got {pairs}"
    row = pairs[0]
    party = {row["person_a"]: row["party_a"], row["person_b"]: row["party_b"]}
    assert party == {CROCKER: US, QOMI: IRAN}
    labels = {row["person_a_label"], row["person_b_label"]}
    assert labels == {"Ryan Crocker", "Hassan Kazemi Qomi"}
    assert {row["party_a_label"], row["party_b_label"]} == {"United States", "Iran"}
    assert row["date"] == date and row["place_label"] == "Baghdad"
    # every article quoted above states both at this meeting, in its own graph
    assert int(row["joint_sources"]) >= len(stated_by)
    assert int(row["sources"]) >= int(row["joint_sources"])
    if meeting == ROUND_2:
        assert int(row["sources"]) <= len(ROUND_2_ARTICLES)


def test_csv_has_a_label_column_after_every_iri_column(csv_rows):
    header, rows = csv_rows
    assert header[:2] == ["person_a", "person_a_label"]
    for i, name in enumerate(header):
        if name.endswith("_label"):
            assert header[i - 1] == name[: -len("_label")], f"{name} is not beside its column"
            continue
        values = [row[name] for row in rows]
        if any(v.startswith(("http://", "https://")) for v in values):
            assert i + 1 < len(header) and header[i + 1] == f"{name}_label", (
                f"IRI column {name} has no {name}_label beside it"
            )
            labels = [row[f"{name}_label"] for row in rows]
            assert all(labels) and not any(v.startswith("http") for v in labels), name
    for name in ("person_a", "person_b", "party_a", "party_b", "meeting", "place"):
        assert f"{name}_label" in header
    assert "date_label" not in header and "sources_label" not in header


def test_json_is_sparql_results_json(kg, csv_rows):
    doc = json.loads(query(kg, "--format", "json"))
    assert set(doc) == {"head", "results"}
    variables = doc["head"]["vars"]
    assert variables[:4] == ["person_a", "person_b", "party_a", "party_b"]
    assert {"meeting", "date", "place", "sources"} <= set(variables)
    bindings = doc["results"]["bindings"]
    assert len(bindings) == len(csv_rows[1])
    for binding in bindings:
        assert set(binding) <= set(variables)
        for term in binding.values():
            assert term["type"] in ("uri", "literal", "bnode") and isinstance(term["value"], str)
        assert binding["person_a"]["type"] == "uri"
        assert binding["date"] == {
            "type": "literal",
            "value": binding["date"]["value"],
            "datatype": f"{XSD}date",
        }
        assert binding["sources"]["datatype"] == f"{XSD}integer"
    crocker = [b for b in bindings if CROCKER in (b["person_a"]["value"], b["person_b"]["value"])]
    assert {b["meeting"]["value"] for b in crocker} >= {ROUND_1, ROUND_2}


def test_table_shows_labels_and_row_count(kg, csv_rows):
    out = query(kg)
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["person_a", "person_b", "party_a", "party_b"]
    assert lines[-1] == f"({len(csv_rows[1])} rows)"
    assert "Ryan Crocker" in out and "https://" not in out


def test_person_parameter_limits_rows(kg):
    reader = csv.DictReader(io.StringIO(query(kg, "--format", "csv", "-p", "person=ryan-crocker")))
    rows = list(reader)
    assert rows and all(CROCKER in (r["person_a"], r["person_b"]) for r in rows)


def test_unknown_query_is_a_usage_error(kg):
    result = CliRunner().invoke(main, ["query", "who-met-whom-x", "--kg", str(kg)])
    assert result.exit_code == 2
    assert "who-met-whom" in result.stderr and "Traceback" not in result.output


def test_a_path_that_cannot_be_written_is_one_line_exit_2(tmp_path):
    """Bug (issue 18): an OSError the library does not report itself (here `--out` under a
    regular file) ended in a traceback; the CLI turns any such error into one line."""
    kg = tmp_path / "kg"
    assert (
        CliRunner().invoke(main, ["build", "--seeds", str(SEEDS), "--kg", str(kg)]).exit_code == 0
    )
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", "utf-8")
    out = blocker / "export.jsonl"
    result = CliRunner().invoke(
        main, ["export", "--format", "plover", "--kg", str(kg), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    (line,) = result.output.splitlines()
    assert line.startswith(f"error: {blocker}") and "check the path" in line
    assert blocker.read_text("utf-8") == "not a folder\n"


def test_python_m_parley_is_the_parley_command():
    """`python -m parley` (no console script on PATH, e.g. a bare venv) runs the same CLI."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src"
    env = dict(os.environ, PYTHONPATH=str(src))
    done = subprocess.run(
        [sys.executable, "-m", "parley", "query", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: parley query")
