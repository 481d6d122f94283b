"""Site furniture in an article's text ("Related", "Most read", comments), which drafting skips."""

from __future__ import annotations

import re

from parley.seeds.quotes import in_any

# a line equal to one of these starts furniture (to the end, or to `end`)
FURNITURE_MARKERS = {
    "check also": None,
    "latest news": None,
    "most read": None,
    "must read": None,
    "related": None,
    "your views": "Send us your views",
    "source": None,
    "0 comments:": None,
    "post a comment": None,
}


def find_furniture(text: str) -> list[tuple[int, int, str | None, str]]:
    """(start, end, end quote, marker) of each piece of furniture: from a marker line to the
    end of the text, or to the marker's end quote."""
    furniture: list[tuple[int, int, str | None, str]] = []
    for line in re.finditer(r"[^\n]+", text):
        key = line.group().strip().lower()
        if key not in FURNITURE_MARKERS:
            continue
        excluded = [(s, e) for s, e, _, _ in furniture]
        if excluded and in_any(line.start(), line.end(), excluded):
            continue
        end_quote = FURNITURE_MARKERS[key]
        end = len(text)
        if end_quote:
            at = text.find(end_quote, line.end())
            if at == -1:
                continue
            end = at + len(end_quote)
        start = line.start() + (len(line.group()) - len(line.group().lstrip()))
        furniture.append((start, end, end_quote, line.group().strip()))
    return furniture
