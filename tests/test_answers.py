"""Remembered answers (`parley.answers`): the same question on the same data is read back,
byte for byte what running the query prints; other data, parameters, limits, formats or code
never see it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from parley import api
from parley.builder.corpus import build
from parley.cli.main import main
from parley.query import answers
from parley.query.catalogue import get_query
from parley.query.results import render

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    seeds, kg = tmp_path / "seeds", tmp_path / "kg"
    generate.generate(seeds, 4, seed=5)
    build(seeds, kg)
    return seeds, kg


def printed(name: str, kg: Path, params=None, fmt="csv", limit=None, **store) -> bytes:
    """What running the query prints, without remembered answers."""
    result = api.run_query(name, kg, params, limit=limit, **store)
    return render(result.table, fmt, result.labels).encode("utf-8")


def whole(answer: api.Answer) -> bytes:
    return b"".join(answer.chunks())


def first_statement_kind_changed(seeds: Path) -> None:
    path = sorted((seeds / "annotations").glob("*.yaml"))[1]
    doc = yaml.safe_load(path.read_text("utf-8"))
    kind = doc["statements"][0]["kind"]
    doc["statements"][0]["kind"] = "deny" if kind != "deny" else "agree"
    path.write_text(generate.dump(doc), "utf-8")


@pytest.mark.parametrize("name", ["who-met-whom", "statements", "mentions", "meetings"])
def test_the_second_run_is_read_back_and_prints_what_the_query_prints(built, name):
    _, kg = built
    first = api.answer_query(name, kg, fmt="csv")
    second = api.answer_query(name, kg, fmt="csv")
    assert not first.remembered
    assert second.remembered
    assert whole(first) == whole(second) == printed(name, kg)
    assert whole(first).count(b"\n") > 1  # the corpus gives this question some rows


def test_a_rebuild_that_changes_the_data_is_never_answered_from_the_old_data(built):
    seeds, kg = built
    old = whole(api.answer_query("statements", kg, fmt="csv"))
    assert api.answer_query("statements", kg, fmt="csv").remembered
    first_statement_kind_changed(seeds)
    build(seeds, kg)
    assert not kg_answers(kg).exists()  # dropped with the data they answered
    new = api.answer_query("statements", kg, fmt="csv")
    assert not new.remembered
    assert whole(new) == printed("statements", kg) != old


def test_an_answer_finished_on_the_old_data_after_a_rebuild_is_not_served(built):
    """A query that was running while a build changed the data files its answer under the
    old data's identity: the new data never sees it."""
    seeds, kg = built
    running = api.open_store(kg, "oxigraph")
    key = answers.answer_key(get_query("statements").text, {}, None, "csv")
    old = printed("statements", kg)
    first_statement_kind_changed(seeds)
    build(seeds, kg)
    running.answers.remember(key, old)
    new = api.answer_query("statements", kg, fmt="csv")
    assert not new.remembered
    assert whole(new) == printed("statements", kg) != old


def test_a_rebuild_of_the_same_data_keeps_the_answers(built):
    seeds, kg = built
    api.answer_query("who-met-whom", kg)
    build(seeds, kg)
    assert api.answer_query("who-met-whom", kg).remembered


def kg_answers(kg: Path) -> Path:
    from parley.builder.caches import kg_cache

    return kg_cache(kg) / answers.ANSWERS


def test_parameters_limit_and_format_are_each_part_of_the_question(built):
    _, kg = built
    states = yaml.safe_load((built[0] / "registry" / "states.yaml").read_text("utf-8"))
    a, b = (f"pid:state/{s['id']}" for s in states["states"][:2])
    asked = [
        ("statements-about", {"entity": a}, "csv", None),
        ("statements-about", {"entity": b}, "csv", None),
        ("statements", None, "csv", None),
        ("statements", None, "csv", 2),
        ("statements", None, "json", None),
        ("statements", None, "table", None),
    ]
    for name, params, fmt, limit in asked:
        answer = api.answer_query(name, kg, params, fmt=fmt, limit=limit)
        assert not answer.remembered, (name, params, fmt, limit)
        assert whole(answer) == printed(name, kg, params, fmt=fmt, limit=limit)
    for name, params, fmt, limit in asked:
        assert api.answer_query(name, kg, params, fmt=fmt, limit=limit).remembered


def test_other_code_does_not_read_the_answers_of_this_code(built, monkeypatch):
    _, kg = built
    api.answer_query("meetings", kg)
    monkeypatch.setattr(answers, "answer_code", lambda: "another version of parley")
    assert not api.answer_query("meetings", kg).remembered


def test_fresh_runs_the_query_again(built):
    _, kg = built
    api.answer_query("coverage", kg)
    again = api.answer_query("coverage", kg, fresh=True)
    assert not again.remembered
    assert whole(again) == printed("coverage", kg, fmt="table")


def test_a_kg_changed_by_hand_is_not_answered_from_the_build(built):
    _, kg = built
    api.answer_query("articles", kg, fmt="csv")
    base = "https://w3id.org/parley/"
    with (kg / "parley.trig").open("a", encoding="utf-8") as trig:
        trig.write(
            f"<{base}graph/added-by-hand> {{ <{base}id/article/added-by-hand> "
            f"a <{base}ontology#NewsArticle> . }}\n"
        )
    answer = api.answer_query("articles", kg, fmt="csv")
    assert not answer.remembered
    assert b"added-by-hand" in whole(answer)


def test_a_store_dir_store_remembers_until_its_files_change(built, tmp_path):
    seeds, kg = built
    store = {"backend": "oxigraph", "store_dir": tmp_path / "store"}
    api.answer_query("state-dyads", kg, **store)
    assert api.answer_query("state-dyads", kg, **store).remembered
    os.utime(kg / "parley.trig")  # same bytes: the store's fingerprint is of the contents
    assert api.answer_query("state-dyads", kg, **store).remembered
    first_statement_kind_changed(seeds)
    build(seeds, kg)
    assert not api.answer_query("statements", kg, **store).remembered
    assert not api.answer_query("state-dyads", kg, **store).remembered


def test_the_memory_backend_remembers_nothing(built):
    _, kg = built
    api.answer_query("meetings", kg, backend="memory")
    assert not api.answer_query("meetings", kg, backend="memory").remembered


def test_parley_query_prints_the_same_answer_twice_and_says_how_to_run_it_again(built):
    _, kg = built
    runner = CliRunner()
    runs = [runner.invoke(main, ["query", "who-met-whom", "--kg", str(kg)]) for _ in range(2)]
    assert [r.exit_code for r in runs] == [0, 0]
    assert runs[0].stdout_bytes == runs[1].stdout_bytes == printed("who-met-whom", kg, fmt="table")
    assert "--fresh" in runner.invoke(main, ["query", "--help"]).output


def test_a_changed_ontology_file_is_not_answered_from_the_built_store(built):
    """The build's store holds the ontology graph too: when the ontology file is newer than the
    store's record, the store is not used (nor its answers) until the next build."""
    from parley.builder.store import open_built_store
    from parley.model.layout import ontology_path

    _, kg = built
    assert open_built_store(kg) is not None
    ontology = ontology_path()
    before = ontology.stat()
    try:
        os.utime(ontology, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
        assert open_built_store(kg) is None
        api.answer_query("meetings", kg)
        assert not api.answer_query("meetings", kg).remembered
    finally:
        os.utime(ontology, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert open_built_store(kg) is not None


def test_no_store_builds_the_same_files_and_removes_the_store(built, tmp_path):
    """`parley build --no-store` (for a corpus kept in an external triplestore): the same kg/
    files, no store left (an earlier one removed, so never answered from stale data), the
    same answers from kg/'s files; a later build without the flag makes the store again."""
    from parley.builder.store import open_built_store, store_path

    seeds, kg = built
    files = {p.name: p.read_bytes() for p in sorted(kg.iterdir()) if p.is_file()}
    expected = printed("who-met-whom", kg)
    assert open_built_store(kg) is not None
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--seeds", str(seeds), "--kg", str(kg), "--no-store"])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in sorted(kg.iterdir()) if p.is_file()} == files
    assert open_built_store(kg) is None and not store_path(kg).exists()
    assert printed("who-met-whom", kg) == expected
    other = tmp_path / "kg-no-store"
    result = runner.invoke(main, ["build", "--seeds", str(seeds), "--kg", str(other), "--no-store"])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in sorted(other.iterdir()) if p.is_file()} == files
    assert not store_path(other).exists()
    build(seeds, kg)
    assert open_built_store(kg) is not None
    assert printed("who-met-whom", kg) == expected
