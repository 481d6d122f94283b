"""The head of an article: its title (the headline line, whole) and its outlet (from a byline,
a dateline, a "Source:" line or a copyright line; never an agency the text merely quotes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.authoring.reading import Reading
from parley.seeds.quotes import in_any

# lines that are not a headline: images, links, breadcrumbs, bylines, datelines, credits
NOT_HEADLINE = re.compile(
    r"!\[|\]\(|<<|>>|\.(?:gif|jpe?g|png)\b|^\s*(?:By|Source|Copyright|Posted|Published)\b"
    r"|^\s*[-–|]\s*$",
    re.I,
)
# (pattern, group holding the outlet's name): the article's own source
OUTLET_LINES = (
    # "By DPA"; "December 27, 2007|By Example News Service."
    re.compile(r"(?:^|\|)[ \t]*By\s+(?P<name>[A-Z][^\n,|]{1,60}?)\.?[ \t]*$", re.M),
    # "TEHRAN (Fars News Agency)-", "CITY, Country, Feb. 6 (UPI) --"
    re.compile(
        r"(?<![A-Z])[A-Z]{3,}[A-Z ,/'-]{0,30}(?:,\s*[A-Z][a-z]+(?: [A-Z][a-z]+)*)?"
        r"(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)?\s*"
        r"\((?P<name>[A-Z][^)\n]{1,50})\)\s*[-–—:]"
    ),
    # "ATHENS (Example News / Sputnik - 5th December, 2019) Following …": a line's dateline
    re.compile(r"^[A-Z]{3,}[A-Z ,'-]{0,30}\s*\((?P<name>[A-Z][^)\n]{1,60})\)", re.M),
    re.compile(r"^\s*Source\s*:\s*(?P<name>[A-Z][^\n,]{1,60})", re.M),
    # a sign-off: "— AFP" on a line of its own, or ending the last paragraph
    re.compile(r"(?:^|[.!?”\"]\s+)[-–—]{1,2}[ \t]*(?P<name>[A-Z][\w&'. -]{1,40}?)\s*\Z", re.M),
    re.compile(r"Copyright\s*(?:\(c\)|©)?\s*\d{4}\.?\s*(?P<name>[A-Z][^\n,.]{1,60})", re.I),
    re.compile(r"^(?P<name>[A-Z][\w ]{1,40}?)\s*:\s*[A-Z][a-z]+,\s*[A-Z][a-z]+ \d{1,2}", re.M),
)

# after a registered outlet opening a head line: a date stamp ("Xinhua| Updated: 2023-11-07",
# "Reuters , Sunday 8 Jul 2018"), "report" ("Saudi Gazette report")
STAMP = re.compile(
    r"\s*(?:[|,]\s*(?:(?:Updated|Published|Posted)\s*:?\s*)?[\w ,:.-]{0,24}\d{4}[\w:.-]{0,12}"
    r"|\s+report)\s*"
)
# a registered outlet as a dateline: "(BangkokPost.com) - The …", "IDXChannel - Indonesia …"
LEAD_DASH = re.compile(r"\)?\s+[-–—]\s+[A-Z]")
# words that make a name a news outlet's
NEWS_WORDS = re.compile(
    r"\b(?:News|Agency|Times|Post|Press|Television|TV|Radio|Journal|Herald|Tribune"
    r"|Telegraph|Daily|Broadcasting|Wire|Service)\b"
)


@dataclass(frozen=True)
class Outlet:
    """The article's outlet: a registry id, or the name the text gives (unregistered)."""

    entity: str | None
    name: str
    start: int
    end: int


def title_span(reading: Reading) -> tuple[int, int] | None:
    """The headline: among the lines before the first paragraph of running text, the first
    that names a registered state, person, place or organisation (not an outlet) and is no
    image, link, byline or credit; else the first such line of three words or more. The whole
    line, so a title is never cut at an abbreviation ("U.S. envoy")."""
    text = reading.text
    lines = []
    for m in re.finditer(r"[^\n]+", text):
        s, t = m.start() + len(m.group()) - len(m.group().lstrip()), m.end()
        t -= len(m.group()) - len(m.group().rstrip())
        if s >= t or in_any(s, t, reading.excluded) or NOT_HEADLINE.search(text[s:t]):
            continue
        if len(text[s:t].split()) >= 40:
            break  # running text
        lines.append((s, t))
    for s, t in lines:
        named = [f for f in reading.found if s <= f.start and f.end <= t]
        outlet = any(_outlet_entity(reading, f.entity) for f in named)
        if named and not outlet and len(text[s:t].split()) >= 3:
            return s, t
    return next(((s, t) for s, t in lines if len(text[s:t].split()) >= 3), None)


def _outlet_entity(reading: Reading, entity: str) -> bool:
    e = reading.registry.entities[entity]
    return e.kind == "organisation" and e.attr("kind") == "news-outlet"


def find_outlet(reading: Reading) -> Outlet | None:
    """The article's outlet from its byline, dateline, source or copyright line, or a short
    line of the head that names a registered outlet ("Alexandra Zavis Los Angeles Times"), or
    a closing line that is a registered outlet's name alone."""
    text = reading.text
    for pattern in OUTLET_LINES:
        for m in pattern.finditer(text):
            s, e = m.span("name")
            if in_any(s, e, reading.excluded):
                continue
            registered = [
                f
                for f in reading.found
                if s <= f.start and f.end <= e and _outlet_entity(reading, f.entity)
            ]
            if registered:
                f = registered[0]
                if len(registered) > 1 and "/" in text[f.end : registered[-1].start]:
                    f = registered[-1]  # "(Example News / Sputnik - …)": whose copy it is
                return Outlet(f.entity, text[f.start : f.end], f.start, f.end)
            name = text[s:e].strip()
            if pattern is OUTLET_LINES[0] and not (NEWS_WORDS.search(name) or name.isupper()):
                continue  # "By Jane Doe": a writer's byline
            if name and len(name.split()) <= 6 and not re.search(r"\d", name):
                return Outlet(None, name, s, s + len(name))
    for m in re.finditer(r"[^\n]+", text[: min(len(text), 600)]):
        outlets = [
            f
            for f in reading.found
            if m.start() <= f.start and f.end <= m.end() and _outlet_entity(reading, f.entity)
        ]
        if len(outlets) != 1 or in_any(outlets[0].start, outlets[0].end, reading.excluded):
            continue
        f = outlets[0]
        rest = text[m.start() : f.start] + text[f.end : m.end()]
        if re.fullmatch(r"\s*(?:By\s+)?[A-Z][a-z]+(?: [A-Z][a-z.]+){1,2}\s*[,|]?\s*", rest):
            return Outlet(f.entity, text[f.start : f.end], f.start, f.end)  # a byline
        if re.fullmatch(r"\s*(?:\(\s*\)|[|:–—-])?\s*", rest):
            return Outlet(f.entity, text[f.start : f.end], f.start, f.end)  # "(AFP)", "AFP |"
        before, after = text[m.start() : f.start].strip(), text[f.end : m.end()]
        if before in ("", "(") and (STAMP.fullmatch(after) or LEAD_DASH.match(after)):
            return Outlet(f.entity, text[f.start : f.end], f.start, f.end)
    return _closing_line(reading)


def _closing_line(reading: Reading) -> Outlet | None:
    """A line near the end that is a registered outlet's name alone ("Mi’raj News Agency
    (MINA)"), followed by nothing but a writer's byline ("News.Az ¶ By Jane Doe")."""
    text = reading.text
    lines = list(re.finditer(r"[^\n]*\S[^\n]*", text))
    for i in range(len(lines) - 1, max(-1, len(lines) - 3), -1):
        m = lines[i]
        after = [x.group().strip() for x in lines[i + 1 :]]
        if any(not re.fullmatch(r"By\s+[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){1,3}", a) for a in after):
            return None
        outlets = [
            f
            for f in reading.found
            if m.start() <= f.start and f.end <= m.end() and _outlet_entity(reading, f.entity)
        ]
        if not outlets or len({f.entity for f in outlets}) > 1:
            continue
        rest = list(m.group())
        for o in outlets:
            rest[o.start - m.start() : o.end - m.start()] = " " * (o.end - o.start)
        f = outlets[0]
        if not in_any(f.start, f.end, reading.excluded) and not re.sub(
            r"[\s()]", "", "".join(rest)
        ):
            return Outlet(f.entity, text[f.start : f.end], f.start, f.end)
    return None
