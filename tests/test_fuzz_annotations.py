"""Property-based tests: malformed annotation files never crash Parley (issue 8, item 1).

Inputs start from the good tiny corpus in tests/data/annotations/ (a fictional article with
typographic quotes and emoji) and are broken in generated ways: edits of the YAML tree (wrong
types, missing and extra fields, duplicated entries, shared and self-referencing aliases,
quotes cut from the article with out-of-range occurrences), character-level edits of the YAML
text (syntax errors, bad indentation, invalid UTF-8, BOM), and documents generated from
nothing. The library may accept an input or raise `InputError`, never anything else; every
problem is one `file:line: message` line; through the CLI the exit code is 2, nothing
crashes and no file in kg/ changes. Whatever loads is also mapped to RDF, which must not fail.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from fuzzkit import (
    ACCEPTED,
    COUNTS,
    PIECES,
    PROBLEM_LINE,
    check_input_error,
    dump,
    encode,
    hostile_text,
    mutate_text,
    mutate_tree,
    snapshot,
    values,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.builder.corpus import build
from parley.builder.mapper import map_corpus
from parley.cli.main import main
from parley.model.errors import InputError
from parley.seeds.annotations import load_annotations
from parley.seeds.registry import load_registry

DATA = Path(__file__).parent / "data" / "annotations"
ARTICLE = "001-tiny"
FIXTURE_TEXT = (DATA / "annotations" / f"{ARTICLE}.yaml").read_text(encoding="utf-8")
FIXTURE_TREE = yaml.safe_load(FIXTURE_TEXT)
ARTICLE_TEXT = (DATA / "articles" / f"{ARTICLE}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A copy of the tiny seeds, its registry, and a kg/ folder built from it."""
    root = tmp_path_factory.mktemp("fuzz-annotations")
    seeds = root / "seeds"
    shutil.copytree(DATA, seeds)
    kg = root / "kg"
    build(seeds, kg)
    return {
        "seeds": seeds,
        "kg": kg,
        "registry": load_registry(seeds / "registry"),
        "path": seeds / "annotations" / f"{ARTICLE}.yaml",
    }


def feed(corpus, raw: bytes, counter: str):
    """Load `raw` as the annotation file; return the article or the `InputError`."""
    COUNTS[counter] += 1
    path: Path = corpus["path"]
    path.write_bytes(raw)
    try:
        loaded = load_annotations(path, corpus["seeds"] / "articles", corpus["registry"])
    except InputError as exc:
        check_input_error(exc, str(path), raw.count(b"\n") + 1)
        return exc
    map_corpus(corpus["registry"], [loaded])  # whatever loads must map
    ACCEPTED[counter] += 1
    return loaded


@settings(max_examples=1000)
@given(data=st.data())
def test_tree_mutations_load_or_fail_cleanly(corpus, data):
    """Wrong types, missing/extra fields, duplicates, aliases, loops and hostile quotes."""
    tree = mutate_tree(data, FIXTURE_TREE, ARTICLE_TEXT, steps=5)
    feed(corpus, encode(data, dump(data, tree)), "annotation-tree")


@settings(max_examples=2000)
@given(data=st.data())
def test_text_mutations_load_or_fail_cleanly(corpus, data):
    """YAML syntax errors, broken indentation, control characters, invalid UTF-8, BOM."""
    text = mutate_text(data, FIXTURE_TEXT, edits=5)
    feed(corpus, encode(data, text), "annotation-text")


documents = st.one_of(
    values,
    st.fixed_dictionaries(
        {"format": st.one_of(st.just("parley-annotations/1"), values)},
        optional={
            "article": st.one_of(
                values,
                st.fixed_dictionaries(
                    {"id": st.one_of(st.just(ARTICLE), hostile_text), "sha256": values},
                    optional={
                        "date_basis": values,
                        "date": values,
                        "title": values,
                        "furniture": values,
                        "outlet": values,
                    },
                ),
            ),
            "mentions": st.dictionaries(hostile_text, values, max_size=3),
            "meetings": values,
            "statements": st.lists(
                st.dictionaries(
                    st.sampled_from(["speaker", "quote", "kind", "date", "topics", "target"]),
                    values,
                ),
                max_size=3,
            ),
            "claims": values,
            "offices": values,
            "draft": values,
        },
    ),
)


@settings(max_examples=1500)
@given(data=st.data(), document=documents)
def test_generated_documents_load_or_fail_cleanly(corpus, data, document):
    """Small documents generated from nothing: any shape, any scalar, any text."""
    feed(corpus, encode(data, dump(data, document)), "annotation-generated")


raw_yaml = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.sampled_from(["format: ", "article:", "\n  id: ", "\n- ", "&a ", "*a", "<<: ", "!!"]),
        st.text(max_size=6),
    ),
    max_size=25,
).map("".join)


@settings(max_examples=4000)
@given(data=st.data(), text=raw_yaml)
def test_raw_yaml_text_fails_cleanly(corpus, data, text):
    """Arbitrary YAML-ish text: tags, anchors, aliases, merge keys, stray indicators."""
    feed(corpus, encode(data, text), "annotation-raw")


@settings(max_examples=300)
@given(data=st.data())
def test_cli_build_exits_2_and_leaves_kg_alone(corpus, data):
    """Through `parley build`: exit 2, `error: file:line: message` lines, kg/ untouched.

    Every input gets an unknown top-level field, so none of them can load.
    """
    tree = mutate_tree(data, FIXTURE_TREE, ARTICLE_TEXT, steps=3)
    if data.draw(st.booleans()):
        text = dump(data, tree if isinstance(tree, dict) else {"x": tree})
        text = "no-such-field: 1\n" + text
    else:
        text = "no-such-field: 1\n" + mutate_text(data, FIXTURE_TEXT, edits=3)
    corpus["path"].write_bytes(encode(data, text))
    COUNTS["cli-build"] += 1
    kg: Path = corpus["kg"]
    before = snapshot(kg)
    result = CliRunner().invoke(
        main, ["build", "--seeds", str(corpus["seeds"]), "--kg", str(kg)], catch_exceptions=True
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines
    for line in lines:
        assert line.startswith("error: "), line
        assert PROBLEM_LINE.match(line.removeprefix("error: ")), line
    assert snapshot(kg) == before


def test_fixture_still_loads(corpus):
    """The untouched fixture loads, so the mutations above start from a good file."""
    corpus["path"].write_text(FIXTURE_TEXT, encoding="utf-8")
    loaded = load_annotations(corpus["path"], corpus["seeds"] / "articles", corpus["registry"])
    assert loaded.article.id == ARTICLE
