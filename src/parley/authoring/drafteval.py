"""Measure `parley draft` against hand annotations: precision and recall of entity mentions,
direct quotations, reported speech, and their speakers."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from parley.authoring.draft import draft_article
from parley.model.records import AnnotatedArticle, Statement
from parley.seeds.annotations import annotation_files, load_annotations
from parley.seeds.registry import load_registry

OVERLAP = 0.5  # a span matches when the overlap covers half of it


@dataclass
class Score:
    """Counts for one measure; precision and recall follow from them."""

    gold: int = 0
    predicted: int = 0
    found: int = 0  # gold items recalled
    correct: int = 0  # predicted items that are right

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.found += other.found
        self.correct += other.correct


MEASURES = (
    ("mentions", "entity mentions (same entity, same span)"),
    ("quotations", "direct quotations (span overlap ≥ 50%)"),
    ("quotation_speakers", "direct quotations with the right speaker"),
    ("reported", "reported speech (span overlap ≥ 50%)"),
    ("reported_speakers", "reported speech with the right speaker"),
)


@dataclass
class ArticleScores:
    article: str
    scores: dict[str, Score] = field(default_factory=dict)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _spans(statements, paraphrase: bool) -> list[tuple[tuple[int, int], str]]:
    return [
        ((s.quote.start, s.quote.end), s.speaker)
        for s in statements
        if isinstance(s, Statement) and s.paraphrase == paraphrase
    ]


def score_statements(gold, predicted) -> tuple[Score, Score]:
    """(span score, span-and-speaker score) for two lists of ((start, end), speaker)."""
    spans, speakers = Score(len(gold), len(predicted)), Score(len(gold), len(predicted))
    for g, g_speaker in gold:
        need = OVERLAP * (g[1] - g[0])
        hits = [(p, sp) for p, sp in predicted if _overlap(g, p) >= need]
        spans.found += bool(hits)
        speakers.found += any(sp == g_speaker for _, sp in hits)
    for p, p_speaker in predicted:
        need = OVERLAP * (p[1] - p[0])
        covered = sum(_overlap(p, g) for g, _ in gold)
        hits = [(g, sp) for g, sp in gold if _overlap(g, p) > 0]
        spans.correct += covered >= need
        speakers.correct += covered >= need and any(sp == p_speaker for _, sp in hits)
    return spans, speakers


def compare(gold: AnnotatedArticle, draft: AnnotatedArticle) -> ArticleScores:
    out = ArticleScores(gold.article.id)
    g_mentions = {(m.entity, m.span.start, m.span.end) for m in gold.mentions}
    d_mentions = {(m.entity, m.span.start, m.span.end) for m in draft.mentions}
    out.scores["mentions"] = Score(
        len(g_mentions), len(d_mentions), len(g_mentions & d_mentions), len(g_mentions & d_mentions)
    )
    q, qs = score_statements(_spans(gold.statements, False), _spans(draft.statements, False))
    r, rs = score_statements(_spans(gold.statements, True), _spans(draft.statements, True))
    out.scores.update(quotations=q, quotation_speakers=qs, reported=r, reported_speakers=rs)
    return out


def evaluate(seeds: Path) -> list[ArticleScores]:
    """Draft every annotated seed article (with its annotated date) and compare."""
    registry = load_registry(seeds / "registry")
    articles = seeds / "articles"
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in annotation_files(seeds):
            gold = load_annotations(path, articles, registry)
            text = draft_article(articles / f"{path.stem}.txt", registry, gold.article.date, seeds)
            drafted = Path(tmp) / path.name
            drafted.write_text(text, encoding="utf-8")
            draft = load_annotations(drafted, articles, registry, allow_draft=True)
            results.append(compare(gold, draft))
    return results


def total(results: list[ArticleScores]) -> dict[str, Score]:
    out = {name: Score() for name, _ in MEASURES}
    for r in results:
        for name, score in r.scores.items():
            out[name].add(score)
    return out


def markdown_table(results: list[ArticleScores]) -> str:
    """The results as a Markdown table: one row per measure, totals over all articles."""
    sums = total(results)
    lines = [
        "| measure | gold | drafted | recall | precision |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, doc in MEASURES:
        s = sums[name]
        lines.append(f"| {doc} | {s.gold} | {s.predicted} | {s.recall:.2f} | {s.precision:.2f} |")
    lines += ["", "| article | " + " | ".join(n for n, _ in MEASURES) + " |"]
    lines.append("|---|" + "---:|" * len(MEASURES))
    for r in results:
        cells = [f"R {r.scores[n].recall:.2f} / P {r.scores[n].precision:.2f}" for n, _ in MEASURES]
        lines.append(f"| {r.article} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
