"""Seed folders the tests share: the fixture corpus (a frozen copy of the five seed articles,
their annotations and registry; answers pinned by tests are pinned on it, so that articles
added to seeds/ break no test) and sets made from it."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"


def four_and_five(base: Path) -> tuple[Path, Path]:
    """Copies of the fixture corpus under `base`: without its last article (4 articles), and
    whole (5);
    a rebuild from the first to the second changes both kg/ files."""
    new, old = base / "seeds-new", base / "seeds-old"
    shutil.copytree(CORPUS, new)
    shutil.copytree(new, old)
    last = sorted((old / "annotations").glob("*.yaml"))[-1]
    last.unlink()
    (old / "articles" / f"{last.stem}.txt").unlink()
    return old, new
