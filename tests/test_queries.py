"""The saved-query catalogue: headers, parameters, safe binding, portability, CLI and formats."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import XSD, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from seedsets import CORPUS

from parley import api
from parley.builder.corpus import build
from parley.cli.main import main
from parley.model.errors import UsageError
from parley.model.terms import with_values
from parley.query.backends import Table
from parley.query.catalogue import PARAM_TYPES, bind_params, catalogue, get_query, parse_query_file
from parley.query.results import iris_in, render

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "who-met-whom",
    "meetings",
    "participants",
    "delegations",
    "statements",
    "statements-about",
    "coverage",
    "evidence",
    "conflicts",
    "state-dyads",
    "offices",
    "mentions",
    "spellings",
    "wikidata-links",
}
CATALOGUE = catalogue()
LOCAL = sorted(name for name, q in CATALOGUE.items() if not q.online)
HOSTILE = "x> } ; DROP ALL ; <y"


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kg")
    build(CORPUS, out)
    return out


@pytest.fixture(scope="module")
def memory(kg):
    return api.open_store(kg, "memory")


@pytest.fixture(scope="module")
def oxigraph(kg):
    return api.open_store(kg, "oxigraph")


# --- headers -------------------------------------------------------------------------------------


def test_catalogue_has_the_required_queries():
    assert set(CATALOGUE) >= REQUIRED


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_query_parses_and_header_is_complete(name):
    q = CATALOGUE[name]
    prepareQuery(q.text)  # raises on a syntax error
    assert q.summary and q.description and q.tags and q.columns, f"{q.path}: incomplete header"
    for p in q.params:
        assert p.type in PARAM_TYPES and p.doc, f"{q.path}: param {p.name} needs type and doc"


def _projection(text: str) -> list[str]:
    return [str(v) for v in prepareQuery(text).algebra["PV"]]


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_columns_match_projection_and_params_are_used(name):
    q = CATALOGUE[name]
    assert list(q.columns) == _projection(q.text), f"{q.path}: `columns` differ from SELECT"
    body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
    for p in q.params:
        assert re.search(rf"\?{p.variable}\b", body), f"{q.path}: ?{p.variable} is never used"
        if p.var:  # a separate filter variable must not also be a column
            assert p.var not in q.columns


def _walk(node, inside_graph=False, found=None):
    """BGPs outside any GRAPH pattern, and OPTIONALs holding property paths."""
    found = found if found is not None else []
    if isinstance(node, CompValue):
        if node.name == "BGP" and node.get("triples") and not inside_graph:
            found.append("triple pattern outside GRAPH")
        if node.name == "LeftJoin" and "Path" in repr(node.get("p2")):
            found.append("property path inside OPTIONAL")
        inside = inside_graph or node.name == "Graph"
        for value in node.values():
            _walk(value, inside, found)
    elif isinstance(node, list | tuple):
        for value in node:
            _walk(value, inside_graph, found)
    return found


@pytest.mark.parametrize("name", LOCAL)
def test_query_is_portable(name):
    q = CATALOGUE[name]
    assert _walk(prepareQuery(q.text).algebra) == [], q.path
    body = q.text.upper()
    assert "GROUP_CONCAT" not in body, f"{q.path}: GROUP_CONCAT order differs between engines"
    assert "ORDER BY" in body.rsplit("}", 1)[-1], f"{q.path}: needs a total ORDER BY at the end"
    for word in ("BIF:", "SQL:", "APF:", "SPIF:", "REGEX("):
        assert word not in body, f"{q.path}: engine-specific or unneeded {word}"


def test_bad_headers_are_refused(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("#+ summary: x\n#+ params:\n#+   - {name: p, type: uri}\nSELECT * {}\n")
    with pytest.raises(UsageError, match="type must be one of"):
        parse_query_file(path, "q")
    path.write_text(
        "#+ summary: x\n#+ params:\n#+   - {name: p, type: iri, varr: q}\nSELECT * {}\n"
    )
    with pytest.raises(UsageError, match="unknown key"):
        parse_query_file(path, "q")
    path.write_text("#+ description: no summary\nSELECT * {}\n")
    with pytest.raises(UsageError, match="summary"):
        parse_query_file(path, "q")


# --- parameters ----------------------------------------------------------------------------------


def test_param_values_are_typed_and_resolved(memory):
    q = get_query("statements")
    b = bind_params(q, {"speaker": "ryan-crocker", "kind": "accuse"}, memory.resolve_id)
    assert b["speaker"] == URIRef("https://w3id.org/parley/id/person/ryan-crocker")
    assert b["kind"] == URIRef("https://w3id.org/parley/vocab/statement-kind/accuse")
    b = bind_params(q, {"meeting": "pid:meeting/round-2"}, memory.resolve_id)
    assert b == {"in_meeting": URIRef("https://w3id.org/parley/id/meeting/round-2")}
    full = "https://w3id.org/parley/id/person/ryan-crocker"
    assert bind_params(q, {"speaker": full}, memory.resolve_id)["speaker"] == URIRef(full)
    b = bind_params(get_query("who-met-whom"), {"since": "2007-06-01"}, memory.resolve_id)
    assert b["since"] == Literal("2007-06-01", datatype=XSD.date)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("statements", {"who": "x"}, "its parameters: speaker, kind, meeting"),
        ("wikidata-links", {"who": "x"}, "has no parameter 'who'"),
        ("participants", {}, "needs -p meeting="),
        ("who-met-whom", {"since": "May 2007"}, "not a date"),
        ("who-met-whom", {"person": "nobody-at-all"}, "not a registry id"),
        ("who-met-whom", {"person": "foo:bar"}, "unknown prefix 'foo:'"),
        ("who-met-whom", {"person": HOSTILE}, "not a registry id"),
        ("who-met-whom", {"person": "pid:x> } ; DROP ALL ; <y"}, "not a valid IRI"),
        ("who-met-whom", {"person": "http://x.org/a b"}, "not a valid IRI"),
    ],
)
def test_bad_params_are_errors_naming_the_fix(memory, name, params, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        bind_params(get_query(name), params, memory.resolve_id)


def test_hostile_string_is_bound_as_one_literal(memory, oxigraph, kg):
    """A string that looks like SPARQL stays a literal: no row matches, nothing is dropped."""
    before = len(memory.dataset)
    for value in (HOSTILE, 'Qumi" } UNION { ?a ?b ?c', "Qumi\\", "Qumi\n} #"):
        for store in (memory, oxigraph):
            result = api.run_query("mentions", kg, {"spelling": value}, store=store)
            assert result.table.rows == []
    assert len(memory.dataset) == before
    # the same query with an honest value finds the one entity (003: "Qumi, who represents Iran")
    for store in (memory, oxigraph):
        rows = api.run_query("mentions", kg, {"spelling": "Qumi"}, store=store).table.rows
        assert [str(r[0]).rsplit("/", 1)[-1] for r in rows] == ["hassan-kazemi-qomi"]


def test_values_block_keeps_the_query_structure():
    q = get_query("mentions")
    text = with_values(q.text, {"spelling": Literal(HOSTILE)})
    assert _projection(text) == list(q.columns)
    assert 'VALUES (?spelling) { ("x> } ; DROP ALL ; <y") }' in text
    rows = _values_rows(prepareQuery(text).algebra)
    assert rows == [{"spelling": Literal(HOSTILE)}]  # one row, one term: the whole string


def _values_rows(node) -> list[dict]:
    if isinstance(node, CompValue):
        if node.name == "values":
            return [{str(k): v for k, v in row.items()} for row in node["res"]]
        return [row for value in node.values() for row in _values_rows(value)]
    if isinstance(node, list | tuple):
        return [row for value in node for row in _values_rows(value)]
    return []


# --- the same rows on rdflib (initBindings) and Oxigraph (VALUES) --------------------------------

CASES = [
    ("who-met-whom", {}),
    ("who-met-whom", {"person": "ryan-crocker", "since": "2007-06-01"}),
    ("who-met-whom", {"state": "iraq", "until": "2007-06-30"}),
    ("meetings", {"since": "2007-06-01"}),
    ("participants", {"meeting": "round-1"}),
    ("delegations", {"meeting": "round-2", "party": "iran"}),
    ("statements", {}),
    ("statements", {"kind": "accuse", "meeting": "round-2"}),
    ("statements-about", {"entity": "iran"}),
    ("coverage", {"article": "pid:article/001-blog-clash"}),
    ("evidence", {"resource": "hassan-kazemi-qomi"}),
    ("conflicts", {}),
    ("conflicts", {"subject": "manouchehr-mottaki"}),
    ("state-dyads", {"state": "iraq"}),
    ("offices", {}),
    ("offices", {"state": "iran", "office": "military-officer"}),
    ("mentions", {}),
    ("spellings", {}),
    ("spellings", {"entity": "nouri-al-maliki"}),
    ("spellings", {"article": "pid:article/003-dpa"}),
    ("wikidata-links", {}),
    ("articles", {}),
]


@pytest.mark.parametrize(("name", "params"), CASES)
def test_rdflib_and_oxigraph_agree(memory, oxigraph, kg, name, params):
    a = api.run_query(name, kg, params, store=memory).table
    b = api.run_query(name, kg, params, store=oxigraph).table
    assert a.columns == b.columns
    assert a.rows == b.rows  # same rows in the same order
    assert a.rows, f"{name} {params}: the seeds should answer this"


def test_every_local_query_is_exercised():
    assert {name for name, _ in CASES} == set(LOCAL), "add the new query to CASES"


# --- results formats -----------------------------------------------------------------------------

TABLE = Table(
    columns=["who", "n", "note"],
    rows=[
        [
            URIRef("https://w3id.org/parley/id/person/ryan-crocker"),
            Literal(2),
            Literal('a\tb\n"c"'),
        ],
        [URIRef("https://w3id.org/parley/vocab/role/host"), None, Literal("x", lang="en")],
    ],
)
LABELS = {"https://w3id.org/parley/id/person/ryan-crocker": "Ryan Crocker"}


def test_json_is_sparql_results_json():
    doc = json.loads(render(TABLE, "json", LABELS))
    assert doc["head"]["vars"] == ["who", "n", "note"]
    first, second = doc["results"]["bindings"]
    assert first["who"] == {"type": "uri", "value": str(TABLE.rows[0][0])}
    assert first["n"] == {"type": "literal", "value": "2", "datatype": str(XSD.integer)}
    assert "n" not in second  # unbound
    assert second["note"] == {"type": "literal", "value": "x", "xml:lang": "en"}


def test_csv_has_label_columns_beside_iris():
    text = render(TABLE, "csv", LABELS)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["who", "who_label", "n", "note"]
    assert rows[1] == [str(TABLE.rows[0][0]), "Ryan Crocker", "2", 'a\tb\n"c"']
    # an IRI without a label: its prefixed name, as the table and markdown formats show it
    assert rows[2][:3] == [str(TABLE.rows[1][0]), "role:host", ""]


def test_tsv_escapes_and_uses_turtle_terms():
    lines = render(TABLE, "tsv", LABELS).split("\n")
    assert lines[0] == "?who\t?who_label\t?n\t?note"
    cells = lines[1].split("\t")
    assert cells == [f"<{TABLE.rows[0][0]}>", '"Ryan Crocker"', "2", '"a\\tb\\n\\"c\\""']
    assert lines[2].split("\t") == [f"<{TABLE.rows[1][0]}>", '"role:host"', "", '"x"@en']
    assert lines[3] == "" and len(lines) == 4


def test_table_shows_labels_or_prefixed_names():
    text = render(TABLE, "table", LABELS)
    assert "Ryan Crocker" in text and "role:host" in text and "(2 rows)" in text
    assert 'a\tb⏎"c"' in text  # a line break never splits a row


# --- CLI -----------------------------------------------------------------------------------------


def test_cli_lists_queries_with_params():
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 0
    for name in REQUIRED:
        assert re.search(rf"^{re.escape(name)}\s", result.output, re.M), name
    assert "-p meeting=IRI" in result.output and "required" in result.output
    detail = CliRunner().invoke(main, ["queries", "statements"])
    assert detail.exit_code == 0
    assert "usage: parley query statements [-p speaker=IRI]" in detail.output
    assert "columns: statement, speaker, kind" in detail.output


def test_cli_query_formats(kg):
    args = ["query", "participants", "-p", "meeting=round-2", "--kg", str(kg)]
    out = CliRunner().invoke(main, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["head"]["vars"] == ["person", "role", "party", "articles"]
    out = CliRunner().invoke(main, [*args, "--format", "csv", "--limit", "1"])
    header, first = list(csv.reader(io.StringIO(out.output)))
    assert header == [
        "person",
        "person_label",
        "role",
        "role_label",
        "party",
        "party_label",
        "articles",
    ]
    assert first[1] == "Hassan Kazemi Qomi"  # the Iranian head of delegation comes first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "participants"], "needs -p meeting="),
        (["query", "statements", "-p", "speakr=x"], "its parameters: speaker"),
        (["query", "who-met-whom", "-p", f"person={HOSTILE}"], "not a registry id"),
        (["query", "no-such-query"], "no saved query"),
        (["queries", "no-such-query"], "no saved query"),
    ],
)
def test_cli_usage_errors_exit_2(kg, args, message):
    result = CliRunner().invoke(main, [*args, "--kg", str(kg)] if args[0] == "query" else args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_sparql_file_and_stdin(kg, tmp_path):
    text = (
        "PREFIX parley: <https://w3id.org/parley/ontology#>\n"
        "SELECT ?m (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?a parley:reportsOn ?m } }\n"
        "GROUP BY ?m ORDER BY STR(?m)\n"
    )
    path = tmp_path / "q.rq"
    path.write_text(text, encoding="utf-8")
    for args, stdin in (([str(path)], None), (["-"], text)):
        out = CliRunner().invoke(
            main, ["sparql", *args, "--kg", str(kg), "--format", "csv"], input=stdin
        )
        assert out.exit_code == 0, out.output
        rows = list(csv.reader(io.StringIO(out.output)))
        # round 1 is reported by all five articles, round 2 by 000 and 001
        assert [(r[0].rsplit("/", 1)[-1], r[2]) for r in rows[1:]] == [
            ("round-1", "5"),
            ("round-2", "2"),
        ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ASK { ?s ?p ?o }", "only SELECT queries"),
        ("SELECT ?x WHERE {", "SPARQL syntax error"),
        ("DROP ALL", "SPARQL syntax error"),
    ],
)
def test_cli_sparql_rejects_other_queries(kg, text, message):
    out = CliRunner().invoke(main, ["sparql", "-", "--kg", str(kg)], input=text)
    assert out.exit_code == 2
    assert message in out.output and "Traceback" not in out.output


# --- unnamed participants, and labels where people read -----------------------------------------

UNNAMED = ROOT / "tests" / "data" / "unnamed"  # three fictional articles: see its README.md


@pytest.fixture(scope="module")
def unnamed_kg(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kg-unnamed")
    build(UNNAMED, out)
    return out


def csv_rows(kg: Path, name: str, params: dict | None = None, store=None) -> list[dict]:
    """The rows of a saved query as `--format csv` prints them (with the `*_label` columns)."""
    result = api.run_query(name, kg, params or {}, store=store or api.open_store(kg, "memory"))
    return list(csv.DictReader(io.StringIO(render(result.table, "csv", result.labels))))


PID = "https://w3id.org/parley/id/"


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
def test_who_met_whom_pairs_people_with_unnamed_delegations(unnamed_kg, backend):
    store = api.open_store(unnamed_kg, backend)
    rows = csv_rows(unnamed_kg, "who-met-whom", store=store)
    # a1: "Ryan Crocker met an Iranian delegation … An Iraqi delegation also took part"
    baghdad = {
        (r["person_a_label"], r["person_b_label"])
        for r in rows
        if r["meeting"] == PID + "meeting/baghdad-talks"
    }
    assert baghdad == {
        ("unnamed Iranian delegation", "unnamed Iraqi delegation"),
        ("unnamed Iranian delegation", "Ryan Crocker"),
        ("unnamed Iraqi delegation", "Ryan Crocker"),
    }
    # the unnamed side has an identifier of its own (one per meeting and party), not a person's
    (row,) = [r for r in rows if r["person_a_label"] == "unnamed Iraqi delegation"]
    assert row["person_a"] == PID + "meeting/baghdad-talks/unnamed/iraq"
    assert (row["party_a_label"], row["person_b"]) == ("Iraq", PID + "person/ryan-crocker")
    geneva = [r for r in rows if r["meeting"] == PID + "meeting/geneva-talks"]
    assert PID + "meeting/geneva-talks/unnamed/iran" in {r["person_a"] for r in geneva}
    # a3: "Hoshyar Zebari met US officials"
    (visit,) = [r for r in rows if r["meeting"] == PID + "meeting/washington-visit"]
    assert (visit["person_a_label"], visit["person_b_label"]) == (
        "unnamed US delegation",
        "Hoshyar Zebari",
    )


def test_who_met_whom_on_the_seeds_counts_iraqi_officials(kg):
    # 002: "Iraqi officials also attended the meeting"; 003: "Senior Iraqi diplomats and Foreign
    # Affairs Ministry officials were also in attendance" (round 1): one unnamed group, two sources
    rows = csv_rows(kg, "who-met-whom", {"person": "ryan-crocker", "until": "2007-06-01"})
    (row,) = [r for r in rows if r["person_a_label"] == "unnamed Iraqi delegation"]
    assert row["person_a"] == PID + "meeting/round-1/unnamed/iraq"
    assert row["joint_sources"] == "2"  # both 002 and 003 place Crocker there too


def test_delegations_list_unnamed_members(unnamed_kg):
    rows = csv_rows(unnamed_kg, "delegations", {"meeting": "baghdad-talks"})
    assert [(r["party_label"], r["role_label"], r["person_label"]) for r in rows] == [
        ("Iran", "delegation member", "unnamed Iranian delegation"),
        ("Iraq", "delegation member", "unnamed Iraqi delegation"),
        ("United States", "head of delegation", "Ryan Crocker"),
    ]


def test_participants_name_unnamed_groups(unnamed_kg):
    rows = csv_rows(unnamed_kg, "participants", {"meeting": "geneva-talks"})
    # a2: "Iranian officials met the US delegation led by Ryan Crocker … A UN envoy mediated"
    assert {(r["person_label"], r["role_label"]) for r in rows} == {
        ("unnamed Iranian delegation", "attendee"),
        ("Ryan Crocker", "head of delegation"),
        ("unnamed UN delegation", "mediator"),
    }


def test_state_dyads_count_parties_present_only_unnamed(unnamed_kg):
    rows = csv_rows(unnamed_kg, "state-dyads")
    dyads = {(r["state_a_label"], r["state_b_label"]): r["meetings"] for r in rows}
    # Iran–US in Baghdad and Geneva ("Iranian officials"), Iraq–US in Baghdad and Washington
    # ("US officials"), Iran–Iraq in Baghdad only
    assert dyads == {
        ("Iran", "Iraq"): "1",
        ("Iran", "United States"): "2",
        ("Iraq", "United States"): "2",
    }


INTERNAL = re.compile(r"^(pid|pg|kind|role|basis|level|office|parley):|^https?://")


@pytest.mark.parametrize(("name", "params"), CASES)
def test_every_label_column_is_filled_with_words(kg, oxigraph, name, params):
    """Beside every IRI, a label people read: never empty, never an internal id (a column
    that also holds literals, such as conflicts' `value`, leaves their label empty)."""
    rows = csv_rows(kg, name, params, store=oxigraph)
    assert rows, f"{name} {params}: the seeds should answer this"
    for row in rows:
        for column, label in row.items():
            if column.endswith("_label") and row[column[: -len("_label")]].startswith("http"):
                assert label and not INTERNAL.match(label), (name, column, row)


def test_labels_read_as_people_expect(kg):
    (dpa,) = [r for r in csv_rows(kg, "articles") if r["article"].endswith("/003-dpa")]
    assert dpa["article_label"] == (
        "Deutsche Presse-Agentur (DPA), “US-Iran meet in Baghdad focuses on Iraq security”, "
        "2007-05-28"
    )
    assert dpa["basis_label"] == "inferred"
    accused = csv_rows(kg, "statements", {"kind": "accuse", "speaker": "ryan-crocker"})
    # 001 (no outlet named): Crocker said "we have actually seen militia-related activity…"
    (row,) = accused
    assert row["kind_label"] == "accuse"
    assert row["article_label"] == "“US and Iran clash at Iraq talks”, 2007-07-24"
    assert row["statement_label"].startswith("Ryan Crocker: “we have actually seen militia")
    levels = csv_rows(kg, "conflicts", {"property": "level"})
    assert {r["value_label"] for r in levels} == {"ambassadorial", "formal", "high-level"}
    offices = csv_rows(kg, "offices", {"person": "hassan-kazemi-qomi", "office": "ambassador"})
    assert {r["source_label"] for r in offices if "/graph/" in r["source"]} == {"registry"}
    assert {r["office_label"] for r in offices} == {"ambassador"}
    kinds = api.run_query("statements", kg, {"kind": "make-statement"})
    text = render(kinds.table, "md", kinds.labels)
    assert "| make statement |" in text and "kind:" not in text and "pid:article" not in text


def test_label_lookup_and_label_scan_agree(memory, oxigraph, kg, monkeypatch):
    """Oxigraph looks labels up IRI by IRI, or scans every label for very many IRIs: the same
    labels either way, and the same as rdflib's."""
    from parley.query import backends

    result = api.run_query("statements", kg, {}, store=oxigraph)
    iris = iris_in(result.table)
    looked_up = oxigraph.labels(iris)
    monkeypatch.setattr(backends, "SCAN_LABELS_FROM", 1)
    assert oxigraph.labels(iris) == looked_up == memory.labels(iris)
    # every statement, article, speaker and kind has one
    assert set(looked_up) == iris
