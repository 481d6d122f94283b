"""How a meeting looks to event coders: its parties, who hosted it, and its CAMEO/PLOVER codes.

The rule (docs/export.md): the host is the party of the meeting's `host:` (the party its host
acted for, or the host state or organisation itself; the one most articles state), else the
party of a participant in the role of host, else the state the meeting's place lies in when
one of the parties is that state. Toward every other party the host "hosts a visit" (CAMEO
043) and they "make a visit" to it (042); two parties that are both guests meet at a third
location (044), as do parties meeting without a host in a state that is not a party; where
neither the host nor the place's state is known, the code is the unspecified 040 (consult).
A mediator mediates (045) toward every other party.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from parley.analyst.facts import Facts, MeetingInfo, ParticipationFact
from parley.model.iris import PARLEY

HOST_PROPERTY = str(PARLEY.host)
# PLOVER CONSULT mode -> the CAMEO code of the same event (CAMEO2PLOVER-2021: 042 visit,
# 043 host, 044 third-party; 040 consult has no mode)
MODE_CAMEO = {"visit": "042", "third-party": "044", None: "040"}


@dataclass(frozen=True)
class MeetingShape:
    """Who was at a meeting, as the articles state it, and how CAMEO/PLOVER see it."""

    meeting: MeetingInfo
    parties: tuple[str, ...]  # every party present: some participant (named or not) acted
    # for it, or it hosted
    host: str | None  # the hosting party
    mediators: tuple[str, ...]  # parties of participants in the role of mediator (not the host)
    place_country: str | None  # the state the meeting's place lies in

    @property
    def visitors(self) -> tuple[str, ...]:
        """The parties that came to the meeting: all but the host and the mediators."""
        return tuple(p for p in self.parties if p != self.host and p not in self.mediators)

    @property
    def mode(self) -> str | None:
        """The PLOVER CONSULT mode: `visit` (one party visits the host), `third-party` (the
        parties meet where a third party hosts them, or in a state that is not a party), else
        None (neither host nor the place's state known)."""
        if self.host is not None:
            if not self.visitors:
                return None
            return "visit" if len(self.visitors) == 1 else "third-party"
        return "third-party" if self.place_country is not None else None

    def cameo(self, source: str, target: str) -> str | None:
        """The CAMEO code of the dyad source -> target (None: no event that way)."""
        if source == self.host:
            return "043"  # host a visit
        if target == self.host:
            return "042"  # make a visit
        if target in self.mediators:
            return None  # mediation goes from the mediator to the parties
        if source in self.mediators:
            return "045"  # mediate
        if self.host is not None or self.place_country is not None:
            return "044"  # meet at a "third" location
        return "040"  # consult, not specified


def meeting_shape(
    facts: Facts, meeting: MeetingInfo, parts: list[ParticipationFact]
) -> MeetingShape:
    present = {p.party for p in parts}
    country = facts.country_of(meeting.place)
    host = _host(facts, meeting, parts, present, country)
    parties = sorted(present | ({host} if host else set()))
    mediators = sorted({p.party for p in parts if p.role == "mediator"} - {host})
    return MeetingShape(meeting, tuple(parties), host, tuple(mediators), country)


def _host(
    facts: Facts,
    meeting: MeetingInfo,
    parts: list[ParticipationFact],
    present: set[str],
    country: str | None,
) -> str | None:
    """The hosting party: from `host:`, else from the role of host, else from the place."""
    stated = Counter(
        _party_of(facts, a.value, parts)
        for a in facts.assertions
        if a.subject == meeting.iri and a.property == HOST_PROPERTY and a.value_is_iri
    )
    stated.pop(None, None)
    if not stated:
        stated = Counter(p.party for p in parts if p.role == "host")
    if stated:
        return sorted(stated.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return country if country in present else None


def _party_of(facts: Facts, agent: str, parts: list[ParticipationFact]) -> str | None:
    """The party a host stands for: a state or organisation itself; a person, the party they
    act for at the meeting (the most often stated), else the party of their other meetings."""
    info = facts.entities.get(agent)
    if info is None:
        return None
    if info.kind in ("state", "organisation"):
        return agent
    acting = Counter(p.party for p in parts if p.person == agent)
    if acting:
        return sorted(acting.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return facts.party_of(agent)


def attended_meetings(facts: Facts) -> Iterator[tuple[MeetingShape, list[ParticipationFact]]]:
    """Each meeting some article names a participant of, by date: its shape and participations."""
    for meeting in sorted(facts.meetings.values(), key=lambda m: (m.date or "", m.iri)):
        parts = [p for p in facts.participations if p.meeting == meeting.iri]
        if parts:
            yield meeting_shape(facts, meeting, parts), parts
