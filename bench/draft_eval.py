"""Measure `parley draft` against the hand annotations of a corpus (by default the fixture copy
of the five seed articles, tests/data/corpus, so that articles added to seeds/ do not change
the recorded figures) and record them in docs/drafting.md (between the `results` markers).

Usage: .venv/bin/python bench/draft_eval.py [--seeds DIR] [--doc docs/drafting.md] [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parley.authoring.drafteval import evaluate, markdown_table
from parley.model.kgio import write_atomic

START, END = "<!-- results:start -->", "<!-- results:end -->"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=Path("tests/data/corpus"))
    parser.add_argument("--doc", type=Path, default=Path("docs/drafting.md"))
    parser.add_argument("--check", action="store_true", help="exit 1 if the doc is out of date")
    args = parser.parse_args()
    results = evaluate(args.seeds)
    table = markdown_table(results)
    articles = ", ".join(r.article for r in results)
    block = f"{START}\nMeasured on {len(results)} seed articles ({articles}).\n\n{table}{END}"
    doc = args.doc.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        print(f"{args.doc}: no {START} … {END} block to fill", file=sys.stderr)
        return 2
    new = doc[: doc.index(START)] + block + doc[doc.index(END) + len(END) :]
    if args.check:
        return 0 if new == doc else 1
    if new != doc:
        write_atomic(args.doc, new.encode("utf-8"))
    print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
