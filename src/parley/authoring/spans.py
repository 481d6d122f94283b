"""Spans of article text: its sentences, and evidence values that resolve to exactly one span."""

from __future__ import annotations

import functools
import itertools
import re
from bisect import bisect_right

from parley.seeds.quotes import in_any


@functools.cache
def _segmenter():
    import pysbd  # lazy: only drafting needs it

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


@functools.lru_cache(maxsize=64)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans (without surrounding white space): each line split by pySBD, which
    knows abbreviations ("U.S. Ambassador", "Mr. Crocker") and quotations; a line is never
    joined to the next."""
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        body = line.group()
        if not body.strip():
            continue
        cuts = sorted({span.start for span in _segmenter().segment(body)} | {0, len(body)})
        for s, t in itertools.pairwise(cuts):
            s, t = _trim(body, s, t)
            if s < t:
                out.append((line.start() + s, line.start() + t))
    return tuple(out)


def _trim(body: str, s: int, t: int) -> tuple[int, int]:
    while s < t and body[s].isspace():
        s += 1
    while t > s and body[t - 1].isspace():
        t -= 1
    return s, t


def sentence_at(sents, pos: int) -> int:
    """The index of the sentence of `sents` (sorted spans) that holds `pos`, or the one
    before it when `pos` falls between sentences (-1: before the first)."""
    starts = [s for s, _ in sents]
    return bisect_right(starts, pos) - 1


def evidence(text: str, start: int, end: int, furniture) -> str | dict:
    """An evidence value the loader resolves to exactly [start, end)."""
    quote = text[start:end]
    starts = []
    at = text.find(quote)
    while at != -1:
        if not in_any(at, at + len(quote), furniture):
            starts.append(at)
        at = text.find(quote, at + 1)
    if starts == [start]:
        return quote
    return {"quote": quote, "occurrence": starts.index(start) + 1}
