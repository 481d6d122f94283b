"""`parley draft-eval`: the drafter scored against hand annotations of a corpus folder."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from seedsets import CORPUS

from parley.authoring.draft import draft_article
from parley.authoring.drafteval import compare, flagged
from parley.cli.main import main
from parley.seeds.annotations import load_annotations
from parley.seeds.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent


def _json(folder: Path, *extra: str) -> dict:
    result = CliRunner().invoke(
        main, ["draft-eval", str(folder), "--format", "json", *extra], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def fixture_scores() -> dict:
    return _json(CORPUS, "--per-article")


def test_scores_on_the_fixture_corpus(fixture_scores):
    total = fixture_scores["total"]
    assert fixture_scores["articles"] == 5 and len(fixture_scores["per_article"]) == 5
    assert total["mentions"]["gold"] == 289  # every hand-annotated mention, counted
    for name, score in total.items():
        assert 0 <= score["found"] <= score["gold"], name
        assert 0 <= score["correct"] <= score["drafted"], name
    assert total["quotation_speakers"]["recall"] >= 0.8
    assert total["meetings"]["recall"] == 1.0
    assert fixture_scores["counts"]["misattributions"] == 0
    assert fixture_scores["counts"]["unloadable"] == 0
    per = {a["article"]: a for a in fixture_scores["per_article"]}
    summed = sum(a["scores"]["reported"]["gold"] for a in per.values())
    assert summed == total["reported"]["gold"]


def _crocker_given_to_qomi(tmp_path):
    """A copy of the fixture corpus whose gold gives every statement Crocker made in 004 to
    Kazemi Qomi."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    gold = corpus / "annotations" / "004-iranfocus.yaml"
    text = gold.read_text(encoding="utf-8")
    gold.write_text(
        text.replace("speaker: ryan-crocker", "speaker: hassan-kazemi-qomi"), encoding="utf-8"
    )
    return corpus


def test_a_broken_gold_file_changes_the_figures(fixture_scores, tmp_path):
    broken = _json(_crocker_given_to_qomi(tmp_path))["total"]
    before = fixture_scores["total"]
    assert broken["quotation_speakers"]["found"] < before["quotation_speakers"]["found"]
    assert broken["quotations"] == before["quotations"]  # the spans are still right


def test_per_article_json_lists_the_missed_and_wrong_statements(fixture_scores, tmp_path):
    for article in fixture_scores["per_article"]:
        q = article["scores"]["quotation_speakers"]
        missed = [m for m in article["missed"] if m["kind"] == "quotation"]
        assert len(missed) == q["gold"] - q["found"], article["article"]
        wrong = [m for m in article["wrong"] if m["kind"] == "quotation"]
        assert len(wrong) == q["drafted"] - q["correct"], article["article"]
    corpus = _crocker_given_to_qomi(tmp_path)
    (broken,) = [
        a for a in _json(corpus, "--per-article")["per_article"] if a["article"] == "004-iranfocus"
    ]
    assert any(
        m["speaker"] == "hassan-kazemi-qomi" and m["drafted"] == ["ryan-crocker"]
        for m in broken["missed"]
    )
    assert any(m["speaker"] == "ryan-crocker" for m in broken["wrong"])


def test_table_and_per_article_rows(tmp_path):
    result = CliRunner().invoke(main, ["draft-eval", str(CORPUS), "--per-article"])
    assert result.exit_code == 0, result.output
    assert "silent misattributions" in result.output
    assert "004-iranfocus" in result.output
    plain = CliRunner().invoke(main, ["draft-eval", str(CORPUS)])
    assert "004-iranfocus" not in plain.output


@pytest.mark.parametrize("layout", ["missing", "no-annotations", "empty-annotations"])
def test_gold_dir_without_annotations_is_one_line(tmp_path, layout):
    folder = tmp_path / "gold"
    if layout != "missing":
        folder.mkdir()
        (folder / "articles").mkdir()
        shutil.copytree(CORPUS / "registry", folder / "registry")
    if layout == "empty-annotations":
        (folder / "annotations").mkdir()
    result = CliRunner().invoke(main, ["draft-eval", str(folder)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "no hand annotations" in lines[0], result.output
    assert "Traceback" not in result.output


def test_docs_figures_are_up_to_date():
    """docs/drafting.md holds what `make draft-eval` computes on the fixture and dev sets."""
    script = ROOT / "bench" / "draft_eval.py"
    done = subprocess.run(
        [sys.executable, str(script), "--check", "fixture", "dev"], capture_output=True, text=True
    )
    assert done.returncode == 0, "docs/drafting.md is out of date: run `make draft-eval`"


def test_flagged_resolutions_are_counted_apart_never_as_silent(tmp_path):
    """A speaker the drafter resolved beyond the window and flagged is no silent
    misattribution; right or wrong, it is counted as such, and the speaker measures are
    also given without it."""
    registry = load_registry(CORPUS / "registry")
    text = (
        "Envoys meet in Baghdad\n\n"
        "Qomi said he was looking forward to the talks on the border.\n\n"
        "“We will discuss a wide range of issues with the American side,” he said.\n\n"
        "“It will be a very productive round of conversations,” he added.\n"
    )
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "980-flag.txt").write_text(text, encoding="utf-8")
    drafted = draft_article(folder / "980-flag.txt", registry, dt.date(2007, 8, 7))
    (tmp_path / "980-flag.yaml").write_text(drafted.annotations, encoding="utf-8")
    draft = load_annotations(tmp_path / "980-flag.yaml", folder, registry, allow_draft=True)
    assert sum(flagged(s) for s in draft.statements) == 1
    right = compare(draft, draft, registry, {})
    assert right.counts["flagged_right"] == 1 and right.counts["flagged_wrong"] == 0
    assert right.counts["misattributions"] == 0
    assert right.scores["quotation_speakers"].found == 2
    assert right.scores["quotation_speakers_unflagged"].found == 1
    other = [
        dataclasses.replace(s, speaker="ryan-crocker") if flagged(s) else s
        for s in draft.statements
    ]
    gold = dataclasses.replace(draft, statements=tuple(other))
    wrong = compare(gold, draft, registry, {})
    assert wrong.counts["flagged_wrong"] == 1 and wrong.counts["misattributions"] == 0
    assert wrong.scores["quotation_speakers"].correct == 1  # it still lowers precision


def test_agreement_of_an_annotator_with_themself_is_complete():
    scores = _json(CORPUS, "--against", str(CORPUS))
    for name in ("mentions", "quotations", "quotation_speakers", "reported", "reported_speakers"):
        assert scores["total"][name]["recall"] == 1.0 and scores["total"][name]["precision"] == 1.0


def test_agreement_counts_another_speaker_and_a_left_out_statement(tmp_path):
    other = tmp_path / "other"
    shutil.copytree(CORPUS / "annotations", other / "annotations")
    path = sorted((other / "annotations").glob("*.yaml"))[0]
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    quoted = [s for s in doc["statements"] if not s.get("paraphrase")]
    speakers = {s["speaker"] for s in doc["statements"]}
    assert len(quoted) >= 2 and len(speakers) >= 2
    quoted[0]["speaker"] = next(p for p in sorted(speakers) if p != quoted[0]["speaker"])
    doc["statements"].remove(quoted[1])
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    total = _json(CORPUS, "--against", str(other))["total"]
    gold_quotes = sum(
        not s.get("paraphrase", False)
        for f in sorted((CORPUS / "annotations").glob("*.yaml"))
        for s in yaml.safe_load(f.read_text(encoding="utf-8"))["statements"]
    )
    q = total["quotation_speakers"]
    assert (q["gold"], q["drafted"]) == (gold_quotes, gold_quotes - 1)
    assert q["found"] == gold_quotes - 2 and q["correct"] == gold_quotes - 2


def test_agreement_with_a_folder_of_other_articles_is_one_line(tmp_path):
    (tmp_path / "other" / "annotations").mkdir(parents=True)
    (tmp_path / "other" / "annotations" / "999-none.yaml").write_text("x: 1\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["draft-eval", str(CORPUS), "--against", str(tmp_path / "other")]
    )
    assert result.exit_code == 2 and "none of its annotations" in result.output
    assert "Traceback" not in result.output


def test_agreement_lists_the_files_it_could_not_score(tmp_path):
    other = tmp_path / "other"
    shutil.copytree(CORPUS / "annotations", other / "annotations")
    first = sorted((other / "annotations").glob("*.yaml"))[0]
    first.rename(first.with_name("renamed-" + first.name))
    scores = _json(CORPUS, "--against", str(other))
    assert scores["skipped"] == ["renamed-" + first.name]
    assert scores["articles"] == len(list((CORPUS / "annotations").glob("*.yaml"))) - 1
    table = CliRunner().invoke(main, ["draft-eval", str(CORPUS), "--against", str(other)])
    assert "renamed-" + first.name in table.output and "skipped file" in table.output


def test_agreement_with_a_gold_that_is_no_corpus_is_one_line(tmp_path):
    result = CliRunner().invoke(
        main, ["draft-eval", str(tmp_path / "nothing"), "--against", str(CORPUS)]
    )
    assert result.exit_code == 2 and "GOLD is a corpus folder" in result.output


def test_a_per_article_cell_shows_no_figure_where_it_is_undefined():
    from parley.authoring.drafteval import (
        COUNTS,
        MEASURES,
        UNFLAGGED,
        ArticleScores,
        Evaluation,
        Score,
    )
    from parley.authoring.drafttable import render

    scores = {name: Score(2, 2, 2, 2) for name, _ in (*MEASURES, *UNFLAGGED)}
    scores["meetings"] = Score(gold=0, predicted=1)  # recall 0/0: undefined
    scores["outlet"] = Score(gold=1, predicted=0)  # precision 0/0: undefined
    article = ArticleScores("900-x", scores, {name: 0 for name, _ in COUNTS})
    row = render(Evaluation("c", [article]), "markdown", per_article=True).splitlines()[-1]
    assert "R – / P 0.00" in row and "R 0.00 / P –" in row and "R 1.00 / P 1.00" in row
