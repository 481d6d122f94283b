"""Saved queries that read what the build derives (parley:Naming, parley:quoteStart) give the
answers of the queries they replaced, which computed the same from the mentions and their
selectors (kept under tests/data/reference-queries/): on the fixture corpus, on generated
corpora and on generated corpora whose mentions were mutated (spellings repeated, shared by two
entities, overlapping, dropped), with rdflib and with Oxigraph."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
import yaml
from seedsets import CORPUS

from parley.builder.corpus import load_corpus
from parley.builder.mapper import map_corpus
from parley.model.kgio import trig_bytes
from parley.model.layout import Source
from parley.query.backends import MemoryStore, OxigraphStore
from parley.query.catalogue import bind_params, get_query

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "reference-queries"
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

QUERIES = ("mentions", "spellings", "statements", "statements-about")


def mutate(seeds: Path, seed: int) -> None:
    """Change the mentions of every annotation file: a spelling repeated, an entity's spellings
    given to another (renamed), a shorter spelling inside a longer one (overlapping spans), an
    entity's mentions dropped."""
    rng = random.Random(seed)
    for path in sorted((seeds / "annotations").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text("utf-8"))
        mentions: dict[str, list[str]] = doc.get("mentions") or {}
        entities = sorted(mentions)
        if len(entities) < 4:
            continue
        first, second, third, fourth = rng.sample(entities, 4)
        mentions[first].append(mentions[first][0])
        mentions[second] += mentions.pop(third)  # one entity's spellings now name another
        words = mentions[fourth][0].split()
        if len(words) > 1:
            mentions[fourth].append(words[-1])
        rest = [e for e in entities if e not in (first, second, third, fourth)]
        if rest:
            del mentions[rng.choice(rest)]
        path.write_text(generate.dump(doc), "utf-8")


@pytest.fixture(scope="module", params=["fixture", "generated", "mutated"])
def stores(request, tmp_path_factory):
    """The corpus mapped to kg/parley.trig, in rdflib and in Oxigraph."""
    base = tmp_path_factory.mktemp(request.param)
    if request.param == "fixture":
        seeds = CORPUS
    else:
        seeds = base / "seeds"
        generate.generate(seeds, 6, seed=11)
        if request.param == "mutated":
            mutate(seeds, seed=5)
    corpus = load_corpus(seeds)
    trig = base / "parley.trig"
    trig.write_bytes(trig_bytes(map_corpus(corpus.registry, list(corpus.articles))))
    return MemoryStore.from_files(trig), OxigraphStore.from_sources([Source(trig, None)])


def cases(store: MemoryStore) -> list[tuple[str, dict[str, str]]]:
    """Each query without parameters, and with values taken from the data."""
    ds = store.dataset
    denoted = sorted({(str(s), str(o)) for s, _, o, _ in ds.quads((None, _P("denotes"), None))})
    spans = sorted({str(s) for s, _ in denoted})
    entity = denoted[len(denoted) // 2][1]
    article = spans[len(spans) // 2].split("/span/")[0]
    speakers = sorted({str(o) for _, _, o, _ in ds.quads((None, _P("speaker"), None))})
    targets = sorted({str(o) for _, _, o, _ in ds.quads((None, _P("target"), None))})
    return [
        ("mentions", {}),
        ("mentions", {"entity": entity}),
        ("mentions", {"article": article}),
        ("spellings", {}),
        ("spellings", {"entity": entity}),
        ("spellings", {"article": article}),
        ("statements", {}),
        ("statements", {"speaker": speakers[0]}),
        *(("statements-about", {"entity": target}) for target in targets[:3]),
    ]


def _P(name: str):
    from parley.model.iris import PARLEY

    return PARLEY[name]


def test_derived_queries_answer_as_the_aggregates_did(stores):
    memory, oxigraph = stores
    seen = set()
    for name, params in cases(memory):
        query = get_query(name)
        reference = (REFERENCE / f"{name}.rq").read_text("utf-8")
        bindings = bind_params(query, params, memory.resolve_id)
        expected = memory.select(reference, bindings)
        assert expected.columns == list(query.columns)
        for store in (memory, oxigraph):
            got = store.select(query.text, bindings)
            assert got.columns == expected.columns, (name, params, store.name)
            assert got.rows == expected.rows, (name, params, store.name)
        assert oxigraph.select(reference, bindings).rows == expected.rows
        seen.add(name)
        if not params and name != "statements-about":
            assert expected.rows, f"{name}: nothing to compare"
    assert seen == set(QUERIES)
