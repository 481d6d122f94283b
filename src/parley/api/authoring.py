"""The authoring commands of the API: draft an annotation file, import brat standoff."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from parley.seeds.registry import load_registry

if TYPE_CHECKING:
    from parley.authoring.brat import ImportResult

__all__ = ["draft", "import_brat"]


def draft(article: Path, seeds: Path, date: dt.date | None = None) -> str:
    """A draft annotation file (YAML, `draft: true`) for `article`, against the registry of
    `seeds`; `date` is the article's publication date when the text does not say it."""
    from parley.authoring.draft import draft_article  # lazy: start-up speed

    return draft_article(article, load_registry(seeds / "registry"), date, seeds)


def import_brat(
    folder: Path, mapping: Path, seeds: Path, force: bool = False, write: bool = True
) -> ImportResult:
    """brat standoff (`.txt` + `.ann`) in `folder` into `seeds/annotations/` by the mapping
    file, checked by the real loader (see `authoring.brat`)."""
    from parley.authoring.brat import import_folder  # lazy: start-up speed

    return import_folder(folder, mapping, seeds, force=force, write=write)
