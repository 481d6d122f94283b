"""Spans of article text: its sentences, and evidence values that resolve to exactly one span."""

from __future__ import annotations

import re

from parley.seeds.quotes import in_any


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split at line breaks and after . ? ! followed by a space and a capital
    or an opening quote."""
    out = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in re.finditer(r"(?<=[.?!])[”\"]?\s+(?=[“\"A-Z\[])", line.group()):
            cut = line.start() + m.start()
            # keep a closing quote with its sentence
            while cut < line.end() and text[cut] in '”"':
                cut += 1
            if cut > start:
                out.append((start, cut))
            start = line.start() + m.end()
        if start < line.end():
            out.append((start, line.end()))
    return out


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
