"""Loader tests: each error of issue 2 item 5 gives exactly one `file:line: what — how` line.

The good corpus lives in tests/data/annotations/ (a tiny fictional article with ’ “ ” — and emoji,
its registry and its annotation file). Each error case copies it to tmp_path and changes one
thing in the annotation (or registry) text; the expected line is the line of the changed text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from parley.builder.corpus import load_corpus
from parley.cli.main import main
from parley.model.errors import InputError
from parley.model.records import ROLES, STATEMENT_KINDS
from parley.seeds.annotations import load_annotations
from parley.seeds.quotes import QuoteError, QuoteSpec, resolve
from parley.seeds.registry import load_registry

DATA = Path(__file__).parent / "data" / "annotations"
ARTICLE = "001-tiny"
LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<what>[^\n]+) — (?P<how>[^\n]+)$")


def make_seeds(tmp_path: Path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA, seeds)
    return seeds


def mutate(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old` by `new`; return the first line that differs."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture changed: {old!r} is not unique in {path}"
    changed = text.replace(old, new)
    path.write_text(changed, encoding="utf-8")
    pairs = zip(text.splitlines(), changed.splitlines(), strict=False)
    return next(i for i, (a, b) in enumerate(pairs, start=1) if a != b)


def line_of(path: Path, needle: str) -> int:
    """The line of the one occurrence of `needle` in `path`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(needle) == 1, f"{needle!r} is not unique in {path}"
    return text.count("\n", 0, text.index(needle)) + 1


def only_problem(seeds: Path):
    """Load the tiny corpus, expect exactly one problem, return it and its rendered line."""
    with pytest.raises(InputError) as info:
        load_corpus(seeds)
    problems = info.value.problems
    assert len(problems) == 1, "expected one problem, got:\n" + "\n".join(map(str, problems))
    problem = problems[0]
    rendered = str(problem)
    match = LINE.match(rendered)
    assert match, f"not a `file:line: what — how` line: {rendered!r}"
    return problem, match


def test_fixture_corpus_loads(tmp_path):
    """The untouched fixture loads: the error cases below each differ from it in one place."""
    corpus = load_corpus(make_seeds(tmp_path))
    (doc,) = corpus.articles
    assert doc.article.id == ARTICLE
    assert len(doc.statements) == 3 and len(doc.meetings[0].participants) == 2


# (case id, file under seeds/, old text, new text, words in `what`, words in `how`)
CASES = [
    (
        "quote-not-found",
        "annotations/001-tiny.yaml",
        'evidence: "Boris Jones led the Freedonian side."',
        'evidence: "Boris Jones lead the Freedonian side."',
        ["quote not found", "Boris Jones lead"],
        ["closest passage", "Boris Jones led the Freedonian side"],
    ),
    (
        "ambiguous-quote",
        "annotations/001-tiny.yaml",
        'quote: {quote: "We want calm", occurrence: 2}',
        'quote: "We want calm"',
        ["ambiguous quote", "2 matches"],
        ["prefix", "suffix", "occurrence"],
    ),
    (
        "prefix-never-matches",
        "annotations/001-tiny.yaml",
        'quote: {quote: "We want calm", occurrence: 2}',
        'quote: {quote: "We want calm", prefix: "Jones: "}',
        ["never with the given prefix/suffix"],
        ["prefix and suffix"],
    ),
    (
        "occurrence-out-of-range",
        "annotations/001-tiny.yaml",
        'quote: {quote: "We want calm", occurrence: 2}',
        'quote: {quote: "We want calm", occurrence: 3}',
        ["occurrence 3", "2 time(s)"],
        ["from 1 to 2"],
    ),
    (
        "unknown-reference",
        "annotations/001-tiny.yaml",
        "event: round-1",
        "event: round-3",
        ["unknown meeting 'round-3'"],
        ["'round-1'"],
    ),
    (
        "unknown-reference-kind",
        "annotations/001-tiny.yaml",
        "for: freedonia",
        "for: boris-jones",
        ["unknown state/organisation 'boris-jones'"],
        ["allowed: freedonia, ruritania, test-wire"],
    ),
    (
        "bad-date-impossible",  # regression: 2024-02-30 made PyYAML raise ValueError (traceback)
        "annotations/001-tiny.yaml",
        "date: {value: 2024-03-04,",
        "date: {value: 2024-02-30,",
        ["bad date", "2024-02-30"],
        ["ISO calendar date"],
    ),
    (
        "bad-date-words",
        "annotations/001-tiny.yaml",
        "date: {value: 2024-03-04,",
        'date: {value: "4 March 2024",',
        ["bad date", "4 March 2024"],
        ["ISO calendar date"],
    ),
    (
        "bad-date-basis",
        "annotations/001-tiny.yaml",
        "basis: relative}",
        "basis: guessed}",
        ["unknown basis 'guessed'"],
        ["allowed: dateline, inferred, relative, stated, unknown"],
    ),
    (
        "unknown-role-typo",
        "annotations/001-tiny.yaml",
        "for: freedonia\n        role: head-of-delegation",
        "for: freedonia\n        role: head-of-delegaton",
        ["unknown role 'head-of-delegaton'"],
        ["did you mean 'head-of-delegation'"],
    ),
    (
        "unknown-role",
        "annotations/001-tiny.yaml",
        "for: freedonia\n        role: head-of-delegation",
        "for: freedonia\n        role: leader",
        ["unknown role 'leader'"],
        ["allowed: ", *ROLES],
    ),
    (
        "unknown-kind-typo",
        "annotations/001-tiny.yaml",
        "kind: demand",
        "kind: demands",
        ["unknown kind 'demands'"],
        ["did you mean 'demand'"],
    ),
    (
        # regression: with 13 kinds and no close match the hint said "no close match among 13
        # known ids" instead of listing the allowed values
        "unknown-kind",
        "annotations/001-tiny.yaml",
        "kind: demand",
        "kind: threaten",
        ["unknown kind 'threaten'"],
        ["allowed: ", *STATEMENT_KINDS],
    ),
    (
        "unknown-claim-property",
        "annotations/001-tiny.yaml",
        "property: level",
        "property: levels",
        ["unknown property 'levels'"],
        ["did you mean 'level'"],
    ),
    (
        "sha256-mismatch",
        "annotations/001-tiny.yaml",
        "sha256: 66133316fc1fff0838b03fcee577cd6051772c4edfa016d27617233679c01c42",
        "sha256: 0000000000000000000000000000000000000000000000000000000000000000",
        ["sha256 does not match 001-tiny.txt"],
        ["66133316fc1fff0838b03fcee577cd6051772c4edfa016d27617233679c01c42"],
    ),
    (
        "quote-inside-furniture",
        "annotations/001-tiny.yaml",
        'attribution: "Smith said"',
        'attribution: "Smith says hello"',
        ["only inside site furniture"],
        ["furniture produces no facts"],
    ),
    (
        "unknown-field-typo",
        "annotations/001-tiny.yaml",
        'attribution: "Jones said"',
        'atribution: "Jones said"',
        ["unknown field 'atribution'"],
        ["did you mean 'attribution'"],
    ),
    (
        "unknown-field-top",
        "annotations/001-tiny.yaml",
        "offices:",
        "office:",
        ["unknown field 'office'", "annotation file"],
        ["did you mean 'offices'"],
    ),
    (
        "yaml-syntax-error",
        "annotations/001-tiny.yaml",
        "  outlet: test-wire",
        "  outlet: test-wire: dpa",
        ["YAML syntax error"],
        ["indentation or quoting"],
    ),
    (
        "yaml-tab",
        "annotations/001-tiny.yaml",
        "    kind: express-intent",
        "\tkind: express-intent",
        ["YAML syntax error"],
        ["indentation or quoting"],
    ),
    (
        "yaml-value-cannot-be-built",  # regression: PyYAML's ValueError escaped as a traceback
        "annotations/001-tiny.yaml",
        "value: 27",
        "value: !!int twenty-seven",
        ["bad value 'twenty-seven'"],
        ["quote it"],
    ),
    (
        "duplicate-key",
        "annotations/001-tiny.yaml",
        "    kind: agree",
        "    kind: agree\n    kind: reject",
        ["duplicate key 'kind'"],
        ["keep one"],
    ),
    (
        "spelling-not-found",
        "annotations/001-tiny.yaml",
        'freedonia: ["Freedonia"]',
        'freedonia: ["Freedonia", "Fredonia"]',
        ["spelling 'Fredonia' of 'freedonia' does not occur"],
        ["copy the spelling exactly"],
    ),
    (
        "spelling-only-in-furniture",
        "annotations/001-tiny.yaml",
        'strelsau: ["Strelsau"]',
        'strelsau: ["Strelsau", "Related stories"]',
        ["spelling 'Related stories'", "outside furniture"],
        ["copy the spelling exactly"],
    ),
    (
        "spelling-two-entities",
        "annotations/001-tiny.yaml",
        'strelsau: ["Strelsau"]',
        'strelsau: ["Strelsau", "Smith"]',
        ["spelling 'Smith'", "'anna-smith'", "'strelsau'"],
        ["keep it for one entity"],
    ),
    (
        "mention-unknown-entity",
        "annotations/001-tiny.yaml",
        'strelsau: ["Strelsau"]',
        'strelsaw: ["Strelsau"]',
        ["unknown entity 'strelsaw'"],
        ["did you mean 'strelsau'"],
    ),
    (  # a registry id of another kind is no topic (topics are looked up by id and kind)
        "topic-of-another-kind",
        "annotations/001-tiny.yaml",
        "topics: [calm]",
        "topics: [freedonia]",
        ["unknown topic 'freedonia'"],
        [],
    ),
    (
        "topic-not-a-name",
        "annotations/001-tiny.yaml",
        "topics: [calm]",
        "topics: [7]",
        ["unknown topic '7'"],
        [],
    ),
    (
        "duration-not-iso-8601",
        "annotations/001-tiny.yaml",
        '    date: {value: 2024-03-04, text: "on Monday", basis: relative}\n',
        '    date: {value: 2024-03-04, text: "on Monday", basis: relative}\n'
        '    duration: {value: 4h, text: "on Monday"}\n',
        ["bad duration '4h'", "duration.value"],
        ["ISO 8601 duration such as PT4H"],
    ),
    (
        "first-since-year-in-the-future",
        "annotations/001-tiny.yaml",
        "claims:\n",
        "claims:\n  - about: round-1\n    property: first-since-year\n    value: 2031\n"
        '    evidence: "their first talks in 27 years"\n',
        ["year 2031", "after 2024-03-04"],
        ["the year the text names"],
        "value: 2031",
    ),
    (
        "missing-required-field",
        "annotations/001-tiny.yaml",
        '        role: head-of-delegation\n        evidence: "Boris',
        '        evidence: "Boris',
        ["lacks 'role'"],
        ["add `role:`"],
        "- person: boris-jones",  # a missing key: the line of its mapping
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "what", "how", "at"),
    [(*case[1:], *([None] * (7 - len(case)))) for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_one_error_one_line(tmp_path, file, old, new, what, how, at):
    """`at`: text on the line the error must name (default: the first changed line)."""
    seeds = make_seeds(tmp_path)
    target = seeds / file
    line = mutate(target, old, new)
    if at is not None:
        line = line_of(target, at)
    problem, match = only_problem(seeds)
    assert match["path"] == str(target)
    assert int(match["line"]) == line, f"{problem} should point at line {line}"
    for word in what:
        assert word in match["what"], f"{word!r} missing from {problem}"
    for word in how:
        assert word in match["how"], f"{word!r} missing from the hint of {problem}"


def test_error_line_of_unknown_role_points_at_the_role(tmp_path):
    """The role of the *second* participant is wrong: the line is that participant's role."""
    seeds = make_seeds(tmp_path)
    path = seeds / "annotations" / f"{ARTICLE}.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    role_lines = [i + 1 for i, ln in enumerate(lines) if ln.strip() == "role: head-of-delegation"]
    assert len(role_lines) == 2
    lines[role_lines[1] - 1] = lines[role_lines[1] - 1].replace("head-of-delegation", "boss")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem, match = only_problem(seeds)
    assert int(match["line"]) == role_lines[1], str(problem)


def test_several_errors_are_all_reported(tmp_path):
    """Problems are collected, one line each, in file order, not just the first."""
    seeds = make_seeds(tmp_path)
    path = seeds / "annotations" / f"{ARTICLE}.yaml"
    mutate(path, "kind: demand", "kind: threaten")
    mutate(path, "event: round-1", "event: round-9")
    with pytest.raises(InputError) as info:
        load_corpus(seeds)
    rendered = [str(p) for p in info.value.problems]
    assert len(rendered) == 2, rendered
    assert all(LINE.match(r) for r in rendered), rendered
    lines = [p.line for p in info.value.problems]
    assert "round-9" in rendered[0] and "threaten" in rendered[1]
    assert lines == sorted(lines)


# --- successful resolution on text with ’ “ ” — and emoji --------------------------------------


def _codepoint_offset(raw: bytes, needle: str, nth: int = 1) -> int:
    """Code-point offset of the nth occurrence, found in the UTF-8 bytes (independently of str)."""
    at = -1
    for _ in range(nth):
        at = raw.index(needle.encode("utf-8"), at + 1)
    return len(raw[:at].decode("utf-8"))


def test_offsets_are_code_points_with_prefix_suffix_occurrence(tmp_path):
    seeds = make_seeds(tmp_path)
    raw = (seeds / "articles" / f"{ARTICLE}.txt").read_bytes()
    text = raw.decode("utf-8")
    registry = load_registry(seeds / "registry")
    doc = load_annotations(seeds / "annotations" / f"{ARTICLE}.yaml", seeds / "articles", registry)
    by_speaker_kind = {(s.speaker, s.kind): s.quote for s in doc.statements}
    # the annotation picks the first "We want calm" by its suffix ',” Smith' ...
    first = by_speaker_kind[("anna-smith", "demand")]
    start = _codepoint_offset(raw, "We want calm", 1)
    assert (first.start, first.end) == (start, start + len("We want calm"))
    # ... and the second by `occurrence: 2`; an emoji (outside the BMP) stands between them
    second = by_speaker_kind[("boris-jones", "agree")]
    start2 = _codepoint_offset(raw, "We want calm", 2)
    assert (second.start, second.end) == (start2, start2 + 12)
    assert "🙂" in text[first.end : second.start]
    # code points, not UTF-8 bytes nor UTF-16 units (the test would notice the difference)
    assert start2 != raw.index(b"We want calm", raw.index(b"We want calm") + 1)
    assert start2 != len(text[:start2].encode("utf-16-le")) // 2
    for span in (first, second):
        assert text[span.start : span.end] == span.exact == "We want calm"
        assert text[span.start - len(span.prefix) : span.start] == span.prefix
        assert text[span.end : span.end + len(span.suffix)] == span.suffix
    # the headline with — “ ” and 🤝 resolves at offset 0
    assert doc.article.title.start == 0
    assert doc.article.title.exact == text.splitlines()[0]


@pytest.mark.parametrize(
    ("spec", "nth"),
    [
        (QuoteSpec("We want calm", prefix="🙂 “"), 2),
        (QuoteSpec("We want calm", suffix=",” Smith"), 1),
        (QuoteSpec("We want calm", occurrence=1), 1),
        (QuoteSpec("We want calm", occurrence=2), 2),
        (QuoteSpec("calm", prefix="want ", suffix=",” Jones"), 2),
        (QuoteSpec("Ruritania’s ambassador"), 1),
    ],
)
def test_resolve_picks_the_designated_match(spec, nth):
    raw = (DATA / "articles" / f"{ARTICLE}.txt").read_bytes()
    text = raw.decode("utf-8")
    span = resolve(text, spec)
    start = _codepoint_offset(raw, spec.quote, nth)
    assert (span.start, span.end) == (start, start + len(spec.quote))
    assert text[span.start : span.end] == spec.quote


def test_resolve_never_picks_furniture():
    text = (DATA / "articles" / f"{ARTICLE}.txt").read_text(encoding="utf-8")
    furniture = [(text.index("Related stories"), len(text))]
    # "Jones" occurs three times in the body and once in the furniture
    with pytest.raises(QuoteError, match="3 matches"):
        resolve(text, QuoteSpec("Jones"), furniture)
    span = resolve(text, QuoteSpec("Jones", occurrence=3), furniture)
    assert span.start < furniture[0][0]


# --- the CLI: exit 2, one line on stderr, no traceback, nothing written ------------------------


def test_cli_build_bad_seeds_exits_2_and_writes_nothing(tmp_path):
    seeds = make_seeds(tmp_path)
    path = seeds / "annotations" / f"{ARTICLE}.yaml"
    line = mutate(path, "kind: demand", "kind: threaten")
    kg = tmp_path / "kg"
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--kg", str(kg)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}:{line}: unknown kind 'threaten'")
    assert " — allowed: " in lines[0]
    assert result.stdout == ""
    assert not kg.exists()


def test_cli_build_bad_seeds_leaves_existing_kg_unchanged(tmp_path):
    seeds = make_seeds(tmp_path)
    kg = tmp_path / "kg"
    runner = CliRunner()
    ok = runner.invoke(main, ["build", "--seeds", str(seeds), "--kg", str(kg)])
    assert ok.exit_code == 0, ok.output
    before = {p.name: p.read_bytes() for p in kg.iterdir()}
    assert sorted(before) == ["inferred.ttl", "parley.trig"]
    mutate(seeds / "annotations" / f"{ARTICLE}.yaml", "event: round-1", "event: round-3")
    result = runner.invoke(main, ["build", "--seeds", str(seeds), "--kg", str(kg)])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "round-3" in result.stderr
    assert {p.name: p.read_bytes() for p in kg.iterdir()} == before  # no temp files either


def test_cli_build_yaml_syntax_error_is_one_line(tmp_path):
    seeds = make_seeds(tmp_path)
    path = seeds / "registry" / "people.yaml"
    line = mutate(path, "    label: Boris Jones", "    label: Boris: Jones")
    result = CliRunner().invoke(
        main, ["build", "--seeds", str(seeds), "--kg", str(tmp_path / "kg")]
    )
    assert result.exit_code == 2
    (only,) = result.stderr.splitlines()
    assert only.startswith(f"error: {path}:{line}: YAML syntax error"), only
    assert "Traceback" not in result.output
    assert not (tmp_path / "kg").exists()
