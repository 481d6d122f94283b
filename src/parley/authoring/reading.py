"""An article as the drafter reads it: text, date, furniture and mentions, looked up by place."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from parley.authoring.furniture import find_furniture
from parley.authoring.mentions import Found, find_mentions
from parley.authoring.spellings import demonyms
from parley.model.records import AGENT_KINDS, Registry


@dataclass
class Reading:
    """What every drafting step works from."""

    registry: Registry
    text: str
    date: dt.date | None
    furniture: list[tuple[int, int, str | None, str]]
    found: list[Found]
    variants: dict[str, str]  # spelling found -> registry form
    demonyms: dict[str, str]  # "Iranian" -> state id
    cache: dict = field(default_factory=dict)  # what drafting steps work out once

    @property
    def excluded(self) -> list[tuple[int, int]]:
        return [(s, e) for s, e, _, _ in self.furniture]

    def agents_in(self, start: int, end: int, kinds=AGENT_KINDS) -> list[Found]:
        return [f for f in self.found if start <= f.start and f.end <= end and f.kind in kinds]

    def person_before(self, pos: int) -> Found | None:
        people = [f for f in self.found if f.kind == "person" and f.end <= pos]
        return people[-1] if people else None


def read_article(registry: Registry, text: str, article_date: dt.date | None) -> Reading:
    """The article's furniture and the registry entities it mentions outside the furniture."""
    furniture = find_furniture(text)
    found, variants = find_mentions(registry, text, [(s, e) for s, e, _, _ in furniture])
    adjectives = demonyms(registry)
    found = [f for f in found if not _foreign(registry, text, found, adjectives, f)]
    return Reading(registry, text, article_date, furniture, found, variants, adjectives)


def _foreign(registry: Registry, text: str, found, adjectives, f: Found) -> bool:
    """Whether an organisation's mention is qualified by another state than its own: the
    "Pakistani Foreign Ministry" or "Pakistan's foreign ministry" is not Iran's, whose
    registry spelling "Foreign Ministry" it holds."""
    if f.kind != "organisation":
        return False
    owner, seen = registry.entities[f.entity].attr("part_of"), set()
    while owner and owner not in seen and registry.entities[owner].kind != "state":
        seen.add(owner)
        owner = registry.entities[owner].attr("part_of")
    if not owner:
        return False
    word = re.search(r"([A-Z][a-z]+)\s+$", text[max(0, f.start - 30) : f.start])
    qualifier = adjectives.get(word.group(1)) if word else None
    for g in found:
        if g.kind == "state" and re.fullmatch(r"(?:['’]s)?\s+", text[g.end : f.start]):
            qualifier = g.entity
    return qualifier is not None and qualifier != owner
