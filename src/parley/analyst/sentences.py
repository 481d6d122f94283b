"""The articles' own words: an article's text (if unedited) and the sentence around a span."""

from __future__ import annotations

import hashlib
from pathlib import Path

from parley.analyst.facts import ArticleInfo, Evidence, Facts
from parley.seeds.seedfile import try_read_seed


def article_texts(facts: Facts, seeds: Path | None = None) -> dict[str, str | None]:
    """Article id -> its text, or None where it cannot be found or was edited."""
    return {a: article_text(info, seeds) for a, info in facts.articles.items()}


def article_text(info: ArticleInfo, seeds: Path | None = None) -> str | None:
    """The article text from `seeds/articles/` or its `parley:sourceFile` path, if it still
    has the hash the graph records; None when it cannot be found or was edited."""
    if not info.source_file:
        return None
    name = Path(info.source_file).name
    candidates = []
    if seeds is not None:
        candidates.append(seeds / "articles" / name)
    candidates.append(Path(info.source_file))
    for path in candidates:
        raw = try_read_seed(path, seeds)  # a regular file, not a link out of `seeds`
        if raw is None:
            continue
        if info.sha256 and hashlib.sha256(raw).hexdigest() != info.sha256:
            continue
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


SENTENCE_ENDS = (
    *(f"{stop}{close}{space}" for stop in ".?!" for close in ("", "”", '"') for space in " \n"),
    "\n",
)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence (or line) of `text` that holds [start, end)."""
    left = 0
    for mark in SENTENCE_ENDS:
        at = text.rfind(mark, 0, start)
        if at != -1:
            left = max(left, at + len(mark))
    right = len(text)
    for mark in SENTENCE_ENDS:
        at = text.find(mark, max(end - 1, start), len(text))
        if at != -1:
            right = min(right, at + len(mark.rstrip()) if mark.strip() else at)
    while left < start and text[left].isspace():
        left += 1
    right = max(right, end)
    while right > end and text[right - 1].isspace():
        right -= 1
    return left, right


def in_sentence(span: Evidence, text: str | None) -> tuple[str, str, str]:
    """(before, the span, after) within its sentence; from the stored context without text."""
    if text is not None and text[span.start : span.end] == span.exact:
        left, right = sentence_around(text, span.start, span.end)
        return text[left : span.start], span.exact, text[span.end : right]
    before = span.prefix.rsplit("\n", 1)[-1]
    after = span.suffix.split("\n", 1)[0]
    return before, span.exact, after
