"""The report's who-met-whom section: people coloured by party, an SVG network and its table."""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations

from parley.analyst.facts import Facts
from parley.analyst.report_html import esc, section

# Okabe–Ito palette: distinguishable with common colour-vision deficiencies
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
UNKNOWN_COLOUR = "#999999"
WIDTH, HEIGHT, RADIUS = 880, 560, 200
CX, CY = WIDTH / 2, HEIGHT / 2 - 20


def party_colours(facts: Facts) -> dict[str, str]:
    """A colour per party that people act for, in label order (deterministic)."""
    parties = sorted(
        {facts.party_of(p) for p in _people(facts)} - {None},
        key=lambda iri: (facts.label(iri), iri),
    )
    return {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(parties) if p}


def _people(facts: Facts) -> list[str]:
    """Everyone who took part: the people, and the unnamed groups of parties."""
    return sorted(
        {who for p in facts.participations if (who := facts.who(p))},
        key=lambda iri: (facts.label(iri), iri),
    )


def met_pairs(facts: Facts) -> dict[tuple[str, str], set[str]]:
    """(person a, person b) in IRI order -> the meetings both took part in (any source); an
    unnamed group ("unnamed Iraqi delegation") takes part like a person."""
    by_meeting: dict[str, set[str]] = defaultdict(set)
    for p in facts.participations:
        if who := facts.who(p):
            by_meeting[p.meeting].add(who)
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for meeting, people in by_meeting.items():
        for a, b in combinations(sorted(people), 2):
            pairs[(a, b)].add(meeting)
    return dict(sorted(pairs.items()))


def network_svg(facts: Facts, colours: dict[str, str]) -> str:
    """Who met whom: people on a circle in label order, edges weighted by shared meetings."""
    people = _people(facts)
    pairs = met_pairs(facts)
    pos = {}
    for i, person in enumerate(people):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(people))
        pos[person] = (
            round(CX + RADIUS * math.cos(angle), 1),
            round(CY + RADIUS * math.sin(angle), 1),
        )
    desc = "; ".join(
        f"{facts.label(a)} met {facts.label(b)} ({len(ms)} meeting{'s' if len(ms) > 1 else ''})"
        for (a, b), ms in pairs.items()
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="net-title net-desc">',
        '<title id="net-title">Who met whom: people (and unnamed delegations) who took part in '
        "the same meeting</title>",
        f'<desc id="net-desc">{esc(desc or "No pairs of named participants.")}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        '<g stroke="#555555" stroke-opacity="0.7">',
    ]
    for (a, b), meetings in pairs.items():
        (x1, y1), (x2, y2) = pos[a], pos[b]
        out.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke-width="{1 + 2 * len(meetings)}">'
            f"<title>{esc(facts.label(a))} – {esc(facts.label(b))}: "
            f"{esc(', '.join(facts.label(m) for m in sorted(meetings)))}</title></line>"
        )
    out.append("</g>")
    out += [_svg_person(facts, colours, person, *pos[person]) for person in people]
    out += _svg_legend(facts, colours)
    out.append("</svg>")
    return "\n".join(out)


def _svg_person(facts: Facts, colours: dict[str, str], person: str, x: float, y: float) -> str:
    """A person's dot, coloured by party, with the name beside it, away from the centre."""
    party = facts.party_of(person)
    colour = colours.get(party or "", UNKNOWN_COLOUR)
    anchor = "start" if x > CX + 1 else "end" if x < CX - 1 else "middle"
    dx = 14 if anchor == "start" else -14 if anchor == "end" else 0
    dy = -14 if y < CY and anchor == "middle" else 22 if anchor == "middle" else 5
    return (
        f'<g><circle cx="{x}" cy="{y}" r="10" fill="{colour}" stroke="#222222" '
        f'stroke-width="1.5"><title>{esc(facts.label(person))} '
        f"(acts for {esc(facts.label(party) or 'unknown')})</title></circle>"
        f'<text x="{round(x + dx, 1)}" y="{round(y + dy, 1)}" text-anchor="{anchor}" '
        f'font-family="sans-serif" font-size="14" fill="#111111">'
        f"{esc(facts.label(person))}</text></g>"
    )


def _svg_legend(facts: Facts, colours: dict[str, str]) -> list[str]:
    """The colour of each party, in a row along the bottom of the picture."""
    ly = HEIGHT - 24
    lx = 16
    out = ['<g font-family="sans-serif" font-size="14" fill="#111111">']
    for party, colour in colours.items():
        out.append(
            f'<circle cx="{lx + 7}" cy="{ly - 5}" r="7" fill="{colour}" stroke="#222222"/>'
            f'<text x="{lx + 20}" y="{ly}">{esc(facts.label(party))}</text>'
        )
        lx += 30 + 9 * len(facts.label(party))
    out.append("</g>")
    return out


def network_section(facts: Facts, colours: dict[str, str]) -> str:
    legend = [
        '<ul class="legend" aria-label="Colour legend: the party each person acts for">',
        *(
            f'<li><span class="swatch" style="background:{c}" aria-hidden="true"></span>'
            f"{esc(facts.label(p))}</li>"
            for p, c in colours.items()
        ),
        "</ul>",
    ]
    rows = [
        f"<tr><td>{esc(facts.label(a))}</td><td>{esc(facts.label(b))}</td>"
        f"<td>{esc('; '.join(facts.label(m) for m in sorted(ms)))}</td></tr>"
        for (a, b), ms in met_pairs(facts).items()
    ]
    body = [
        "<figure>",
        network_svg(facts, colours),
        "<figcaption>People, and the unnamed delegations of parties whose people an article "
        "does not name, are placed on a circle in alphabetical order and coloured by the "
        "party they act for; a line joins two who took part in the same meeting "
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
    return section("network", "Who met whom", body)
