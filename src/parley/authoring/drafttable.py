"""The drafter's scores (`drafteval.Evaluation`) as a text table, Markdown or JSON."""

from __future__ import annotations

import json

from parley.authoring.drafteval import (
    COUNTS,
    MEASURES,
    UNFLAGGED,
    Evaluation,
    Score,
    total,
    total_counts,
)

FORMATS = ("table", "markdown", "json")


def render(evaluation: Evaluation, fmt: str = "table", per_article: bool = False) -> str:
    """`evaluation` in one of `FORMATS`; per-article rows (or objects) with `per_article`."""
    if fmt == "json":
        return json.dumps(as_json(evaluation, per_article), indent=2, ensure_ascii=False) + "\n"
    rows = _rows(evaluation, per_article)
    if fmt == "markdown":
        return "\n\n".join(_markdown(table) for table in rows) + "\n"
    return "\n\n".join(_text(table) for table in rows) + "\n"


def _cell(score: Score) -> str:
    """ "R … / P …", each "–" where it is undefined (no gold: no recall; nothing drafted: no
    precision)."""
    if not score.gold and not score.predicted:
        return "–"
    recall = f"{score.recall:.2f}" if score.gold else "–"
    precision = f"{score.precision:.2f}" if score.predicted else "–"
    return f"R {recall} / P {precision}"


def _rows(evaluation: Evaluation, per_article: bool) -> list[list[list[str]]]:
    sums = total(evaluation.articles)
    counts = total_counts(evaluation.articles)
    head = [["measure", "gold", "drafted", "recall", "precision"]]
    for name, doc in (*MEASURES, *UNFLAGGED):
        s = sums[name]
        head.append([doc, str(s.gold), str(s.predicted), f"{s.recall:.2f}", f"{s.precision:.2f}"])
    tallies = [["count", "statements"]] + [[doc, str(counts[name])] for name, doc in COUNTS]
    tables = [head, tallies]
    if evaluation.skipped:
        why = "not scored: named after no article of the gold"
        tables.append([["skipped file", "why"], *([name, why] for name in evaluation.skipped)])
    if per_article:
        names = [name for name, _ in MEASURES] + [name for name, _ in COUNTS[:4]]
        rows = [["article", *names]]
        for r in evaluation.articles:
            cells = [_cell(r.scores[n]) for n, _ in MEASURES]
            rows.append([r.article, *cells, *(str(r.counts[n]) for n, _ in COUNTS[:4])])
        tables.append(rows)
    return tables


def _markdown(table: list[list[str]]) -> str:
    lines = ["| " + " | ".join(table[0]) + " |"]
    lines.append("|---|" + "---:|" * (len(table[0]) - 1))
    lines += ["| " + " | ".join(row) + " |" for row in table[1:]]
    return "\n".join(lines)


def _text(table: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    out = []
    for row in table:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def as_json(evaluation: Evaluation, per_article: bool = False) -> dict:
    """The scores as plain data: totals, counts and (with `per_article`) one object per
    article, with the misattributed, missed and wrongly drafted statements."""

    def score(s: Score) -> dict:
        return {
            "gold": s.gold,
            "drafted": s.predicted,
            "found": s.found,
            "correct": s.correct,
            "recall": round(s.recall, 4),
            "precision": round(s.precision, 4),
        }

    out: dict = {
        "corpus": evaluation.corpus,
        "articles": len(evaluation.articles),
        "total": {name: score(s) for name, s in total(evaluation.articles).items()},
        "counts": total_counts(evaluation.articles),
    }
    if evaluation.skipped:
        out["skipped"] = list(evaluation.skipped)
    if per_article:
        out["per_article"] = [
            {
                "article": r.article,
                "scores": {name: score(s) for name, s in r.scores.items()},
                "counts": r.counts,
                "misattributed": r.misattributed,
                "flagged": r.flagged,
                "missed": r.missed,
                "wrong": r.wrong,
            }
            for r in evaluation.articles
        ]
    return out
