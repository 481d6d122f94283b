"""Score `parley draft` on the corpus folders that exist (the fixture copy of the five seed
articles, tests/data/corpus; the development sets eval/dev to eval/dev9; the held-out set
eval/heldout, skipped while it is absent) with `parley draft-eval` (the same
`parley.api.draft_eval`), and write each folder's figures into its block of docs/drafting.md
(between `<!-- results:NAME:start -->` and `…:end -->`).

Usage: .venv/bin/python bench/draft_eval.py [--doc docs/drafting.md] [--check [NAME …]]
(`make draft-eval`). --check writes nothing and exits 1 when a block (of the named folders, by
default every folder that exists) differs from what the drafter now scores.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parley import api
from parley.model.kgio import write_atomic

ROOT = Path(__file__).resolve().parent.parent
# block name -> (corpus folder, what it is)
CORPORA = {
    "fixture": ("tests/data/corpus", "the five seed articles the drafter was first written on"),
    "dev": ("eval/dev", "the development set (eval/dev/SOURCES.md), used for tuning"),
    "dev2": (
        "eval/dev2",
        "the second development set (eval/dev2/SOURCES.md): eight articles about other meetings, "
        "held out and measured once (figures below), then used for tuning",
    ),
    "dev3": (
        "eval/dev3",
        "the third development set (eval/dev3/SOURCES.md): eight more articles about other "
        "meetings, held out and measured once (figures below), then used for tuning",
    ),
    "dev4": (
        "eval/dev4",
        "the fourth development set (eval/dev4/SOURCES.md): eight more articles about other "
        "meetings, held out and measured once (figures below), then used for tuning",
    ),
    "dev5": (
        "eval/dev5",
        "the fifth development set (eval/dev5/SOURCES.md): eight more articles about other "
        "meetings, held out and measured once (figures below), then used for tuning",
    ),
    "dev6": (
        "eval/dev6",
        "the sixth development set (eval/dev6/SOURCES.md): ten more articles about other "
        "meetings, held out and measured once (figures below), then used for tuning",
    ),
    "dev7": (
        "eval/dev7",
        "the seventh development set (eval/dev7/SOURCES.md): ten more articles about other "
        "meetings, held out and measured once (figures below), then used for tuning",
    ),
    "dev8": (
        "eval/dev8",
        "the eighth development set (eval/dev8/SOURCES.md): ten more articles about other "
        "meetings, held out and measured once (figures below), then used for tuning",
    ),
    "dev9": (
        "eval/dev9",
        "the ninth development set (eval/dev9/SOURCES.md): twenty more articles about other "
        "meetings, held out and measured once (figures below), then used for tuning",
    ),
    "heldout": ("eval/heldout", "the held-out set, never used for tuning"),
}


def block(name: str) -> tuple[str, str]:
    return f"<!-- results:{name}:start -->", f"<!-- results:{name}:end -->"


def figures(name: str) -> str:
    folder, what = CORPORA[name]
    table = api.draft_eval(ROOT / folder, "markdown", per_article=True)
    command = f"parley draft-eval {folder} --format markdown --per-article"
    return f"`{folder}`: {what}. `{command}`:\n\n{table}"


def rewrite(doc: str, names: list[str]) -> str:
    for name in names:
        start, end = block(name)
        if start not in doc or end not in doc:
            raise SystemExit(f"docs/drafting.md: no {start} … {end} block to fill")
        body = figures(name)
        doc = doc[: doc.index(start)] + f"{start}\n{body}{end}" + doc[doc.index(end) + len(end) :]
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "drafting.md")
    parser.add_argument("--check", nargs="*", metavar="NAME", help="exit 1 if out of date")
    args = parser.parse_args()
    present = [n for n, (folder, _) in CORPORA.items() if (ROOT / folder / "annotations").is_dir()]
    names = args.check if args.check else present
    doc = args.doc.read_text(encoding="utf-8")
    new = rewrite(doc, names)
    if args.check is not None:
        return 0 if new == doc else 1
    if new != doc:
        write_atomic(args.doc, new.encode("utf-8"))
    for name in names:
        print(f"{name}: {CORPORA[name][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
