"""The fast build (per article, cached, compiled reasoner and validator) against the
straightforward one (whole dataset in rdflib, owlrl, pySHACL), on generated corpora.

The corpora come from bench/generate.py; a few edits add what the generator never writes
(violations of shapes and checks, local and across articles), so that every part of the
fast path has something to agree on.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest
import yaml
from rdflib import Dataset

from parley.api import reason, validate
from parley.builder import context, pipeline
from parley.builder.caches import cache_root
from parley.builder.corpus import build, load_corpus
from parley.builder.mapper import map_corpus
from parley.model.kgio import trig_bytes
from parley.model.layout import read_kg
from parley.reason.owl import infer
from parley.validate.dataset import validate_dataset
from parley.validate.report import report_json

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

reason_module = importlib.import_module("parley.reason.owl")
reason_engine = importlib.import_module("parley.reason.engine")
validate_engine = importlib.import_module("parley.validate.engine")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))


def straightforward(seeds: Path, monkeypatch):
    """kg/ files, validation report and inferences the slow, obvious way."""
    # the one engine switch of each library, set to the reference engines (owlrl, pySHACL)
    monkeypatch.setattr(reason_engine, "compiled_rules", lambda ontology: None)
    monkeypatch.setattr(validate_engine, "compiled_shapes", lambda shapes: None)
    corpus = load_corpus(seeds)
    ds = map_corpus(corpus.registry, list(corpus.articles))
    reason_module._CACHE.clear()
    inference = infer(ds)
    files = {"parley.trig": trig_bytes(ds), "inferred.ttl": inference.data}
    trig = Dataset()
    trig.parse(data=files["parley.trig"], format="trig")
    report = validate_dataset(trig)
    monkeypatch.undo()
    monkeypatch.setenv("PARLEY_CACHE", str(seeds.parent / "cache"))
    return files, report, inference


def break_corpus(seeds: Path) -> None:
    """Add violations: a meeting with one participant (a registry node's shape), a statement
    dated after its article in the first and in the last article (a local check), a person
    acting for two states (a local check), a registry person nobody refers to (a check across
    graphs)."""
    annotations = sorted((seeds / "annotations").glob("*.yaml"))
    first = yaml.safe_load(annotations[0].read_text("utf-8"))
    title = first["article"]["title"]
    first["meetings"].append(
        {
            "event": "lonely-meeting",
            "evidence": title,
            "participants": [
                {
                    "person": first["meetings"][0]["participants"][0]["person"],
                    "for": first["meetings"][0]["participants"][0]["for"],
                    "role": "attendee",
                    "evidence": title,
                }
            ],
        }
    )
    first["statements"][0]["date"] = {"value": "2099-01-01", "basis": "inferred"}
    last = yaml.safe_load(annotations[-1].read_text("utf-8"))  # a local check further on
    last["statements"][-1]["date"] = {"value": "2098-06-01", "basis": "inferred"}
    annotations[-1].write_text(generate.dump(last), "utf-8")
    part = first["meetings"][0]["participants"][0]
    states = yaml.safe_load((seeds / "registry" / "states.yaml").read_text("utf-8"))["states"]
    other = next(s["id"] for s in states if s["id"] != part["for"])
    first["meetings"][0]["participants"].append(
        {"person": part["person"], "for": other, "role": "observer", "evidence": title}
    )
    annotations[0].write_text(generate.dump(first), "utf-8")
    meetings_file = seeds / "registry" / "meetings.yaml"
    meetings = yaml.safe_load(meetings_file.read_text("utf-8"))
    meetings["meetings"].append(
        {
            "id": "lonely-meeting",
            "label": "A meeting one article reports",
            "date": meetings["meetings"][0]["date"],
            "place": meetings["meetings"][0]["place"],
        }
    )
    meetings_file.write_text(generate.dump(meetings), "utf-8")
    people_file = seeds / "registry" / "people.yaml"
    people = yaml.safe_load(people_file.read_text("utf-8"))
    people["people"].append({"id": "nobody-at-all", "label": "Nobody At All"})
    people_file.write_text(generate.dump(people), "utf-8")


def test_generator_writes_a_corpus_the_loader_accepts(tmp_path):
    ids = generate.generate(tmp_path / "c", 3, seed=1)
    corpus = load_corpus(tmp_path / "c")
    assert [a.article.id for a in corpus.articles] == ids
    for doc in corpus.articles:
        text = doc.article.text
        for statement in doc.statements:  # every quote is the text at its offsets
            q = statement.quote
            assert text[q.start : q.end] == q.exact
        assert doc.meetings and doc.statements and doc.mentions
    stats = generate.corpus_stats(tmp_path / "c")
    assert stats["articles"] == 3
    assert stats["statements"] >= 10 and stats["text_chars"] > 1500


def test_generator_is_deterministic(tmp_path):
    generate.generate(tmp_path / "a", 4, seed=7)
    generate.generate(tmp_path / "b", 4, seed=7)
    generate.generate(tmp_path / "c", 4, seed=8)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert files
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files
    )
    assert any(
        (tmp_path / "a" / f).read_bytes() != (tmp_path / "c" / f).read_bytes()
        for f in files
        if (tmp_path / "c" / f).exists()
    )


@pytest.mark.parametrize(
    "broken,store_uses,small",
    [(False, 20, False), (True, 20, False), (True, 2, False), (True, 20, True)],
    ids=["clean", "broken", "broken-check-store-renewed", "broken-partitioned"],
)
def test_fast_build_equals_the_straightforward_one(
    tmp_path, monkeypatch, broken, store_uses, small
):
    """`store_uses`: articles checked in one registry store before it is renewed (a store that
    kept an earlier article's graph would show here as a report that differs). `small`: the
    work across articles as on a large corpus: the shapes of shared resources run partition
    by partition (two articles each), the boundary store is on disk, loaded in pieces, the
    shared inferences are serialised a few triples at a time, all in a child process."""
    from parley.builder import crossarticle, crossreason, crossvalidate

    seeds = tmp_path / "seeds"
    generate.generate(seeds, 6, seed=3)
    if broken:
        break_corpus(seeds)
    files, report, inference = straightforward(seeds, monkeypatch)
    monkeypatch.setattr(context, "CHECK_STORE_USES", store_uses)  # after straightforward's undo
    if small:
        monkeypatch.setattr(crossarticle, "FORK_FROM", 0)
        monkeypatch.setattr(crossvalidate, "PART_UNITS", 2)
        monkeypatch.setattr(crossvalidate, "MEMORY_QUADS", 0)
        monkeypatch.setattr(crossvalidate, "BOUNDARY_CHUNK", 100)
        monkeypatch.setattr(crossreason, "TURTLE_CHUNK", 7)
    kg = tmp_path / "kg"
    result = build(seeds, kg)
    for name, data in files.items():
        assert (kg / name).read_bytes() == data, f"{name} differs from the straightforward build"
    fast = validate(kg)
    assert report_json(fast) == report_json(report)
    assert fast.conforms is (not broken)
    if broken:
        rules = {v.rule for v in fast.violations}
        assert {
            "psh:Meeting-participations",
            "statement-after-article",
            "party-conflict",
            "registry-unreferenced",
        } <= rules
    reasoned = reason(kg)
    assert not reasoned.changed
    assert reasoned.inference.counts == inference.counts
    assert reasoned.inference.types == inference.types
    assert len(reasoned.inference.graph) == len(inference.graph)
    assert result.quads == sum(len(g) for g in read_kg(kg).graphs())


def test_local_checks_leave_the_registry_store_as_they_found_it(tmp_path, monkeypatch):
    """The store the local checks share holds the registry graph alone between articles (an
    article's graph left behind would make each later article's checks slower)."""
    monkeypatch.setattr(context, "CHECK_STORE_USES", 1000)
    seeds = tmp_path / "seeds"
    generate.generate(seeds, 4, seed=5)
    plan = pipeline.plan(seeds, None, workers=1)
    store = plan.context.check_store()
    assert plan.context._check_store_uses == 5, "one store served the four articles"
    assert len(store) == len(plan.context.registry_quads)


def edit_kind(doc: dict) -> None:
    """An edit inside the article: what articles share stays the same."""
    doc["statements"][0]["kind"] = "deny" if doc["statements"][0]["kind"] != "deny" else "agree"


def edit_participants(doc: dict) -> None:
    """An edit of what articles share: fewer participants of a registry meeting, so fewer
    inferred `met` pairs between registry people."""
    doc["meetings"][0]["participants"].pop()


@pytest.mark.parametrize("edit", [edit_kind, edit_participants], ids=["local", "shared"])
def test_a_rebuild_after_editing_one_article_recomputes_only_it(tmp_path, monkeypatch, edit):
    """...and gives what a build from scratch gives: files, validation and reasoning."""
    from parley.builder import crossvalidate

    seeds, kg = tmp_path / "seeds", tmp_path / "kg"
    generate.generate(seeds, 5, seed=2)
    break_corpus(seeds)  # violations local and across articles, for the report to agree on
    build(seeds, kg)
    path = sorted((seeds / "annotations").glob("*.yaml"))[2]
    doc = yaml.safe_load(path.read_text("utf-8"))
    edit(doc)
    path.write_text(generate.dump(doc), "utf-8")
    plan = pipeline.plan(seeds, cache_root())
    assert plan.fresh == 1, "only the edited article is computed again"
    if edit is edit_kind:  # the work across articles comes from the cache

        def no_boundary(*args):
            raise AssertionError("the checks across articles ran again")

        monkeypatch.setattr(crossvalidate, "boundary_store", no_boundary)
    build(seeds, kg)
    monkeypatch.undo()
    rebuilt = report_json(validate(kg))
    rebuilt_inferred = reason(kg).inference.counts
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "other-cache"))
    build(seeds, fresh)
    for name in ("parley.trig", "inferred.ttl"):
        assert (kg / name).read_bytes() == (fresh / name).read_bytes(), name
    assert rebuilt == report_json(validate(fresh))
    assert rebuilt_inferred == reason(fresh).inference.counts


def test_a_moved_seeds_folder_keeps_its_cached_articles(tmp_path, monkeypatch):
    """The cache is keyed by what an article's results depend on (file name and contents), not
    by where the seeds folder is or how it was named on the command line."""
    seeds = tmp_path / "seeds"
    generate.generate(seeds, 3, seed=6)
    assert pipeline.plan(seeds, cache_root()).fresh == 3
    moved = seeds.rename(tmp_path / "elsewhere")
    assert pipeline.plan(moved, cache_root()).fresh == 0
    monkeypatch.chdir(tmp_path)
    assert pipeline.plan(Path("elsewhere"), cache_root()).fresh == 0


def test_validate_and_reason_do_not_trust_a_changed_kg(tmp_path):
    seeds, kg = tmp_path / "seeds", tmp_path / "kg"
    generate.generate(seeds, 3, seed=4)
    build(seeds, kg)
    assert validate(kg).conforms
    trig = kg / "parley.trig"
    trig.write_bytes(trig.read_bytes().replace(b"parley:Statement", b"parley:Assertion", 1))
    assert not validate(kg).conforms  # read from the file again, not from the build's cache


def test_nothing_parses_a_graph_over_the_limit_into_rdflib(tmp_path, monkeypatch):
    """`parley validate` and `parley reason` of a kg/ without the build's results, and a build
    that needs owlrl over the whole graph, refuse (one line, naming the way out) when the
    graph is over the rdflib limit; the build's own results are used whatever the size."""
    from parley.model.errors import UsageError
    from parley.model.kgio import RDFLIB_LIMIT_ENV

    seeds, kg = tmp_path / "seeds", tmp_path / "kg"
    generate.generate(seeds, 3, seed=4)
    build(seeds, kg)
    monkeypatch.setenv(RDFLIB_LIMIT_ENV, "0.01")
    assert validate(kg).conforms  # the build's results: nothing parsed
    assert not reason(kg).changed
    trig = kg / "parley.trig"
    trig.write_bytes(trig.read_bytes() + b"\n")
    for command in (validate, reason):
        with pytest.raises(UsageError, match=f"parley build --kg .*{RDFLIB_LIMIT_ENV}"):
            command(kg)
    from parley.builder import crossarticle

    monkeypatch.setattr(crossarticle, "fast_reasoning", lambda plan: False)
    with pytest.raises(UsageError, match="compiled reasoner does not apply"):
        build(seeds, tmp_path / "other")
    monkeypatch.setenv(RDFLIB_LIMIT_ENV, "64")
    build(seeds, tmp_path / "other")  # under the limit: owlrl runs


def test_benchmark_harness_runs_on_a_tiny_corpus(tmp_path):
    import run as bench

    out, readme = tmp_path / "latest.json", tmp_path / "README.md"
    code = bench.main(
        [
            "--sizes",
            "3",
            "--naive-at",
            "3",
            "--query-runs",
            "2",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
            "--readme",
            str(readme),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text("utf-8"))
    (size,) = data["sizes"]
    assert size["articles"] == 3
    assert [s["name"] for s in size["fast"]] == ["build", "validate", "reason"]
    assert all(s["exit"] == 0 for s in size["fast"] + size["naive"] + size["incremental"])
    assert [s["name"] for s in size["naive"]] == ["build", "validate", "reason", "queries"]
    assert set(size["queries"]) == set(size["naive_queries"])
    assert all(q["exit"] == 0 for q in size["queries"].values())
    assert all(len(q["runs_s"]) == 2 for q in size["queries"].values())  # asked again
    assert size["queries"]["articles"]["rows"] == 3  # one row per article
    assert size["summary"]["speedup"] > 0
    text = readme.read_text("utf-8")
    assert "| 3 |" in text and "Speed-up" in text


def test_the_build_store_follows_kg_after_an_edit(tmp_path):
    """After an incremental build, `parley query`'s store holds exactly kg/'s dataset."""
    import pyoxigraph as ox

    from parley.api import open_store
    from parley.model.layout import kg_sources
    from parley.query.backends import OxigraphStore

    seeds, kg = tmp_path / "seeds", tmp_path / "kg"
    generate.generate(seeds, 5, seed=5)
    build(seeds, kg)
    path = sorted((seeds / "annotations").glob("*.yaml"))[1]
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["meetings"][0]["participants"].pop()  # fewer participants: fewer inferred met pairs
    doc["statements"].pop(0)
    path.write_text(generate.dump(doc), "utf-8")
    build(seeds, kg)
    built = open_store(kg, "oxigraph").store
    fresh = OxigraphStore.from_sources(kg_sources(kg)).store

    def quads(store: ox.Store) -> tuple[set, int]:
        """Quads without blank nodes, and how many with (the ontology's, renamed per load)."""
        named, blank = set(), 0
        for q in store.quads_for_pattern(None, None, None, None):
            if any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object)):
                blank += 1
            else:
                named.add(tuple(map(str, q)))
        return named, blank

    assert quads(built) == quads(fresh)
    del built, fresh
    gone = sorted((seeds / "annotations").glob("*.yaml"))[3]
    gone.unlink()
    (seeds / "articles" / f"{gone.stem}.txt").unlink()
    build(seeds, kg)  # an article removed: its graph and its inferences leave the store
    assert quads(open_store(kg, "oxigraph").store) == quads(
        OxigraphStore.from_sources(kg_sources(kg)).store
    )


def edit_article(seeds: Path, index: int, edit) -> Path:
    """Apply `edit` to the annotations of the `index`-th article; return the file."""
    path = sorted((seeds / "annotations").glob("*.yaml"))[index]
    doc = yaml.safe_load(path.read_text("utf-8"))
    edit(doc)
    path.write_text(generate.dump(doc), "utf-8")
    return path


def age(folder: Path, seconds: float = 3600) -> None:
    """Date every file under `folder` back, as files not touched in a while are."""
    import os
    import time

    when = time.time() - seconds
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def built_long_ago(tmp_path, articles: int, seed: int) -> tuple[Path, Path]:
    """A generated seeds folder whose files were last changed an hour ago, built into kg/."""
    seeds, kg = tmp_path / "seeds", tmp_path / "kg"
    generate.generate(seeds, articles, seed=seed)
    age(seeds)
    build(seeds, kg)
    return seeds, kg


def fresh_build_equals(tmp_path, monkeypatch, seeds: Path, kg: Path) -> None:
    """kg/ holds what a build from scratch (another cache, no index) writes."""
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "other-cache"))
    build(seeds, fresh)
    for name in ("parley.trig", "inferred.ttl"):
        assert (kg / name).read_bytes() == (fresh / name).read_bytes(), name
    assert report_json(validate(kg)) == report_json(validate(fresh))


@pytest.mark.parametrize("edit", [edit_kind, edit_participants], ids=["local", "shared"])
def test_a_rebuild_reads_only_the_files_whose_stat_changed(tmp_path, monkeypatch, edit):
    """Unchanged annotation files are known by size, mtime and inode (the kg index): they are
    not read again, and their blocks come from the old kg files; the result is a fresh build's."""
    seeds, kg = built_long_ago(tmp_path, 5, seed=8)
    before = {u.key for u in pipeline.plan(seeds, cache_root()).units}
    path = edit_article(seeds, 1, edit)
    keyed, cached_reads = [], []
    real_key, real_read = pipeline.unit_key, pipeline.read_cached

    def counted_key(*parts):
        keyed.append(parts)
        return real_key(*parts)

    def counted_read(key):
        cached_reads.append(key)
        return real_read(key)

    monkeypatch.setattr(pipeline, "unit_key", counted_key)
    monkeypatch.setattr(pipeline, "read_cached", counted_read)
    build(seeds, kg)
    monkeypatch.setattr(pipeline, "unit_key", real_key)
    monkeypatch.setattr(pipeline, "read_cached", real_read)
    article_keys = [parts for parts in keyed if len(parts) == 4]  # digest, name, bytes, text
    assert [parts[1] for parts in article_keys] == [path.name], "only the edited file is read"
    after = pipeline.plan(seeds, cache_root()).units
    unchanged = before & {u.key for u in after[:-1]}
    assert len(unchanged) == 4  # the other articles
    if edit is edit_kind:  # nothing across articles changed: no article's cache file is read
        assert not unchanged & set(cached_reads)
    else:  # the work across articles ran again: it read the other articles' shared parts
        assert unchanged <= set(cached_reads)
    fresh_build_equals(tmp_path, monkeypatch, seeds, kg)


def test_a_rebuild_does_not_copy_blocks_from_a_kg_file_changed_since(tmp_path, monkeypatch):
    seeds, kg = built_long_ago(tmp_path, 4, seed=9)
    trig = kg / "parley.trig"
    data = trig.read_bytes()
    header_end = data.index(b"\n", data.rindex(b"@prefix")) + 1
    trig.write_bytes(data[:header_end] + b"# a note\n" + data[header_end:])  # offsets all shift
    edit_article(seeds, 0, edit_kind)
    build(seeds, kg)
    fresh_build_equals(tmp_path, monkeypatch, seeds, kg)


def test_a_rebuild_without_the_unit_cache_computes_the_units_again(tmp_path, monkeypatch):
    """The kg index names units whose cache files were deleted: they are computed again."""
    import shutil

    seeds, kg = built_long_ago(tmp_path, 4, seed=10)
    shutil.rmtree(cache_root() / "units")
    edit_article(seeds, 3, edit_participants)
    build(seeds, kg)
    assert pipeline.plan(seeds, cache_root()).fresh == 0
    fresh_build_equals(tmp_path, monkeypatch, seeds, kg)


def test_the_registry_is_read_again_only_when_it_changed(tmp_path, monkeypatch):
    """The registry's model comes from the cache while its files are unchanged."""
    seeds = tmp_path / "seeds"
    generate.generate(seeds, 2, seed=12)
    first = pipeline.plan(seeds, cache_root())
    real = pipeline.load_registry
    reads = []
    monkeypatch.setattr(
        pipeline, "load_registry", lambda folder: reads.append(folder) or real(folder)
    )
    again = pipeline.plan(seeds, cache_root())
    assert reads == [] and again.units[-1].key == first.units[-1].key
    path = sorted((seeds / "registry").glob("*.yaml"))[0]
    path.write_text(path.read_text("utf-8") + "\n# edited\n", "utf-8")
    changed = pipeline.plan(seeds, cache_root())
    assert reads == [seeds / "registry"] and changed.units[-1].key != first.units[-1].key
