"""Seed folders the kg/ write tests share."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).parent.parent


def four_and_five(base: Path) -> tuple[Path, Path]:
    """Copies of `seeds/` under `base`: without its last article (4 articles), and whole (5);
    a rebuild from the first to the second changes both kg/ files."""
    new, old = base / "seeds-new", base / "seeds-old"
    shutil.copytree(ROOT / "seeds", new)
    shutil.copytree(new, old)
    last = sorted((old / "annotations").glob("*.yaml"))[-1]
    last.unlink()
    (old / "articles" / f"{last.stem}.txt").unlink()
    return old, new
