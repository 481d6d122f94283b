"""Seeded synthetic corpora in Parley's own format, with the density of the seed annotations.

    .venv/bin/python bench/generate.py OUT --articles 200 [--seed 0]
    .venv/bin/python bench/generate.py --stats seeds         # density of a corpus

Writes OUT/articles/*.txt, OUT/annotations/*.yaml and OUT/registry/*.yaml: fictional states,
people, places and meetings (syllable-made names, so no fact about the real world is claimed),
articles of about the seeds' length whose every annotated fact has its evidence sentence in the
text, and annotation files that the real loader accepts (quotes resolve, spellings occur,
references exist, no check fails). The same seed and size give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parley.model.records import MONTHS, STATEMENT_KINDS, WEEKDAYS

SYLLABLES = [
    "ka",
    "ren",
    "dor",
    "vel",
    "mar",
    "sol",
    "tin",
    "bra",
    "quo",
    "lis",
    "nev",
    "hal",
    "zan",
    "ter",
    "pol",
    "gun",
    "fey",
    "rok",
    "lum",
    "sar",
    "vin",
    "dal",
    "mer",
    "tos",
    "kel",
    "ran",
    "bo",
    "ul",
    "ish",
    "ar",
    "en",
    "ov",
    "ith",
    "ab",
    "ur",
]
WORDS = [
    "talks",
    "security",
    "border",
    "trade",
    "agreement",
    "cooperation",
    "delegation",
    "region",
    "stability",
    "pressure",
    "sanctions",
    "proposal",
    "ceasefire",
    "dialogue",
    "council",
    "framework",
    "reform",
    "mission",
    "embassy",
    "treaty",
    "negotiation",
    "commitment",
    "withdrawal",
    "forces",
    "militia",
    "refugees",
    "water",
    "energy",
    "pipeline",
    "grain",
    "shipping",
    "corridor",
    "inspectors",
    "monitoring",
    "timetable",
    "elections",
    "parliament",
    "government",
    "budget",
    "observers",
    "consultations",
    "guarantees",
    "prisoners",
    "exchange",
    "committee",
    "mechanism",
    "summit",
    "envoys",
    "support",
    "concern",
    "progress",
    "difficulties",
    "obstacles",
    "results",
    "steps",
    "measures",
    "principles",
    "the",
    "a",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "and",
    "that",
    "would",
    "must",
    "should",
    "could",
    "will",
    "not",
    "also",
    "further",
    "strong",
    "new",
    "joint",
    "regional",
    "national",
    "bilateral",
    "practical",
    "serious",
    "clear",
    "direct",
    "early",
    "full",
    "open",
    "broad",
    "lasting",
    "mutual",
    "peaceful",
    "fair",
    "limited",
    "careful",
    "urgent",
]
VERBS = [
    "agreed",
    "expected",
    "demanded",
    "warned",
    "insisted",
    "hoped",
    "stressed",
    "rejected",
    "offered",
    "proposed",
    "welcomed",
    "criticised",
    "denied",
    "accused",
    "praised",
    "requested",
    "confirmed",
]
TOPICS = [
    ("border-security", "Border security"),
    ("trade", "Trade and tariffs"),
    ("water-rights", "Water rights"),
    ("energy", "Energy supply"),
    ("refugees", "Refugees"),
    ("prisoners", "Prisoner exchanges"),
    ("ceasefire", "Ceasefire"),
    ("sanctions", "Sanctions"),
    ("elections", "Elections"),
    ("militias", "Militias"),
    ("inspections", "Inspections"),
    ("future-talks", "Future talks"),
    ("shipping", "Shipping lanes"),
    ("reconstruction", "Reconstruction"),
]
LEVELS = ("ambassadorial", "high-level", "formal", "expert")
QUALIFIERS = ("over", "about", "almost", "exactly")
START = dt.date(2001, 1, 1)


@dataclass
class Registry:
    """The fictional world, before pruning to what the articles refer to."""

    states: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)
    outlets: list[dict] = field(default_factory=list)
    posts: list[dict] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)
    meetings: list[dict] = field(default_factory=list)
    by_state: dict[str, list[dict]] = field(default_factory=dict)  # people of each state
    posts_of: dict[str, list[dict]] = field(default_factory=dict)  # posts held by a person


class Names:
    """Unique capitalised names made of syllables (no two entities share a spelling)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, syllables: tuple[int, int] = (2, 3), suffix: str = "") -> str:
        low, high = syllables
        tries = 0
        while True:
            tries += 1
            if tries % 20 == 0:  # the short names are nearly used up (100,000 articles): longer
                high += 1
            n = self.rng.randint(low, high)
            word = "".join(self.rng.choice(SYLLABLES) for _ in range(n)).capitalize() + suffix
            if word not in self.used and word.lower() not in WORDS and len(word) > 3:
                self.used.add(word)
                return word


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def make_registry(rng: random.Random, articles: int) -> Registry:
    names = Names(rng)
    reg = Registry()
    n_states = min(80, 6 + articles // 40)
    for _ in range(n_states):
        name = names.make((2, 3), "ia")
        state = {"id": slug(name), "label": name, "spellings": [name], "adjective": name[:-1] + "n"}
        names.used.add(state["adjective"])
        reg.states.append(state)
        reg.by_state[state["id"]] = []
        capital = names.make((2, 2))
        reg.places.append(
            {
                "id": slug(capital),
                "label": capital,
                "kind": "city",
                "in": state["id"],
                "spellings": [capital],
            }
        )
        state["capital"] = slug(capital)
        reg.posts.append(
            {
                "id": f"{state['id']}-foreign-minister",
                "label": f"Foreign Minister of {name}",
                "office": "foreign-minister",
                "of": state["id"],
                "title": f"{state['adjective']} Foreign Minister",
            }
        )
        reg.posts.append(
            {
                "id": f"{state['id']}-president",
                "label": f"President of {name}",
                "office": "president",
                "of": state["id"],
                "title": f"{state['adjective']} President",
            }
        )
    # first names repeat (the spellings "First Last" and "Last" stay unique); a bounded pool,
    # since unique one- or two-syllable names run out at ten thousand articles
    first_names = [names.make((2, 2)) for _ in range(150)]

    def add_person(state: dict) -> None:
        first, last = rng.choice(first_names), names.make((2, 3))
        person = {
            "id": slug(f"{first} {last}"),
            "label": f"{first} {last}",
            "spellings": [f"{first} {last}", last],
            "nationality": state["id"],
            "last": last,
        }
        reg.people.append(person)
        reg.by_state[state["id"]].append(person)

    for _ in range(max(12, articles // 3)):
        add_person(rng.choice(reg.states))
    for state in reg.states:  # every state has at least two people (a delegation)
        while len(reg.by_state[state["id"]]) < 2:
            add_person(state)
    for state in reg.states:  # ambassadors to a few other states, foreign minister, president
        people = reg.by_state[state["id"]]
        for post_id, holder in (
            (f"{state['id']}-foreign-minister", people[0]),
            (f"{state['id']}-president", people[1]),
        ):
            reg.posts_of.setdefault(holder["id"], []).append(_post(reg, post_id))
        for other in rng.sample(reg.states, k=min(3, len(reg.states))):
            if other is state or len(people) < 3:
                continue
            post = {
                "id": f"{state['id']}-ambassador-to-{other['id']}",
                "label": f"{state['label']} Ambassador to {other['label']}",
                "office": "ambassador",
                "of": state["id"],
                "to": other["id"],
                "title": f"{state['adjective']} Ambassador to {other['label']}",
            }
            reg.posts.append(post)
            reg.posts_of.setdefault(rng.choice(people[2:])["id"], []).append(post)
    for _ in range(max(2, articles // 1000 + 3)):
        name = names.make((2, 2)) + " " + rng.choice(("Times", "Herald", "Wire", "Courier"))
        reg.outlets.append({"id": slug(name), "label": name, "spellings": [name]})
    n_meetings = max(2, articles // 8)
    for i in range(max(1, n_meetings // 4)):
        a, b = rng.sample(reg.states, 2)
        reg.series.append(
            {
                "id": f"talks-{a['id']}-{b['id']}-{i}",
                "label": f"{a['label']}–{b['label']} talks ({i})",
                "parties": [a["id"], b["id"]],
                "rounds": 0,
                "day": rng.randrange(0, 7000),
            }
        )
    for _ in range(n_meetings):
        series = rng.choice(reg.series)
        series["rounds"] += 1
        series["day"] += rng.randrange(20, 90)
        host = rng.choice(series["parties"])
        place = next(s["capital"] for s in reg.states if s["id"] == host)
        reg.meetings.append(
            {
                "id": f"{series['id']}-round-{series['rounds']}",
                "label": f"{series['label']}, round {series['rounds']}",
                "series": series["id"],
                "round": series["rounds"],
                "date": START + dt.timedelta(days=series["day"]),
                "place": place,
                "parties": list(series["parties"]),
                "host": host,
            }
        )
    return reg


def _post(reg: Registry, post_id: str) -> dict:
    return next(p for p in reg.posts if p["id"] == post_id)


class Text:
    """An article text being written, remembering where each evidence piece starts."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def add(self, piece: str) -> int:
        at = self.size
        self.parts.append(piece)
        self.size += len(piece)
        return at

    def sentence(self, *pieces: str) -> list[int]:
        """Append the pieces as one sentence; return the offset of each piece."""
        offsets = []
        for piece in pieces:
            offsets.append(self.add(piece))
        self.add(" ")
        return offsets

    def value(self) -> str:
        return "".join(self.parts)


class Article:
    """One article: its text and annotation entries, with evidence held as (quote, offset)."""

    def __init__(self, rng: random.Random, reg: Registry, ident: str):
        self.rng, self.reg, self.id = rng, reg, ident
        self.text = Text()
        self.spellings: dict[str, list[str]] = {}
        self.refs: set[str] = set()

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def mention(self, entity: dict, spelling: str | None = None) -> str:
        spelling = spelling or entity["spellings"][0]
        listed = self.spellings.setdefault(entity["id"], [])
        if spelling not in listed:
            listed.append(spelling)
        self.refs.add(entity["id"])
        return spelling


def write_article(rng: random.Random, reg: Registry, ident: str) -> tuple[str, dict, set[str]]:
    """Text and annotation mapping of one article; also the registry ids it refers to."""
    art = Article(rng, reg, ident)
    t = art.text
    meetings = rng.sample(reg.meetings, k=2 if rng.random() < 0.4 else 1)
    meetings.sort(key=lambda m: m["date"])
    published = meetings[-1]["date"] + dt.timedelta(days=rng.randrange(0, 3))
    outlet = rng.choice(reg.outlets)
    states = {s["id"]: s for s in reg.states}
    first = meetings[0]
    a, b = (states[p] for p in first["parties"])
    title = f"{a['label']} and {b['label']} {rng.choice(VERBS)} {art.words(3, 6)}"
    art.mention(a)
    art.mention(b)
    # the fields added in issue 19 (durations, former offices, first-since-year claims,
    # reprints) draw from their own generator, so that the rest stays as it was
    extra = random.Random(f"{ident}-{title}")

    def ev(quote: str, at: int) -> tuple[str, int]:
        return (quote, at)

    title_at = t.add(title)
    t.add("\n\n")
    place = next(p for p in reg.places if p["id"] == first["place"])
    dateline = f"{place['label'].upper()}, {MONTHS[published.month - 1]} {published.day} – "
    t.add(dateline)
    outlet_words = f"Source : {art.mention(outlet)}"
    annotation: dict = {"format": "parley-annotations/1", "article": {}}
    entries_meetings, entries_statements, entries_offices, entries_claims = [], [], [], []
    people_in: list[tuple[dict, dict]] = []  # (person, meeting)
    for meeting in meetings:
        parties = [states[p] for p in meeting["parties"]]
        city = next(p for p in reg.places if p["id"] == meeting["place"])
        names = " and ".join(art.mention(s) for s in parties)
        report = f"Officials of {names} {rng.choice(VERBS)} {art.words(4, 8)}"
        when = WEEKDAYS[meeting["date"].weekday()]
        place_words = f"in {art.mention(city)}"
        offs = t.sentence(report, " ", place_words, f" on {when}", f", {art.words(5, 9)}.")
        art.refs.add(meeting["id"])
        entry: dict = {"event": meeting["id"], "evidence": ev(report, offs[0])}
        if rng.random() < 0.7:
            entry["date"] = {
                "value": meeting["date"],
                "text": ev(when, offs[3] + 4),
                "basis": "relative",
            }
        entry["place"] = {"ref": city["id"], "evidence": ev(place_words, offs[2])}
        if extra.random() < 0.3:
            hours = extra.randint(2, 9)
            words = f"{hours}-hour talks"
            offs = t.sentence(f"The {words}", f" {art.words(2, 5)}.")
            entry["duration"] = {"value": f"PT{hours}H", "text": ev(words, offs[0] + 4)}
        participants = []
        for party in parties:
            pool = reg.by_state[party["id"]]
            for role, person in zip(
                ("head-of-delegation", "delegation-member"),
                rng.sample(pool, k=min(len(pool), 2 if rng.random() < 0.3 else 1)),
                strict=False,
            ):
                words = (
                    f"The {party['adjective']} delegation included {art.mention(person)}"
                    if role == "delegation-member"
                    else f"{art.mention(person, person['label'])} led the delegation of "
                    f"{art.mention(party)}"
                )
                offs = t.sentence(words, f", {art.words(3, 6)}.")
                participants.append(
                    {
                        "person": person["id"],
                        "for": party["id"],
                        "role": role,
                        "evidence": ev(words, offs[0]),
                    }
                )
                people_in.append((person, meeting))
        if rng.random() < 0.3:
            host = states[meeting["host"]]
            words = f"Officials of {art.mention(host)} also attended the meeting {art.words(2, 4)}"
            offs = t.sentence(words, ".")
            participants.append(
                {"for": host["id"], "role": "attendee", "evidence": ev(words, offs[0])}
            )
        entry["participants"] = participants
        entries_meetings.append(entry)
        t.add("\n\n")
    # offices the article states (about five per article, as in the seeds)
    seen_offices = set()
    for person, _meeting in people_in + [(rng.choice(reg.people), None) for _ in range(4)]:
        posts = reg.posts_of.get(person["id"])
        if not posts or person["id"] in seen_offices or len(entries_offices) >= 6:
            continue
        seen_offices.add(person["id"])
        post = posts[0]
        former = extra.random() < 0.2
        words = (
            f"{'former ' if former else ''}{post['title']} {art.mention(person, person['label'])}"
        )
        if post.get("to"):
            art.mention(states[post["to"]])
        office = {"person": person["id"], "post": post["id"]}
        if former:  # "former X, in office from 2001 to 2004"
            end = published.year - extra.randint(1, 3)
            start = end - extra.randint(1, 5)
            offs = t.sentence(
                f"{art.words(2, 4).capitalize()} ",
                words,
                ", in office from ",
                str(start),
                " to ",
                str(end),
                f", {art.words(3, 6)}.",
            )
            office["status"] = "former"
            office["start"] = {"value": start, "text": (str(start), offs[3])}
            office["end"] = {"value": end, "text": (str(end), offs[5])}
        else:
            offs = t.sentence(f"{art.words(2, 4).capitalize()} ", words, f" {art.words(3, 6)}.")
        art.refs.add(post["id"])
        office["evidence"] = (words, offs[1])
        entries_offices.append(office)
    t.add("\n\n")
    # statements: about sixteen per article, by people at the meetings (or their states)
    speakers = [p for p, _ in people_in] or reg.people[:1]
    for i in range(rng.randint(11, 21)):
        person = rng.choice(speakers)
        meeting = rng.choice(meetings)
        target = states[rng.choice(meeting["parties"])]
        paraphrase = rng.random() < 0.6
        quote = f"{art.words(4, 8)} {art.mention(target)} {art.words(3, 7)}"
        spelled = art.mention(person, person["last"])
        verb = rng.choice(("said", "told reporters", "added", "stressed"))
        if paraphrase:
            offs = t.sentence(f"{spelled} {verb} that ", quote, ".")
            attribution = (f"{spelled} {verb}", offs[0])
            quote_at = offs[1]
        else:
            offs = t.sentence("“", quote, f",” {spelled} {verb}", ".")
            attribution = (f"{spelled} {verb}", offs[2] + 3)
            quote_at = offs[1]
        entry = {
            "speaker": person["id"],
            "quote": (quote, quote_at),
            "paraphrase": paraphrase,
            "attribution": attribution,
            "kind": rng.choice(STATEMENT_KINDS),
            "meeting": meeting["id"],
            "target": target["id"],
        }
        if rng.random() < 0.7:
            entry["topics"] = sorted({rng.choice(TOPICS)[0] for _ in range(rng.randint(1, 2))})
            art.refs.update(entry["topics"])
        entries_statements.append(entry)
        if i % 4 == 3:
            t.add("\n\n")
    # claims: about four per article
    for meeting in meetings:
        for prop in rng.sample(
            ["years-since-previous-talks", "level", "ordinal-in-series", "requested-by"],
            k=rng.randint(3, 4) if len(meetings) == 1 else rng.randint(2, 3),
        ):
            if prop == "years-since-previous-talks":
                value, qualifier = rng.randint(2, 40), rng.choice(QUALIFIERS)
                words = f"the first such talks in {qualifier} {value} years"
            elif prop == "level":
                value, qualifier = rng.choice(LEVELS), None
                words = f"the talks were held at {value} level"
            elif prop == "ordinal-in-series":
                value, qualifier = meeting["round"], None
                words = f"round number {value} of the {art.words(1, 2)} talks"
            else:
                requester = states[rng.choice(meeting["parties"])]
                value, qualifier = requester["id"], None
                words = f"the meeting was requested by {art.mention(requester)}"
            offs = t.sentence(f"{art.words(3, 6).capitalize()}, ", words, f", {art.words(3, 6)}.")
            claim = {"about": meeting["id"], "property": prop, "value": value}
            if qualifier:
                claim["qualifier"] = qualifier
            claim["evidence"] = (words, offs[1])
            entries_claims.append(claim)
        if extra.random() < 0.3:
            year = published.year - extra.randint(5, 40)
            words = f"the first such talks since {year}"
            offs = t.sentence(f"{art.words(2, 4).capitalize()}, ", words, ".")
            entries_claims.append(
                {
                    "about": meeting["id"],
                    "property": "first-since-year",
                    "value": year,
                    "evidence": (words, offs[1]),
                }
            )
    t.add("\n\n")
    outlet_at = t.add(outlet_words)
    t.add("\n\nMore from News\n")
    for _ in range(3):
        t.add(f"{art.words(4, 8).capitalize()}\n")
    others = [o for o in reg.outlets if o["id"] != outlet["id"]]
    site = extra.choice(others) if others and extra.random() < 0.25 else None
    if site is not None:  # a reprint: the outlet's story on another outlet's site
        t.add(f"Read more on {site['label']}\n")
        art.refs.add(site["id"])
    text = t.value()
    furniture_start = text.index("More from News")
    resolve = Resolver(text, furniture_start)
    annotation["article"] = {
        "id": ident,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "title": resolve((title, title_at)),
        "outlet": outlet["id"],
        "outlet_evidence": resolve((outlet_words, outlet_at)),
        "date": published,
        "date_basis": "dateline",
        "date_note": "synthetic dateline",
        "furniture": [{"start": "More from News", "note": "site navigation, to end of file"}],
    }
    if site is not None:
        annotation["article"]["found_at"] = {
            "site": site["id"],
            "evidence": f"Read more on {site['label']}",  # in the furniture: the site's own
        }
        annotation["article"]["original"] = {
            "outlet": outlet["id"],
            "evidence": resolve((outlet_words, outlet_at)),
        }
    annotation["mentions"] = {k: v for k, v in art.spellings.items()}
    annotation["meetings"] = resolve.walk(entries_meetings)
    annotation["statements"] = resolve.walk(entries_statements)
    annotation["offices"] = resolve.walk(entries_offices)
    annotation["claims"] = resolve.walk(entries_claims)
    art.refs.update((outlet["id"], *art.spellings))
    art.refs.update(p["id"] for p, _ in people_in)
    return text, annotation, art.refs


class Resolver:
    """Turn (quote, offset) into the evidence the loader resolves to exactly that offset."""

    def __init__(self, text: str, furniture_start: int):
        self.text = text
        self.end = furniture_start

    def __call__(self, item: tuple[str, int]) -> str | dict:
        quote, at = item
        if self.text[at : at + len(quote)] != quote:
            raise AssertionError(f"misplaced evidence {quote!r}")
        starts, pos = [], self.text.find(quote)
        while pos != -1:
            if pos + len(quote) <= self.end:
                starts.append(pos)
            pos = self.text.find(quote, pos + 1)
        if len(starts) == 1:
            return quote
        return {"quote": quote, "occurrence": starts.index(at) + 1}

    def walk(self, value):
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], int):
            return self(value)
        if isinstance(value, dict):
            return {k: self.walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        return value


def registry_files(reg: Registry, used: set[str]) -> dict[str, dict]:
    """The registry as YAML mappings, with only the entities something refers to."""
    meetings = [m for m in reg.meetings if m["id"] in used]
    posts = [p for p in reg.posts if p["id"] in used]
    series = {m["series"] for m in meetings}
    places = {m["place"] for m in meetings} | {p for p in used}
    people = [p for p in reg.people if p["id"] in used]
    states = {p["nationality"] for p in people} | {s["id"] for s in reg.states if s["id"] in used}
    states |= {p["of"] for p in posts} | {p["to"] for p in posts if p.get("to")}
    kept_places = [p for p in reg.places if p["id"] in places]
    states |= {p["in"] for p in kept_places}
    holders = {}
    for person_id, held in sorted(reg.posts_of.items()):
        for post in held:
            holders.setdefault(post["id"], []).append(person_id)
    post_entries = []
    for p in posts:
        entry = {"id": p["id"], "label": p["label"], "office": p["office"], "of": p["of"]}
        if p.get("to"):
            entry["to"] = p["to"]
        people_holding = [h for h in holders.get(p["id"], []) if h in used]
        if people_holding:
            entry["holders"] = [
                {"person": h, "start": 2000 + i, "end": None, "source": "synthetic"}
                for i, h in enumerate(people_holding)
            ]
        post_entries.append(entry)
    return {
        "states.yaml": {
            "states": [
                {"id": s["id"], "label": s["label"], "spellings": s["spellings"]}
                for s in reg.states
                if s["id"] in states
            ]
        },
        "people.yaml": {
            "people": [
                {
                    "id": p["id"],
                    "label": p["label"],
                    "spellings": p["spellings"],
                    "nationality": p["nationality"],
                }
                for p in people
            ]
        },
        "places.yaml": {
            "places": [
                {
                    "id": p["id"],
                    "label": p["label"],
                    "kind": p["kind"],
                    "in": p["in"],
                    "spellings": p["spellings"],
                }
                for p in kept_places
            ]
        },
        "organisations.yaml": {
            "organisations": [
                {
                    "id": o["id"],
                    "label": o["label"],
                    "kind": "news-outlet",
                    "spellings": o["spellings"],
                }
                for o in reg.outlets
                if o["id"] in used
            ]
        },
        "posts.yaml": {"posts": post_entries},
        "meetings.yaml": {
            "series": [
                {"id": s["id"], "label": s["label"]} for s in reg.series if s["id"] in series
            ],
            "meetings": [
                {
                    "id": m["id"],
                    "label": m["label"],
                    "series": m["series"],
                    "round": m["round"],
                    "date": m["date"],
                    "place": m["place"],
                    "source": "synthetic",
                }
                for m in meetings
            ],
        },
        "topics.yaml": {"topics": [{"id": i, "label": label} for i, label in TOPICS if i in used]},
    }


def dump(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096)


def generate(out: Path, articles: int, seed: int = 0) -> list[str]:
    """Write a corpus of `articles` articles under `out` (replacing it); return the article ids."""
    if articles < 1:
        raise ValueError("at least one article")
    rng = random.Random(f"parley-bench-{seed}-{articles}")
    reg = make_registry(rng, articles)
    if out.exists():
        shutil.rmtree(out)
    for sub in ("articles", "annotations", "registry"):
        (out / sub).mkdir(parents=True)
    used: set[str] = set()
    ids = []
    width = max(4, len(str(articles - 1)))
    for i in range(articles):
        ident = f"{i:0{width}d}-synthetic"
        text, annotation, refs = write_article(rng, reg, ident)
        used |= refs
        (out / "articles" / f"{ident}.txt").write_bytes(text.encode("utf-8"))
        (out / "annotations" / f"{ident}.yaml").write_text(dump(annotation), encoding="utf-8")
        ids.append(ident)
    for name, data in registry_files(reg, used).items():
        (out / "registry" / name).write_text(dump(data), encoding="utf-8")
    return ids


# --- density -----------------------------------------------------------------------------------


def corpus_stats(seeds: Path) -> dict[str, float]:
    """Per-article averages of a corpus, loaded and mapped by Parley itself."""
    from rdflib import RDF, Graph

    from parley.builder.corpus import load_corpus
    from parley.builder.mapper import ArticleMapper
    from parley.model.iris import PARLEY

    corpus = load_corpus(seeds)
    rows = []
    for doc in corpus.articles:
        graph = Graph()
        ArticleMapper(corpus.registry, doc, graph).map()
        rows.append(
            {
                "text_chars": len(doc.article.text),
                "mentions": len(doc.mentions),
                "meetings": len(doc.meetings),
                "participants": sum(len(m.participants) for m in doc.meetings),
                "statements": len(doc.statements),
                "offices": len(doc.offices),
                "claims": len(doc.claims),
                "evidence_spans": sum(1 for _ in graph.subjects(RDF.type, PARLEY.Mention)),
                "quads": len(graph),
            }
        )
    n = len(rows)
    stats = {k: round(sum(r[k] for r in rows) / n, 1) for k in rows[0]} if rows else {}
    return {"articles": n, **stats}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", help="folder to write (replaced)")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stats", type=Path, metavar="SEEDS", help="print a corpus' density")
    args = parser.parse_args(argv)
    if args.stats:
        json.dump(corpus_stats(args.stats), sys.stdout, indent=2)
        print()
        return 0
    if args.out is None:
        parser.error("give OUT or --stats SEEDS")
    generate(args.out, args.articles, args.seed)
    print(f"wrote {args.articles} articles to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
