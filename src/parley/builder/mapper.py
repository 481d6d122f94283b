"""Map the registry and annotated articles to RDF graphs with stable IRIs (no blank nodes)."""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef

from parley.builder.mapsources import map_office, map_sources
from parley.builder.mapterms import T_BASIS as BASIS
from parley.builder.mapterms import T_KIND as KIND
from parley.builder.mapterms import T_LEVEL as LEVEL
from parley.builder.mapterms import T_OA as OA
from parley.builder.mapterms import T_OFFICE as OFFICE
from parley.builder.mapterms import T_ORG as ORG
from parley.builder.mapterms import T_OWL as OWL
from parley.builder.mapterms import T_PARLEY as PARLEY
from parley.builder.mapterms import T_RDF as RDF
from parley.builder.mapterms import T_RDFS as RDFS
from parley.builder.mapterms import T_ROLE as ROLE
from parley.builder.mapterms import T_SCHEMA as SCHEMA
from parley.builder.mapterms import T_SEM as SEM
from parley.builder.mapterms import T_SKOS as SKOS
from parley.builder.mapterms import T_WD as WD
from parley.builder.mapterms import T_XSD as XSD
from parley.builder.mapterms import offset_literal
from parley.model import iris
from parley.model.iris import PID
from parley.model.kgio import new_dataset
from parley.model.labels import (
    REGISTRY_LABEL,
    article_label,
    statement_label,
    unnamed_group_label,
)
from parley.model.records import (
    CLAIM_PROPERTIES,
    DELEGATION_ROLES,
    AnnotatedArticle,
    DateValue,
    MeetingReport,
    Ref,
    Registry,
    Span,
)
from parley.model.terms import partial_date

CLASS_OF_KIND = {
    "person": PARLEY.Person,
    "state": PARLEY.State,
    "organisation": PARLEY.Organisation,
    "place": PARLEY.Place,
    "post": PARLEY.Post,
    "meeting": PARLEY.Meeting,
    "series": PARLEY.MeetingSeries,
    "topic": SKOS.Concept,
}


def registry_graph(registry: Registry, graph: Graph) -> Graph:
    """Add the registry's triples to `graph`."""
    add = graph.add
    add((iris.REGISTRY_GRAPH, RDFS.label, Literal(REGISTRY_LABEL)))
    topics = PID["topic"]
    add((topics, RDF.type, SKOS.ConceptScheme))
    add((topics, RDFS.label, Literal("Parley statement topics")))
    for e in registry.entities.values():
        node = iris.entity(e.kind, e.id)
        add((node, RDF.type, CLASS_OF_KIND[e.kind]))
        add((node, RDFS.label, Literal(e.label)))
        for spelling in e.spellings:
            add((node, SKOS.altLabel, Literal(spelling)))
        if e.wikidata:
            add((node, OWL.sameAs, WD[e.wikidata.qid]))
            add((node, PARLEY.wikidataVerified, Literal(e.wikidata.verified)))
        attrs = dict(e.attrs)
        ref = _ref_adder(registry, graph, node)
        if e.kind == "person":
            ref(PARLEY.nationality, attrs.get("nationality"))
        elif e.kind == "organisation":
            if attrs.get("kind") == "news-outlet":
                add((node, RDF.type, PARLEY.NewsOutlet))
            ref(ORG.subOrganizationOf, attrs.get("part_of"))
        elif e.kind == "place":
            ref(SCHEMA.containedInPlace, attrs.get("in"))
        elif e.kind == "post":
            ref(ORG.postIn, attrs.get("of"))
            ref(PARLEY.postTo, attrs.get("to"))
            add((node, PARLEY.office, OFFICE[str(attrs["office"])]))
        elif e.kind == "meeting":
            ref(PARLEY.inSeries, attrs.get("series"))
            ref(PARLEY.place, attrs.get("place"))
            if "round" in attrs:
                add((node, PARLEY.round, Literal(attrs["round"])))
            if "date" in attrs:
                add((node, PARLEY.date, Literal(attrs["date"], datatype=XSD.date)))
            if "source" in attrs:
                add((node, PARLEY.sourceNote, Literal(attrs["source"])))
        elif e.kind == "topic":
            add((node, SKOS.inScheme, topics))
            add((node, SKOS.prefLabel, Literal(e.label)))
    for h in registry.holdings:
        node = iris.holding(h.post, h.person)
        person, post = iris.entity("person", h.person), iris.entity("post", h.post)
        add((node, RDF.type, PARLEY.PostHolding))
        add((node, PARLEY.holder, person))
        add((node, PARLEY.post, post))
        add((person, ORG.holds, post))
        add((node, PARLEY.sourceNote, Literal(h.source)))
        for prop, value in ((PARLEY.startDate, h.start), (PARLEY.endDate, h.end)):
            if value:
                add((node, prop, partial_date(value)))
    return graph


def _ref_adder(registry: Registry, graph: Graph, subject: URIRef):
    def add(prop: URIRef, ident: object) -> None:
        if ident:
            graph.add((subject, prop, entity_iri(registry, str(ident))))

    return add


def entity_iri(registry: Registry, ident: str) -> URIRef:
    entity = registry.get(ident)
    if entity is None:  # the loader has checked every reference
        raise KeyError(ident)
    return iris.entity(entity.kind, ident)


class ArticleMapper:
    """Writes what one annotated article says into its own graph."""

    def __init__(self, registry: Registry, annotated: AnnotatedArticle, graph: Graph):
        self.registry = registry
        self.doc = annotated
        self.art = annotated.article
        self.g = graph
        self.article = iris.article(self.art.id)
        self._iris: dict[str, URIRef] = {}

    def iri(self, ident: str) -> URIRef:
        found = self._iris.get(ident)
        if found is None:
            found = self._iris[ident] = entity_iri(self.registry, ident)
        return found

    def map(self) -> Graph:
        self._article()
        for m in self.doc.mentions:
            self.g.add((self.span(m.span), PARLEY.denotes, self.iri(m.entity)))
        self._namings()
        for report in self.doc.meetings:
            self._meeting(report)
        for s in self.doc.statements:
            self._statement(s)
        for o in self.doc.offices:
            map_office(self, o)
        for c in self.doc.claims:
            kind = CLAIM_PROPERTIES[c.property]
            if kind == "integer":
                value = Literal(c.value, datatype=XSD.integer)
            elif kind == "level":
                value = LEVEL[str(c.value)]
            elif kind == "year":
                value = partial_date(f"{c.value:04d}")
            else:
                value = self.iri(str(c.value))
            node = self.assertion(
                self.iri(c.about),
                PARLEY[iris.camel(c.property)],
                value,
                c.span,
                qualifier=c.qualifier,
            )
            if c.note:
                self.g.add((node, RDFS.comment, Literal(c.note)))
        return self.g

    def _namings(self) -> None:
        """One parley:Naming per entity and spelling: its mentions (distinct spans) as
        evidence, how many there are and where the first begins."""
        spans: dict[tuple[str, str], dict[tuple[int, int], Span]] = {}
        for m in self.doc.mentions:
            spans.setdefault((m.entity, m.span.exact), {})[(m.span.start, m.span.end)] = m.span
        add = self.g.add
        for (entity, spelling), found in spans.items():
            start, end = min(found)
            node = iris.in_article(self.art.id, "naming", entity, f"{start}-{end}")
            add((node, RDF.type, PARLEY.Naming))
            add((node, PARLEY.names, self.iri(entity)))
            add((node, PARLEY.spelling, Literal(spelling)))
            add((node, PARLEY.inArticle, self.article))
            add((node, PARLEY.occurrences, offset_literal(len(found))))
            add((node, PARLEY.firstStart, offset_literal(start)))
            for span in found.values():
                add((node, PARLEY.evidence, self.span(span)))

    def span(self, span: Span) -> URIRef:
        """The mention node for an evidence span (same span, same node)."""
        node = iris.span(self.art.id, span.start, span.end)
        if (node, RDF.type, PARLEY.Mention) in self.g:
            return node
        quote, position = URIRef(node + "/quote"), URIRef(node + "/position")
        add = self.g.add
        add((node, RDF.type, PARLEY.Mention))
        add((node, OA.hasSource, self.article))
        add((node, OA.hasSelector, quote))
        add((node, OA.hasSelector, position))
        add((quote, RDF.type, OA.TextQuoteSelector))
        add((quote, OA.exact, Literal(span.exact)))
        add((quote, OA.prefix, Literal(span.prefix)))
        add((quote, OA.suffix, Literal(span.suffix)))
        add((position, RDF.type, OA.TextPositionSelector))
        add((position, OA.start, offset_literal(span.start)))
        add((position, OA.end, offset_literal(span.end)))
        return node

    def assertion(
        self,
        subject: URIRef,
        prop: URIRef,
        value,
        span: Span | None,
        qualifier: str | None = None,
        basis: str | None = None,
    ) -> URIRef:
        """State `subject prop value` and an Assertion node carrying its evidence."""
        self.g.add((subject, prop, value))
        node = iris.in_article(
            self.art.id,
            "assertion",
            iris.local_id(subject),
            iris.local_id(prop.split("#")[-1]),
            iris.value_slug(value),
        )
        add = self.g.add
        add((node, RDF.type, PARLEY.Assertion))
        add((node, PARLEY.assertedOf, subject))
        add((node, PARLEY.assertedProperty, prop))
        add(
            (
                node,
                PARLEY.assertedObject if isinstance(value, URIRef) else PARLEY.assertedLiteral,
                value,
            )
        )
        if qualifier:
            add((node, PARLEY.qualifier, Literal(qualifier)))
        if basis:
            add((node, PARLEY.dateBasis, BASIS[basis]))
        if span is not None:
            add((node, PARLEY.evidence, self.span(span)))
        return node

    def _article(self) -> None:
        a, g, node = self.art, self.g, self.article
        g.add((node, RDF.type, PARLEY.NewsArticle))
        g.add((node, PARLEY.sha256, Literal(a.sha256)))
        g.add((node, PARLEY.sourceFile, Literal(f"seeds/articles/{a.file}")))
        g.add((node, PARLEY.dateBasis, BASIS[a.date_basis]))
        outlet = self.registry.get(a.outlet) if a.outlet else None
        title = a.title.exact if a.title else None
        label = article_label(a.id, outlet.label if outlet else None, title, a.date)
        g.add((node, RDFS.label, Literal(label)))
        if a.title:
            self.assertion(node, SCHEMA.headline, Literal(a.title.exact), a.title)
        if a.outlet:
            self.assertion(node, SCHEMA.publisher, self.iri(a.outlet), a.outlet_span)
        if a.date:
            g.add((node, SCHEMA.datePublished, Literal(a.date, datatype=XSD.date)))
        if a.date_note:
            g.add((node, PARLEY.dateNote, Literal(a.date_note)))
        map_sources(self, a)

    def date(self, subject: URIRef, date: DateValue | None, prop: URIRef = PARLEY.date) -> None:
        """State a date the article gives, with its basis and words."""
        if date is not None:
            self.assertion(
                subject,
                prop,
                Literal(date.value, datatype=XSD.date),
                date.span,
                basis=date.basis,
            )

    def _ref(self, subject: URIRef, prop: URIRef, ref: Ref | None) -> None:
        if ref is not None:
            self.assertion(subject, prop, self.iri(ref.id), ref.span)

    def _meeting(self, report: MeetingReport) -> None:
        meeting = self.iri(report.event)
        self.assertion(self.article, PARLEY.reportsOn, meeting, report.span)
        self.date(meeting, report.date)
        if report.duration is not None:
            d = report.duration
            value = Literal(d.value, datatype=XSD.duration)
            self.assertion(meeting, SCHEMA.duration, value, d.span, qualifier=d.qualifier)
        self._ref(meeting, PARLEY.place, report.place)
        self._ref(meeting, PARLEY.venue, report.venue)
        self._ref(meeting, PARLEY.host, report.host)
        add = self.g.add
        for p in report.participants:
            node = iris.in_article(self.art.id, "participation", p.meeting, p.key)
            party = self.iri(p.party)
            add((node, RDF.type, PARLEY.Participation))
            add((node, PARLEY.meeting, meeting))
            add((meeting, PARLEY.hasParticipation, node))
            add((node, PARLEY.actingFor, party))
            add((node, PARLEY.role, ROLE[p.role]))
            add((node, PARLEY.evidence, self.span(p.span)))
            if p.note:
                add((node, RDFS.comment, Literal(p.note)))
            if p.person:
                person = self.iri(p.person)
                add((node, PARLEY.participant, person))
                add((meeting, SEM.hasActor, person))
            else:
                add((node, PARLEY.unnamedParticipant, self._unnamed(p.meeting, p.party)))
            if p.role in DELEGATION_ROLES:
                delegation = iris.delegation(p.meeting, p.party)
                add((node, PARLEY.delegation, delegation))
                add((delegation, RDF.type, PARLEY.Delegation))
                add((delegation, PARLEY.delegationOf, party))
                add((delegation, PARLEY.delegationTo, meeting))

    def _unnamed(self, meeting: str, party: str) -> URIRef:
        """The node of the unnamed people of `party` at `meeting`, typed and labelled."""
        node = iris.unnamed_group(meeting, party)
        entity = self.registry.get(party)
        adjective = entity.attr("adjective") if entity else None
        name = entity.label if entity else party
        label = unnamed_group_label(name, str(adjective) if adjective else None)
        self.g.add((node, RDF.type, PARLEY.UnnamedGroup))
        self.g.add((node, RDFS.label, Literal(label)))
        return node

    def _statement(self, s) -> None:
        q = s.quote
        node = iris.in_article(self.art.id, "statement", f"{q.start}-{q.end}-{s.kind}-{s.speaker}")
        add = self.g.add
        add((node, RDF.type, PARLEY.Statement))
        if not s.paraphrase:
            add((node, RDF.type, SCHEMA.Quotation))
        add((node, PARLEY.speaker, self.iri(s.speaker)))
        speaker = self.registry.get(s.speaker)
        label = statement_label(speaker.label if speaker else s.speaker, q.exact, s.paraphrase)
        add((node, RDFS.label, Literal(label)))
        add((node, PARLEY.quote, Literal(q.exact)))
        add((node, PARLEY.quoteStart, offset_literal(q.start)))
        add((node, PARLEY.isParaphrase, Literal(s.paraphrase)))
        add((node, PARLEY.kind, KIND[s.kind]))
        add((node, PARLEY.evidence, self.span(q)))
        if s.attribution:
            add((node, PARLEY.evidence, self.span(s.attribution)))
        if s.date:
            add((node, PARLEY.date, Literal(s.date.value, datatype=XSD.date)))
            add((node, PARLEY.dateBasis, BASIS[s.date.basis]))
            if s.date.span:
                add((node, PARLEY.evidence, self.span(s.date.span)))
        if s.meeting:
            add((node, PARLEY.context, self.iri(s.meeting)))
        if s.target:
            add((node, PARLEY.target, self.iri(s.target)))
        for topic in s.topics:
            add((node, PARLEY.topic, self.iri(topic)))
        if s.note:
            add((node, RDFS.comment, Literal(s.note)))


def map_corpus(registry: Registry, articles: list[AnnotatedArticle]) -> Dataset:
    """The whole dataset: the registry graph plus one named graph per article."""
    ds = new_dataset()
    registry_graph(registry, ds.graph(iris.REGISTRY_GRAPH))
    for annotated in sorted(articles, key=lambda a: a.article.id):
        graph = ds.graph(iris.article_graph(annotated.article.id))
        ArticleMapper(registry, annotated, graph).map()
    return ds
