"""The labels people read for nodes that have no name of their own: articles, statements, the
unnamed people of a party at a meeting, the registry graph. The mapper writes them as
`rdfs:label`, so every query, the report and `parley explain` show the same words."""

from __future__ import annotations

import datetime as dt

REGISTRY_LABEL = "registry"
SHORT = 60  # characters of a headline or quote kept in a label


def shortened(text: str, limit: int = SHORT) -> str:
    """`text` on one line, cut at a word boundary with "…" when longer than `limit`."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(" ,;:.") + "…"


def article_label(
    article_id: str, outlet: str | None, headline: str | None, date: dt.date | str | None
) -> str:
    """`Deutsche Presse-Agentur (DPA), “US-Iran meet in Baghdad…”, 2007-05-28`: the outlet
    (left out when the text names none), the headline (else the article id) and the date."""
    parts = [outlet] if outlet else []
    parts.append(f"“{shortened(headline)}”" if headline else f"article {article_id}")
    if date:
        parts.append(str(date))
    return ", ".join(parts)


def statement_label(speaker: str, quote: str, paraphrase: bool) -> str:
    """`Ryan Crocker: “what we need to see…”`, or `… (reported): …` for reported speech."""
    words = shortened(quote)
    return f"{speaker} (reported): {words}" if paraphrase else f"{speaker}: “{words}”"


def unnamed_group_label(party: str, adjective: str | None) -> str:
    """`unnamed Iraqi delegation` (with the registry's adjective of the party), else
    `unnamed delegation of Iraq`."""
    return f"unnamed {adjective} delegation" if adjective else f"unnamed delegation of {party}"
