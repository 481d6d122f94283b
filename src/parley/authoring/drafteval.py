"""Measure `parley draft` against hand annotations: precision and recall of entity mentions,
direct quotations, reported speech and their speakers, meetings and the outlet, and counts of
silent misattributions, flagged speaker resolutions and unresolved statements
(docs/drafting.md says how each is scored).

A silent misattribution is a drafted statement, not flagged for review (`chains.FLAGGED`),
whose speaker is a person not named, by name or by a role noun that the registry's posts tie to
that person, in the sentence of the statement (from its quote to its attribution) or the
sentence before. "Named by name" is read from the hand annotation's mentions of that person
and from the registry's spellings. A flagged resolution is counted apart, right or wrong.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parley.authoring.chains import FLAGGED
from parley.authoring.draft import draft_article
from parley.authoring.reading import read_article
from parley.authoring.speakers import tied_people, window
from parley.model.errors import InputError, UsageError
from parley.model.records import AnnotatedArticle, Registry, Statement
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
    ("meetings", "meetings (same registry event, or a proposed one on its date)"),
    ("outlet", "article outlet (same registry organisation)"),
)
# the speaker measures again, with the flagged resolutions left out of the draft
UNFLAGGED = (
    ("quotation_speakers_unflagged", "direct quotations with the right speaker, without flagged"),
    ("reported_speakers_unflagged", "reported speech with the right speaker, without flagged"),
)
COUNTS = (
    (
        "misattributions",
        "silent misattributions (unflagged; speaker not named in its sentence or the one before)",
    ),
    ("unresolved", "unresolved statements (listed for review, speaker not guessed)"),
    ("flagged_right", "flagged speaker resolutions (beyond the window, marked for review): right"),
    ("flagged_wrong", "flagged speaker resolutions (beyond the window, marked for review): wrong"),
    ("unloadable", "drafts the loader refuses"),
)


@dataclass
class ArticleScores:
    article: str
    scores: dict[str, Score] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    misattributed: list[dict] = field(default_factory=list)
    flagged: list[dict] = field(default_factory=list)  # flagged resolutions, each right or not
    missed: list[dict] = field(default_factory=list)  # gold statements not drafted rightly
    wrong: list[dict] = field(default_factory=list)  # drafted statements the gold does not hold


@dataclass
class Evaluation:
    """The scores of one corpus folder, per article."""

    corpus: str
    articles: list[ArticleScores]
    skipped: list[str] = field(default_factory=list)  # files of another annotator not scored


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _spans(statements, paraphrase: bool) -> list[tuple[tuple[int, int], str]]:
    return [
        ((s.quote.start, s.quote.end), s.speaker)
        for s in statements
        if isinstance(s, Statement) and s.paraphrase == paraphrase
    ]


def flagged(statement) -> bool:
    """Whether the drafter resolved this statement's speaker beyond the window, flagged."""
    return isinstance(statement, Statement) and (statement.note or "").startswith(FLAGGED)


def flagged_resolutions(gold: AnnotatedArticle, draft) -> list[dict]:
    """The flagged statements of the draft, each with whether the gold holds it so (the
    precision rule of `score_statements`: its span covered, a covering gold speaker the same)."""
    out = []
    for st in draft.statements:
        if not flagged(st):
            continue
        g_spans = _spans(gold.statements, st.paraphrase)
        _, right = score_statements(g_spans, [((st.quote.start, st.quote.end), st.speaker)])
        item = {"speaker": st.speaker, "quote": st.quote.exact[:100], "note": st.note}
        out.append(item | {"right": bool(right.correct)})
    return out


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


def statement_errors(gold, draft) -> tuple[list[dict], list[dict]]:
    """(gold statements not recalled with the right speaker, drafted statements not correct
    with their speaker), each {kind, speaker, quote, drafted|gold: the other side's speakers}."""
    missed, wrong = [], []
    for paraphrase, kind in ((False, "quotation"), (True, "reported")):
        g_all = [
            s for s in gold.statements if isinstance(s, Statement) and s.paraphrase == paraphrase
        ]
        d_all = [
            s for s in draft.statements if isinstance(s, Statement) and s.paraphrase == paraphrase
        ]
        for one, others, out, side in (
            (g_all, d_all, missed, "drafted"),
            (d_all, g_all, wrong, "gold"),
        ):
            for st in one:
                span = (st.quote.start, st.quote.end)
                need = OVERLAP * (span[1] - span[0])
                if side == "drafted":
                    hits = [
                        o for o in others if _overlap(span, (o.quote.start, o.quote.end)) >= need
                    ]
                else:
                    hits = [o for o in others if _overlap(span, (o.quote.start, o.quote.end)) > 0]
                    covered = sum(_overlap(span, (o.quote.start, o.quote.end)) for o in others)
                    hits = hits if covered >= need else []
                if not any(o.speaker == st.speaker for o in hits):
                    item = {"kind": kind, "speaker": st.speaker, "quote": st.quote.exact[:100]}
                    out.append(item | {side: sorted({o.speaker for o in hits})})
    return missed, wrong


def score_meetings(gold: AnnotatedArticle, registry: Registry, events, dates) -> Score:
    """Gold meeting reports against drafted registry events and proposed meetings' dates."""
    gold_dates: dict[str, set] = {}
    for m in gold.meetings:
        known = gold_dates.setdefault(m.event, set())
        entity = registry.get(m.event)
        if entity is not None and entity.attr("date") is not None:
            known.add(entity.attr("date"))
        if m.date is not None:
            known.add(m.date.value)
    predicted = [("event", e) for e in dict.fromkeys(events)] + [("date", d) for d in dates]

    def hit(g: str, p: tuple[str, object]) -> bool:
        if p[0] == "event":
            return p[1] == g
        return isinstance(p[1], dt.date) and p[1] in gold_dates[g]

    score = Score(len(gold_dates), len(predicted))
    score.found = sum(any(hit(g, p) for p in predicted) for g in gold_dates)
    score.correct = sum(any(hit(g, p) for g in gold_dates) for p in predicted)
    return score


def misattributions(gold: AnnotatedArticle, registry: Registry, draft) -> list[dict]:
    """The drafted statements whose speaker is a person not named in their window."""
    reading = read_article(registry, gold.article.text, gold.article.date)
    out = []
    for st in draft.statements:
        entity = registry.get(st.speaker)
        if entity is None or entity.kind != "person" or flagged(st):
            continue
        spans = [st.quote] + ([st.attribution] if st.attribution else [])
        lo, hi = window(reading, min(s.start for s in spans), max(s.end for s in spans))
        named = {m.entity for m in gold.mentions if lo <= m.span.start and m.span.end <= hi}
        if st.speaker not in named | tied_people(reading, lo, hi):
            out.append({"speaker": st.speaker, "quote": st.quote.exact[:100]})
    return out


def compare(gold: AnnotatedArticle, draft: AnnotatedArticle, registry: Registry, extra: dict):
    """The scores of one draft (`extra`: its `unrecognised:` section, as read by YAML)."""
    out = ArticleScores(gold.article.id)
    g_mentions = {(m.entity, m.span.start, m.span.end) for m in gold.mentions}
    d_mentions = {(m.entity, m.span.start, m.span.end) for m in draft.mentions}
    both = len(g_mentions & d_mentions)
    out.scores["mentions"] = Score(len(g_mentions), len(d_mentions), both, both)
    q, qs = score_statements(_spans(gold.statements, False), _spans(draft.statements, False))
    r, rs = score_statements(_spans(gold.statements, True), _spans(draft.statements, True))
    out.scores.update(quotations=q, quotation_speakers=qs, reported=r, reported_speakers=rs)
    plain = [st for st in draft.statements if not flagged(st)]
    _, out.scores["quotation_speakers_unflagged"] = score_statements(
        _spans(gold.statements, False), _spans(plain, False)
    )
    _, out.scores["reported_speakers_unflagged"] = score_statements(
        _spans(gold.statements, True), _spans(plain, True)
    )
    proposed = [m.get("proposed_date") for m in extra.get("meetings") or [] if isinstance(m, dict)]
    events = [m.event for m in draft.meetings]
    out.scores["meetings"] = score_meetings(gold, registry, events, [d for d in proposed if d])
    g_out, d_out = gold.article.outlet, draft.article.outlet
    same = int(bool(g_out) and g_out == d_out)
    out.scores["outlet"] = Score(int(bool(g_out)), int(bool(d_out)), same, same)
    out.misattributed = misattributions(gold, registry, draft)
    out.flagged = flagged_resolutions(gold, draft)
    out.missed, out.wrong = statement_errors(gold, draft)
    out.counts = {
        "misattributions": len(out.misattributed),
        "unresolved": len(extra.get("statements") or []),
        "flagged_right": sum(f["right"] for f in out.flagged),
        "flagged_wrong": sum(not f["right"] for f in out.flagged),
        "unloadable": 0,
    }
    return out


def evaluate(gold_dir: Path) -> Evaluation:
    """Draft every hand-annotated article of `gold_dir` (with its annotated date and the
    folder's registry), load the draft with the real loader, and compare."""
    folder = gold_dir / "annotations"
    if not gold_dir.is_dir() or not folder.is_dir() or not annotation_files(gold_dir):
        raise UsageError(
            f"{gold_dir}: no hand annotations in {folder} — pass a corpus folder with "
            "articles/, annotations/ (hand-annotated YAML files) and registry/"
        )
    registry = load_registry(gold_dir / "registry")
    articles = gold_dir / "articles"
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in annotation_files(gold_dir):
            gold = load_annotations(path, articles, registry)
            results.append(_one(gold, path, articles, registry, gold_dir, Path(tmp)))
    return Evaluation(str(gold_dir), results)


def agreement(gold_dir: Path, other_dir: Path) -> Evaluation:
    """Score another annotator's files (the corpus folder `other_dir`: annotations/, and a
    registry/ of its own, which then replaces the gold's) against the gold of the same
    articles, as if they were drafts: inter-annotator agreement on the drafter's measures
    (recall and precision swap when the two folders do). Files named after no article of the
    gold are listed in `skipped`."""
    folder = other_dir / "annotations"
    if not (gold_dir / "annotations").is_dir():
        raise UsageError(
            f"{gold_dir}: no annotations/ folder — GOLD is a corpus folder (articles/, "
            "annotations/, registry/)"
        )
    if not folder.is_dir() or not annotation_files(other_dir):
        raise UsageError(f"{other_dir}: no annotations in {folder} — pass a corpus folder")
    registry = load_registry(gold_dir / "registry")
    theirs = load_registry(other_dir / "registry") if (other_dir / "registry").is_dir() else None
    articles = gold_dir / "articles"
    results, skipped = [], []
    gold_files = {p.stem: p for p in annotation_files(gold_dir)}
    for path in annotation_files(other_dir):
        if path.stem not in gold_files:
            skipped.append(path.name)  # named after no article of the gold
            continue
        gold = load_annotations(gold_files[path.stem], articles, registry)
        other = load_annotations(path, articles, theirs or registry, allow_draft=True)
        results.append(compare(gold, other, registry, {}))
    if not results:
        raise UsageError(f"{other_dir}: none of its annotations is of an article of {gold_dir}")
    return Evaluation(f"{gold_dir} against {other_dir}", results, skipped)


def _one(gold, path: Path, articles: Path, registry, gold_dir: Path, tmp: Path):
    text = draft_article(articles / f"{path.stem}.txt", registry, gold.article.date, gold_dir)
    drafted = tmp / path.name
    drafted.write_text(text.annotations, encoding="utf-8")
    extra = (yaml.safe_load(text.annotations) or {}).get("unrecognised") or {}
    try:
        draft = load_annotations(drafted, articles, registry, allow_draft=True)
    except InputError:
        empty = AnnotatedArticle(article=gold.article, mentions=(), meetings=(), statements=())
        scores = compare(gold, empty, registry, {})
        scores.counts["unloadable"] = 1
        return scores
    return compare(gold, draft, registry, extra)


def total(results: list[ArticleScores]) -> dict[str, Score]:
    out = {name: Score() for name, _ in (*MEASURES, *UNFLAGGED)}
    for r in results:
        for name, score in r.scores.items():
            out[name].add(score)
    return out


def total_counts(results: list[ArticleScores]) -> dict[str, int]:
    return {name: sum(r.counts.get(name, 0) for r in results) for name, _ in COUNTS}
