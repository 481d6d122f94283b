"""Resolve exact quotes (with optional prefix, suffix, occurrence) to code-point offsets."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from parley.model.records import Span

CONTEXT = 32  # code points of context stored as oa:prefix / oa:suffix
HINT_PROBE = 200  # code points of a missing quote compared to find the closest passage


@dataclass(frozen=True)
class QuoteSpec:
    quote: str
    prefix: str = ""
    suffix: str = ""
    occurrence: int | None = None


class QuoteError(ValueError):
    """The quote cannot be resolved; `hint` says how to fix it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def make_span(text: str, start: int, end: int) -> Span:
    return Span(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )


def in_any(start: int, end: int, ranges: Sequence[tuple[int, int]]) -> bool:
    """True when [start, end) overlaps any of `ranges`."""
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


def line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def resolve(text: str, spec: QuoteSpec, excluded: Sequence[tuple[int, int]] = ()) -> Span:
    """Find the one place `spec` designates in `text`, outside the `excluded` ranges."""
    quote = spec.quote
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        raise QuoteError(f"quote not found: {_short(quote)!r}", _closest_passage(text, quote))
    fits = [
        s
        for s in starts
        if text[max(0, s - len(spec.prefix)) : s] == spec.prefix
        and text[s + len(quote) : s + len(quote) + len(spec.suffix)] == spec.suffix
    ]
    if not fits:
        raise QuoteError(
            f"quote {_short(quote)!r} found, but never with the given prefix/suffix",
            "copy prefix and suffix exactly from the text around the quote, or drop them",
        )
    outside = [s for s in fits if not in_any(s, s + len(quote), excluded)]
    if not outside:
        raise QuoteError(
            f"quote {_short(quote)!r} lies only inside site furniture",
            "furniture produces no facts: drop this evidence or narrow the furniture span",
        )
    if spec.occurrence is not None:
        if not 1 <= spec.occurrence <= len(outside):
            raise QuoteError(
                f"occurrence {spec.occurrence} asked, but the quote occurs {len(outside)} time(s)",
                f"use an occurrence from 1 to {len(outside)}",
            )
        start = outside[spec.occurrence - 1]
    elif len(outside) > 1:
        lines = ", ".join(str(line_of_offset(text, s)) for s in outside)
        raise QuoteError(
            f"ambiguous quote {_short(quote)!r}: {len(outside)} matches (article lines {lines})",
            "add a prefix or suffix, or `occurrence: N` (1 = first)",
        )
    else:
        start = outside[0]
    return make_span(text, start, start + len(quote))


def _short(quote: str, limit: int = 60) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"


def _closest_passage(text: str, quote: str) -> str:
    """A hint showing the passage of `text` most like `quote`."""
    if not text or not quote:
        return "copy the quote exactly from the article"
    # difflib is quadratic: compare the start of a long quote only (a 5 MB quote took hours)
    quote = quote[:HINT_PROBE]
    width = len(quote)
    starts = [0] + [m.end() for m in re.finditer(r"\s+", text)]
    best, best_ratio = "", 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    for start in starts[:5000]:
        window = text[start : start + width]
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    if best_ratio < 0.4:
        return "nothing similar in the article; copy the quote exactly from it"
    return f"closest passage: {_short(best.replace(chr(10), ' '), 80)!r}"


def word_occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Whole-word, case-sensitive occurrences of `phrase` in `text`."""
    if not phrase:
        pattern = re.compile(r"(?<!\w)(?!\w)")
        return [(m.start(), m.end()) for m in pattern.finditer(text)]
    # what `(?<!\w)phrase(?!\w)` finds, by str.find (the regex cannot skip ahead: its
    # lookbehind hides the literal prefix): re's \w is `isalnum() or "_"`
    out = []
    find, n, size = text.find, len(phrase), len(text)
    at = find(phrase)
    while at >= 0:
        end = at + n
        if (at == 0 or not _word(text[at - 1])) and (end == size or not _word(text[end])):
            out.append((at, end))
            at = find(phrase, end)
        else:
            at = find(phrase, at + 1)
    return out


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"
