"""Values too long for the graph's parsers are refused before kg/ is written (issue 18,
item 4).

Oxigraph reads a Turtle/TriG token (a whole literal) in a buffer of at most 16 MiB: a 50 MB
`date_note` was written into kg/parley.trig, and every later query and validate failed. The
YAML reader now refuses any value longer than `kgio.MAX_TERM_BYTES` once written as RDF
(8 MiB), at its line; the longest value accepted, made of the characters whose escapes are
longest, builds and is read back by Oxigraph and rdflib.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parley import api
from parley.builder.corpus import load_corpus
from parley.model.errors import InputError
from parley.model.iris import PARLEY as ONTOLOGY
from parley.model.kgio import MAX_TERM_BYTES, term_bytes

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data" / "annotations"
PARLEY = [sys.executable, "-c", "from parley.cli.main import main; main()"]
ANNOTATION = Path("annotations") / "001-tiny.yaml"
TOO_LONG = "x" * (MAX_TERM_BYTES + 1)


@pytest.fixture
def seeds(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "seeds"
    shutil.copytree(DATA, folder)
    return folder


def _replace(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file with `new`; the line it is on."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def test_a_12_mb_note_is_refused_at_its_line_and_kg_is_untouched(seeds, tmp_path):
    """Bug: a note over 16 MiB (the issue's was 50 MB) went into kg/parley.trig; then
    `parley query` and `validate` failed with `Reached the buffer maximal size of 16777216`,
    and the build exited 1 after writing kg/. A file over 16 MiB is now refused whole
    (`seeds.seedfile`); a value over 8 MiB in a smaller file is refused at its line."""
    kg = tmp_path / "kg"
    api.build(seeds, kg)
    before = {p.name: p.read_bytes() for p in kg.iterdir()}
    line = _replace(seeds / ANNOTATION, '"test fixture"', '"' + "n" * 12_000_000 + '"')
    done = subprocess.run(
        [*PARLEY, "build", "--seeds", str(seeds), "--kg", str(kg)],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "PARLEY_CACHE": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == (
        f"error: {seeds / ANNOTATION}:{line}: value too long: 12,000,002 bytes as RDF, the limit "
        f"is {MAX_TERM_BYTES:,} (what the graph's parsers can read in one piece) — shorten it, "
        "or keep the long text in a file and refer to it\n"
    )
    assert {p.name: p.read_bytes() for p in kg.iterdir()} == before


CASES = {  # file, text to replace, replacement: every kind of value, in every kind of file
    "annotation note": (ANNOTATION, '"test fixture"', TOO_LONG),
    "annotation quote": (ANNOTATION, '"By Test Wire"', TOO_LONG),
    "annotation id": (ANNOTATION, "id: 001-tiny", "id: " + TOO_LONG),
    "registry label": (Path("registry") / "people.yaml", "label: Anna Smith", "label: " + TOO_LONG),
    "registry id": (Path("registry") / "people.yaml", "id: anna-smith", "id: " + TOO_LONG),
    "escapes of 6 bytes": (
        ANNOTATION,
        '"test fixture"',
        '"' + "\\x01" * (MAX_TERM_BYTES // 6 + 1) + '"',
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_value_too_long_is_refused_at_its_line(seeds, case):
    file, old, new = CASES[case]
    line = _replace(seeds / file, old, new)
    with pytest.raises(InputError) as caught:
        load_corpus(seeds)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line) == (str(seeds / file), line)
    assert re.match(r"value too long: [\d,]+ bytes as RDF, the limit is 8,388,608", problem.message)


def test_the_longest_value_accepted_is_read_back_by_every_engine(seeds, tmp_path):
    """A note of the longest accepted size, of the longest characters a note may hold (4
    bytes each; control characters, escaped in 6, are refused in notes): built, then read by
    Oxigraph (the build's store and a fresh one) and by rdflib (the memory backend)."""
    count = (MAX_TERM_BYTES - 2) // 4
    assert term_bytes("🤝" * count) <= MAX_TERM_BYTES < term_bytes("🤝" * (count + 1))
    _replace(seeds / ANNOTATION, '"test fixture"', '"' + "🤝" * count + '"')
    kg = tmp_path / "kg"
    api.build(seeds, kg)
    assert (kg / "parley.trig").stat().st_size > MAX_TERM_BYTES
    query = f"SELECT (STRLEN(?n) AS ?len) WHERE {{ GRAPH ?g {{ ?a <{ONTOLOGY.dateNote}> ?n }} }}"
    for backend in ("oxigraph", "memory"):
        store = api.open_store(kg, backend)
        assert [[str(v) for v in row] for row in store.select(query).rows] == [[str(count)]]
    fresh = api.open_store(kg, "oxigraph", store_dir=tmp_path / "store")
    assert len(fresh.select(query).rows) == 1
    assert api.validate(kg).triples > 1000  # reads the kept report; rdflib parsed it above
