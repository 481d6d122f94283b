"""What the built graph says, as plain dataclasses: the facts export, report and explain use.

`parley.analyst.facts_reader` fills them from the graph (see docs/model.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from parley.model.iris import PARLEY

UNNAMED_GROUP = "unnamed-group"  # the kind of an unnamed group (exports, `Facts.kind_of`)


@dataclass(frozen=True)
class Evidence:
    """A text span of one article (code-point offsets) with its stored context."""

    article: str
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class EntityInfo:
    iri: str
    id: str
    kind: str
    label: str
    spellings: tuple[str, ...] = ()
    qid: str | None = None
    nationality: str | None = None  # IRI of a state
    container: str | None = None  # IRI of the place or state a place lies in


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    iri: str
    label: str  # outlet, headline and date (`parley.model.labels.article_label`)
    headline: str | None
    publisher: str | None  # IRI
    date: str | None
    date_basis: str | None
    source_file: str | None
    sha256: str | None


@dataclass(frozen=True)
class MeetingInfo:
    iri: str
    id: str
    label: str
    date: str | None  # registry (canonical) date
    place: str | None  # IRI
    round: int | None


@dataclass(frozen=True)
class ParticipationFact:
    iri: str
    article: str
    meeting: str
    person: str | None
    group: str | None  # IRI of the party's unnamed group at the meeting, when no person
    party: str
    role: str  # role slug
    delegation: str | None
    evidence: Evidence | None


@dataclass(frozen=True)
class StatementFact:
    iri: str
    article: str
    speaker: str
    quote: str
    paraphrase: bool
    kind: str  # kind slug
    date: str | None
    date_basis: str | None
    meeting: str | None
    target: str | None
    topics: tuple[str, ...]
    quote_span: Evidence | None
    evidence: tuple[Evidence, ...] = ()  # all spans, quote first


@dataclass(frozen=True)
class AssertionFact:
    iri: str
    article: str
    subject: str
    property: str  # property IRI
    value: str  # IRI or lexical form
    value_is_iri: bool
    qualifier: str | None
    evidence: Evidence | None


@dataclass(frozen=True)
class OfficeFact:
    article: str
    person: str
    post: str
    evidence: Evidence | None
    former: bool = False  # the article says the person held the post before


@dataclass(frozen=True)
class Conflict:
    """Sources that disagree: the same subject and property, different values."""

    subject: str
    property: str
    values: tuple[tuple[str, tuple[AssertionFact, ...]], ...]  # value -> the assertions
    note: str = ""


@dataclass(frozen=True)
class OfficeConflict:
    """An article gives a person a post that the registry records for someone else."""

    office: OfficeFact
    registry_holders: tuple[str, ...]
    person_posts: tuple[str, ...]  # posts the registry records for the person


@dataclass
class Facts:
    entities: dict[str, EntityInfo] = field(default_factory=dict)
    articles: dict[str, ArticleInfo] = field(default_factory=dict)
    meetings: dict[str, MeetingInfo] = field(default_factory=dict)
    participations: list[ParticipationFact] = field(default_factory=list)
    statements: list[StatementFact] = field(default_factory=list)
    assertions: list[AssertionFact] = field(default_factory=list)
    offices: list[OfficeFact] = field(default_factory=list)
    holders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # post -> persons
    # labels of everything else people read: articles, unnamed groups, and the ontology's
    # concepts (roles, kinds, levels, date bases, offices) and properties
    names: dict[str, str] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)  # IRIs of the unnamed groups

    def kind_of(self, iri: str | None) -> str | None:
        """A registry entity's kind, `unnamed-group` for an unnamed group, else None."""
        info = self.entities.get(iri or "")
        if info is not None:
            return info.kind
        return UNNAMED_GROUP if iri in self.groups else None

    def label(self, iri: str | None) -> str:
        if iri is None:
            return ""
        if iri in self.entities:
            return self.entities[iri].label
        if iri in self.meetings:
            return self.meetings[iri].label
        return self.names.get(iri) or local_name(iri)

    def article_label(self, article: str) -> str:
        """How people know an article (outlet, headline, date), from its id."""
        info = self.articles.get(article)
        return info.label if info else article

    def who(self, p: ParticipationFact) -> str | None:
        """The person of a participation, else its unnamed group."""
        return p.person or p.group

    def qid(self, iri: str | None) -> str | None:
        info = self.entities.get(iri or "")
        return info.qid if info else None

    def country_of(self, place: str | None) -> str | None:
        """The state a place lies in (following schema:containedInPlace), if known."""
        seen = set()
        while place and place not in seen:
            seen.add(place)
            info = self.entities.get(place)
            if info is None:
                return None
            if info.kind == "state":
                return place
            place = info.container
        return None

    def party_of(self, person: str) -> str | None:
        """The party a person (or an unnamed group) acts for in most participations (ties: the
        first in IRI order)."""
        counts: dict[str, int] = defaultdict(int)
        for p in self.participations:
            if self.who(p) == person:
                counts[p.party] += 1
        if not counts:
            info = self.entities.get(person)
            return info.nationality if info else None
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    def conflicts(self) -> list[Conflict]:
        """Subjects and properties to which two or more sources give different values."""
        groups: dict[tuple[str, str], dict[str, list[AssertionFact]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for a in self.assertions:
            if a.property == str(PARLEY.reportsOn):
                continue
            groups[(a.subject, a.property)][a.value].append(a)
        out = []
        for (subject, prop), by_value in sorted(groups.items()):
            if len(by_value) < 2:
                continue
            values = tuple(
                (value, tuple(sorted(facts, key=lambda f: (f.article, f.iri))))
                for value, facts in sorted(by_value.items())
            )
            out.append(Conflict(subject=subject, property=prop, values=values))
        return out

    def value_label(self, assertion: AssertionFact) -> str:
        """The asserted value in words (a label for an IRI), without its qualifier."""
        return self.label(assertion.value) if assertion.value_is_iri else assertion.value

    def reported_meetings(self) -> list[MeetingInfo]:
        """The meetings some article reports, by registry date (undated last)."""
        reported = {p.meeting for p in self.participations} | {
            a.subject for a in self.assertions if a.subject in self.meetings
        }
        return sorted(
            (m for m in self.meetings.values() if m.iri in reported),
            key=lambda m: (m.date or "9999", m.iri),
        )

    def office_conflicts(self) -> list[OfficeConflict]:
        out = []
        for o in sorted(self.offices, key=lambda o: (o.person, o.post, o.article)):
            holders = self.holders.get(o.post, ())
            if holders and o.person not in holders:
                posts = tuple(sorted(p for p, hs in self.holders.items() if o.person in hs))
                out.append(OfficeConflict(office=o, registry_holders=holders, person_posts=posts))
        return out


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
