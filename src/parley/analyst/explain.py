"""The evidence trail of one thing (meeting, person, statement, claim) in plain words: which
articles say what, with their sentences."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from parley.analyst.facts import (
    AssertionFact,
    Evidence,
    Facts,
    StatementFact,
    article_text,
    in_sentence,
    local_name,
    read_facts,
)
from parley.analyst.report import ROLE_NAMES
from parley.api import open_store
from parley.model.errors import UsageError
from parley.model.iris import PARLEY, PID, camel
from parley.seeds.checks import closest

CLAIM_HINT = "a claim is SUBJECT/PROPERTY, e.g. round-1/years-since-previous-talks"


@dataclass(frozen=True)
class Explanation:
    """What to print: a title and sections of lines."""

    thing: str  # IRI
    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]

    def text(self) -> str:
        out = [self.title, "=" * len(self.title)]
        for heading, lines in self.sections:
            out += ["", heading + ":"]
            out += [f"  {line}" for line in lines] or ["  (nothing)"]
        return "\n".join(out) + "\n"


class _Trail:
    """Renders evidence as sentences of the articles."""

    def __init__(self, facts: Facts, seeds: Path | None):
        self.facts = facts
        self.texts = {a: article_text(i, seeds) for a, i in facts.articles.items()}

    def source(self, article: str) -> str:
        info = self.facts.articles.get(article)
        if info is None:
            return article
        outlet = self.facts.label(info.publisher) if info.publisher else "outlet not named"
        return f"{article} ({outlet}, {info.date or 'date unknown'})"

    def sentence(self, span: Evidence | None) -> str:
        if span is None:
            return "(no evidence recorded)"
        text = self.texts.get(span.article)
        before, exact, after = in_sentence(span, text)
        where = f"line {text.count(chr(10), 0, span.start) + 1}" if text else "context"
        flat = f"{before}«{exact}»{after}".replace("\n", " ")
        return f"{where}: “{flat}”"


def explain(thing: str, kg: Path, seeds: Path | None = None) -> Explanation:
    """The evidence trail of `thing`: a registry id, an IRI, or SUBJECT/PROPERTY (a claim)."""
    facts = read_facts(open_store(kg).dataset)
    trail = _Trail(facts, seeds)
    iri = _resolve(facts, thing)
    if iri is not None:
        if iri in facts.meetings:
            return _meeting(trail, iri)
        statement = next((s for s in facts.statements if s.iri == iri), None)
        if statement is not None:
            return _statement(trail, statement)
        return _entity(trail, iri)
    if "/" in thing:
        subject, _, prop = thing.rpartition("/")
        subject_iri = _resolve(facts, subject)
        if subject_iri is not None:
            return _claim(trail, subject_iri, prop)
    known = [e.id for e in facts.entities.values()]
    raise UsageError(
        f"explain: nothing called '{thing}' in the graph — {closest(thing, known)}; "
        f"or give a statement IRI, or {CLAIM_HINT}"
    )


def _resolve(facts: Facts, thing: str) -> str | None:
    candidates = [thing]
    if thing.startswith("pid:"):
        candidates.append(str(PID) + thing[4:])
    elif not thing.startswith("http"):
        candidates.append(str(PID) + thing)
        candidates += [e.iri for e in facts.entities.values() if e.id == thing]
    statements = {s.iri for s in facts.statements}
    for c in candidates:
        if c in facts.entities or c in facts.meetings or c in statements:
            return c
    return None


def _meeting(trail: _Trail, iri: str) -> Explanation:
    facts = trail.facts
    m = facts.meetings[iri]
    sections = []
    registry = [f"date {m.date or 'unknown'}", f"place {facts.label(m.place) or 'unknown'}"]
    sections.append(("The registry (canonical)", ("; ".join(registry),)))
    reports = [a for a in facts.assertions if a.subject == iri] + [
        a for a in facts.assertions if a.value == iri and a.property == str(PARLEY.reportsOn)
    ]
    by_article: dict[str, list[str]] = defaultdict(list)
    for a in sorted(reports, key=lambda a: (a.article, a.evidence.start if a.evidence else 0)):
        what = (
            "reports on the meeting"
            if a.property == str(PARLEY.reportsOn)
            else f"{_prop(a.property)} is {_value(facts, a)}"
        )
        by_article[a.article].append(f"{what} — {trail.sentence(a.evidence)}")
    for p in facts.participations:
        if p.meeting == iri:
            who = facts.label(p.person) if p.person else "unnamed people"
            by_article[p.article].append(
                f"{who} took part for {facts.label(p.party)} as "
                f"{ROLE_NAMES.get(p.role, p.role)} — {trail.sentence(p.evidence)}"
            )
    for article in sorted(by_article):
        sections.append((f"{trail.source(article)} says", tuple(by_article[article])))
    said = [s for s in facts.statements if s.meeting == iri]
    sections.append(
        (
            "Statements made in the context of this meeting",
            tuple(
                f"{facts.label(s.speaker)} ({s.kind}), {s.article}: {trail.sentence(s.quote_span)}"
                for s in said
            ),
        )
    )
    sections.append(("Where sources disagree", _conflict_lines(facts, iri)))
    return Explanation(iri, f"Meeting: {m.label}", tuple(sections))


def _conflict_lines(facts: Facts, subject: str) -> tuple[str, ...]:
    lines = []
    for c in facts.conflicts():
        if c.subject != subject:
            continue
        parts = [
            f"{_value(facts, group[0])} per {', '.join(a.article for a in group)}"
            for _, group in c.values
        ]
        lines.append(f"{_prop(c.property)}: " + "; ".join(parts))
    return tuple(lines)


def _statement(trail: _Trail, s: StatementFact) -> Explanation:
    facts = trail.facts
    lines = [
        f"speaker: {facts.label(s.speaker)}",
        f"kind: {s.kind}; {'reported speech (paraphrase)' if s.paraphrase else 'direct quotation'}",
        f"quote: “{s.quote}”",
    ]
    if s.target:
        lines.append(f"addressed to or about: {facts.label(s.target)}")
    if s.meeting:
        lines.append(f"context: {facts.label(s.meeting)}")
    if s.date:
        lines.append(f"date: {s.date} ({s.date_basis or 'basis unknown'})")
    evidence = tuple(trail.sentence(e) for e in s.evidence)
    return Explanation(
        s.iri,
        f"Statement by {facts.label(s.speaker)} in {trail.source(s.article)}",
        (("What the graph records", tuple(lines)), ("The words of the article", evidence)),
    )


def _entity(trail: _Trail, iri: str) -> Explanation:
    facts = trail.facts
    info = facts.entities[iri]
    sections = []
    ident = [f"id {info.id} ({info.kind})"]
    if info.qid:
        ident.append(f"Wikidata {info.qid}")
    if info.spellings:
        ident.append("spellings: " + ", ".join(info.spellings))
    sections.append(("The registry", tuple(ident)))
    parts = [p for p in facts.participations if iri in (p.person, p.party)]
    sections.append(
        (
            "Meetings",
            tuple(
                f"{facts.label(p.meeting)}: {facts.label(p.person) if p.person else 'unnamed'} "
                f"for {facts.label(p.party)} as {ROLE_NAMES.get(p.role, p.role)}, per "
                f"{trail.source(p.article)} — {trail.sentence(p.evidence)}"
                for p in parts
            ),
        )
    )
    said = [s for s in facts.statements if s.speaker == iri]
    sections.append(
        (
            "Statements",
            tuple(
                f"{s.kind}, per {trail.source(s.article)} — {trail.sentence(s.quote_span)}"
                for s in said
            ),
        )
    )
    about = [s for s in facts.statements if s.target == iri]
    sections.append(
        (
            "Statements addressed to or about it",
            tuple(
                f"{facts.label(s.speaker)} ({s.kind}), per {s.article} — "
                f"{trail.sentence(s.quote_span)}"
                for s in about
            ),
        )
    )
    offices = [o for o in facts.offices if o.person == iri]
    office_lines = []
    for o in offices:
        line = (
            f"{facts.label(o.post)}, per {trail.source(o.article)} — {trail.sentence(o.evidence)}"
        )
        holders = facts.holders.get(o.post, ())
        if holders and iri not in holders:
            line += f" [the registry records {', '.join(facts.label(h) for h in holders)}]"
        office_lines.append(line)
    sections.append(("Offices the articles state", tuple(office_lines)))
    sections.append(("Where sources disagree", _conflict_lines(facts, iri)))
    return Explanation(iri, f"{info.kind.capitalize()}: {info.label}", tuple(sections))


def _claim(trail: _Trail, subject: str, prop: str) -> Explanation:
    facts = trail.facts
    wanted = {prop, camel(prop), local_name(prop)}
    found = [
        a for a in facts.assertions if a.subject == subject and local_name(a.property) in wanted
    ]
    if not found:
        props = sorted({_slug(a.property) for a in facts.assertions if a.subject == subject})
        raise UsageError(
            f"explain: no source states '{prop}' of '{local_name(subject)}' — "
            + (closest(prop, props) if props else f"no claims about it; {CLAIM_HINT}")
        )
    by_value: dict[str, list[AssertionFact]] = defaultdict(list)
    for a in found:
        by_value[_value(facts, a)].append(a)
    sections = []
    for value, group in sorted(by_value.items()):
        sections.append(
            (
                f"{value} — {len(group)} statement(s) in "
                f"{len({a.article for a in group})} source(s)",
                tuple(
                    f"{trail.source(a.article)}"
                    f"{' (' + a.qualifier + ')' if a.qualifier else ''} — "
                    f"{trail.sentence(a.evidence)}"
                    for a in group
                ),
            )
        )
    verdict = (
        "the sources agree"
        if len(by_value) == 1
        else f"the sources disagree: {len(by_value)} different values"
    )
    title = f"Claim: {_prop(found[0].property)} of {facts.label(subject)} — {verdict}"
    return Explanation(subject, title, tuple(sections))


def _slug(prop: str) -> str:
    name = local_name(prop)
    return "".join("-" + ch.lower() if ch.isupper() else ch for ch in name)


def _prop(prop: str) -> str:
    return _slug(prop).replace("-", " ")


def _value(facts: Facts, a: AssertionFact) -> str:
    """The asserted value in words (a label for an IRI), without its qualifier."""
    return facts.label(a.value) if a.value_is_iri else a.value
