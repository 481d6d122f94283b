"""The report's sections on meetings: the timeline, and each meeting's delegations and sources."""

from __future__ import annotations

from collections import defaultdict

from parley.analyst.facts import Facts, MeetingInfo, ParticipationFact, local_name
from parley.analyst.report_html import cite, esc, meeting_anchor, section
from parley.analyst.wording import role_words
from parley.model.records import MONTHS


def date_text(value: str | None) -> str:
    """An ISO date in words (`2007-05-28` -> `28 May 2007`)."""
    if not value:
        return "date unknown"
    try:
        year, month, day = value.split("-")
        return f"{int(day)} {MONTHS[int(month) - 1]} {year}"
    except ValueError:
        return value


def timeline_section(facts: Facts) -> str:
    items = [_timeline_item(facts, m) for m in facts.reported_meetings()]
    body = ['<ol class="timeline">', *items, "</ol>"] if items else ["<p>No meetings.</p>"]
    return section("timeline", "Timeline of meetings", body)


def _timeline_item(facts: Facts, m: MeetingInfo) -> str:
    sources = sorted(
        {p.article for p in facts.participations if p.meeting == m.iri}
        | {a.article for a in facts.assertions if a.subject == m.iri}
    )
    stated = sorted(
        {
            (a.value, a.article)
            for a in facts.assertions
            if a.subject == m.iri and local_name(a.property) == "date"
        }
    )
    date_html = (
        f'<time datetime="{esc(m.date)}">{esc(date_text(m.date))}</time>'
        if m.date
        else "date unknown"
    )
    notes = "; ".join(f"{date_text(v)} per {cite(facts, a)}" for v, a in stated)
    return (
        f'<li>{date_html}: <a href="#{meeting_anchor(m.iri)}">{esc(m.label)}</a>'
        f"{' in ' + esc(facts.label(m.place)) if m.place else ''}. "
        f'<span class="meta">Reported by {len(sources)} article(s)'
        f"{': ' + notes if notes else ''}.</span></li>"
    )


def meetings_section(facts: Facts) -> str:
    body = []
    for m in facts.reported_meetings():
        body += _meeting_entry(facts, m)
    return section("meetings", "Meetings", body or ["<p>No meetings.</p>"])


def _meeting_entry(facts: Facts, m: MeetingInfo) -> list[str]:
    parts = [p for p in facts.participations if p.meeting == m.iri]
    rows = [
        _participant_row(facts, p)
        for p in sorted(parts, key=lambda p: (facts.label(p.party), p.role, p.article, p.iri))
    ]
    deleg = _delegation_items(facts, parts)
    anchor = meeting_anchor(m.iri)
    return [
        f'<article id="{anchor}" aria-labelledby="{anchor}-h">',
        f'<h3 id="{anchor}-h">{esc(m.label)}</h3>',
        f'<p class="meta">Registry: {esc(date_text(m.date))}'
        f"{', ' + esc(facts.label(m.place)) if m.place else ''}.</p>",
        "<h4>Delegations</h4>",
        f"<ul>{''.join(deleg)}</ul>" if deleg else "<p>No delegation named.</p>",
        "<table>",
        f"<caption>Participants of {esc(m.label)}, as each source states them</caption>",
        '<thead><tr><th scope="col">Person</th><th scope="col">Acting for</th>'
        '<th scope="col">Role</th><th scope="col">Source</th>'
        '<th scope="col">Evidence</th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody></table>",
        "</article>",
    ]


def _participant_row(facts: Facts, p: ParticipationFact) -> str:
    who = esc(facts.label(p.person)) if p.person else f"<em>{esc(facts.label(p.group))}</em>"
    evidence = f"“{esc(p.evidence.exact)}”" if p.evidence else ""
    return (
        f"<tr><td>{who}</td><td>{esc(facts.label(p.party))}</td>"
        f"<td>{esc(role_words(p.role))}</td>"
        f"<td>{cite(facts, p.article)}</td><td>{evidence}</td></tr>"
    )


def _delegation_items(facts: Facts, parts: list[ParticipationFact]) -> list[str]:
    delegations: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for p in parts:
        if p.delegation and facts.who(p):
            delegations[p.party].add((facts.label(facts.who(p)), role_words(p.role)))
    return [
        f"<li><strong>{esc(facts.label(party))}</strong>: "
        + ", ".join(f"{esc(n)} ({esc(r)})" for n, r in sorted(members))
        + "</li>"
        for party, members in sorted(delegations.items(), key=lambda kv: facts.label(kv[0]))
    ]
