"""`parley build --skip-unready`: an analyst's corpus with articles not ready yet still builds.

Articles without an annotation file and annotation files marked `draft: true` are listed on
stderr and left out; the default stays strict (exit 2, nothing written).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from seedsets import CORPUS

from parley.api import build
from parley.cli.main import main
from parley.model.layout import TRIG_NAME


@pytest.fixture
def unready(tmp_path, monkeypatch) -> Path:
    """The fixture corpus plus one article without annotations and one draft annotation."""
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))
    seeds = tmp_path / "seeds"
    shutil.copytree(CORPUS, seeds)
    (seeds / "articles" / "900-unannotated.txt").write_text("A new article.\n", "utf-8")
    shutil.copy(seeds / "articles" / "003-dpa.txt", seeds / "articles" / "901-draft.txt")
    text = (seeds / "annotations" / "003-dpa.yaml").read_text("utf-8")
    text = text.replace("  id: 003-dpa\n", "  id: 901-draft\n", 1)
    text = text.replace(
        "format: parley-annotations/1\n", "format: parley-annotations/1\ndraft: true\n"
    )
    (seeds / "annotations" / "901-draft.yaml").write_text(text, "utf-8")
    return seeds


def test_the_default_stays_strict(unready, tmp_path):
    result = CliRunner().invoke(
        main, ["build", "--seeds", str(unready), "--kg", str(tmp_path / "kg")]
    )
    assert result.exit_code == 2
    assert "900-unannotated.txt: article has no annotation file" in result.output
    assert "901-draft.yaml:2: this annotation file is a draft" in result.output
    assert not (tmp_path / "kg").exists()


def test_skip_unready_lists_and_leaves_out_what_is_not_ready(unready, tmp_path):
    kg = tmp_path / "kg"
    result = CliRunner().invoke(
        main, ["build", "--seeds", str(unready), "--kg", str(kg), "--skip-unready"]
    )
    assert result.exit_code == 0, result.output
    skipped = sorted(line for line in result.output.splitlines() if line.startswith("skipped: "))
    assert len(skipped) == 2
    assert "901-draft.yaml:2: this annotation file is a draft" in skipped[0]
    assert skipped[1].endswith(
        "900-unannotated.txt: article has no annotation file — write "
        f"{unready / 'annotations' / '900-unannotated.yaml'}"
    )
    # the graph is exactly the one of the ready articles
    ready = tmp_path / "ready"
    shutil.copytree(CORPUS, ready)
    assert (kg / TRIG_NAME).read_bytes() == build(ready).files[TRIG_NAME]


def test_a_draft_with_other_problems_is_still_only_skipped(unready, tmp_path):
    draft = unready / "annotations" / "901-draft.yaml"
    draft.write_text(draft.read_text("utf-8") + "unknown-key: 1\n", "utf-8")
    result = build(unready, tmp_path / "kg", skip_unready=True)
    names = sorted(Path(p.file).name for p in result.skipped)
    assert names == ["900-unannotated.txt", "901-draft.yaml"]


def test_other_problems_still_fail_with_skip_unready(unready, tmp_path):
    broken = unready / "annotations" / "002-aljazeera.yaml"
    broken.write_text(broken.read_text("utf-8") + "unknown-key: 1\n", "utf-8")
    result = CliRunner().invoke(
        main, ["build", "--seeds", str(unready), "--kg", str(tmp_path / "kg"), "--skip-unready"]
    )
    assert result.exit_code == 2
    assert "002-aljazeera.yaml" in result.output and "unknown-key" in result.output
    assert not (tmp_path / "kg").exists()
