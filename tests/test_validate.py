"""SHACL shapes and SPARQL checks: every rule has a fixture that breaks it and only it.

The fixtures under tests/data/validate/{shapes,checks}/ hold triples added to
tests/data/validate/base.trig, a small graph that conforms; each is named after its rule.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset, Graph, Literal, Namespace, URIRef
from seedsets import CORPUS

from parley.api import validate
from parley.builder.corpus import load_corpus
from parley.builder.mapper import map_corpus
from parley.cli.main import main
from parley.model.iris import PSH
from parley.model.kgio import trig_bytes
from parley.model.layout import load_ontology, load_shapes
from parley.validate.checks import load_checks
from parley.validate.dataset import validate_dataset
from parley.validate.engine import shape_rules
from parley.validate.report import render_text, render_turtle

SH = Namespace("http://www.w3.org/ns/shacl#")
DATA = Path(__file__).parent / "data" / "validate"
BASE = DATA / "base.trig"
SHAPE_FIXTURES = sorted((DATA / "shapes").glob("*.trig"))
CHECK_FIXTURES = sorted((DATA / "checks").glob("*.trig"))
SEEDS = CORPUS


def expected_rule(fixture: Path) -> str:
    return f"psh:{fixture.stem}" if fixture.parent.name == "shapes" else fixture.stem


def dataset(*files: Path) -> Dataset:
    ds = Dataset()
    for path in files:
        ds.parse(path, format="trig")
    return ds


@pytest.fixture(scope="module")
def rules():
    """Shapes, checks and ontology, parsed once for the module."""
    return load_shapes(), load_checks(), load_ontology()


def write_kg(folder: Path, ds: Dataset) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "parley.trig").write_bytes(trig_bytes(ds))
    return folder


def test_base_fixture_conforms(rules):
    report = validate_dataset(dataset(BASE), *rules)
    assert report.conforms, render_text(report)


def test_every_rule_has_a_fixture(rules):
    shapes, checks, _ = rules
    assert {f"psh:{f.stem}" for f in SHAPE_FIXTURES} == set(shape_rules(shapes))
    assert {f.stem for f in CHECK_FIXTURES} == set(checks)
    assert len(checks) >= 5


def test_every_shape_has_a_message(rules):
    shapes, _, _ = rules
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    assert named, "no shapes found"
    for shape in named:
        message = shapes.value(shape, SH.message)
        assert isinstance(shape, URIRef) and str(shape).startswith(str(PSH)), shape
        assert message is not None and len(str(message)) > 20, f"{shape} lacks an sh:message"


def test_shapes_are_shacl_core(rules):
    shapes, _, _ = rules
    assert not list(shapes.triples((None, SH.sparql, None))), "use SHACL Core, not SHACL-SPARQL"


@pytest.mark.parametrize("fixture", SHAPE_FIXTURES + CHECK_FIXTURES, ids=expected_rule)
def test_fixture_breaks_exactly_its_rule(fixture, tmp_path):
    """`parley validate` exits 1 on the fixture, reporting its rule and no other."""
    kg = write_kg(tmp_path / "kg", dataset(BASE, fixture))
    result = CliRunner().invoke(main, ["validate", "--kg", str(kg), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert {v["rule"] for v in report["violations"]} == {expected_rule(fixture)}, result.output
    for v in report["violations"]:
        assert v["message"], v
        assert v["graphs"], f"{v['rule']}: focus {v['focus']} not traced to a graph"


@pytest.mark.parametrize("fixture", CHECK_FIXTURES, ids=expected_rule)
def test_checks_answer_alike_on_rdflib_and_oxigraph(fixture, rules):
    """Checks use GRAPH patterns only, so rdflib (reference engine) agrees with Oxigraph."""
    _, checks, ontology = rules
    ds = dataset(BASE, fixture)
    query = checks[fixture.stem]
    rdflib_focus = {str(row.focus) for row in ds.query(query.text)}
    report = validate_dataset(ds, Graph(), {fixture.stem: query}, ontology)
    assert rdflib_focus == {v.focus for v in report.violations}
    assert rdflib_focus


def test_checks_have_headers(rules):
    _, checks, _ = rules
    for name, query in checks.items():
        assert query.summary and query.description, name
        assert query.columns[:2] == ("focus", "graph"), f"{name}: columns start focus, graph"
        assert "SELECT" in query.text.upper()


def test_focus_nodes_are_traced_to_their_article_or_the_registry(rules):
    outside = validate_dataset(
        dataset(BASE, DATA / "checks" / "evidence-outside-article.trig"), *rules
    )
    assert [v.graphs for v in outside.violations] == [("a1",)]
    assert outside.violations[0].focus_label == "“Alpha's envoy, Ann Example”"
    unreferenced = validate_dataset(
        dataset(BASE, DATA / "checks" / "registry-unreferenced.trig"), *rules
    )
    [v] = unreferenced.violations
    assert (v.graphs, v.focus_label) == (("registry",), "Carol Example")


def test_text_report_groups_by_rule_and_names_article_and_node(rules):
    ds = dataset(
        BASE,
        DATA / "shapes" / "Statement-speaker.trig",
        DATA / "shapes" / "Participation-role.trig",
    )
    text = render_text(validate_dataset(ds, *rules))
    assert "psh:Participation-role (shape) — 2 violations" in text
    assert "psh:Statement-speaker (shape) — 1 violation" in text
    assert "A statement has exactly one speaker" in text
    assert "[a1] “We want peace” <pid:article/a1/statement/x-demand>" in text
    assert "3 violations of 2 rules" in text


def test_turtle_report_is_a_shacl_report_and_deterministic(rules):
    ds = dataset(BASE, DATA / "shapes" / "Participation-role.trig")
    first = render_turtle(validate_dataset(ds, *rules))
    assert first == render_turtle(validate_dataset(ds, *rules))
    report = Graph().parse(data=first, format="turtle")
    [root] = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(root, SH.conforms) == Literal(False)
    shapes = set(report.objects(None, SH.sourceShape))
    assert shapes == {PSH["Participation-role"]}


def test_cli_exit_codes_and_formats(tmp_path):
    runner = CliRunner()
    good = write_kg(tmp_path / "good", dataset(BASE))
    result = runner.invoke(main, ["validate", "--kg", str(good)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output

    bad = write_kg(tmp_path / "bad", dataset(BASE, DATA / "checks" / "party-conflict.trig"))
    result = runner.invoke(main, ["validate", "--kg", str(bad), "--format", "json"])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["conforms"] is False
    assert [v["rule"] for v in payload["violations"]] == ["party-conflict"]
    assert payload["violations"][0]["graphs"] == ["a1"]

    result = runner.invoke(main, ["validate", "--kg", str(bad), "--format", "turtle"])
    assert result.exit_code == 1
    assert Graph().parse(data=result.output, format="turtle")

    result = runner.invoke(main, ["validate", "--kg", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "parley.trig: graph file not found" in result.output

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "parley.trig").write_text("this is { not TriG", encoding="utf-8")
    result = runner.invoke(main, ["validate", "--kg", str(broken)])
    assert result.exit_code == 2
    assert "cannot parse TriG" in result.output
    assert "Traceback" not in result.output

    result = runner.invoke(main, ["validate", "--kg", str(good), "--format", "xml"])
    assert result.exit_code == 2


def test_text_output_of_the_cli_names_the_rule(tmp_path):
    kg = write_kg(tmp_path / "kg", dataset(BASE, DATA / "checks" / "holding-dates.trig"))
    result = CliRunner().invoke(main, ["validate", "--kg", str(kg)])
    assert result.exit_code == 1
    assert "holding-dates (check) — 1 violation" in result.output
    assert "[registry]" in result.output


def test_the_seeds_conform(tmp_path):
    """The real seeds: every shape and check passes (a failure names what to fix)."""
    corpus = load_corpus(SEEDS)
    report = validate_dataset(map_corpus(corpus.registry, list(corpus.articles)))
    assert report.conforms, render_text(report)
    assert report.shapes == len(SHAPE_FIXTURES)


def test_validate_reads_the_kg_folder(tmp_path):
    kg = write_kg(tmp_path / "kg", dataset(BASE, DATA / "shapes" / "Statement-quote.trig"))
    report = validate(kg)
    assert [v.rule for v in report.violations] == ["psh:Statement-quote"]
    assert report.triples > 900
