"""One self-contained, accessible HTML report of the graph: timeline, network, meetings,
statements in their sentences, and the conflicts between sources. No network access needed."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from itertools import combinations
from pathlib import Path

from parley.analyst.export import kind_alignment
from parley.analyst.facts import (
    Evidence,
    Facts,
    MeetingInfo,
    article_text,
    in_sentence,
    local_name,
    read_facts,
)
from parley.api import open_store
from parley.model.kgio import write_atomic
from parley.model.records import MONTHS

# Okabe–Ito palette: distinguishable with common colour-vision deficiencies
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
UNKNOWN_COLOUR = "#999999"
ROLE_NAMES = {
    "host": "host",
    "head-of-delegation": "head of delegation",
    "deputy-head-of-delegation": "deputy head of delegation",
    "delegation-member": "delegation member",
    "attendee": "attendee",
    "mediator": "mediator",
    "observer": "observer",
}
CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #ccc; --mark: #fff3a3; }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--ink); margin: 0; background: #fff; }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
header { border-bottom: 2px solid var(--ink); padding-bottom: .5rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
a { color: #0b4f8a; }
a:focus, a:hover { outline: 2px solid #0b4f8a; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; font-size: .95rem; }
caption { text-align: left; font-weight: bold; padding: .25rem 0; }
th, td { border: 1px solid var(--rule); padding: .25rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f0f0f0; }
mark { background: var(--mark); color: inherit; padding: 0 .1em; }
.meta { color: var(--muted); font-size: .9rem; margin: .1rem 0 .8rem; }
.timeline { border-left: 3px solid var(--ink); padding-left: 1rem; list-style: none; }
.timeline li { margin-bottom: .75rem; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }
.swatch { display: inline-block; width: 1em; height: 1em; border-radius: 50%;
  vertical-align: middle; margin-right: .3em; border: 1px solid #333; }
figure { margin: 0; }
svg { max-width: 100%; height: auto; border: 1px solid var(--rule); }
blockquote { margin: 0; padding-left: .75rem; border-left: 3px solid var(--rule); }
footer { border-top: 1px solid var(--rule); margin-top: 2rem; color: var(--muted); }
"""


@dataclass(frozen=True)
class ReportResult:
    html: str
    path: Path | None
    meetings: int
    statements: int
    people: int
    conflicts: int


def report(kg: Path, out: Path | None = None, seeds: Path | None = None) -> ReportResult:
    """Render the report of the graph in `kg/`; write it atomically to `out` when given."""
    facts = read_facts(open_store(kg).dataset)
    texts = {a: article_text(info, seeds) for a, info in facts.articles.items()}
    html = render_report(facts, texts)
    if out is not None:
        write_atomic(out, html.encode("utf-8"))
    people = {p.person for p in facts.participations if p.person}
    return ReportResult(
        html=html,
        path=out,
        meetings=len(_reported_meetings(facts)),
        statements=len(facts.statements),
        people=len(people),
        conflicts=len(facts.conflicts()) + len(facts.office_conflicts()),
    )


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _reported_meetings(facts: Facts) -> list[MeetingInfo]:
    reported = {p.meeting for p in facts.participations} | {
        a.subject for a in facts.assertions if a.subject in facts.meetings
    }
    return sorted(
        (m for m in facts.meetings.values() if m.iri in reported),
        key=lambda m: (m.date or "9999", m.iri),
    )


def _anchor(iri: str) -> str:
    return "m-" + local_name(iri)


def render_report(facts: Facts, texts: dict[str, str | None]) -> str:
    colours = party_colours(facts)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Parley report: who met whom, who said what</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        '<a href="#main" class="skip">Skip to the report</a>',
        "<header>",
        "<h1>Parley report: who met whom, who said what</h1>",
        f"<p>From {len(facts.articles)} articles: {len(_reported_meetings(facts))} meetings, "
        f"{len(facts.statements)} statements.</p>",
        '<nav aria-label="Sections"><ul>',
        *(
            f'<li><a href="#{i}">{_e(t)}</a></li>'
            for i, t in (
                ("timeline", "Timeline"),
                ("network", "Who met whom"),
                ("meetings", "Meetings"),
                ("statements", "Statements"),
                ("conflicts", "Where sources disagree"),
                ("sources", "Sources"),
            )
        ),
        "</ul></nav>",
        "</header>",
        '<main id="main">',
        _timeline(facts),
        _network_section(facts, colours),
        _meetings(facts),
        _statements(facts, texts),
        _conflicts(facts, texts),
        _sources(facts),
        "</main>",
        "<footer><p>Generated by <code>parley report</code> from the knowledge graph. Every "
        "fact links to the words of its source.</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _section(ident: str, title: str, body: list[str]) -> str:
    return "\n".join(
        [
            f'<section id="{ident}" aria-labelledby="{ident}-h">',
            f'<h2 id="{ident}-h">{_e(title)}</h2>',
            *body,
            "</section>",
        ]
    )


def _date_text(value: str | None) -> str:
    if not value:
        return "date unknown"
    months = MONTHS
    try:
        year, month, day = value.split("-")
        return f"{int(day)} {months[int(month) - 1]} {year}"
    except ValueError:
        return value


def _timeline(facts: Facts) -> str:
    items = []
    for m in _reported_meetings(facts):
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
            f'<time datetime="{_e(m.date)}">{_e(_date_text(m.date))}</time>'
            if m.date
            else "date unknown"
        )
        notes = "; ".join(f"{_date_text(v)} per {_e(a)}" for v, a in stated)
        items.append(
            f'<li>{date_html}: <a href="#{_anchor(m.iri)}">{_e(m.label)}</a>'
            f"{' in ' + _e(facts.label(m.place)) if m.place else ''}. "
            f'<span class="meta">Reported by {len(sources)} article(s)'
            f"{': ' + notes if notes else ''}.</span></li>"
        )
    body = ['<ol class="timeline">', *items, "</ol>"] if items else ["<p>No meetings.</p>"]
    return _section("timeline", "Timeline of meetings", body)


def party_colours(facts: Facts) -> dict[str, str]:
    """A colour per party that people act for, in label order (deterministic)."""
    parties = sorted(
        {facts.party_of(p) for p in _people(facts)} - {None},
        key=lambda iri: (facts.label(iri), iri),
    )
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(parties) if p}


def _people(facts: Facts) -> list[str]:
    return sorted(
        {p.person for p in facts.participations if p.person},
        key=lambda iri: (facts.label(iri), iri),
    )


def met_pairs(facts: Facts) -> dict[tuple[str, str], set[str]]:
    """(person a, person b) in IRI order -> the meetings both took part in (any source)."""
    by_meeting: dict[str, set[str]] = defaultdict(set)
    for p in facts.participations:
        if p.person:
            by_meeting[p.meeting].add(p.person)
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for meeting, people in by_meeting.items():
        for a, b in combinations(sorted(people), 2):
            pairs[(a, b)].add(meeting)
    return dict(sorted(pairs.items()))


def network_svg(facts: Facts, colours: dict[str, str]) -> str:
    """Who met whom: people on a circle in label order, edges weighted by shared meetings."""
    people = _people(facts)
    pairs = met_pairs(facts)
    width, height, radius = 880, 560, 200
    cx, cy = width / 2, height / 2 - 20
    pos = {}
    for i, person in enumerate(people):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(people))
        pos[person] = (
            round(cx + radius * math.cos(angle), 1),
            round(cy + radius * math.sin(angle), 1),
        )
    desc = "; ".join(
        f"{facts.label(a)} met {facts.label(b)} ({len(ms)} meeting{'s' if len(ms) > 1 else ''})"
        for (a, b), ms in pairs.items()
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="net-title net-desc">',
        '<title id="net-title">Who met whom: people who took part in the same meeting</title>',
        f'<desc id="net-desc">{_e(desc or "No pairs of named participants.")}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        '<g stroke="#555555" stroke-opacity="0.7">',
    ]
    for (a, b), meetings in pairs.items():
        (x1, y1), (x2, y2) = pos[a], pos[b]
        out.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke-width="{1 + 2 * len(meetings)}">'
            f"<title>{_e(facts.label(a))} – {_e(facts.label(b))}: "
            f"{_e(', '.join(facts.label(m) for m in sorted(meetings)))}</title></line>"
        )
    out.append("</g>")
    for person in people:
        x, y = pos[person]
        party = facts.party_of(person)
        colour = colours.get(party or "", UNKNOWN_COLOUR)
        anchor = "start" if x > cx + 1 else "end" if x < cx - 1 else "middle"
        dx = 14 if anchor == "start" else -14 if anchor == "end" else 0
        dy = -14 if y < cy and anchor == "middle" else 22 if anchor == "middle" else 5
        out.append(
            f'<g><circle cx="{x}" cy="{y}" r="10" fill="{colour}" stroke="#222222" '
            f'stroke-width="1.5"><title>{_e(facts.label(person))} '
            f"(acts for {_e(facts.label(party) or 'unknown')})</title></circle>"
            f'<text x="{round(x + dx, 1)}" y="{round(y + dy, 1)}" text-anchor="{anchor}" '
            f'font-family="sans-serif" font-size="14" fill="#111111">'
            f"{_e(facts.label(person))}</text></g>"
        )
    ly = height - 24
    lx = 16
    out.append('<g font-family="sans-serif" font-size="14" fill="#111111">')
    for party, colour in colours.items():
        out.append(
            f'<circle cx="{lx + 7}" cy="{ly - 5}" r="7" fill="{colour}" stroke="#222222"/>'
            f'<text x="{lx + 20}" y="{ly}">{_e(facts.label(party))}</text>'
        )
        lx += 30 + 9 * len(facts.label(party))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _network_section(facts: Facts, colours: dict[str, str]) -> str:
    legend = [
        '<ul class="legend" aria-label="Colour legend: the party each person acts for">',
        *(
            f'<li><span class="swatch" style="background:{c}" aria-hidden="true"></span>'
            f"{_e(facts.label(p))}</li>"
            for p, c in colours.items()
        ),
        "</ul>",
    ]
    rows = [
        f"<tr><td>{_e(facts.label(a))}</td><td>{_e(facts.label(b))}</td>"
        f"<td>{_e('; '.join(facts.label(m) for m in sorted(ms)))}</td></tr>"
        for (a, b), ms in met_pairs(facts).items()
    ]
    body = [
        "<figure>",
        network_svg(facts, colours),
        "<figcaption>People are placed on a circle in alphabetical order and coloured by the "
        "party they act for; a line joins two people who took part in the same meeting "
        "(thicker: more meetings).</figcaption>",
        "</figure>",
        *legend,
        "<table>",
        "<caption>Pairs of people who took part in the same meeting</caption>",
        '<thead><tr><th scope="col">Person</th><th scope="col">Person</th>'
        '<th scope="col">Meetings</th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody></table>",
    ]
    return _section("network", "Who met whom", body)


def _cite(facts: Facts, article: str) -> str:
    info = facts.articles.get(article)
    if info is None:
        return _e(article)
    bits = [facts.label(info.publisher) if info.publisher else "outlet not named"]
    if info.date:
        bits.append(info.date)
    return f'<a href="#src-{_e(article)}">{_e(article)}</a> ({_e(", ".join(bits))})'


def _meetings(facts: Facts) -> str:
    body = []
    for m in _reported_meetings(facts):
        parts = [p for p in facts.participations if p.meeting == m.iri]
        rows = []
        for p in sorted(parts, key=lambda p: (facts.label(p.party), p.role, p.article, p.iri)):
            who = _e(facts.label(p.person)) if p.person else "<em>unnamed</em>"
            evidence = f"“{_e(p.evidence.exact)}”" if p.evidence else ""
            rows.append(
                f"<tr><td>{who}</td><td>{_e(facts.label(p.party))}</td>"
                f"<td>{_e(ROLE_NAMES.get(p.role, p.role))}</td>"
                f"<td>{_cite(facts, p.article)}</td><td>{evidence}</td></tr>"
            )
        delegations: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for p in parts:
            if p.delegation and p.person:
                delegations[p.party].add((facts.label(p.person), ROLE_NAMES.get(p.role, p.role)))
        deleg = [
            f"<li><strong>{_e(facts.label(party))}</strong>: "
            + ", ".join(f"{_e(n)} ({_e(r)})" for n, r in sorted(members))
            + "</li>"
            for party, members in sorted(delegations.items(), key=lambda kv: facts.label(kv[0]))
        ]
        body += [
            f'<article id="{_anchor(m.iri)}" aria-labelledby="{_anchor(m.iri)}-h">',
            f'<h3 id="{_anchor(m.iri)}-h">{_e(m.label)}</h3>',
            f'<p class="meta">Registry: {_e(_date_text(m.date))}'
            f"{', ' + _e(facts.label(m.place)) if m.place else ''}.</p>",
            "<h4>Delegations</h4>",
            f"<ul>{''.join(deleg)}</ul>" if deleg else "<p>No delegation named.</p>",
            "<table>",
            f"<caption>Participants of {_e(m.label)}, as each source states them</caption>",
            '<thead><tr><th scope="col">Person</th><th scope="col">Acting for</th>'
            '<th scope="col">Role</th><th scope="col">Source</th>'
            '<th scope="col">Evidence</th></tr></thead>',
            "<tbody>",
            *rows,
            "</tbody></table>",
            "</article>",
        ]
    return _section("meetings", "Meetings", body or ["<p>No meetings.</p>"])


def _in_sentence_html(span: Evidence | None, quote: str, text: str | None) -> str:
    if span is None:
        return f"<mark>{_e(quote)}</mark>"
    before, exact, after = in_sentence(span, text)
    return f"{_e(before)}<mark>{_e(exact)}</mark>{_e(after)}"


def _statements(facts: Facts, texts: dict[str, str | None]) -> str:
    kinds = kind_alignment()
    body = []
    by_article: dict[str, list] = defaultdict(list)
    for s in facts.statements:
        by_article[s.article].append(s)
    for article in sorted(by_article):
        info = facts.articles.get(article)
        title = info.headline if info and info.headline else article
        items = []
        for s in by_article[article]:
            kind = kinds[s.kind].label if s.kind in kinds else s.kind
            meta = [f"{'reported speech' if s.paraphrase else 'direct quotation'}", kind]
            if s.target:
                meta.append(f"to/about {facts.label(s.target)}")
            if s.meeting:
                meta.append(f"context: {facts.label(s.meeting)}")
            if s.date:
                meta.append(s.date)
            items.append(
                f"<li><p><strong>{_e(facts.label(s.speaker))}</strong></p>"
                f"<blockquote><p>{_in_sentence_html(s.quote_span, s.quote, texts.get(article))}"
                f'</p></blockquote><p class="meta">{_e(" · ".join(meta))}</p></li>'
            )
        body += [
            f'<article aria-labelledby="st-{_e(article)}-h">',
            f'<h3 id="st-{_e(article)}-h">{_e(title)}</h3>',
            f'<p class="meta">{_cite(facts, article)}</p>',
            "<ol>",
            *items,
            "</ol>",
            "</article>",
        ]
    return _section("statements", "Statements, in the sentences of their articles", body)


def _value_text(facts: Facts, value: str, is_iri: bool) -> str:
    return facts.label(value) if is_iri else value


def _conflicts(facts: Facts, texts: dict[str, str | None]) -> str:
    rows = []
    for c in facts.conflicts():
        for value, assertions in c.values:
            is_iri = assertions[0].value_is_iri
            for a in assertions:
                quote = (
                    _in_sentence_html(a.evidence, "", texts.get(a.article)) if a.evidence else ""
                )
                qual = f" ({a.qualifier})" if a.qualifier else ""
                rows.append(
                    f"<tr><td>{_e(facts.label(c.subject))}</td>"
                    f"<td>{_e(_property_text(c.property))}</td>"
                    f"<td>{_e(_value_text(facts, value, is_iri))}{_e(qual)}</td>"
                    f"<td>{_cite(facts, a.article)}</td><td>{quote}</td></tr>"
                )
    office_rows = []
    for oc in facts.office_conflicts():
        o = oc.office
        office_rows.append(
            f"<tr><td>{_e(facts.label(o.person))}</td><td>{_e(facts.label(o.post))}</td>"
            f"<td>{_e(', '.join(facts.label(h) for h in oc.registry_holders))}</td>"
            f"<td>{_e(', '.join(facts.label(p) for p in oc.person_posts) or '—')}</td>"
            f"<td>{_cite(facts, o.article)}</td>"
            f"<td>{'“' + _e(o.evidence.exact) + '”' if o.evidence else ''}</td></tr>"
        )
    body = [
        "<table>",
        "<caption>Facts that two or more sources state differently</caption>",
        '<thead><tr><th scope="col">About</th><th scope="col">What</th>'
        '<th scope="col">Value</th><th scope="col">Source</th>'
        '<th scope="col">In the source’s words</th></tr></thead>',
        "<tbody>",
        *(rows or ['<tr><td colspan="5">No disagreements found.</td></tr>']),
        "</tbody></table>",
        "<table>",
        "<caption>Offices an article gives to someone the registry does not record as the "
        "holder</caption>",
        '<thead><tr><th scope="col">Person</th><th scope="col">Post, as stated</th>'
        '<th scope="col">Registry holder</th><th scope="col">Posts the registry gives the '
        'person</th><th scope="col">Source</th><th scope="col">Evidence</th></tr></thead>',
        "<tbody>",
        *(office_rows or ['<tr><td colspan="6">None.</td></tr>']),
        "</tbody></table>",
    ]
    return _section("conflicts", "Where sources disagree", body)


def _property_text(prop: str) -> str:
    name = local_name(prop)
    out = "".join(" " + ch.lower() if ch.isupper() else ch for ch in name)
    return out.strip()


def _sources(facts: Facts) -> str:
    rows = []
    for article, info in sorted(facts.articles.items()):
        rows.append(
            f'<tr id="src-{_e(article)}"><td>{_e(article)}</td>'
            f"<td>{_e(info.headline or '')}</td>"
            f"<td>{_e(facts.label(info.publisher) if info.publisher else 'not named')}</td>"
            f"<td>{_e(info.date or 'unknown')} ({_e(info.date_basis or 'unknown')})</td>"
            f"<td><code>{_e(info.source_file or '')}</code></td></tr>"
        )
    body = [
        "<table>",
        "<caption>The articles this report is built from</caption>",
        '<thead><tr><th scope="col">Id</th><th scope="col">Headline</th>'
        '<th scope="col">Outlet</th><th scope="col">Date (how known)</th>'
        '<th scope="col">File</th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody></table>",
    ]
    return _section("sources", "Sources", body)
