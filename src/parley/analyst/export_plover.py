"""PLOVER-style JSON Lines: one CONSULT record per meeting, one record per aligned statement."""

from __future__ import annotations

import json

from parley.analyst.alignment import Alignment, coded_statements
from parley.analyst.facts import ArticleInfo, Evidence, Facts, ParticipationFact, StatementFact
from parley.analyst.meeting_shape import MODE_CAMEO, MeetingShape, attended_meetings


def write_plover(facts: Facts, alignment: dict[str, Alignment]) -> bytes:
    lines = [
        json.dumps(r, ensure_ascii=False, sort_keys=True) for r in plover_records(facts, alignment)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def plover_records(facts: Facts, alignment: dict[str, Alignment]) -> list[dict]:
    """One CONSULT record per meeting, one record per statement whose kind has a PLOVER type."""
    records = [_meeting_record(facts, shape, parts) for shape, parts in attended_meetings(facts)]
    for s, align in coded_statements(facts.statements, alignment, "plover"):
        records.append(_statement_record(facts, s, align))
    return records


def _meeting_record(facts: Facts, shape: MeetingShape, parts: list[ParticipationFact]) -> dict:
    meeting = shape.meeting
    sources = sorted({p.article for p in parts})
    hosts = [shape.host] if shape.host else []
    return {
        "id": meeting.iri,
        "date": meeting.date,
        "event_type": "CONSULT",
        "mode": shape.mode,
        "context": ["diplomatic"] if shape.mediators else [],
        "cameo": MODE_CAMEO[shape.mode],
        "label": meeting.label,
        "actors": [_party_entry(facts, p) for p in shape.visitors],
        "recipients": [_party_entry(facts, p) for p in [*hosts, *shape.mediators]],
        "participants": [
            {
                "person": _party_entry(facts, facts.who(p)),
                "acting_for": _party_entry(facts, p.party),
                "role": p.role,
                "citation": _citation(facts, p.evidence, p.article),
            }
            for p in parts
        ],
        "location": _location(facts, meeting.place),
        "sources": [_citation(facts, None, a) for a in sources],
    }


def _statement_record(facts: Facts, s: StatementFact, align: Alignment) -> dict:
    article = facts.articles.get(s.article)
    date, basis = s.date, s.date_basis
    if date is None and article is not None:
        date, basis = article.date, "article-date"
    meeting = facts.meetings.get(s.meeting or "")
    return {
        "id": s.iri,
        "date": date,
        "date_basis": basis,
        "event_type": align.plover,
        "mode": align.mode,
        "quotation": not s.paraphrase,
        "context": [facts.label(t) for t in s.topics],
        "cameo": align.cameo,
        "kind": s.kind,
        "actors": [_agent_entry(facts, s.speaker)],
        "recipients": [_agent_entry(facts, s.target)] if s.target else [],
        "meeting": s.meeting,
        "location": _location(facts, meeting.place) if meeting else None,
        "text": s.quote,
        "citation": _citation(facts, s.quote_span, s.article),
    }


# --- record parts ------------------------------------------------------------------------


def _citation(facts: Facts, span: Evidence | None, article: str) -> dict:
    info: ArticleInfo | None = facts.articles.get(article)
    out = {
        "article": info.iri if info else None,
        "article_id": article,
        "headline": info.headline if info else None,
        "publisher": facts.label(info.publisher) if info and info.publisher else None,
        "publisher_iri": info.publisher if info else None,
        "date_published": info.date if info else None,
        "date_basis": info.date_basis if info else None,
        "source_file": info.source_file if info else None,
        "sha256": info.sha256 if info else None,
    }
    if span is not None:
        out["text"] = span.exact
        out["start"] = span.start
        out["end"] = span.end
    return out


def _party_entry(facts: Facts, iri: str | None) -> dict | None:
    """A registry entity (or an unnamed group, kind `unnamed-group`) as PLOVER's actor entry."""
    if iri is None:
        return None
    return {
        "id": iri,
        "name": facts.label(iri),
        "kind": facts.kind_of(iri),
        "wikidata": facts.qid(iri),
    }


def _agent_entry(facts: Facts, iri: str | None) -> dict | None:
    if iri is None:
        return None
    entry = _party_entry(facts, iri)
    info = facts.entities.get(iri)
    if info and info.kind == "person":
        party = facts.party_of(iri)
        entry["acting_for"] = _party_entry(facts, party) if party else None
    return entry


def _location(facts: Facts, place: str | None) -> dict | None:
    if place is None:
        return None
    country = facts.country_of(place)
    return {
        "id": place,
        "name": facts.label(place),
        "wikidata": facts.qid(place),
        "country": facts.label(country) if country else None,
        "country_wikidata": facts.qid(country),
    }
