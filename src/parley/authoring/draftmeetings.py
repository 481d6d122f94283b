"""Drafted meeting reports: sentences with a meeting word, matched to a registry meeting, or
proposed as a new meeting when their date matches none.

Each meeting word is read with the date or ordinal nearest to it in its sentence ("the experts
met on Monday, two weeks after the second round on July 24": Monday for "met", July 24 for
"round"). A date that no registry meeting has is a new meeting (proposed, never filed under an
old one); a sentence without date or ordinal continues the meeting last spoken of, or, before
any, means the one registry meeting in the week before the article.
"""

from __future__ import annotations

import datetime as dt
import re

from parley.authoring.dates import dates_in
from parley.authoring.draftstatements import find_quotes
from parley.authoring.reading import Reading
from parley.authoring.spans import evidence, sentences
from parley.model.records import MONTHS, Entity
from parley.seeds.quotes import in_any, word_occurrences

MEETING_TRIGGER = re.compile(
    r"\b(?:talks|meeting|meetings|met|meet|meets|round|session|summit)\b"
    r"|(?<=\w )(?:Meeting|Summit|Talks)\b"  # "the 55th ASEAN Ministerial Meeting": by name
)
# the name before a meeting noun: "a G20 meeting", "the APEC ministers' meeting", "GCC summit"
NAMED_BY = re.compile(r"\b(?:the|a|an)\s+((?:[\w’'–-]+\s+){1,3})$")
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
ORDINAL = re.compile(r"\b(?:first|second|third|fourth|fifth)\b", re.I)
FUTURE = re.compile(
    r"\b(?:will|would|to meet|next|plans?|expected|scheduled|ahead of|upcoming|forthcoming"
    r"|to be \w+ed)\b"
)
# a relative clause set off by commas: "Poroshenko, who arrived on Monday, said …"
INSERTION = re.compile(r",\s*(?:who|which)\b[^,;]*,")
WEEKEND = re.compile(r"\b(?:this|last|over the|at the) weekend\b")
MONTH_ONLY = re.compile(
    rf"\b(?:in|and|since|of|,)\s+({'|'.join(MONTHS)})\b(?!\s+\d)|\blast month\b"
)


def draft_meetings(reading: Reading) -> tuple[list[dict], list[dict]]:
    """(meeting reports for registry meetings, proposed new meetings): each with its
    evidence, date and the people named in its sentences as attendees."""
    text = reading.text
    meetings = {e.id: e for e in reading.registry.of_kind("meeting")}
    reports: dict[str, dict] = {}
    last: str | None = None
    for s, t in sentences(text):
        if in_any(s, t, reading.excluded):
            continue
        quotes = [q for q in find_quotes(reading) if s <= q[1] and q[0] <= t]
        months = _by_month(reading, s, t, meetings) if MEETING_TRIGGER.search(text, s, t) else []
        for trigger in MEETING_TRIGGER.finditer(text, s, t):
            if any(qs <= trigger.start() < qe for qs, qe in quotes):
                continue  # "today's talks" in a quotation: the speaker's day, not the article's
            fallback = months[0] if months else last  # "talks last month": that month's
            key, date = _which(reading, (s, t), trigger, meetings, fallback, quotes)
            if key is None or _future(reading, meetings.get(key)):
                continue
            report = reports.get(key)
            if report is None:
                report = reports[key] = _new_report(reading, key, s, t, date, meetings)
            last = key
            if date and "date" not in report and _date_fits(date, key, meetings):
                report["date"] = {k: v for k, v in date.items() if not k.startswith("_")}
            _add_people(reading, report, s, t)
        for key in months:
            if key not in reports:
                reports[key] = _new_report(reading, key, s, t, None, meetings)
    known = [reports[k] for k in sorted(reports) if k in meetings]
    proposed = [reports[k] for k in sorted(reports) if k not in meetings]
    return known, proposed


def _new_report(reading: Reading, key: str, s: int, t: int, date, meetings) -> dict:
    report = {"event": key, "evidence": evidence(reading.text, s, t, reading.excluded)}
    if key not in meetings:
        report["_date"] = date["value"]
        places = [f for f in reading.agents_in(s, t, ("place",))]
        if places:
            report["place"] = {
                "ref": places[0].entity,
                "evidence": evidence(
                    reading.text, places[0].start, places[0].end, reading.excluded
                ),
            }
    return report


def _date_fits(date, key: str, meetings) -> bool:
    return key not in meetings or date["value"] == meetings[key].attr("date")


def _which(reading: Reading, sent, trigger, meetings: dict[str, Entity], last, quotes):
    """(registry meeting id or proposed id, the date read with it) for one meeting word; a
    date inside a quotation is the speaker's, not the article's, and is not read."""
    text = reading.text
    s, t = sent
    named = _by_name(reading, s, trigger, meetings)
    if named or trigger.group()[0].isupper():  # a capital: only a registry meeting's name
        return named, None
    near = _nearest(trigger.start(), [(m.start(), m) for m in ORDINAL.finditer(text, s, t)])
    asides = [
        (m.start(), m.end())
        for m in INSERTION.finditer(text, s, t)
        if not m.start() <= trigger.start() < m.end()
    ]
    dates = [  # not a speaker's date in a quotation, nor "who arrived on Monday"
        d
        for d in dates_in(reading, s, t)
        if not any(a <= d["_span"][0] < b for a, b in (*quotes, *asides))
    ]
    date = _nearest(trigger.start(), [(d["_span"][0], d) for d in dates])
    ordinal_first = near is not None and (
        date is None
        or abs(near.start() - trigger.start()) < abs(date["_span"][0] - trigger.start())
    )
    if ordinal_first:
        rounds = [
            m.id for m in meetings.values() if m.attr("round") == ORDINALS[near.group().lower()]
        ]
        if len(rounds) == 1:
            return rounds[0], None
    if date is not None:
        same = [m.id for m in meetings.values() if m.attr("date") == date["value"]]
        if len(same) > 1:
            same = _by_people(reading, s, t, same, meetings, 1) or same
        if len(same) == 1:
            return same[0], date
        if not same and not _planned(text, s, t, trigger):
            return f"meeting-{date['value'].isoformat()}", date
        return None, None
    weekend = _weekend(reading, s, t, meetings)
    if weekend:
        return weekend, None
    recent = _recent(reading, meetings)
    named = _by_people(reading, s, t, recent, meetings, 2)
    if not named and reading.date is None:  # no article date: any meeting of those people
        named = _by_people(reading, s, t, list(meetings), meetings, 2)
    if len(named) == 1:
        return named[0], None
    if last is not None:
        return last, None
    return (recent[0] if len(recent) == 1 else None), None


def _by_name(reading: Reading, s: int, trigger, meetings: dict[str, Entity]) -> str | None:
    """The one registry meeting whose label begins with (within its first three words) the
    name before a meeting noun ("on the sidelines of a G20 meeting": "G20 meeting, New
    Delhi", not "X – Y talks on the sidelines of the G20 meeting"); no person's name."""
    if trigger.group().lower() not in ("meeting", "talks", "summit", "session"):
        return None
    m = NAMED_BY.search(reading.text, max(s, trigger.start() - 40), trigger.start())
    if m is None:
        return None
    people = reading.agents_in(m.start(1), m.end(1), ("person",))
    names = [w.strip("’'") for w in m.group(1).split() if re.search(r"[A-Z0-9]", w)]
    if people or not names:
        return None
    found = [
        key
        for key, e in meetings.items()
        if all(word_occurrences(" ".join(e.label.split()[:3]), n) for n in names)
    ]
    return found[0] if len(found) == 1 and not _future(reading, meetings[found[0]]) else None


def _planned(text: str, s: int, t: int, trigger) -> bool:
    """Whether the meeting word speaks of a plan ("to hold further talks next week", "ahead
    of a May 23 meeting to be hosted"): a future cue in the words just around it; "met" never."""
    if trigger.group() == "met":
        return False
    return bool(FUTURE.search(text, max(s, trigger.start() - 40), min(t, trigger.end() + 25)))


def _future(reading: Reading, meeting: Entity | None) -> bool:
    """Whether the registry dates the meeting after the article (then it is only a plan)."""
    day = meeting.attr("date") if meeting is not None else None
    return isinstance(day, dt.date) and reading.date is not None and day > reading.date


def _by_month(reading: Reading, s: int, t: int, meetings: dict[str, Entity]) -> list[str]:
    """The registry meetings of the months a sentence names alone ("two rounds of talks in May
    and July", "last month"): one meeting in that month (of the article's year, or the year
    before when the month lies after the article's) each."""
    if reading.date is None:
        return []
    out = []
    day = reading.date
    for m in MONTH_ONLY.finditer(reading.text, s, t):
        month = MONTHS.index(m.group(1)) + 1 if m.group(1) else (day.month - 2) % 12 + 1
        year = day.year - (month > day.month)
        same = [
            e.id
            for e in meetings.values()
            if isinstance(e.attr("date"), dt.date)
            and (e.attr("date").year, e.attr("date").month) == (year, month)
        ]
        if len(same) == 1 and not _future(reading, meetings[same[0]]):
            out.append(same[0])
    return out


def _nearest(pos: int, items):
    return min(items, key=lambda x: abs(x[0] - pos))[1] if items else None


def _weekend(reading: Reading, s: int, t: int, meetings: dict[str, Entity]) -> str | None:
    """ "This weekend", "over the weekend": the one registry meeting of the last Saturday or
    Sunday (in the week up to the article's date)."""
    if reading.date is None or not WEEKEND.search(reading.text, s, t):
        return None
    week = (reading.date - dt.timedelta(days=back) for back in range(7))
    days = {day for day in week if day.weekday() >= 5}
    same = [m.id for m in meetings.values() if m.attr("date") in days]
    return same[0] if len(same) == 1 else None


def _recent(reading: Reading, meetings: dict[str, Entity]) -> list[str]:
    """The registry meetings of the week before the article."""
    if reading.date is None:
        return []
    return [
        m.id
        for m in meetings.values()
        if isinstance(m.attr("date"), dt.date)
        and dt.timedelta(0) <= reading.date - m.attr("date") <= dt.timedelta(days=7)
    ]


def _by_people(reading: Reading, s: int, t: int, keys, meetings, least: int) -> list[str]:
    """Among the registry meetings `keys`, the one whose label names most of the people the
    sentence [s, t) names ("Maliki held talks with Larijani": the "Maliki–Larijani talks"),
    when it names at least `least` of them and no other names as many; else none."""
    people = {f.entity for f in reading.agents_in(s, t, ("person",))}
    counts = {}
    for key in keys:
        label = meetings[key].label
        counts[key] = sum(
            any(word_occurrences(label, name) for name in (e.label, *e.spellings) if len(name) >= 4)
            for e in (reading.registry.entities[p] for p in people)
        )
    best = max(counts.values(), default=0)
    top = [k for k, n in counts.items() if n == best]
    return top if best >= least and len(top) == 1 else []


def _add_people(reading: Reading, report: dict, s: int, t: int) -> None:
    """The people named in [s, t) who have a nationality, as attendees (to check)."""
    seen = {p.get("person") for p in report.setdefault("participants", [])}
    for f in reading.agents_in(s, t, ("person",)):
        if f.entity in seen:
            continue
        seen.add(f.entity)
        party = reading.registry.entities[f.entity].attr("nationality")
        if not party:
            continue
        report["participants"].append(
            {
                "person": f.entity,
                "for": party,
                "role": "attendee",
                "evidence": evidence(reading.text, s, t, reading.excluded),
                "note": "drafted: named in a meeting sentence; check presence and role",
            }
        )
