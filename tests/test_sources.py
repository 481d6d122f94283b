"""Sources of outside facts (`seeds/sources/*.yaml`) and the citations of them.

First the loader: a citation that names no entry, a malformed one, a Wikidata `verified:` citing
the entry of another ID and a malformed sources file are each one `file:line: what — how` line
(exit 2 from the CLI). Then data-integrity checks over the real seeds/ with a fix hint in each
failure: every citation resolves, every registry source cites one, every fact is cited, every
file reference holds its quote, and no file of the repository cites a fact sheet that a clone
does not have.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from seedsets import CORPUS

from parley.cli.main import main
from parley.model.errors import InputError
from parley.seeds.annotations import load_annotations
from parley.seeds.registry import load_registry
from parley.seeds.sources import citations, load_sources
from parley.seeds.yamlfile import Items, Node, read_yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
TINY = ROOT / "tests" / "data" / "annotations" / "registry"
LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+): (?P<what>[^\n]+) — (?P<how>[^\n]+)$")
F = "seeds/sources/facts.yaml"

TINY_SOURCES = """\
format: parley-sources/1
facts:
  - id: anna-smith-ambassador
    statement: Anna Smith was Ruritania's ambassador to Freedonia from May 2020.
    references:
      - publication: The Strelsau Gazette
        date: 2020-05-02
        headline: "New envoy for Freedonia"
        checked: read
  - id: round-1
    statement: Round 1 was held on 4 March 2024.
    references:
      - file: seeds/articles/001-tiny.txt
        quote: "on 4 March"
wikidata:
  - {id: Q794, entity: Ruritania, url: "https://www.wikidata.org/wiki/Q794", verified: checked}
  - {id: Q796, entity: Freedonia, url: "https://www.wikidata.org/wiki/Q796", verified: checked}
"""


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """The tiny registry, citing a tiny sources file."""
    folder = tmp_path / "seeds"
    shutil.copytree(TINY, folder / "registry")
    (folder / "sources").mkdir()
    (folder / "sources" / "facts.yaml").write_text(TINY_SOURCES, encoding="utf-8")
    edit(
        folder / "registry" / "posts.yaml",
        'source: "test fixture"',
        f'source: "{F}#anna-smith-ambassador: from May 2020"',
    )
    edit(folder / "registry" / "meetings.yaml", 'source: "test fixture"', f'source: "{F}#round-1"')
    edit(
        folder / "registry" / "states.yaml",
        "    spellings: [Ruritania]\n",
        f'    spellings: [Ruritania]\n    wikidata: {{id: Q794, verified: "{F}#Q794 (checked)"}}\n',
    )  # fmt: skip
    return folder


def edit(path: Path, old: str, new: str) -> int:
    """Replace the one occurrence of `old` by `new`; the first line that differs."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture changed: {old!r} is not unique in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def only_problem(load) -> re.Match:
    with pytest.raises(InputError) as info:
        load()
    problems = info.value.problems
    assert len(problems) == 1, "expected one problem, got:\n" + "\n".join(map(str, problems))
    match = LINE.match(str(problems[0]))
    assert match, f"not a `file:line: what — how` line: {problems[0]}"
    return match


def test_citations_resolve(seeds):
    registry = load_registry(seeds / "registry")
    ids = ["Q794", "Q796", "anna-smith-ambassador", "round-1"]
    assert sorted(registry.sources) == [f"{F}#{ident}" for ident in ids]
    assert registry.sources[f"{F}#Q794"].qid == "Q794"
    assert registry.sources[f"{F}#round-1"].statement == "Round 1 was held on 4 March 2024."
    assert registry.get("ruritania").wikidata.verified == f"{F}#Q794 (checked)"


def test_citations_are_found_anywhere_in_a_text():
    text = f"see {F}#round-1; and ({F}#Q794), not seeds/sources/facts#x"
    assert citations(text) == [f"{F}#round-1", f"{F}#Q794"]


# (case, file, old, new, words in `what`, words in `how`)
CITING = [
    (
        "no-such-entry",
        "posts.yaml",
        "#anna-smith-ambassador:",
        "#anna-smith-ambasador:",
        ["anna-smith-ambasador", "has no entry"],
        ["did you mean 'anna-smith-ambassador'"],
    ),
    (
        "no-such-file",
        "meetings.yaml",
        f"{F}#round-1",
        "seeds/sources/fact.yaml#round-1",
        ["no sources file seeds/sources/fact.yaml"],
        ["did you mean 'facts.yaml'"],
    ),
    (
        "malformed",
        "meetings.yaml",
        f"{F}#round-1",
        "seeds/sources/facts#round-1",
        ["'seeds/sources/facts#round-1'", "not of the form"],
        ["seeds/sources/facts.yaml#round-1"],
    ),
    (
        "wikidata-cites-another-id",
        "states.yaml",
        f"{F}#Q794 (checked)",
        f"{F}#Q796 (checked)",
        ["for Q794", "the entry of Q796"],
        [f"{F}#Q794"],
    ),
    (
        "wikidata-cites-a-fact",
        "states.yaml",
        f"{F}#Q794 (checked)",
        f"{F}#round-1 (checked)",
        ["not a Wikidata entry"],
        ["cite the entry of Q794"],
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "what", "how"), [c[1:] for c in CITING], ids=[c[0] for c in CITING]
)
def test_a_bad_citation_is_one_line_at_its_line(seeds, file, old, new, what, how):
    line = edit(seeds / "registry" / file, old, new)
    match = only_problem(lambda: load_registry(seeds / "registry"))
    assert match["path"] == str(seeds / "registry" / file)
    assert int(match["line"]) == line
    for word in what:
        assert word in match["what"], match.group(0)
    for word in how:
        assert word in match["how"], match.group(0)


def test_a_citation_without_the_sources_folder_says_to_copy_it(seeds):
    shutil.rmtree(seeds / "sources")
    with pytest.raises(InputError) as info:
        load_registry(seeds / "registry")
    assert len(info.value.problems) == 3  # the meeting, the holder, the Wikidata ID
    assert all("copy the seeds folder's sources/" in str(p) for p in info.value.problems)


# (case, old, new, words in `what`); each changes the tiny sources file
MALFORMED = [
    ("no-format", "format: parley-sources/1\n", "", ["not a sources file"]),
    ("unknown-section", "wikidata:\n", "wikidat:\n", ["unknown field 'wikidat'"]),
    (
        "no-reference",
        "      - publication: The Strelsau Gazette\n",
        "      - supports: x\n",
        ["names no publication, url or file"],
    ),
    ("not-checked", "        checked: read\n", "", ["does not say how it was checked"]),
    (
        "bad-url",
        'url: "https://www.wikidata.org/wiki/Q796"',
        'url: "https://www.wikidata.org/wiki/Q797"',
        ["url must be https://www.wikidata.org/wiki/Q796"],
    ),
    ("bad-qid", "{id: Q796,", "{id: 796,", ["'796' is not a Wikidata item id"]),
    (
        "file-outside",
        "file: seeds/articles/001-tiny.txt",
        "file: ../secret.txt",
        ["must be a path in the seeds folder"],
    ),
    ("bad-date", "date: 2020-05-02", "date: May 2020", ["bad date 'May 2020'"]),
    (
        "duplicate",
        "  - id: round-1\n",
        "  - id: anna-smith-ambassador\n",
        ["duplicate id 'anna-smith-ambassador'"],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "what"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_a_malformed_sources_file_is_one_line_at_its_line(seeds, old, new, what):
    path = seeds / "sources" / "facts.yaml"
    edit(path, old, new)
    _, problems = load_sources(seeds / "sources", seeds)
    assert len(problems) == 1, "\n".join(map(str, problems))
    match = LINE.match(str(problems[0]))
    assert match and match["path"] == str(path), problems[0]
    for word in what:
        assert word in match["what"], match.group(0)


def test_a_date_note_citing_no_entry_is_refused(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(CORPUS, seeds)
    path = seeds / "annotations" / "002-aljazeera.yaml"
    line = edit(path, f"({F}#round-1)", f"({F}#round-one)")
    registry = load_registry(seeds / "registry")
    match = only_problem(lambda: load_annotations(path, seeds / "articles", registry))
    assert (match["path"], int(match["line"])) == (str(path), line)
    assert f"article.date_note cites {F}#round-one" in match["what"]
    assert "'round-1'" in match["how"] and "did you mean" in match["how"]


def test_build_refuses_a_citation_of_an_entry_removed_since_the_last_build(tmp_path, monkeypatch):
    """The registry's cache key covers sources/: removing a cited entry is seen at once."""
    seeds, kg = tmp_path / "seeds", tmp_path / "kg"
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))
    shutil.copytree(CORPUS, seeds)
    args = ["build", "--seeds", str(seeds), "--kg", str(kg)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    edit(seeds / "sources" / "facts.yaml", "  - id: round-2\n", "  - id: round-two\n")
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2, again.output
    lines = [line for line in again.output.splitlines() if "round-2" in line]
    assert lines, again.output
    for line in lines:  # the registry's meeting (the annotations are not read then)
        assert "has no entry 'round-2'" in line and "'round-two'" in line, line


# --- the real seeds/ --------------------------------------------------------------------------


def _seed_files() -> list[Path]:
    return sorted([*(SEEDS / "registry").glob("*.yaml"), *(SEEDS / "annotations").glob("*.yaml")])


def _strings(value, line: int):
    """(line, text) of every string in a YAML value read by `read_yaml` (comments are not)."""
    if isinstance(value, str):
        yield line, value
    elif isinstance(value, Node):
        for key, item in value.items():
            yield from _strings(item, value.line_of(key))
    elif isinstance(value, Items):
        for item, item_line in zip(value, value.item_lines, strict=True):
            yield from _strings(item, item_line)


def _seed_texts():
    """(file, line, text) of every string in seeds/registry and seeds/annotations."""
    for path in _seed_files():
        shown = str(path.relative_to(ROOT))
        for line, text in _strings(read_yaml(path, shown, SEEDS), 1):
            yield shown, line, text


def test_seed_sources_load_without_problems():
    sources, problems = load_sources(SEEDS / "sources", SEEDS)
    assert not problems, "\n".join(map(str, problems))
    assert sources, "seeds/sources/ has no entries"


def test_every_citation_in_the_seeds_resolves():
    sources, _ = load_sources(SEEDS / "sources", SEEDS)
    wrong = []
    for shown, line, text in _seed_texts():
        for cited in citations(text):
            if cited not in sources:
                wrong.append(f"{shown}:{line}: cites {cited}")
        if text.count("seeds/sources/") != len(citations(text)):
            wrong.append(f"{shown}:{line}: a malformed citation")
    assert not wrong, (
        "\n".join(wrong) + "\n— add the entry to seeds/sources/facts.yaml (with its public "
        "references) or correct the citation: seeds/sources/FILE.yaml#ID"
    )


def test_every_registry_source_cites_an_entry_or_a_public_url():
    registry = load_registry(SEEDS / "registry")
    texts = [(f"holder {h.person} of {h.post}", h.source) for h in registry.holdings]
    texts += [(f"meeting {e.id}", e.attr("source")) for e in registry.of_kind("meeting")]
    linked = [e for e in registry.entities.values() if e.wikidata]
    texts += [(f"{e.kind} {e.id}", e.wikidata.verified) for e in linked]
    uncited = [
        f"{what}: {text!r}"
        for what, text in texts
        if text is not None and not citations(text) and not re.search(r"https?://\S+", text)
    ]
    assert not uncited, (
        "\n".join(uncited) + "\n— seeds/registry: cite the fact's entry (seeds/sources/facts.yaml"
        "#ID, with its public references) or a public URL, so that a clone can check it"
    )


def test_every_fact_in_sources_is_cited_by_the_seeds():
    sources, _ = load_sources(SEEDS / "sources", SEEDS)
    cited = {c for _, _, text in _seed_texts() for c in citations(text)}
    unused = sorted(c for c, source in sources.items() if c not in cited)
    assert not unused, (
        f"{', '.join(unused)}: cited nowhere in seeds/registry or seeds/annotations — remove the "
        "entry from seeds/sources/, or cite it where the data relies on it"
    )


def _references() -> list[tuple[int, Node]]:
    root = read_yaml(SEEDS / "sources" / "facts.yaml", "seeds/sources/facts.yaml", SEEDS)
    found = []
    for fact in root.get("facts") or []:
        refs = fact.get("references")
        if isinstance(refs, Items):
            found += list(zip(refs.item_lines, refs, strict=True))
    return found


def test_every_file_reference_holds_its_quote():
    refs = [(line, ref) for line, ref in _references() if "file" in ref]
    assert refs, "no file references read"
    for line, ref in refs:
        where = f"seeds/sources/facts.yaml:{line}"
        path = ROOT / ref["file"]
        assert path.is_file(), f"{where}: {ref['file']} does not exist — correct the path"
        if "quote" in ref:
            assert ref["quote"] in path.read_text(encoding="utf-8"), (
                f"{where}: {ref['file']} does not contain {ref['quote']!r} — copy the quote "
                "from the file character for character"
            )


def test_every_reference_is_public():
    """A reference a clone can follow: a publication (named with a date, headline or dateline,
    or a URL), a URL, or a file of the repository."""
    for line, ref in _references():
        where = f"seeds/sources/facts.yaml:{line}"
        if "file" in ref:
            continue
        if "url" not in ref and "copy" not in ref:
            assert any(k in ref for k in ("date", "headline", "dateline")), (
                f"{where}: {ref.get('publication')!r} alone cannot be looked up — add its date "
                "and headline or dateline, or a URL"
            )


def test_no_file_cites_a_fact_sheet_outside_the_repository():
    """Issue 19: the data and the docs cited a fact sheet kept outside the repository."""
    needle = "FACTS" + ".md"  # spelt so that this file does not find itself
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
        ).stdout
    except (OSError, subprocess.SubprocessError):
        pytest.skip("not a git checkout: cannot list the repository's files")
    wrong = []
    for name in listed.decode("utf-8", "surrogateescape").split("\0"):
        path = ROOT / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        if needle.encode() in data:
            number = data[: data.index(needle.encode())].count(b"\n") + 1
            wrong.append(f"{name}:{number}")
    assert not wrong, (
        f"{', '.join(wrong)}: cites {needle}, which is not in the repository — cite the entry "
        "of seeds/sources/facts.yaml (seeds/sources/facts.yaml#ID) or a public reference"
    )
