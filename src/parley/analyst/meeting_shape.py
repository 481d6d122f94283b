"""How a meeting looks to event coders: its delegations, third parties, hosts and mode."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from parley.analyst.facts import Facts, MeetingInfo, ParticipationFact
from parley.model.records import DELEGATION_ROLES

THIRD_PARTY_ROLES = ("host", "mediator")


@dataclass(frozen=True)
class MeetingShape:
    """Who was at a meeting, as the articles state it, and how CAMEO/PLOVER see it."""

    meeting: MeetingInfo
    delegations: tuple[str, ...]  # parties with a delegation role
    third_parties: tuple[str, ...]  # host/mediator/attendee parties without a delegation
    hosts: tuple[str, ...]  # parties whose member hosted or mediated
    mode: str
    place_country: str | None


def meeting_shape(facts: Facts, meeting: MeetingInfo) -> MeetingShape:
    parts = [p for p in facts.participations if p.meeting == meeting.iri]
    delegations = sorted({p.party for p in parts if p.role in DELEGATION_ROLES})
    others = sorted({p.party for p in parts if p.party not in delegations})
    hosts = sorted(
        {p.party for p in parts if p.role in THIRD_PARTY_ROLES and p.party not in delegations}
    )
    country = facts.country_of(meeting.place)
    if hosts:
        mode = "mediate"
    elif country is not None and country in delegations:
        mode = "visit"
    else:
        mode = "meet"
    return MeetingShape(meeting, tuple(delegations), tuple(others), tuple(hosts), mode, country)


def attended_meetings(facts: Facts) -> Iterator[tuple[MeetingShape, list[ParticipationFact]]]:
    """Each meeting some article names a participant of, by date: its shape and participations."""
    for meeting in sorted(facts.meetings.values(), key=lambda m: (m.date or "", m.iri)):
        parts = [p for p in facts.participations if p.meeting == meeting.iri]
        if parts:
            yield meeting_shape(facts, meeting), parts
