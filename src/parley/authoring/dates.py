"""Dates in article text: the expressions drafting looks for, as calendar dates."""

from __future__ import annotations

import datetime as dt
import re

from parley.authoring.reading import Reading
from parley.authoring.spans import evidence
from parley.model.records import MONTHS, WEEKDAYS

MONTH_RE = "|".join(MONTHS)
DATE_PATTERNS = (
    ("stated", re.compile(rf"\b(?:{MONTH_RE}) \d{{1,2}}(?:, \d{{4}})?\b")),
    ("stated", re.compile(rf"\b\d{{1,2}} (?:{MONTH_RE})(?: \d{{4}})?\b")),
    ("relative", re.compile(rf"\b(?:on |last )?(?:{'|'.join(WEEKDAYS)})\b")),
    ("relative", re.compile(r"\b(?:[Ee]arlier |[Ll]ater )?today\b|\byesterday\b")),
)

# a dateline: "ADDIS ABABA, Ethiopia, July 15 (UPI) --"; its date is the article's, not an event's
DATELINE = re.compile(
    rf"^[ \t]*[A-Z]{{3,}}[A-Z ,/'-]*?(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)*)?,\s*"
    rf"(?:{MONTH_RE}|[A-Z][a-z]{{2}}\.)[^\n]{{0,20}}?(?:\([^)\n]*\))?\s*(?:--|[-–—])",
    re.M,
)


def in_dateline(text: str, pos: int) -> bool:
    """Whether `pos` lies in the dateline of its line."""
    line = text.rfind("\n", 0, pos) + 1
    m = DATELINE.match(text, line)
    return m is not None and pos < m.end()


def normalise_date(expr: str, basis: str, article_date: dt.date | None) -> dt.date | None:
    """A date expression ("on Tuesday", "May 28", "earlier today") as a calendar date."""
    if article_date is None:
        return None
    words = expr.replace(",", "").split()
    if basis == "relative":
        low = expr.lower()
        if "today" in low:
            return article_date
        if "yesterday" in low:
            return article_date - dt.timedelta(days=1)
        day = next(w for w in words if w in WEEKDAYS)
        back = (article_date.weekday() - WEEKDAYS.index(day)) % 7
        if words[0] == "last" and back == 0:
            back = 7
        return article_date - dt.timedelta(days=back)
    month = next(MONTHS.index(w) + 1 for w in words if w in MONTHS)
    numbers = [int(w) for w in words if w.isdigit()]
    day = next(n for n in numbers if n <= 31)
    year = next((n for n in numbers if n > 31), article_date.year)
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    if not any(n > 31 for n in numbers) and value > article_date + dt.timedelta(days=7):
        value = value.replace(year=value.year - 1)
    return value


def date_in(reading: Reading, s: int, t: int) -> dict | None:
    """The first date expression in [s, t) that has a calendar date, as an annotation date
    (with its span under `_span`)."""
    for basis, pattern in DATE_PATTERNS:
        for m in pattern.finditer(reading.text, s, t):
            value = normalise_date(m.group(), basis, reading.date)
            if value is None or in_dateline(reading.text, m.start()):
                continue
            return {
                "value": value,
                "text": evidence(reading.text, m.start(), m.end(), reading.excluded),
                "basis": basis,
                "_span": (m.start(), m.end()),
            }
    return None


def dates_in(reading: Reading, s: int, t: int) -> list[dict]:
    """Every date expression in [s, t) with a calendar date (as `date_in` gives them), in
    text order; an expression inside a longer one ("Monday" in "on Monday") is left out."""
    found: list[dict] = []
    for basis, pattern in DATE_PATTERNS:
        for m in pattern.finditer(reading.text, s, t):
            if any(d["_span"][0] < m.end() and m.start() < d["_span"][1] for d in found):
                continue
            value = normalise_date(m.group(), basis, reading.date)
            if value is not None and not in_dateline(reading.text, m.start()):
                text = evidence(reading.text, m.start(), m.end(), reading.excluded)
                found.append(
                    {"value": value, "text": text, "basis": basis, "_span": (m.start(), m.end())}
                )
    return sorted(found, key=lambda d: d["_span"])
