"""CAMEO-coded dyadic CSV like ICEWS's: meetings both ways per pair, hosts, statements."""

from __future__ import annotations

import csv
import io
from itertools import permutations

from parley.analyst.alignment import Alignment, coded_statements
from parley.analyst.facts import Facts, StatementFact, local_name
from parley.analyst.meeting_shape import attended_meetings

# CAMEO code -> its name (CAMEO 1.1b3), used as ICEWS's "Event Text"
CAMEO_NAMES = {
    "010": "Make statement",
    "013": "Make optimistic comment",
    "016": "Deny responsibility",
    "019": "Express accord",
    "020": "Make an appeal or request",
    "030": "Express intent to cooperate",
    "040": "Consult",
    "041": "Discuss by telephone",
    "042": "Make a visit",
    "043": "Host a visit",
    "044": "Meet at a third location",
    "045": "Mediate",
    "046": "Engage in negotiation",
    "051": "Praise or endorse",
    "100": "Demand",
    "111": "Criticize or denounce",
    "112": "Accuse",
    "120": "Reject",
}
CSV_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Kind",
    "Source Country",
    "Source Wikidata",
    "Event Text",
    "CAMEO Code",
    "Target Name",
    "Target Kind",
    "Target Country",
    "Target Wikidata",
    "Story ID",
    "Publisher",
    "Story Date",
    "City",
    "Country",
    "Quote",
    "Quote Start",
    "Quote End",
    "Source IRI",
    "Target IRI",
)


def write_cameo_csv(facts: Facts, alignment: dict[str, Alignment]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(cameo_rows(facts, alignment))
    return buf.getvalue().encode("utf-8")


def cameo_rows(facts: Facts, alignment: dict[str, Alignment]) -> list[dict[str, str]]:
    """Dyadic rows: meetings coded both ways per pair of parties present (named or unnamed
    participants), by host and place (`parley.analyst.meeting_shape`), and one row per
    statement (speaker -> target)."""
    rows = _meeting_rows(facts)
    for s, align in coded_statements(facts.statements, alignment, "cameo"):
        rows.append(_statement_row(facts, s, align))
    return rows


def _meeting_rows(facts: Facts) -> list[dict[str, str]]:
    rows = []
    for shape, parts in attended_meetings(facts):
        meeting = shape.meeting
        stories = " ".join(sorted({p.article for p in parts}))
        dyads = [(a, b, shape.cameo(a, b)) for a, b in permutations(shape.parties, 2)]
        for source, target, cameo in dyads:
            if cameo is None:
                continue
            rows.append(
                _row(
                    facts,
                    event_id=f"{meeting.iri}#{local_name(source)}-{local_name(target)}",
                    date=meeting.date,
                    source=source,
                    target=target,
                    cameo=cameo,
                    story=stories,
                    place=meeting.place,
                )
            )
    return rows


def _statement_row(facts: Facts, s: StatementFact, align: Alignment) -> dict[str, str]:
    article = facts.articles.get(s.article)
    meeting = facts.meetings.get(s.meeting or "")
    return _row(
        facts,
        event_id=s.iri,
        date=s.date or (article.date if article else None),
        source=s.speaker,
        target=s.target,
        cameo=align.cameo,
        story=s.article,
        place=meeting.place if meeting else None,
        quote=s.quote,
        span=s.quote_span,
        event_text=align.label,
    )


def _row(
    facts,
    *,
    event_id,
    date,
    source,
    target,
    cameo,
    story,
    place,
    quote="",
    span=None,
    event_text="",
):
    first_story = story.split(" ")[0]
    article = facts.articles.get(first_story)
    country = facts.country_of(place)
    row = {
        "Event ID": event_id,
        "Event Date": date or "",
        "Source Name": facts.label(source),
        "Source Kind": facts.kind_of(source) or "",
        "Source Country": facts.label(_country_of_agent(facts, source)),
        "Source Wikidata": facts.qid(source) or "",
        "Event Text": CAMEO_NAMES.get(cameo, event_text),
        "CAMEO Code": cameo,
        "Target Name": facts.label(target),
        "Target Kind": facts.kind_of(target) or "",
        "Target Country": facts.label(_country_of_agent(facts, target)),
        "Target Wikidata": facts.qid(target) or "",
        "Story ID": story,
        "Publisher": facts.label(article.publisher) if article and article.publisher else "",
        "Story Date": article.date or "" if article else "",
        "City": facts.label(place) if place and facts.entities[place].kind == "place" else "",
        "Country": facts.label(country),
        "Quote": quote,
        "Quote Start": str(span.start) if span else "",
        "Quote End": str(span.end) if span else "",
        "Source IRI": source or "",
        "Target IRI": target or "",
    }
    return row


def _country_of_agent(facts: Facts, iri: str | None) -> str | None:
    info = facts.entities.get(iri or "")
    if info is None:
        return None
    if info.kind == "state":
        return iri
    if info.kind == "person":
        party = facts.party_of(iri or "")
        return _country_of_agent(facts, party) if party and party != iri else None
    return None
