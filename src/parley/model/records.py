"""Frozen dataclasses for the registry and for what one article says."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

ROLES = (
    "host",
    "head-of-delegation",
    "deputy-head-of-delegation",
    "delegation-member",
    "attendee",
    "mediator",
    "observer",
)
STATEMENT_KINDS = (
    "make-statement",
    "accuse",
    "deny",
    "demand",
    "request",
    "propose",
    "offer",
    "agree",
    "reject",
    "praise",
    "criticize",
    "express-intent",
    "express-hope",
)
DATE_BASES = ("dateline", "stated", "relative", "inferred", "unknown")
# English calendar words as articles print them (not the locale's: `calendar` follows it)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
OFFICES = (
    "ambassador",
    "charge-d-affaires",
    "prime-minister",
    "president",
    "foreign-minister",
    "spokesperson",
    "director",
    "correspondent",
    "liaison-officer",
    "military-officer",
)
ORGANISATION_KINDS = (
    "news-outlet",
    "ministry",
    "council",
    "armed-force",
    "political-group",
    "armed-group",
)
PLACE_KINDS = ("country", "region", "city", "district", "building")
LEVELS = ("ambassadorial", "high-level", "formal", "expert")
QUALIFIERS = ("exactly", "about", "over", "almost")
# whether an article says a person holds a post at the time of writing, or held it before
HOLDING_STATUSES = ("current", "former")
DELEGATION_ROLES = ("head-of-delegation", "deputy-head-of-delegation", "delegation-member")
# claim property -> the type of its value: "integer", "ref" (registry id), "level" or "year"
CLAIM_PROPERTIES = {
    "years-since-previous-talks": "integer",
    "requested-by": "ref",
    "level": "level",
    "ordinal-in-series": "integer",
    "first-since-year": "year",
}
ENTITY_KINDS = (
    "person",
    "state",
    "organisation",
    "place",
    "post",
    "meeting",
    "series",
    "topic",
)
AGENT_KINDS = ("person", "state", "organisation")
PARTY_KINDS = ("state", "organisation")


@dataclass(frozen=True)
class Span:
    """An evidence span: code-point offsets into the article text, with context."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Wikidata:
    qid: str
    verified: str


@dataclass(frozen=True)
class Source:
    """An outside fact the seeds rely on, or a verified Wikidata ID: one entry of
    `seeds/sources/*.yaml`, cited in the data as `seeds/sources/FILE.yaml#ID`."""

    citation: str  # e.g. "seeds/sources/facts.yaml#round-2"
    statement: str  # the fact; for a Wikidata entry, the entity the ID stands for
    qid: str | None = None  # a Wikidata entry: the item it verifies


@dataclass(frozen=True)
class Holding:
    """A post held, per the registry, with dates as ISO strings (date, year-month or year)."""

    post: str
    person: str
    start: str | None
    end: str | None
    source: str


@dataclass(frozen=True)
class Entity:
    """A registry entry. `attrs` holds kind-specific references and values, sorted by key."""

    kind: str
    id: str
    label: str
    spellings: tuple[str, ...] = ()
    wikidata: Wikidata | None = None
    attrs: tuple[tuple[str, object], ...] = ()

    def attr(self, name: str, default: object = None) -> object:
        return dict(self.attrs).get(name, default)


@dataclass(frozen=True)
class Registry:
    entities: dict[str, Entity]
    holdings: tuple[Holding, ...]
    sources: dict[str, Source] = field(default_factory=dict)  # by citation

    def get(self, ident: str) -> Entity | None:
        return self.entities.get(ident)

    def of_kind(self, *kinds: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind in kinds]

    @functools.cached_property
    def kinds(self) -> tuple[str, ...]:
        """Every kind of entity the registry holds, sorted (worked out once)."""
        return tuple(sorted({e.kind for e in self.entities.values()}))


@dataclass(frozen=True)
class DateValue:
    value: dt.date
    basis: str
    span: Span | None


@dataclass(frozen=True)
class PartialDate:
    """A date, year-month or year (ISO string) as the text gives it, with its words."""

    value: str
    span: Span


@dataclass(frozen=True)
class Duration:
    """How long something lasted: an xsd:duration (`PT4H`), the words, and a hedge."""

    value: str
    span: Span
    qualifier: str | None = None


@dataclass(frozen=True)
class Ref:
    """A reference to a registry entity, with the span that supports it."""

    id: str
    span: Span


@dataclass(frozen=True)
class Participation:
    meeting: str
    person: str | None
    party: str
    role: str
    span: Span
    note: str | None = None

    @property
    def key(self) -> str:
        return f"{self.person or self.party}-{self.role}"


@dataclass(frozen=True)
class MeetingReport:
    event: str
    span: Span
    date: DateValue | None = None
    place: Ref | None = None
    venue: Ref | None = None
    host: Ref | None = None
    participants: tuple[Participation, ...] = ()
    duration: Duration | None = None


@dataclass(frozen=True)
class Statement:
    speaker: str
    quote: Span
    paraphrase: bool
    kind: str
    attribution: Span | None = None
    date: DateValue | None = None
    meeting: str | None = None
    target: str | None = None
    topics: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class OfficeClaim:
    person: str
    post: str
    span: Span
    note: str | None = None
    status: str = "current"  # HOLDING_STATUSES
    start: PartialDate | None = None
    end: PartialDate | None = None


@dataclass(frozen=True)
class Claim:
    about: str
    property: str
    value: object  # int, str (registry id or level)
    span: Span
    qualifier: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Mention:
    entity: str
    span: Span


@dataclass(frozen=True)
class FoundAt:
    """Where the copy of the article we hold was found, when it is a reprint or repost: the
    site (a registry organisation, None when the page does not name itself) and the words of
    the page that show it."""

    site: str | None
    span: Span
    note: str | None = None


@dataclass(frozen=True)
class Original:
    """The earlier publication the text reproduces, as far as the text says: its outlet (None
    when unnamed), the words that credit it, and its headline and date when given."""

    outlet: str | None
    span: Span
    title: Span | None = None
    date: DateValue | None = None
    note: str | None = None


@dataclass(frozen=True)
class Article:
    id: str
    file: str
    sha256: str
    text: str = field(repr=False)
    title: Span | None
    outlet: str | None
    outlet_span: Span | None
    date: dt.date | None
    date_basis: str
    date_note: str | None
    furniture: tuple[tuple[int, int], ...] = ()
    found_at: FoundAt | None = None
    original: Original | None = None


@dataclass(frozen=True)
class AnnotatedArticle:
    """Everything one annotation file says about its article."""

    article: Article
    mentions: tuple[Mention, ...] = ()
    meetings: tuple[MeetingReport, ...] = ()
    statements: tuple[Statement, ...] = ()
    offices: tuple[OfficeClaim, ...] = ()
    claims: tuple[Claim, ...] = ()
