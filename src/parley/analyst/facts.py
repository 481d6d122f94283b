"""Read what the built graph says into plain dataclasses, for export, report and explain.

Reads the rdflib Dataset of `parley.api.open_store(kg)`: the registry graph for identities, one
named graph per article for what that article says (see docs/model.md).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Dataset, Graph, Literal, URIRef

from parley.model.iris import OA, PARLEY, PG, REGISTRY_GRAPH, SCHEMA, WD

ARTICLE_GRAPH_PREFIX = str(PG) + "article/"
KIND_OF_CLASS = {
    PARLEY.Person: "person",
    PARLEY.State: "state",
    PARLEY.Organisation: "organisation",
    PARLEY.Place: "place",
    PARLEY.Post: "post",
    PARLEY.Meeting: "meeting",
    PARLEY.MeetingSeries: "series",
    SKOS.Concept: "topic",
}


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
    kind_labels: dict[str, str] = field(default_factory=dict)

    def label(self, iri: str | None) -> str:
        if iri is None:
            return ""
        if iri in self.entities:
            return self.entities[iri].label
        if iri in self.meetings:
            return self.meetings[iri].label
        return local_name(iri)

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
        """The party a person acts for in most participations (ties: the first in IRI order)."""
        counts: dict[str, int] = defaultdict(int)
        for p in self.participations:
            if p.person == person:
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


def article_id_of_graph(graph_iri: str) -> str | None:
    if graph_iri.startswith(ARTICLE_GRAPH_PREFIX):
        return graph_iri[len(ARTICLE_GRAPH_PREFIX) :]
    return None


def read_facts(ds: Dataset) -> Facts:
    """Everything the report, the export and explain need, read once from the dataset."""
    facts = Facts()
    _registry(ds.graph(REGISTRY_GRAPH), facts)
    graphs = sorted(
        (str(g.identifier), g) for g in ds.graphs() if article_id_of_graph(str(g.identifier))
    )
    for graph_iri, graph in graphs:
        _article(article_id_of_graph(graph_iri) or "", graph, facts)
    facts.participations.sort(key=lambda p: (p.meeting, p.article, p.iri))
    facts.statements.sort(key=lambda s: (s.article, s.quote_span.start if s.quote_span else 0))
    facts.assertions.sort(key=lambda a: (a.subject, a.property, a.article, a.iri))
    return facts


def _text(graph: Graph, subject, prop) -> str | None:
    value = graph.value(subject, prop)
    return None if value is None else str(value)


def _registry(g: Graph, facts: Facts) -> None:
    for cls, kind in KIND_OF_CLASS.items():
        for node in g.subjects(RDF.type, cls):
            iri = str(node)
            if kind == "meeting":
                rnd = g.value(node, PARLEY.round)
                facts.meetings[iri] = MeetingInfo(
                    iri=iri,
                    id=local_name(iri),
                    label=_text(g, node, RDFS.label) or local_name(iri),
                    date=_text(g, node, PARLEY.date),
                    place=_text(g, node, PARLEY.place),
                    round=int(rnd) if rnd is not None else None,
                )
            qid = None
            for same in g.objects(node, OWL.sameAs):
                if str(same).startswith(str(WD)):
                    qid = str(same)[len(str(WD)) :]
            facts.entities[iri] = EntityInfo(
                iri=iri,
                id=local_name(iri),
                kind=kind,
                label=_text(g, node, RDFS.label) or local_name(iri),
                spellings=tuple(sorted(str(s) for s in g.objects(node, SKOS.altLabel))),
                qid=qid,
                nationality=_text(g, node, PARLEY.nationality),
                container=_text(g, node, SCHEMA.containedInPlace),
            )
    holders: dict[str, list[str]] = defaultdict(list)
    for node in g.subjects(RDF.type, PARLEY.PostHolding):
        post, person = g.value(node, PARLEY.post), g.value(node, PARLEY.holder)
        if post is not None and person is not None:
            holders[str(post)].append(str(person))
    facts.holders = {k: tuple(sorted(v)) for k, v in sorted(holders.items())}


def _evidence(g: Graph, article: str, mention) -> Evidence | None:
    if mention is None:
        return None
    exact = prefix = suffix = ""
    start = end = None
    for sel in g.objects(mention, OA.hasSelector):
        if (sel, RDF.type, OA.TextQuoteSelector) in g:
            exact = _text(g, sel, OA.exact) or ""
            prefix = _text(g, sel, OA.prefix) or ""
            suffix = _text(g, sel, OA.suffix) or ""
        elif (sel, RDF.type, OA.TextPositionSelector) in g:
            start, end = g.value(sel, OA.start), g.value(sel, OA.end)
    if start is None or end is None:
        return None
    return Evidence(article, int(start), int(end), exact, prefix, suffix)


def _spans(g: Graph, article: str, node) -> list[Evidence]:
    spans = [_evidence(g, article, m) for m in g.objects(node, PARLEY.evidence)]
    return sorted((s for s in spans if s is not None), key=lambda s: (s.start, s.end))


def _article(article: str, g: Graph, facts: Facts) -> None:
    for node in g.subjects(RDF.type, PARLEY.NewsArticle):
        facts.articles[article] = ArticleInfo(
            id=article,
            iri=str(node),
            headline=_text(g, node, SCHEMA.headline),
            publisher=_text(g, node, SCHEMA.publisher),
            date=_text(g, node, SCHEMA.datePublished),
            date_basis=_slug(g.value(node, PARLEY.dateBasis)),
            source_file=_text(g, node, PARLEY.sourceFile),
            sha256=_text(g, node, PARLEY.sha256),
        )
    for node in g.subjects(RDF.type, PARLEY.Participation):
        spans = _spans(g, article, node)
        facts.participations.append(
            ParticipationFact(
                iri=str(node),
                article=article,
                meeting=_text(g, node, PARLEY.meeting) or "",
                person=_text(g, node, PARLEY.participant),
                party=_text(g, node, PARLEY.actingFor) or "",
                role=_slug(g.value(node, PARLEY.role)) or "",
                delegation=_text(g, node, PARLEY.delegation),
                evidence=spans[0] if spans else None,
            )
        )
    for node in g.subjects(RDF.type, PARLEY.Statement):
        quote = _text(g, node, PARLEY.quote) or ""
        spans = _spans(g, article, node)
        quote_span = next((s for s in spans if s.exact == quote), None)
        ordered = ([quote_span] if quote_span else []) + [s for s in spans if s is not quote_span]
        para = g.value(node, PARLEY.isParaphrase)
        facts.statements.append(
            StatementFact(
                iri=str(node),
                article=article,
                speaker=_text(g, node, PARLEY.speaker) or "",
                quote=quote,
                paraphrase=bool(para.toPython()) if isinstance(para, Literal) else False,
                kind=_slug(g.value(node, PARLEY.kind)) or "",
                date=_text(g, node, PARLEY.date),
                date_basis=_slug(g.value(node, PARLEY.dateBasis)),
                meeting=_text(g, node, PARLEY.context),
                target=_text(g, node, PARLEY.target),
                topics=tuple(sorted(str(t) for t in g.objects(node, PARLEY.topic))),
                quote_span=quote_span,
                evidence=tuple(ordered),
            )
        )
    for node in g.subjects(RDF.type, PARLEY.Assertion):
        obj = g.value(node, PARLEY.assertedObject)
        lit = g.value(node, PARLEY.assertedLiteral)
        value = obj if obj is not None else lit
        spans = _spans(g, article, node)
        facts.assertions.append(
            AssertionFact(
                iri=str(node),
                article=article,
                subject=_text(g, node, PARLEY.assertedOf) or "",
                property=_text(g, node, PARLEY.assertedProperty) or "",
                value=str(value) if value is not None else "",
                value_is_iri=isinstance(value, URIRef),
                qualifier=_text(g, node, PARLEY.qualifier),
                evidence=spans[0] if spans else None,
            )
        )
    for node in g.subjects(RDF.type, PARLEY.PostHolding):
        spans = _spans(g, article, node)
        person, post = _text(g, node, PARLEY.holder), _text(g, node, PARLEY.post)
        if person and post:
            facts.offices.append(OfficeFact(article, person, post, spans[0] if spans else None))
    facts.offices.sort(key=lambda o: (o.article, o.person, o.post))


def _slug(value) -> str | None:
    return None if value is None else local_name(str(value))


def article_text(info: ArticleInfo, seeds: Path | None = None) -> str | None:
    """The article text from `seeds/articles/` or its `parley:sourceFile` path, if it still
    has the hash the graph records; None when it cannot be found or was edited."""
    if not info.source_file:
        return None
    name = Path(info.source_file).name
    candidates = []
    if seeds is not None:
        candidates.append(seeds / "articles" / name)
    candidates.append(Path(info.source_file))
    for path in candidates:
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        if info.sha256 and hashlib.sha256(raw).hexdigest() != info.sha256:
            continue
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


SENTENCE_ENDS = (
    *(f"{stop}{close}{space}" for stop in ".?!" for close in ("", "”", '"') for space in " \n"),
    "\n",
)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence (or line) of `text` that holds [start, end)."""
    left = 0
    for mark in SENTENCE_ENDS:
        at = text.rfind(mark, 0, start)
        if at != -1:
            left = max(left, at + len(mark))
    right = len(text)
    for mark in SENTENCE_ENDS:
        at = text.find(mark, max(end - 1, start), len(text))
        if at != -1:
            right = min(right, at + len(mark.rstrip()) if mark.strip() else at)
    while left < start and text[left].isspace():
        left += 1
    right = max(right, end)
    while right > end and text[right - 1].isspace():
        right -= 1
    return left, right


def in_sentence(span: Evidence, text: str | None) -> tuple[str, str, str]:
    """(before, the span, after) within its sentence; from the stored context without text."""
    if text is not None and text[span.start : span.end] == span.exact:
        left, right = sentence_around(text, span.start, span.end)
        return text[left : span.start], span.exact, text[span.end : right]
    before = span.prefix.rsplit("\n", 1)[-1]
    after = span.suffix.split("\n", 1)[0]
    return before, span.exact, after
