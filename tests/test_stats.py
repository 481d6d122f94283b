"""`parley stats` counts with the engine (three grouped SPARQL queries) what the former
implementation counted by walking each rdflib graph in Python: the reference below, run on the
fixture corpus, on a generated corpus and on a mutated one (a fact's evidence removed, a fact
with two fact classes, an empty graph, a graph outside Parley's), with rdflib and Oxigraph."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, Dataset, Literal, URIRef
from seedsets import CORPUS

from parley.builder.corpus import load_corpus
from parley.builder.mapper import map_corpus
from parley.builder.store import store_path
from parley.cli.main import main
from parley.model.iris import PARLEY
from parley.model.kgio import trig_bytes
from parley.model.layout import GRAPH_PREFIX, Source
from parley.query.backends import MemoryStore, OxigraphStore
from parley.query.stats import COUNTED_CLASSES, FACT_CLASSES, GraphStats, graph_stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402


def reference(ds: Dataset) -> list[GraphStats]:
    """The counts read graph by graph in Python (the implementation before SPARQL)."""
    out = []
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if len(graph) == 0 or not str(graph.identifier).startswith(GRAPH_PREFIX):
            continue
        classes = {
            cls.split("#")[-1]: len(set(graph.subjects(RDF.type, cls))) for cls in COUNTED_CLASSES
        }
        facts = {s for cls in FACT_CLASSES for s in graph.subjects(RDF.type, cls)}
        evidenced = {
            s
            for s in facts
            if (s, PARLEY.evidence, None) in graph or (s, PARLEY.sourceNote, None) in graph
        }
        out.append(
            GraphStats(
                graph=str(graph.identifier),
                quads=len(graph),
                classes=dict(sorted((k, v) for k, v in classes.items() if v)),
                facts=len(facts),
                facts_with_evidence=len(evidenced),
            )
        )
    return out


def mutate(ds: Dataset) -> None:
    """Evidence taken from one statement, a participation that is also a statement, an empty
    Parley graph, and a graph outside Parley's (a server's own)."""
    article = next(g for g in ds.graphs() if "/article/" in str(g.identifier))
    statement = next(article.subjects(RDF.type, PARLEY.Statement))
    article.remove((statement, PARLEY.evidence, None))
    participation = next(article.subjects(RDF.type, PARLEY.Participation))
    article.add((participation, RDF.type, PARLEY.Statement))
    ds.graph(URIRef(GRAPH_PREFIX + "article/999-empty"))
    other = ds.graph(URIRef("http://www.openlinksw.com/schemas/virtrdf#"))
    other.add((statement, RDF.type, PARLEY.Statement))
    other.add((statement, PARLEY.evidence, Literal("not Parley's")))


@pytest.fixture(scope="module", params=["fixture", "generated", "mutated"])
def trig(request, tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp(request.param)
    seeds = CORPUS
    if request.param != "fixture":
        seeds = base / "seeds"
        generate.generate(seeds, 5, seed=3)
    corpus = load_corpus(seeds)
    ds = map_corpus(corpus.registry, list(corpus.articles))
    if request.param == "mutated":
        mutate(ds)
    path = base / "parley.trig"
    path.write_bytes(trig_bytes(ds))
    return path


def test_counts_by_the_engine_are_the_reference_counts(trig):
    memory = MemoryStore.from_files(trig)
    expected = reference(memory.dataset)
    assert expected and any(s.facts for s in expected)
    assert graph_stats(memory) == expected
    assert graph_stats(OxigraphStore.from_sources([Source(trig, None)])) == expected


def test_the_mutations_show_in_the_counts(tmp_path):
    corpus = load_corpus(CORPUS)
    ds = map_corpus(corpus.registry, list(corpus.articles))
    before = {s.graph: s for s in reference(ds)}
    mutate(ds)
    after = {s.graph: s for s in reference(ds)}
    changed = [g for g in after if after[g] != before.get(g)]
    assert len(changed) == 1  # the empty graph and the outside graph are not listed
    (graph,) = changed
    assert after[graph].facts_with_evidence == before[graph].facts_with_evidence - 1
    assert after[graph].classes["Statement"] == before[graph].classes["Statement"] + 1


def test_cli_stats_lists_every_graph_of_a_build(tmp_path):
    kg = tmp_path / "kg"
    built = CliRunner().invoke(main, ["build", "--seeds", str(CORPUS), "--kg", str(kg)])
    assert built.exit_code == 0, built.output
    result = CliRunner().invoke(main, ["stats", "--kg", str(kg)])
    assert result.exit_code == 0, result.output
    graphs = [line for line in result.output.splitlines() if not line.startswith(" ")]
    articles = sorted(p.stem for p in (CORPUS / "articles").glob("*.txt"))
    assert [g.rsplit("/", 1)[-1] for g in graphs if "/article/" in g] == articles
    assert any(g.endswith("/registry") for g in graphs)
    assert "facts with evidence" in result.output


def test_a_corrupt_build_store_is_passed_over_not_a_traceback(tmp_path):
    kg = tmp_path / "kg"
    assert (
        CliRunner().invoke(main, ["build", "--seeds", str(CORPUS), "--kg", str(kg)]).exit_code == 0
    )
    before = CliRunner().invoke(main, ["stats", "--kg", str(kg)])
    current = store_path(kg) / "CURRENT"
    assert before.exit_code == 0 and current.exists()
    current.write_text("garbage\n", encoding="utf-8")
    after = CliRunner().invoke(main, ["stats", "--kg", str(kg)])
    assert after.exit_code == 0, after.output
    assert after.output == before.output  # counted from kg/'s files instead
