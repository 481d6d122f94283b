"""Property-based tests of the registry loader and the mapper (issue 8, item 1).

The registry files of the tiny corpus (tests/data/annotations/registry/) are broken in
generated ways, as the annotation file is in test_fuzz_annotations.py: the loader returns a
registry or raises `InputError` whose problems are one `file:line: message` line each, never
anything else. The mapper is then held to its contract on inputs that do load: the same
annotations written in another order or YAML style give byte-identical TriG (IRIs come from
ids and offsets, never from list order), and free-text notes reach the graph unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from fuzzkit import (
    COUNTS,
    check_input_error,
    dump,
    encode,
    hostile_text,
    mutate_text,
    mutate_tree,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import RDFS, Literal

from parley.builder.mapper import map_corpus
from parley.model.errors import InputError
from parley.model.kgio import trig_bytes
from parley.seeds.annotations import load_annotations
from parley.seeds.registry import load_registry

DATA = Path(__file__).parent / "data" / "annotations"
REGISTRY_FILES = sorted(p.name for p in (DATA / "registry").glob("*.yaml"))
REGISTRY_TEXT = {
    name: (DATA / "registry" / name).read_text(encoding="utf-8") for name in REGISTRY_FILES
}
REGISTRY_TREE = {name: yaml.safe_load(text) for name, text in REGISTRY_TEXT.items()}
ANNOTATION_TEXT = (DATA / "annotations" / "001-tiny.yaml").read_text(encoding="utf-8")
ANNOTATION_TREE = yaml.safe_load(ANNOTATION_TEXT)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz-mapper") / "seeds"
    shutil.copytree(DATA, root)
    return root


def feed_registry(seeds: Path, name: str, raw: bytes, counter: str) -> None:
    """Load the registry with `name` replaced by `raw`: a registry or a clean `InputError`."""
    COUNTS[counter] += 1
    path = seeds / "registry" / name
    path.write_bytes(raw)
    try:
        load_registry(seeds / "registry")
    except InputError as exc:
        check_input_error(exc, str(path), raw.count(b"\n") + 1)
    finally:
        path.write_text(REGISTRY_TEXT[name], encoding="utf-8")


@settings(max_examples=800)
@given(data=st.data(), name=st.sampled_from(REGISTRY_FILES))
def test_registry_tree_mutations_load_or_fail_cleanly(seeds, data, name):
    """Wrong types, missing/extra fields, duplicate ids, loops and aliases in a registry file."""
    tree = mutate_tree(data, REGISTRY_TREE[name], steps=4)
    feed_registry(seeds, name, encode(data, dump(data, tree)), "registry-tree")


@settings(max_examples=1200)
@given(data=st.data(), name=st.sampled_from(REGISTRY_FILES))
def test_registry_text_mutations_load_or_fail_cleanly(seeds, data, name):
    """Syntax errors, indentation, control characters and invalid UTF-8 in a registry file."""
    text = mutate_text(data, REGISTRY_TEXT[name], edits=4)
    feed_registry(seeds, name, encode(data, text), "registry-text")


def test_duplicate_registry_id_across_files_is_refused(seeds):
    """An id defined in two registry files is one problem, at the second definition."""
    path = seeds / "registry" / "topics.yaml"
    path.write_text(REGISTRY_TEXT["topics.yaml"] + "  - {id: anna-smith, label: X}\n", "utf-8")
    try:
        with pytest.raises(InputError) as info:
            load_registry(seeds / "registry")
    finally:
        path.write_text(REGISTRY_TEXT["topics.yaml"], encoding="utf-8")
    (problem,) = info.value.problems
    assert problem.file == str(path) and problem.line == 4
    assert "duplicate id 'anna-smith'" in problem.message


def _load(seeds: Path, text: str):
    path = seeds / "annotations" / "001-tiny.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        return load_annotations(path, seeds / "articles", load_registry(seeds / "registry"))
    finally:
        path.write_text(ANNOTATION_TEXT, encoding="utf-8")


@pytest.fixture(scope="module")
def reference_trig(seeds):
    registry = load_registry(seeds / "registry")
    return trig_bytes(map_corpus(registry, [_load(seeds, ANNOTATION_TEXT)]))


LISTS = ("meetings", "statements", "offices", "claims")


@settings(max_examples=100)
@given(data=st.data())
def test_mapper_output_ignores_order_and_yaml_style(seeds, reference_trig, data):
    """Shuffled lists and mentions, another YAML style: the same bytes of TriG."""
    tree = yaml.safe_load(ANNOTATION_TEXT)
    for key in LISTS:
        tree[key] = data.draw(st.permutations(tree[key]))
    for meeting in tree["meetings"]:
        meeting["participants"] = data.draw(st.permutations(meeting["participants"]))
    mentions = data.draw(st.permutations(list(tree["mentions"].items())))
    tree["mentions"] = {k: data.draw(st.permutations(v)) for k, v in mentions}
    tree["article"]["furniture"] = data.draw(st.permutations(tree["article"]["furniture"]))
    keys = data.draw(st.permutations(list(tree)))
    tree = {k: tree[k] for k in keys}
    text = dump(data, tree, exact=True)
    COUNTS["mapper-order"] += 1
    registry = load_registry(seeds / "registry")
    loaded = _load(seeds, text)
    assert trig_bytes(map_corpus(registry, [loaded])) == reference_trig


printable_note = hostile_text.filter(
    lambda t: t.strip() and not any(ord(c) < 32 and c not in "\t\n" for c in t.strip())
)


@settings(max_examples=100)
@given(data=st.data(), note=printable_note)
def test_statement_note_reaches_the_graph_unchanged(seeds, data, note):
    """A note in any script, with quotes, backslashes or RTL marks, is its rdfs:comment."""
    tree = yaml.safe_load(ANNOTATION_TEXT)
    index = data.draw(st.integers(0, len(tree["statements"]) - 1))
    tree["statements"][index]["note"] = note
    text = dump(data, tree, exact=True)
    COUNTS["mapper-note"] += 1
    registry = load_registry(seeds / "registry")
    loaded = _load(seeds, text)
    ds = map_corpus(registry, [loaded])
    comments = {o for _, _, o, _ in ds.quads((None, RDFS.comment, None, None))}
    assert Literal(note.strip()) in comments
