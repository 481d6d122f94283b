"""Drafted meeting reports: sentences with a meeting word, matched to one registry meeting."""

from __future__ import annotations

import datetime as dt
import re

from parley.authoring.dates import date_in
from parley.authoring.reading import Reading
from parley.authoring.spans import evidence, sentences
from parley.model.records import Entity
from parley.seeds.quotes import in_any

MEETING_TRIGGER = re.compile(r"\b(?:talks|meeting|meetings|met|meet)\b")
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


def draft_meetings(reading: Reading) -> list[dict]:
    """One meeting report per registry meeting the article's sentences speak of, with its
    date and the people named in those sentences (who have a nationality) as attendees."""
    text = reading.text
    meetings = {e.id: e for e in reading.registry.of_kind("meeting")}
    reports: dict[str, dict] = {}
    for s, t in sentences(text):
        if in_any(s, t, reading.excluded):
            continue
        sentence = text[s:t]
        trigger = MEETING_TRIGGER.search(sentence)
        if trigger is None:
            continue
        date = date_in(reading, s, t)
        meeting = _which_meeting(reading, sentence, date, meetings)
        if meeting is None:
            continue
        report = reports.get(meeting)
        if report is None:
            report = {"event": meeting, "evidence": evidence(text, s, t, reading.excluded)}
            reports[meeting] = report
        if date and "date" not in report and date["value"] == meetings[meeting].attr("date"):
            report["date"] = {k: v for k, v in date.items() if not k.startswith("_")}
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
                    "evidence": evidence(text, s, t, reading.excluded),
                    "note": "drafted: named in a meeting sentence; check presence and role",
                }
            )
    return [reports[k] for k in sorted(reports)]


def _which_meeting(
    reading: Reading, sentence: str, date, meetings: dict[str, Entity]
) -> str | None:
    """The one meeting a sentence means: by ordinal ("second round"), by its date, or the
    one meeting in the week before the article."""
    words = re.findall(r"[a-z]+", sentence.lower())
    for word, number in ORDINALS.items():
        if word in words:
            rounds = [m.id for m in meetings.values() if m.attr("round") == number]
            if len(rounds) == 1:
                return rounds[0]
    if date is not None:
        same = [m.id for m in meetings.values() if m.attr("date") == date["value"]]
        if len(same) == 1:
            return same[0]
    if reading.date is not None:
        recent = [
            m
            for m in meetings.values()
            if isinstance(m.attr("date"), dt.date)
            and dt.timedelta(0) <= reading.date - m.attr("date") <= dt.timedelta(days=7)
        ]
        if len(recent) == 1:
            return recent[0].id
    return None
