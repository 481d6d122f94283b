"""Map where an article comes from (the site its copy was found on, the original it
reproduces) and the offices it says someone holds or held. Helpers of `mapper.ArticleMapper`,
which they receive as `m` (its graph, its evidence spans and assertions)."""

from __future__ import annotations

from rdflib import Literal

from parley.builder.mapterms import T_ORG as ORG
from parley.builder.mapterms import T_PARLEY as PARLEY
from parley.builder.mapterms import T_PROV as PROV
from parley.builder.mapterms import T_RDF as RDF
from parley.builder.mapterms import T_RDFS as RDFS
from parley.builder.mapterms import T_SCHEMA as SCHEMA
from parley.builder.mapterms import T_STATUS as STATUS
from parley.model import iris
from parley.model.labels import article_label
from parley.model.records import Article, OfficeClaim
from parley.model.terms import partial_date


def map_sources(m, a: Article) -> None:
    """A reprint: `article prov:hadPrimarySource original` (an Assertion with the words that
    show it), the site the copy was found on (`parley:foundAt`) and what the text says of the
    original (`schema:publisher`, `schema:headline`, `schema:datePublished`)."""
    if a.found_at is None and a.original is None:
        return
    original = iris.original(a.id)
    m.g.add((original, RDF.type, PARLEY.OriginalArticle))
    outlet = m.registry.get(a.outlet) if a.outlet else None
    copy = article_label(a.id, outlet.label if outlet else None, a.title and a.title.exact, a.date)
    m.g.add((original, RDFS.label, Literal(f"original of {copy}")))
    if a.original is not None:
        m.assertion(m.article, PROV.hadPrimarySource, original, a.original.span)
    if a.found_at is not None:
        found = a.found_at
        node = m.assertion(m.article, PROV.hadPrimarySource, original, found.span)
        if found.site:
            node = m.assertion(m.article, PARLEY.foundAt, m.iri(found.site), found.span)
        if found.note:
            m.g.add((node, RDFS.comment, Literal(found.note)))
    if a.original is not None:
        o = a.original
        if o.outlet:
            m.assertion(original, SCHEMA.publisher, m.iri(o.outlet), o.span)
        if o.title:
            m.assertion(original, SCHEMA.headline, Literal(o.title.exact), o.title)
        m.date(original, o.date, SCHEMA.datePublished)
        if o.note:
            m.g.add((original, RDFS.comment, Literal(o.note)))


def map_office(m, o: OfficeClaim) -> None:
    """A post holding as the article states it: holder, post, status (current or former),
    the start and end the text gives, and the words (every span is evidence of the holding)."""
    parts = ("holding", o.post, o.person) + (("former",) if o.status == "former" else ())
    node = iris.in_article(m.art.id, *parts)
    person, post = m.iri(o.person), m.iri(o.post)
    add = m.g.add
    add((node, RDF.type, PARLEY.PostHolding))
    add((node, PARLEY.holder, person))
    add((node, PARLEY.post, post))
    add((node, PARLEY.holdingStatus, STATUS[o.status]))
    add((node, PARLEY.evidence, m.span(o.span)))
    for prop, date in ((PARLEY.startDate, o.start), (PARLEY.endDate, o.end)):
        if date is not None:
            add((node, prop, partial_date(date.value)))
            add((node, PARLEY.evidence, m.span(date.span)))
    if o.note:
        add((node, RDFS.comment, Literal(o.note)))
    add((person, ORG.holds, post))
