"""Registry loader tests: each mistake gives one `file:line: what — how` line at the right line.

The good registry is tests/data/annotations/registry/ (tiny, fictional); each case copies it to
tmp_path and changes one thing.
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest

from parley.model.errors import InputError
from parley.model.records import OFFICES
from parley.seeds.registry import load_registry

DATA = Path(__file__).parent / "data" / "annotations" / "registry"
LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<what>[^\n]+) — (?P<how>[^\n]+)$")


@pytest.fixture
def registry_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "registry"
    shutil.copytree(DATA, folder)
    return folder


def mutate(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old` by `new`; return the first line that differs."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture changed: {old!r} is not unique in {path}"
    changed = text.replace(old, new)
    path.write_text(changed, encoding="utf-8")
    pairs = itertools.zip_longest(text.splitlines(), changed.splitlines())
    return next(i for i, (a, b) in enumerate(pairs, start=1) if a != b)


def only_problem(folder: Path):
    with pytest.raises(InputError) as info:
        load_registry(folder)
    problems = info.value.problems
    assert len(problems) == 1, "expected one problem, got:\n" + "\n".join(map(str, problems))
    match = LINE.match(str(problems[0]))
    assert match, f"not a `file:line: what — how` line: {problems[0]}"
    return match


def test_fixture_registry_loads():
    registry = load_registry(DATA)
    assert registry.get("anna-smith").kind == "person"
    assert [(h.person, h.start, h.end) for h in registry.holdings] == [
        ("anna-smith", "2020-05", None)
    ]


# (case id, file, old, new, words in `what`, words in `how`)
CASES = [
    (
        "unknown-reference",
        "people.yaml",
        "nationality: freedonia",
        "nationality: fredonia",
        ["person 'boris-jones'.nationality", "unknown state 'fredonia'"],
        ["did you mean 'freedonia'"],
    ),
    (
        "reference-to-wrong-kind",
        "places.yaml",
        "in: strelsau",
        "in: anna-smith",
        ["unknown place/state 'anna-smith'"],
        ["allowed: freedonia, old-palace, ruritania, strelsau"],
    ),
    (
        "holder-unknown-person",
        "posts.yaml",
        "- person: anna-smith",
        "- person: ana-smith",
        ["holder of 'ruritania-ambassador-to-freedonia'.person", "unknown person 'ana-smith'"],
        ["did you mean 'anna-smith'"],
    ),
    (
        "bad-wikidata-id",
        "states.yaml",
        "    spellings: [Freedonia]",
        '    spellings: [Freedonia]\n    wikidata: {id: "794", verified: "checked"}',
        ["'794' is not a Wikidata item id"],
        ["Q794"],
    ),
    (
        "wikidata-without-verification",
        "states.yaml",
        "    spellings: [Freedonia]",
        "    spellings: [Freedonia]\n    wikidata: {id: Q794}",
        ["lacks 'verified'"],
        ["add `verified:`"],
    ),
    (
        "holder-ends-before-start",
        "posts.yaml",
        "        end: null",
        "        end: 2019",
        ["ends (2019) before it starts (2020-05)"],
        ["swap or correct"],
    ),
    (
        "holder-bad-month",
        "posts.yaml",
        "        start: 2020-05",
        "        start: 2020-13",
        ["bad date '2020-13'"],
        ["2007-05-28, 2007-05 or 2007"],
    ),
    (
        "holder-impossible-date",  # regression: PyYAML raised ValueError for 2020-02-30
        "posts.yaml",
        "        start: 2020-05",
        "        start: 2020-02-30",
        ["bad date '2020-02-30'"],
        ["2007-05-28, 2007-05 or 2007"],
    ),
    (
        "holder-without-source",
        "posts.yaml",
        '        end: null\n        source: "test fixture"',
        "        end: null",
        ["holder of 'ruritania-ambassador-to-freedonia' lacks 'source'"],
        ["add `source:`"],
        "- person: anna-smith",
    ),
    (
        "holder-unknown-field",
        "posts.yaml",
        '        source: "test fixture"',
        '        source: "test fixture"\n        sources: "a second one"',
        ["unknown field 'sources' in holder of"],
        ["did you mean 'source'"],
    ),
    (
        "meeting-bad-date",
        "meetings.yaml",
        "date: 2024-03-04",
        "date: 2024-03",
        ["bad date '2024-03'", "meeting 'round-1'.date"],
        ["ISO calendar date"],
    ),
    (
        "meeting-bad-round",
        "meetings.yaml",
        "round: 2",
        "round: second",
        ["meeting 'round-2'.round must be a positive whole number"],
        ["e.g. 2"],
    ),
    (
        "unknown-section",
        "topics.yaml",
        "topics:",
        "topic:",
        ["unknown section 'topic'"],
        ["did you mean 'topics'"],
    ),
    (
        "unknown-field",
        "people.yaml",
        "nationality: ruritania",
        "nationalty: ruritania",
        ["unknown field 'nationalty' in person 'anna-smith'"],
        ["did you mean 'nationality'"],
    ),
    (
        "bad-id",
        "topics.yaml",
        "{id: calm, label: Calm}",
        "{id: Calm_Talks, label: Calm}",
        ["'Calm_Talks' is not a valid id"],
        ["lower-case letters"],
    ),
    (
        "unknown-enum",
        "places.yaml",
        "kind: city",
        "kind: town",
        ["unknown kind 'town'"],
        ["allowed: building, city, country, district, region"],
    ),
    (
        # regression: a post without `office` loaded, then the mapper crashed with KeyError
        "post-without-office",
        "posts.yaml",
        "    office: ambassador\n",
        "",
        ["post 'ruritania-ambassador-to-freedonia' lacks 'office'"],
        ["add `office:`"],
        "- id: ruritania-ambassador-to-freedonia",
    ),
    (
        "post-with-empty-office",
        "posts.yaml",
        "    office: ambassador\n",
        "    office:\n",
        ["post 'ruritania-ambassador-to-freedonia'.office is empty"],
        ["allowed: ", *OFFICES],
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "what", "how", "at"),
    [(*case[1:], *([None] * (7 - len(case)))) for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_one_error_one_line(registry_dir, file, old, new, what, how, at):
    """`at`: text on the line the error must name (default: the first changed line)."""
    path = registry_dir / file
    line = mutate(path, old, new)
    if at is not None:
        text = path.read_text(encoding="utf-8")
        line = text.count("\n", 0, text.index(at)) + 1
    match = only_problem(registry_dir)
    assert match["path"] == str(path)
    assert int(match["line"]) == line, f"{match.string} should point at line {line}"
    for word in what:
        assert word in match["what"], f"{word!r} missing from {match.string}"
    for word in how:
        assert word in match["how"], f"{word!r} missing from the hint of {match.string}"


def test_unknown_section_drops_its_entries(registry_dir):
    """A misspelt section loses its entries: reported first, then the references to them.

    Regression: with no entry of the wanted kind left, the hint was an empty "allowed: ".
    """
    mutate(registry_dir / "people.yaml", "people:", "peoples:")
    with pytest.raises(InputError) as info:
        load_registry(registry_dir)
    rendered = [str(p) for p in info.value.problems]
    assert "unknown section 'peoples'" in rendered[0] and "did you mean 'people'" in rendered[0]
    assert all(LINE.match(r) for r in rendered), rendered
    assert len(rendered) == 2 and "unknown person 'anna-smith'" in rendered[1]
    assert rendered[1].endswith("none of that kind is defined yet: add it first")


def test_duplicate_id_across_files(registry_dir):
    """Ids are global: the later file (in name order) is reported, naming the first place."""
    states = registry_dir / "states.yaml"
    text = states.read_text(encoding="utf-8") + "  - id: anna-smith\n    label: Anna Smith\n"
    states.write_text(text, encoding="utf-8")
    match = only_problem(registry_dir)
    assert match["path"] == str(states)
    assert int(match["line"]) == len(text.splitlines()) - 1
    assert match["what"] == "duplicate id 'anna-smith'"
    assert match["how"] == f"already defined at {registry_dir / 'people.yaml'}:2; ids are global"


def test_missing_registry_folder(tmp_path):
    with pytest.raises(InputError) as info:
        load_registry(tmp_path / "nowhere")
    (problem,) = info.value.problems
    assert "registry folder not found" in str(problem) and " — " in str(problem)
