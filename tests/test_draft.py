"""`parley draft`: drafts load with the real loader, and meet the recall target on the seeds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from seedsets import CORPUS

from parley.authoring.dates import normalise_date
from parley.authoring.draft import draft_article
from parley.authoring.drafteval import evaluate, total
from parley.authoring.spellings import transliteration_variants
from parley.cli.main import main
from parley.model.errors import InputError
from parley.model.records import Registry
from parley.seeds.annotations import load_annotations
from parley.seeds.registry import load_registry

ROOT = Path(__file__).resolve().parent.parent
SEEDS = CORPUS
ARTICLES = SEEDS / "articles"
ANNOTATED = sorted(p.stem for p in (SEEDS / "annotations").glob("*.yaml"))


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(SEEDS / "registry")


def test_transliteration_variants():
    assert "Qumi" in transliteration_variants("Qomi")
    assert "Kazemi Qumi" in transliteration_variants("Kazemi-Qomi")
    assert "Hoshiyar Zebari" not in transliteration_variants("Hoshyar Zebari")  # i/y, not iy
    assert "Hushyar Zebari" in transliteration_variants("Hoshyar Zebari")
    assert transliteration_variants("US") == set()  # words under four letters never vary
    assert transliteration_variants("Kazemi-Qomi") >= {"Kazemi Qomi", "Kazemi-Qumi"}


@pytest.mark.parametrize(
    ("expr", "basis", "expected"),
    [
        ("on Tuesday", "relative", dt.date(2007, 5, 29)),  # 004: dated Thursday 31 May
        ("on Thursday", "relative", dt.date(2007, 5, 31)),
        ("last Thursday", "relative", dt.date(2007, 5, 24)),
        ("Earlier today", "relative", dt.date(2007, 5, 31)),
        ("yesterday", "relative", dt.date(2007, 5, 30)),
        ("May 28", "stated", dt.date(2007, 5, 28)),
        ("28 May 2006", "stated", dt.date(2006, 5, 28)),
        ("December 30", "stated", dt.date(2006, 12, 30)),
    ],
)
def test_dates_normalised_against_article_date(expr, basis, expected):
    assert normalise_date(expr, basis, dt.date(2007, 5, 31)) == expected


@pytest.mark.parametrize("article", ANNOTATED)
def test_draft_loads_once_the_marker_is_removed(article, registry, tmp_path):
    gold = load_annotations(SEEDS / "annotations" / f"{article}.yaml", ARTICLES, registry)
    text = draft_article(ARTICLES / f"{article}.txt", registry, gold.article.date)
    path = tmp_path / f"{article}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"is a draft written by `parley draft`"):
        load_annotations(path, ARTICLES, registry)
    path.write_text(text.replace("draft: true\n", "", 1), encoding="utf-8")
    drafted = load_annotations(path, ARTICLES, registry)
    assert drafted.mentions and drafted.statements
    assert drafted.article.sha256 == gold.article.sha256


def test_transliteration_variant_found_in_new_text(registry, tmp_path):
    qomi = registry.entities["hassan-kazemi-qomi"]
    narrow = dataclasses.replace(qomi, spellings=("Hassan Kazemi Qomi", "Kazemi Qomi"))
    reg = Registry(entities={**registry.entities, qomi.id: narrow}, holdings=registry.holdings)
    article = tmp_path / "new-article.txt"
    article.write_text(
        "Envoys meet in Baghdad\n"
        "Hassan Kazemi Qumi met Ryan Crocker in Baghdad on Monday.\n"
        "“We discussed the security of Iraq in a long meeting,” Kazemi Qumi told reporters.\n",
        encoding="utf-8",
    )
    text = draft_article(article, reg, dt.date(2007, 5, 28))
    assert "'Hassan Kazemi Qumi' matched as a transliteration of 'Hassan Kazemi Qomi'" in text
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / article.name).write_bytes(article.read_bytes())
    path = tmp_path / "new-article.yaml"
    path.write_text(text, encoding="utf-8")
    drafted = load_annotations(path, tmp_path / "articles", reg, allow_draft=True)
    (statement,) = drafted.statements
    assert statement.speaker == "hassan-kazemi-qomi" and not statement.paraphrase
    assert statement.quote.exact == "We discussed the security of Iraq in a long meeting"
    (meeting,) = drafted.meetings  # Monday 28 May 2007 is round 1 in the registry
    assert meeting.event == "round-1"
    assert {p.person for p in meeting.participants} == {"hassan-kazemi-qomi", "ryan-crocker"}
    assert meeting.date is not None and meeting.date.value == dt.date(2007, 5, 28)


def test_recall_target_on_the_seeds():
    scores = total(evaluate(SEEDS))
    assert scores["quotation_speakers"].recall >= 0.8
    assert scores["mentions"].recall >= 0.8 and scores["mentions"].precision >= 0.8


def test_cli_draft(tmp_path):
    out = tmp_path / "003-dpa.yaml"
    result = CliRunner().invoke(
        main,
        ["draft", str(ARTICLES / "003-dpa.txt"), "--date", "2007-05-28", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "draft: true" in out.read_text(encoding="utf-8")
    bad = CliRunner().invoke(main, ["draft", str(tmp_path / "Missing File.txt")])
    assert bad.exit_code == 2 and "Missing File.txt: cannot read: No such file" in bad.output
