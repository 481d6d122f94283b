"""The authoring commands of the API: draft an annotation file, measure the drafter against
hand annotations, import brat standoff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from parley.seeds.registry import load_registry

if TYPE_CHECKING:
    from parley.authoring.brat import ImportResult
    from parley.authoring.draft import Drafted

__all__ = ["draft", "draft_eval", "import_brat"]


def draft(article: Path, seeds: Path, date: dt.date | None = None) -> Drafted:
    """A draft annotation file (YAML, `draft: true`) for `article`, against the registry of
    `seeds`, and the registry entries proposed for what it could not match; `date` is the
    article's publication date when the text does not say it."""
    from parley.authoring.draft import draft_article  # lazy: start-up speed

    return draft_article(article, load_registry(seeds / "registry"), date, seeds)


def draft_eval(
    gold: Path, fmt: str = "table", per_article: bool = False, against: Path | None = None
) -> str:
    """Draft every hand-annotated article of the corpus folder `gold` (articles/,
    annotations/, registry/) with its gold date and registry, load each draft with the real
    loader, and score it against the hand annotation (`authoring.drafteval`): the scores as
    a text table, Markdown or JSON (`authoring.drafttable.FORMATS`). With `against` (another
    annotator's corpus folder), score those annotations instead of drafts: agreement."""
    from parley.authoring.drafteval import agreement, evaluate  # lazy: start-up speed
    from parley.authoring.drafttable import render

    scored = agreement(gold, against) if against is not None else evaluate(gold)
    return render(scored, fmt, per_article)


def import_brat(
    folder: Path, mapping: Path, seeds: Path, force: bool = False, write: bool = True
) -> ImportResult:
    """brat standoff (`.txt` + `.ann`) in `folder` into `seeds/annotations/` by the mapping
    file, checked by the real loader (see `authoring.brat`)."""
    from parley.authoring.brat import import_folder  # lazy: start-up speed

    return import_folder(folder, mapping, seeds, force=force, write=write)
