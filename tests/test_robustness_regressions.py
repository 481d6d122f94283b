"""Regression tests for the bugs the fuzz tests found (issue 8), one per bug, plus very large
input files, which are too slow to generate by the thousand.

Each test names the bug it guards against; the inputs are the smallest ones that showed it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from parley.cli.main import main
from parley.model.errors import InputError, Problem, UsageError
from parley.query.catalogue import Param, convert
from parley.seeds.annotations import load_annotations
from parley.seeds.registry import load_registry
from parley.seeds.yamlfile import parse_yaml

DATA = Path(__file__).parent / "data" / "annotations"
FIXTURE = (DATA / "annotations" / "001-tiny.yaml").read_text(encoding="utf-8")


@pytest.fixture
def seeds(tmp_path):
    root = tmp_path / "seeds"
    shutil.copytree(DATA, root)
    return root


def load(seeds: Path, text: str):
    path = seeds / "annotations" / "001-tiny.yaml"
    path.write_text(text, encoding="utf-8")
    return load_annotations(path, seeds / "articles", load_registry(seeds / "registry"))


def only_problem(seeds: Path, text: str) -> Problem:
    with pytest.raises(InputError) as info:
        load(seeds, text)
    assert len(info.value.problems) == 1, info.value
    return info.value.problems[0]


def test_nul_character_in_yaml_crashed_the_reader():
    """Bug: PyYAML's ReaderError was raised outside the error handling: a traceback."""
    with pytest.raises(InputError) as info:
        parse_yaml("format: x\nnote: a\x00b\n", "f.yaml")
    assert str(info.value).startswith("f.yaml:2: character U+0000 is not allowed in YAML")


def test_alias_bomb_expanded_into_millions_of_nodes():
    """Bug: nested aliases (a "billion laughs" file) of 400 bytes took minutes and gigabytes."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    with pytest.raises(InputError) as info:
        parse_yaml("\n".join(lines) + "\n", "f.yaml")
    assert "aliases expand to far more entries than the file holds" in str(info.value)


def test_self_referencing_alias_had_no_line():
    """Bug: `a: &a [*a]` was reported as "nested too deeply" with no line to look at."""
    with pytest.raises(InputError) as info:
        parse_yaml("format: x\nloop: &a [1, *a]\n", "f.yaml")
    assert str(info.value).startswith("f.yaml:2: YAML alias refers to the entry that contains it")


def test_newline_in_an_unknown_key_split_the_error_line(seeds):
    """Bug: user text quoted in a message (a key holding a newline) broke `file:line: message`
    into two lines on stderr, the second without a file or line."""
    problem = only_problem(seeds, FIXTURE + '"bad\\nkey\\x1b[31m": 1\n')
    rendered = str(problem)
    assert len(rendered.splitlines()) == 1 and "\x1b" not in rendered
    assert "unknown field 'bad\\nkey\\x1b[31m'" in rendered


def test_newline_in_an_unknown_key_through_the_cli(seeds, tmp_path):
    (seeds / "annotations" / "001-tiny.yaml").write_text(
        FIXTURE + '"bad\\u2028key": 1\n', encoding="utf-8"
    )
    result = CliRunner().invoke(
        main, ["build", "--seeds", str(seeds), "--kg", str(tmp_path / "kg")]
    )
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {seeds / 'annotations' / '001-tiny.yaml'}:")
    assert "bad\\u2028key" in line


def test_unicode_line_separator_shifted_every_later_line_number(seeds):
    """Bug: PyYAML counts U+2028, U+2029, U+0085 and a lone CR as line breaks; editors and
    `grep -n` do not, so every error after such a character named the wrong line."""
    text = FIXTURE.replace('date_note: "test fixture"', 'date_note: "test\u2028fix\u0085ture"')
    text = text.replace("kind: agree", "kind: agreee")
    problem = only_problem(seeds, text)
    assert "unknown kind 'agreee'" in problem.message
    assert text.split("\n")[problem.line - 1].strip() == "kind: agreee"


def test_usage_error_quoting_a_newline_split_the_error_line():
    """Bug: a parameter value with a newline or escape sequence was echoed raw on stderr."""
    with pytest.raises(UsageError) as info:
        convert(Param(name="person", type="iri"), "http://example.org/a\nb\x1b[2J")
    message = str(info.value)
    assert len(message.splitlines()) == 1 and "\x1b" not in message
    assert "a\\nb\\x1b[2J" in message


def test_string_parameter_with_a_codepoint_escape_changed_meaning_between_engines():
    r"""Bug: `-p spelling='\u0022'` bound into a VALUES block is a quote character for engines
    that expand \u escapes before parsing (rdflib, Jena) and the six characters for Oxigraph;
    `\u003E` made rdflib's parser fail. Such values are now refused with a clear message."""
    param = Param(name="spelling", type="string")
    for value in ("\\u0022", "a\\u003Eb", "\\U0001F600"):
        with pytest.raises(UsageError, match="holds a \\\\u escape"):
            convert(param, value)
    assert str(convert(param, "\\unicode")) == "\\unicode"  # not an escape: kept as it is


def test_missing_quote_of_megabytes_hung_the_closest_passage_hint(seeds):
    """Bug: the "closest passage" hint ran difflib over the whole quote: a 5 MB quote that
    is not in the article took hours. Now only its start is compared."""
    quote = "Anna Smith " * 200_000  # 2.2 MB
    text = FIXTURE.replace(
        "statements:\n",
        f'statements:\n  - {{speaker: anna-smith, kind: demand, quote: "{quote}"}}\n',
    )
    problem = only_problem(seeds, text)
    assert "quote not found" in problem.message


# --- very large files -------------------------------------------------------------------------


def test_very_long_comment_line_loads(seeds):
    text = FIXTURE.replace("format:", "# " + "x" * 2_000_000 + "\nformat:", 1)
    assert load(seeds, text).article.id == "001-tiny"


def test_thousands_of_statements_load(seeds):
    """2,000 more statements coding the same quote (with different notes) all load."""
    extra = "".join(
        f'  - {{speaker: anna-smith, quote: {{quote: "We want calm", occurrence: 1}}, '
        f'kind: demand, note: "n{i}"}}\n'
        for i in range(2000)
    )
    loaded = load(seeds, FIXTURE.replace("statements:\n", "statements:\n" + extra))
    assert len(loaded.statements) == 2003


def test_thousands_of_problems_are_all_reported(seeds):
    """1,000 wrong quotes: 1,000 problems, each on its own line with its own line number."""
    extra = "".join(
        f'  - {{speaker: anna-smith, quote: "We want calmer {i}", kind: demand}}\n'
        for i in range(1000)
    )
    text = FIXTURE.replace("statements:\n", "statements:\n" + extra)
    with pytest.raises(InputError) as info:
        load(seeds, text)
    problems = info.value.problems
    assert len(problems) == 1000
    first = text.split("\n").index(extra.split("\n")[0]) + 1
    assert [p.line for p in problems] == list(range(first, first + 1000))
