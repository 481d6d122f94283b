"""`parley build`: determinism, `--check`, the committed kg/, and data integrity of the seeds."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, BNode, Graph, URIRef
from seedsets import CORPUS

from parley.builder.corpus import build
from parley.cli.main import main
from parley.model import iris
from parley.model.iris import OA, PARLEY
from parley.model.layout import TRIG_NAME

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
COMMITTED = ROOT / "kg" / TRIG_NAME


def run_build(kg: Path, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    cmd = [sys.executable, "-c", "from parley.cli.main import main; main()", "build"]
    cmd += ["--seeds", str(SEEDS), "--kg", str(kg)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return (kg / TRIG_NAME).read_bytes()


def test_build_is_byte_identical_across_hash_seeds(tmp_path):
    first = run_build(tmp_path / "a", "0")
    second = run_build(tmp_path / "b", "4242")
    assert first == second, "kg/parley.trig depends on the hash seed — sort before writing"
    assert b"<https://w3id.org/parley/graph/registry>" in first


def test_check_passes_after_build_and_fails_after_edit(tmp_path):
    runner = CliRunner()
    kg = tmp_path / "kg"
    args = ["build", "--seeds", str(SEEDS), "--kg", str(kg)]
    built = runner.invoke(main, args)
    assert built.exit_code == 0, built.output
    check = runner.invoke(main, [*args, "--check"])
    assert check.exit_code == 0, check.output
    assert "up to date" in check.stdout
    trig = kg / TRIG_NAME
    original = trig.read_bytes()
    trig.write_bytes(original.replace(b"Ryan Crocker", b"Ryan Crocket", 1))
    stale = runner.invoke(main, [*args, "--check"])
    assert stale.exit_code == 1
    assert TRIG_NAME in stale.stderr and "parley build" in stale.stderr
    assert trig.read_bytes() != original, "--check must not write"


def test_check_fails_when_kg_is_missing(tmp_path):
    result = CliRunner().invoke(
        main, ["build", "--seeds", str(SEEDS), "--kg", str(tmp_path / "none"), "--check"]
    )
    assert result.exit_code == 1
    assert not (tmp_path / "none").exists()


def test_committed_kg_matches_seeds():
    if not COMMITTED.exists():
        pytest.skip("kg/parley.trig is not committed yet: run `parley build` and commit kg/")
    produced = build(SEEDS).files[TRIG_NAME]
    assert COMMITTED.read_bytes() == produced, (
        "kg/parley.trig is out of date with seeds/ — run `parley build` and commit kg/"
    )


# --- data integrity over the real seeds ---------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_dataset():
    return build(SEEDS).dataset


def article_ids() -> list[str]:
    return sorted(p.stem for p in (SEEDS / "articles").glob("*.txt"))


def fix_hint(article_id: str) -> str:
    return f"fix seeds/annotations/{article_id}.yaml"


FACT_CLASSES = (PARLEY.Participation, PARLEY.Statement, PARLEY.PostHolding, PARLEY.Assertion)


def test_every_article_has_a_graph(seeds_dataset):
    names = {g.identifier for g in seeds_dataset.graphs()}
    for article_id in article_ids():
        assert iris.article_graph(article_id) in names, (
            f"no graph for article {article_id} — write seeds/annotations/{article_id}.yaml"
        )


@pytest.mark.parametrize("article_id", article_ids())
def test_every_fact_has_evidence(seeds_dataset, article_id):
    graph = seeds_dataset.graph(iris.article_graph(article_id))
    missing = [
        f"{node} ({cls.fragment}) has no parley:evidence — {fix_hint(article_id)}: give it an "
        "`evidence:` quote (a date needs `text:`)"
        for cls in FACT_CLASSES
        for node in sorted(graph.subjects(RDF.type, cls))
        if (node, PARLEY.evidence, None) not in graph
    ]
    facts = sum(len(set(graph.subjects(RDF.type, cls))) for cls in FACT_CLASSES)
    assert facts > 0, f"article {article_id} states no facts — {fix_hint(article_id)}"
    assert not missing, "\n".join(missing)


def _selectors(graph: Graph, mention: URIRef) -> tuple[URIRef | None, URIRef | None]:
    quote = position = None
    for selector in graph.objects(mention, OA.hasSelector):
        if (selector, RDF.type, OA.TextQuoteSelector) in graph:
            quote = selector
        if (selector, RDF.type, OA.TextPositionSelector) in graph:
            position = selector
    return quote, position


@pytest.mark.parametrize("article_id", article_ids())
def test_mention_offsets_give_back_the_quote(seeds_dataset, article_id):
    graph = seeds_dataset.graph(iris.article_graph(article_id))
    article = iris.article(article_id)
    source = graph.value(article, PARLEY.sourceFile)
    assert source is not None, f"{article} has no parley:sourceFile"
    raw = (ROOT / str(source)).read_bytes()
    assert str(graph.value(article, PARLEY.sha256)) == hashlib.sha256(raw).hexdigest()
    text = raw.decode("utf-8")
    hint = fix_hint(article_id)
    problems = []
    mentions = sorted(graph.subjects(RDF.type, PARLEY.Mention))
    assert mentions, f"article {article_id} has no mentions — {hint}"
    for mention in mentions:
        assert graph.value(mention, OA.hasSource) == article, f"{mention}: wrong oa:hasSource"
        quote, position = _selectors(graph, mention)
        if quote is None or position is None:
            problems.append(f"{mention} lacks a quote or position selector — {hint}")
            continue
        start = graph.value(position, OA.start).toPython()
        end = graph.value(position, OA.end).toPython()
        exact = str(graph.value(quote, OA.exact))
        prefix = str(graph.value(quote, OA.prefix) or "")
        suffix = str(graph.value(quote, OA.suffix) or "")
        if text[start:end] != exact:
            problems.append(
                f"{mention}: text[{start}:{end}] is {text[start:end]!r}, not {exact!r} — {hint}: "
                "re-check the quote against the article"
            )
        if text[max(0, start - len(prefix)) : start] != prefix:
            problems.append(f"{mention}: oa:prefix {prefix!r} does not precede it — {hint}")
        if text[end : end + len(suffix)] != suffix:
            problems.append(f"{mention}: oa:suffix {suffix!r} does not follow it — {hint}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("article_id", article_ids())
def test_statement_quote_is_one_of_its_evidence_spans(seeds_dataset, article_id):
    graph = seeds_dataset.graph(iris.article_graph(article_id))
    problems = []
    for statement in sorted(graph.subjects(RDF.type, PARLEY.Statement)):
        words = str(graph.value(statement, PARLEY.quote))
        exacts = set()
        for mention in graph.objects(statement, PARLEY.evidence):
            quote, _ = _selectors(graph, mention)
            exacts.add(str(graph.value(quote, OA.exact)))
        if words not in exacts:
            problems.append(
                f"{statement}: parley:quote {words!r} is not the exact text of any of its "
                f"evidence spans — {fix_hint(article_id)}"
            )
    assert not problems, "\n".join(problems)


def test_seed_graphs_are_registry_or_article_graphs_without_blank_nodes(seeds_dataset):
    allowed = {iris.REGISTRY_GRAPH} | {iris.article_graph(a) for a in article_ids()}
    seen = set()
    for s, p, o, g in seeds_dataset.quads((None, None, None, None)):
        name = g.identifier if isinstance(g, Graph) else g
        seen.add(name)
        assert name in allowed, f"quad {(s, p, o)} in unexpected graph {name}"
        assert not any(isinstance(t, BNode) for t in (s, p, o)), (
            f"blank node in {name}: {(s, p, o)} — mint an IRI in parley.iris"
        )
    assert seen == allowed


@pytest.mark.parametrize("use_cache", [False, True], ids=["load_corpus", "pipeline"])
def test_an_article_without_annotations_is_an_input_error(tmp_path, monkeypatch, use_cache):
    """Both ways of reading the seeds name the unannotated article and the file to write."""
    import shutil

    from parley.builder.corpus import load_corpus
    from parley.model.errors import InputError

    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))
    seeds = tmp_path / "seeds"
    shutil.copytree(CORPUS, seeds)  # the fixture: seeds/ may hold articles not annotated yet
    (seeds / "articles" / "999-unannotated.txt").write_text("An article.\n", "utf-8")
    with pytest.raises(InputError) as caught:
        build(seeds, tmp_path / "kg") if use_cache else load_corpus(seeds)
    (problem,) = caught.value.problems
    assert problem.file.endswith("999-unannotated.txt")
    assert "no annotation file" in problem.message
    assert problem.hint.endswith("999-unannotated.yaml")
    assert not (tmp_path / "kg").exists()
