"""`parley import-brat`: brat standoff (T, R, E, A, N lines) into Parley annotations.

The fixture tests/data/brat/docs/005-brat-sample.{txt,ann} is a short text written for this
test from sentences of seed 004, with the DPA spelling "Qumi"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from seedsets import CORPUS

from parley.authoring.brat import import_folder
from parley.cli.main import main
from parley.model.errors import InputError
from parley.seeds.annotations import load_annotations
from parley.seeds.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "brat"
MAPPING = DATA / "mapping.yaml"


@pytest.fixture
def seeds(tmp_path) -> Path:
    root = tmp_path / "seeds"
    shutil.copytree(CORPUS / "registry", root / "registry")
    shutil.copytree(CORPUS / "sources", root / "sources")  # the registry cites its entries
    (root / "annotations").mkdir()
    (root / "articles").mkdir()
    return root


@pytest.fixture
def docs(tmp_path) -> Path:
    folder = tmp_path / "brat"
    shutil.copytree(DATA / "docs", folder)
    return folder


def test_import_produces_a_loadable_annotation_file(docs, seeds):
    result = import_folder(docs, MAPPING, seeds)
    target = seeds / "annotations" / "005-brat-sample.yaml"
    assert target in result.written
    assert (seeds / "articles" / "005-brat-sample.txt").read_bytes() == (
        docs / "005-brat-sample.txt"
    ).read_bytes()
    doc = load_annotations(target, seeds / "articles", load_registry(seeds / "registry"))
    # N1 normalises the trigger "met" to round-1; A4/A5 make both envoys heads of delegation
    (meeting,) = doc.meetings
    assert meeting.event == "round-1" and meeting.span.exact == "met"
    roles = {(p.person, p.party, p.role) for p in meeting.participants}
    assert roles == {
        ("ryan-crocker", "united-states", "head-of-delegation"),
        ("hassan-kazemi-qomi", "iran", "head-of-delegation"),
        ("nouri-al-maliki", "iraq", "host"),  # R1 ActsFor Arg1:T4 Arg2:T12 (Iraq)
    }
    by_speaker = {s.speaker: s for s in doc.statements}
    crocker = by_speaker["ryan-crocker"]
    assert crocker.kind == "demand" and not crocker.paraphrase  # A1 Kind E2 demand
    assert crocker.target == "iran"  # N2 Reference T8 Wikidata:Q794
    assert crocker.quote.exact.startswith("We need to see Iranian actions")
    assert crocker.attribution is not None and crocker.attribution.exact == "said Crocker"
    qomi = by_speaker["hassan-kazemi-qomi"]
    assert qomi.kind == "offer" and qomi.paraphrase  # A2, A3
    spellings = {m.span.exact for m in doc.mentions if m.entity == "hassan-kazemi-qomi"}
    assert spellings == {"Qumi"}


def test_offsets_that_do_not_match_the_text_are_refused(docs, seeds):
    ann = docs / "005-brat-sample.ann"
    ann.write_text(
        ann.read_text(encoding="utf-8").replace(
            "T1\tPerson 49 56\tCrocker", "T1\tPerson 48 55\tCrocker"
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        import_folder(docs, MAPPING, seeds)
    (problem,) = err.value.problems
    assert problem.line == 1 and "differs from the .txt" in problem.message
    assert not list((seeds / "annotations").iterdir())  # nothing half-written


def test_unresolved_entity_and_bad_line(docs, seeds):
    ann = docs / "005-brat-sample.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in lines if not ln.startswith("N2")] + ["X1\tnonsense"]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_folder(docs, MAPPING, seeds)
    assert "unknown annotation type 'X'" in str(err.value)
    lines = [ln for ln in lines if not ln.startswith("X1")] + ["T14\tOrganisation 0 7\tCrocker"]
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        import_folder(docs, MAPPING, seeds)
    (problem,) = err.value.problems
    assert problem.line == len(lines)
    assert "T14 'Crocker' (Organisation) names no registry entity" in problem.message
    assert "Parley:<registry id>" in problem.hint


def test_existing_file_needs_force(docs, seeds):
    import_folder(docs, MAPPING, seeds)
    target = seeds / "annotations" / "005-brat-sample.yaml"
    before = target.read_bytes()
    with pytest.raises(InputError, match="exists already"):
        import_folder(docs, MAPPING, seeds)
    assert import_folder(docs, MAPPING, seeds, force=True).written
    assert target.read_bytes() == before  # same input, same output


def test_cli(docs, seeds):
    ok = CliRunner().invoke(
        main, ["import-brat", str(docs), "--mapping", str(MAPPING), "--seeds", str(seeds)]
    )
    assert ok.exit_code == 0, ok.output
    assert "005-brat-sample.yaml" in ok.output
    bad = CliRunner().invoke(
        main, ["import-brat", str(docs), "--mapping", str(DATA / "docs" / "005-brat-sample.txt")]
    )
    assert bad.exit_code == 2 and "error:" in bad.output and "Traceback" not in bad.output


@pytest.mark.parametrize("kind", [".txt", ".ann"])
def test_a_named_pipe_in_the_brat_folder_is_refused_not_read(docs, seeds, kind):
    """Bug (issue 18, left over): import-brat read the user's brat folder with plain reads, so
    a FIFO named like a document hung it. It reads them as seed files now: one line, exit 2.
    Run in a child process with a timeout, so that a regression fails instead of hanging."""
    import os
    import subprocess
    import sys

    stem = sorted(docs.glob("*.ann"))[0].stem
    target = docs / f"{stem}{kind}"
    target.unlink()
    os.mkfifo(target)
    command = [sys.executable, "-c", "from parley.cli.main import main; main()", "import-brat"]
    command += [str(docs), "--mapping", str(MAPPING), "--seeds", str(seeds)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert str(target) in done.stderr and "not a regular file" in done.stderr
    assert not (seeds / "annotations" / f"{stem}.yaml").exists()
