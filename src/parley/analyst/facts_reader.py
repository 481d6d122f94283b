"""Read the facts out of the built graph's rdflib Dataset, once, for export, report and explain.

The registry graph gives identities, one named graph per article what that article says (see
docs/model.md).
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import OWL, RDF, RDFS, SKOS, Dataset, Graph, Literal, URIRef

from parley.analyst.facts import (
    ArticleInfo,
    AssertionFact,
    EntityInfo,
    Evidence,
    Facts,
    MeetingInfo,
    OfficeFact,
    ParticipationFact,
    StatementFact,
    local_name,
)
from parley.model.iris import OA, PARLEY, PG, REGISTRY_GRAPH, SCHEMA, STATUS, WD
from parley.model.labels import article_label
from parley.model.layout import ONTOLOGY_GRAPH

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


def article_id_of_graph(graph_iri: str) -> str | None:
    if graph_iri.startswith(ARTICLE_GRAPH_PREFIX):
        return graph_iri[len(ARTICLE_GRAPH_PREFIX) :]
    return None


def read_facts(ds: Dataset) -> Facts:
    """Everything the report, the export and explain need, read once from the dataset."""
    facts = Facts()
    _names(ds.graph(URIRef(ONTOLOGY_GRAPH)), facts)
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


def _slug(value) -> str | None:
    return None if value is None else local_name(str(value))


def _label(g: Graph, node) -> str:
    return _text(g, node, RDFS.label) or local_name(str(node))


def _names(g: Graph, facts: Facts) -> None:
    """The ontology's labels: skos:prefLabel of its concepts, rdfs:label of its terms."""
    for prop in (RDFS.label, SKOS.prefLabel):
        for node, label in g.subject_objects(prop):
            if isinstance(node, URIRef):
                facts.names.setdefault(str(node), str(label))


# --- the registry ------------------------------------------------------------------------


def _registry(g: Graph, facts: Facts) -> None:
    for cls, kind in KIND_OF_CLASS.items():
        for node in g.subjects(RDF.type, cls):
            if kind == "meeting":
                facts.meetings[str(node)] = _meeting_info(g, node)
            facts.entities[str(node)] = _entity_info(g, node, kind)
    holders: dict[str, list[str]] = defaultdict(list)
    for node in g.subjects(RDF.type, PARLEY.PostHolding):
        post, person = g.value(node, PARLEY.post), g.value(node, PARLEY.holder)
        if post is not None and person is not None:
            holders[str(post)].append(str(person))
    facts.holders = {k: tuple(sorted(v)) for k, v in sorted(holders.items())}


def _meeting_info(g: Graph, node) -> MeetingInfo:
    rnd = g.value(node, PARLEY.round)
    return MeetingInfo(
        iri=str(node),
        id=local_name(str(node)),
        label=_label(g, node),
        date=_text(g, node, PARLEY.date),
        place=_text(g, node, PARLEY.place),
        round=int(rnd) if rnd is not None else None,
    )


def _entity_info(g: Graph, node, kind: str) -> EntityInfo:
    qid = None
    for same in g.objects(node, OWL.sameAs):
        if str(same).startswith(str(WD)):
            qid = str(same)[len(str(WD)) :]
    return EntityInfo(
        iri=str(node),
        id=local_name(str(node)),
        kind=kind,
        label=_label(g, node),
        spellings=tuple(sorted(str(s) for s in g.objects(node, SKOS.altLabel))),
        qid=qid,
        nationality=_text(g, node, PARLEY.nationality),
        container=_text(g, node, SCHEMA.containedInPlace),
    )


# --- evidence ----------------------------------------------------------------------------


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


def _first_span(g: Graph, article: str, node) -> Evidence | None:
    spans = _spans(g, article, node)
    return spans[0] if spans else None


# --- one article's graph -----------------------------------------------------------------


def _article(article: str, g: Graph, facts: Facts) -> None:
    for node in g.subjects(RDF.type, PARLEY.NewsArticle):
        info = facts.articles[article] = _article_info(g, node, article, facts)
        facts.names[info.iri] = info.label
    for node in g.subjects(RDF.type, PARLEY.UnnamedGroup):
        facts.names[str(node)] = _label(g, node)
        facts.groups.add(str(node))
    for node in g.subjects(RDF.type, PARLEY.Participation):
        facts.participations.append(_participation(g, node, article))
    for node in g.subjects(RDF.type, PARLEY.Statement):
        facts.statements.append(_statement(g, node, article))
    for node in g.subjects(RDF.type, PARLEY.Assertion):
        facts.assertions.append(_assertion(g, node, article))
    for node in g.subjects(RDF.type, PARLEY.PostHolding):
        person, post = _text(g, node, PARLEY.holder), _text(g, node, PARLEY.post)
        if person and post:
            former = (node, PARLEY.holdingStatus, STATUS.former) in g
            evidence = _first_span(g, article, node)
            facts.offices.append(OfficeFact(article, person, post, evidence, former))
    facts.offices.sort(key=lambda o: (o.article, o.person, o.post))


def _article_info(g: Graph, node, article: str, facts: Facts) -> ArticleInfo:
    headline = _text(g, node, SCHEMA.headline)
    publisher = _text(g, node, SCHEMA.publisher)
    date = _text(g, node, SCHEMA.datePublished)
    outlet = facts.label(publisher) if publisher else None
    return ArticleInfo(
        id=article,
        iri=str(node),
        label=_text(g, node, RDFS.label) or article_label(article, outlet, headline, date),
        headline=headline,
        publisher=publisher,
        date=date,
        date_basis=_slug(g.value(node, PARLEY.dateBasis)),
        source_file=_text(g, node, PARLEY.sourceFile),
        sha256=_text(g, node, PARLEY.sha256),
    )


def _participation(g: Graph, node, article: str) -> ParticipationFact:
    return ParticipationFact(
        iri=str(node),
        article=article,
        meeting=_text(g, node, PARLEY.meeting) or "",
        person=_text(g, node, PARLEY.participant),
        group=_text(g, node, PARLEY.unnamedParticipant),
        party=_text(g, node, PARLEY.actingFor) or "",
        role=_slug(g.value(node, PARLEY.role)) or "",
        delegation=_text(g, node, PARLEY.delegation),
        evidence=_first_span(g, article, node),
    )


def _statement(g: Graph, node, article: str) -> StatementFact:
    quote = _text(g, node, PARLEY.quote) or ""
    spans = _spans(g, article, node)
    quote_span = next((s for s in spans if s.exact == quote), None)
    ordered = ([quote_span] if quote_span else []) + [s for s in spans if s is not quote_span]
    para = g.value(node, PARLEY.isParaphrase)
    return StatementFact(
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


def _assertion(g: Graph, node, article: str) -> AssertionFact:
    obj = g.value(node, PARLEY.assertedObject)
    lit = g.value(node, PARLEY.assertedLiteral)
    value = obj if obj is not None else lit
    return AssertionFact(
        iri=str(node),
        article=article,
        subject=_text(g, node, PARLEY.assertedOf) or "",
        property=_text(g, node, PARLEY.assertedProperty) or "",
        value=str(value) if value is not None else "",
        value_is_iri=isinstance(value, URIRef),
        qualifier=_text(g, node, PARLEY.qualifier),
        evidence=_first_span(g, article, node),
    )
