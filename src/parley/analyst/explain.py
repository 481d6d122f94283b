"""The evidence trail of one thing (meeting, person, statement, claim) in plain words: which
articles say what, with their sentences."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from parley.analyst.facts import AssertionFact, Evidence, Facts, StatementFact, local_name
from parley.analyst.facts_reader import read_facts
from parley.analyst.sentences import article_texts, in_sentence
from parley.analyst.wording import property_slug, property_words, role_words
from parley.model.errors import UsageError
from parley.model.iris import BASIS, KIND, PARLEY, PID, camel
from parley.query.backends import MemoryStore
from parley.seeds.checks import closest

CLAIM_HINT = "a claim is SUBJECT/PROPERTY, e.g. round-1/years-since-previous-talks"
Section = tuple[str, tuple[str, ...]]  # a heading and its lines


@dataclass(frozen=True)
class Explanation:
    """What to print: a title and sections of lines."""

    thing: str  # IRI
    title: str
    sections: tuple[Section, ...]

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
        self.texts = article_texts(facts, seeds)

    def source(self, article: str) -> str:
        """The article as people know it: outlet, headline and date."""
        return self.facts.article_label(article)

    def kind(self, s: StatementFact) -> str:
        """A statement's kind in words (the concept's skos:prefLabel)."""
        return self.facts.label(str(KIND[s.kind]))

    def sentence(self, span: Evidence | None) -> str:
        if span is None:
            return "(no evidence recorded)"
        text = self.texts.get(span.article)
        before, exact, after = in_sentence(span, text)
        where = f"line {text.count(chr(10), 0, span.start) + 1}" if text else "context"
        flat = f"{before}«{exact}»{after}".replace("\n", " ")
        return f"{where}: “{flat}”"


def explain_thing(thing: str, store: MemoryStore, seeds: Path | None = None) -> Explanation:
    """The evidence trail of `thing` in the graph of `store`, quoting the article texts found
    under `seeds/`: `thing` is a registry id, an IRI, or SUBJECT/PROPERTY (a claim)."""
    facts = read_facts(store.dataset)
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


# --- a meeting ---------------------------------------------------------------------------


def _meeting(trail: _Trail, iri: str) -> Explanation:
    facts = trail.facts
    m = facts.meetings[iri]
    registry = [f"date {m.date or 'unknown'}", f"place {facts.label(m.place) or 'unknown'}"]
    said = [s for s in facts.statements if s.meeting == iri]
    sections = [
        ("The registry (canonical)", ("; ".join(registry),)),
        *_meeting_reports(trail, iri),
        (
            "Statements made in the context of this meeting",
            tuple(
                f"{facts.label(s.speaker)} ({trail.kind(s)}), {trail.source(s.article)}: "
                f"{trail.sentence(s.quote_span)}"
                for s in said
            ),
        ),
        ("Where sources disagree", _conflict_lines(facts, iri)),
    ]
    return Explanation(iri, f"Meeting: {m.label}", tuple(sections))


def _meeting_reports(trail: _Trail, iri: str) -> list[Section]:
    """A section per article: what it states of the meeting and who it says took part."""
    facts = trail.facts
    reports = [a for a in facts.assertions if a.subject == iri] + [
        a for a in facts.assertions if a.value == iri and a.property == str(PARLEY.reportsOn)
    ]
    by_article: dict[str, list[str]] = defaultdict(list)
    for a in sorted(reports, key=lambda a: (a.article, a.evidence.start if a.evidence else 0)):
        what = (
            "reports on the meeting"
            if a.property == str(PARLEY.reportsOn)
            else f"{property_words(a.property)} is {facts.value_label(a)}"
        )
        by_article[a.article].append(f"{what} — {trail.sentence(a.evidence)}")
    for p in facts.participations:
        if p.meeting == iri:
            who = facts.label(facts.who(p))
            by_article[p.article].append(
                f"{who} took part for {facts.label(p.party)} as "
                f"{role_words(p.role)} — {trail.sentence(p.evidence)}"
            )
    return [(f"{trail.source(a)} says", tuple(by_article[a])) for a in sorted(by_article)]


def _conflict_lines(facts: Facts, subject: str) -> tuple[str, ...]:
    lines = []
    for c in facts.conflicts():
        if c.subject != subject:
            continue
        parts = [
            f"{facts.value_label(group[0])} per "
            + "; ".join(facts.article_label(a) for a in sorted({a.article for a in group}))
            for _, group in c.values
        ]
        lines.append(f"{property_words(c.property)}: " + "; ".join(parts))
    return tuple(lines)


# --- a statement -------------------------------------------------------------------------


def _statement(trail: _Trail, s: StatementFact) -> Explanation:
    facts = trail.facts
    lines = [
        f"speaker: {facts.label(s.speaker)}",
        f"kind: {trail.kind(s)}; "
        f"{'reported speech (paraphrase)' if s.paraphrase else 'direct quotation'}",
        f"quote: “{s.quote}”",
    ]
    if s.target:
        lines.append(f"addressed to or about: {facts.label(s.target)}")
    if s.meeting:
        lines.append(f"context: {facts.label(s.meeting)}")
    if s.date:
        basis = facts.label(str(BASIS[s.date_basis])) if s.date_basis else "basis unknown"
        lines.append(f"date: {s.date} ({basis})")
    evidence = tuple(trail.sentence(e) for e in s.evidence)
    return Explanation(
        s.iri,
        f"Statement by {facts.label(s.speaker)} in {trail.source(s.article)}",
        (("What the graph records", tuple(lines)), ("The words of the article", evidence)),
    )


# --- a person or other registry entity ---------------------------------------------------


def _entity(trail: _Trail, iri: str) -> Explanation:
    facts = trail.facts
    info = facts.entities[iri]
    ident = [f"id {info.id} ({info.kind})"]
    if info.qid:
        ident.append(f"Wikidata {info.qid}")
    if info.spellings:
        ident.append("spellings: " + ", ".join(info.spellings))
    sections = (
        ("The registry", tuple(ident)),
        ("Meetings", _entity_meetings(trail, iri)),
        *_entity_statements(trail, iri),
        ("Offices the articles state", _entity_offices(trail, iri)),
        ("Where sources disagree", _conflict_lines(facts, iri)),
    )
    return Explanation(iri, f"{info.kind.capitalize()}: {info.label}", sections)


def _entity_meetings(trail: _Trail, iri: str) -> tuple[str, ...]:
    facts = trail.facts
    return tuple(
        f"{facts.label(p.meeting)}: {facts.label(facts.who(p))} "
        f"for {facts.label(p.party)} as {role_words(p.role)}, per "
        f"{trail.source(p.article)} — {trail.sentence(p.evidence)}"
        for p in facts.participations
        if iri in (p.person, p.group, p.party)
    )


def _entity_statements(trail: _Trail, iri: str) -> tuple[Section, Section]:
    """The statements it made, and those addressed to or about it."""
    facts = trail.facts
    made = tuple(
        f"{trail.kind(s)}, per {trail.source(s.article)} — {trail.sentence(s.quote_span)}"
        for s in facts.statements
        if s.speaker == iri
    )
    about = tuple(
        f"{facts.label(s.speaker)} ({trail.kind(s)}), per {trail.source(s.article)} — "
        f"{trail.sentence(s.quote_span)}"
        for s in facts.statements
        if s.target == iri
    )
    return ("Statements", made), ("Statements addressed to or about it", about)


def _entity_offices(trail: _Trail, iri: str) -> tuple[str, ...]:
    """The posts the articles give the person, each with the registry's holder if another."""
    facts = trail.facts
    lines = []
    for o in facts.offices:
        if o.person != iri:
            continue
        post = facts.label(o.post) + (" (formerly)" if o.former else "")
        line = f"{post}, per {trail.source(o.article)} — {trail.sentence(o.evidence)}"
        holders = facts.holders.get(o.post, ())
        if holders and iri not in holders:
            line += f" [the registry records {', '.join(facts.label(h) for h in holders)}]"
        lines.append(line)
    return tuple(lines)


# --- a claim: SUBJECT/PROPERTY -----------------------------------------------------------


def _claims_about(facts: Facts, subject: str) -> list[AssertionFact]:
    return [a for a in facts.assertions if a.subject == subject]


def _claim(trail: _Trail, subject: str, prop: str) -> Explanation:
    facts = trail.facts
    wanted = {prop, camel(prop), local_name(prop)}
    found = [a for a in _claims_about(facts, subject) if local_name(a.property) in wanted]
    if not found:
        props = sorted({property_slug(a.property) for a in _claims_about(facts, subject)})
        raise UsageError(
            f"explain: no source states '{prop}' of '{local_name(subject)}' — "
            + (closest(prop, props) if props else f"no claims about it; {CLAIM_HINT}")
        )
    by_value: dict[str, list[AssertionFact]] = defaultdict(list)
    for a in found:
        by_value[facts.value_label(a)].append(a)
    sections = tuple(
        (
            f"{value} — {len(group)} statement(s) in {len({a.article for a in group})} source(s)",
            tuple(
                f"{trail.source(a.article)}"
                f"{' (' + a.qualifier + ')' if a.qualifier else ''} — "
                f"{trail.sentence(a.evidence)}"
                for a in group
            ),
        )
        for value, group in sorted(by_value.items())
    )
    verdict = (
        "the sources agree"
        if len(by_value) == 1
        else f"the sources disagree: {len(by_value)} different values"
    )
    title = f"Claim: {property_words(found[0].property)} of {facts.label(subject)} — {verdict}"
    return Explanation(subject, title, sections)
