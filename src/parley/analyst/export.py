"""Export the built graph: PLOVER-style JSON Lines, CAMEO dyadic CSV, or the RDF itself.

The mapping from Parley's statement kinds to CAMEO codes and PLOVER types is read from
`ontology/parley.ttl` (`parley:cameoCode`, `parley:ploverType` on each `kind:` concept); the
table `FALLBACK_ALIGNMENT` is used only for kinds the ontology does not align. See docs/export.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from itertools import permutations
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDFS, SKOS, Dataset, Graph, URIRef

from parley.analyst.facts import (
    ArticleInfo,
    Evidence,
    Facts,
    MeetingInfo,
    StatementFact,
    local_name,
    read_facts,
)
from parley.model.errors import InputError, Problem, UsageError
from parley.model.iris import KIND, PARLEY
from parley.model.kgio import CANONICAL_PREFIXES, canonical_quads, trig_bytes
from parley.model.layout import TRIG_NAME
from parley.query.backends import MemoryStore

# kind slug -> (CAMEO code, PLOVER type or None): used only where the ontology has no alignment
FALLBACK_ALIGNMENT: dict[str, tuple[str, str | None]] = {
    "make-statement": ("010", None),
    "accuse": ("112", "ACCUSE"),
    "deny": ("016", None),
    "demand": ("100", "REQUEST"),
    "request": ("020", "REQUEST"),
    "propose": ("030", "AGREE"),
    "offer": ("030", "AGREE"),
    "agree": ("030", "AGREE"),
    "reject": ("120", "REJECT"),
    "praise": ("051", "SUPPORT"),
    "criticize": ("111", "ACCUSE"),
    "express-intent": ("030", "AGREE"),
    "express-hope": ("013", None),
}
# CAMEO code -> its name (CAMEO 1.1b3), used as ICEWS's "Event Text"
CAMEO_NAMES = {
    "010": "Make statement",
    "013": "Make optimistic comment",
    "016": "Deny responsibility",
    "019": "Express accord",
    "020": "Make an appeal or request",
    "030": "Express intent to cooperate",
    "040": "Consult",
    "042": "Make a visit",
    "043": "Host a visit",
    "044": "Meet at a third location",
    "045": "Mediate",
    "051": "Praise or endorse",
    "100": "Demand",
    "111": "Criticize or denounce",
    "112": "Accuse",
    "120": "Reject",
}
THIRD_PARTY_ROLES = ("host", "mediator")
DELEGATION_ROLES = ("head-of-delegation", "deputy-head-of-delegation", "delegation-member")
CSV_COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Kind",
    "Source Country",
    "Source Wikidata",
    "Event Text",
    "CAMEO Code",
    "Target Name",
    "Target Kind",
    "Target Country",
    "Target Wikidata",
    "Story ID",
    "Publisher",
    "Story Date",
    "City",
    "Country",
    "Quote",
    "Quote Start",
    "Quote End",
    "Source IRI",
    "Target IRI",
)


@dataclass(frozen=True)
class Alignment:
    cameo: str | None
    plover: str | None
    mode: str | None
    label: str
    from_ontology: bool


def ontology_path() -> Path:
    return Path(str(resources.files("parley") / "ontology" / "parley.ttl"))


def kind_alignment(ontology: Path | None = None) -> dict[str, Alignment]:
    """Statement kind slug -> its CAMEO code and PLOVER type, from the ontology when it says."""
    path = ontology or ontology_path()
    graph = Graph()
    if path.exists():
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser exception types
            raise InputError(
                Problem(str(path), None, f"cannot parse the ontology: {exc}", "fix its syntax")
            ) from None
    out = {}
    scheme = URIRef(str(KIND).rstrip("/"))
    slugs = dict(FALLBACK_ALIGNMENT)
    for node in graph.subjects(SKOS.inScheme, scheme):
        slugs.setdefault(local_name(str(node)), (None, None))
    for slug, (cameo, plover) in sorted(slugs.items()):
        node = KIND[slug]
        o_cameo = graph.value(node, PARLEY.cameoCode)
        o_plover = graph.value(node, PARLEY.ploverType)
        o_mode = graph.value(node, PARLEY.ploverMode)
        label = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label)
        found = o_cameo is not None or o_plover is not None
        if found:  # the ontology aligns this kind: an absent PLOVER type means "none"
            cameo = str(o_cameo) if o_cameo is not None else None
            plover = _plover_name(o_plover) if o_plover is not None else None
        out[slug] = Alignment(
            cameo=cameo,
            plover=plover,
            mode=str(o_mode) if found and o_mode is not None else None,
            label=str(label) if label is not None else slug.replace("-", " "),
            from_ontology=found,
        )
    return out


def _plover_name(value) -> str:
    """A PLOVER type given as a literal ("ACCUSE") or an IRI (…#Accuse) -> "ACCUSE"."""
    return local_name(str(value)).upper()


# --- shared record parts -------------------------------------------------------------------


def _citation(facts: Facts, span: Evidence | None, article: str) -> dict:
    info: ArticleInfo | None = facts.articles.get(article)
    out = {
        "article": info.iri if info else None,
        "article_id": article,
        "headline": info.headline if info else None,
        "publisher": facts.label(info.publisher) if info and info.publisher else None,
        "publisher_iri": info.publisher if info else None,
        "date_published": info.date if info else None,
        "date_basis": info.date_basis if info else None,
        "source_file": info.source_file if info else None,
        "sha256": info.sha256 if info else None,
    }
    if span is not None:
        out["text"] = span.exact
        out["start"] = span.start
        out["end"] = span.end
    return out


def _party_entry(facts: Facts, iri: str) -> dict:
    info = facts.entities.get(iri)
    return {
        "id": iri,
        "name": facts.label(iri),
        "kind": info.kind if info else None,
        "wikidata": info.qid if info else None,
    }


def _agent_entry(facts: Facts, iri: str | None) -> dict | None:
    if iri is None:
        return None
    entry = _party_entry(facts, iri)
    info = facts.entities.get(iri)
    if info and info.kind == "person":
        party = facts.party_of(iri)
        entry["acting_for"] = _party_entry(facts, party) if party else None
    return entry


def _country_of_agent(facts: Facts, iri: str | None) -> str | None:
    info = facts.entities.get(iri or "")
    if info is None:
        return None
    if info.kind == "state":
        return iri
    if info.kind == "person":
        party = facts.party_of(iri or "")
        return _country_of_agent(facts, party) if party and party != iri else None
    return None


@dataclass(frozen=True)
class MeetingShape:
    """Who was at a meeting, as the articles state it, and how CAMEO/PLOVER see it."""

    meeting: MeetingInfo
    delegations: tuple[str, ...]  # parties with a delegation role
    third_parties: tuple[str, ...]  # host/mediator/attendee parties without a delegation
    hosts: tuple[str, ...]  # parties whose member hosted or mediated
    mode: str
    place_country: str | None


def meeting_shape(facts: Facts, meeting: MeetingInfo) -> MeetingShape:
    parts = [p for p in facts.participations if p.meeting == meeting.iri]
    delegations = sorted({p.party for p in parts if p.role in DELEGATION_ROLES})
    others = sorted({p.party for p in parts if p.party not in delegations})
    hosts = sorted(
        {p.party for p in parts if p.role in THIRD_PARTY_ROLES and p.party not in delegations}
    )
    country = facts.country_of(meeting.place)
    if hosts:
        mode = "mediate"
    elif country is not None and country in delegations:
        mode = "visit"
    else:
        mode = "meet"
    return MeetingShape(meeting, tuple(delegations), tuple(others), tuple(hosts), mode, country)


def _location(facts: Facts, place: str | None) -> dict | None:
    if place is None:
        return None
    country = facts.country_of(place)
    return {
        "id": place,
        "name": facts.label(place),
        "wikidata": facts.qid(place),
        "country": facts.label(country) if country else None,
        "country_wikidata": facts.qid(country),
    }


# --- PLOVER ------------------------------------------------------------------------------


def plover_records(facts: Facts, alignment: dict[str, Alignment]) -> list[dict]:
    """One CONSULT record per meeting, one record per statement whose kind has a PLOVER type."""
    records = []
    for meeting in sorted(facts.meetings.values(), key=lambda m: (m.date or "", m.iri)):
        parts = [p for p in facts.participations if p.meeting == meeting.iri]
        if not parts:
            continue
        shape = meeting_shape(facts, meeting)
        sources = sorted({p.article for p in parts})
        records.append(
            {
                "id": meeting.iri,
                "date": meeting.date,
                "event_type": "CONSULT",
                "mode": shape.mode,
                "context": [],
                "cameo": _meeting_cameo(shape),
                "label": meeting.label,
                "actors": [_party_entry(facts, p) for p in shape.delegations],
                "recipients": [_party_entry(facts, p) for p in shape.third_parties],
                "participants": [
                    {
                        "person": _party_entry(facts, p.person) if p.person else None,
                        "acting_for": _party_entry(facts, p.party),
                        "role": p.role,
                        "citation": _citation(facts, p.evidence, p.article),
                    }
                    for p in parts
                ],
                "location": _location(facts, meeting.place),
                "sources": [_citation(facts, None, a) for a in sources],
            }
        )
    for s in facts.statements:
        align = alignment.get(s.kind)
        if align is None or align.plover is None:
            continue
        records.append(_statement_record(facts, s, align))
    return records


def _meeting_cameo(shape: MeetingShape) -> str:
    return {"mediate": "045", "visit": "042", "meet": "044"}[shape.mode]


def _statement_record(facts: Facts, s: StatementFact, align: Alignment) -> dict:
    article = facts.articles.get(s.article)
    date, basis = s.date, s.date_basis
    if date is None and article is not None:
        date, basis = article.date, "article-date"
    meeting = facts.meetings.get(s.meeting or "")
    return {
        "id": s.iri,
        "date": date,
        "date_basis": basis,
        "event_type": align.plover,
        "mode": align.mode,
        "quotation": not s.paraphrase,
        "context": [facts.label(t) for t in s.topics],
        "cameo": align.cameo,
        "kind": s.kind,
        "actors": [_agent_entry(facts, s.speaker)],
        "recipients": [_agent_entry(facts, s.target)] if s.target else [],
        "meeting": s.meeting,
        "location": _location(facts, meeting.place) if meeting else None,
        "text": s.quote,
        "citation": _citation(facts, s.quote_span, s.article),
    }


def write_plover(facts: Facts, alignment: dict[str, Alignment]) -> bytes:
    lines = [
        json.dumps(r, ensure_ascii=False, sort_keys=True) for r in plover_records(facts, alignment)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


# --- CAMEO CSV ---------------------------------------------------------------------------


def cameo_rows(facts: Facts, alignment: dict[str, Alignment]) -> list[dict[str, str]]:
    """Dyadic rows: meetings coded both ways per pair of delegations, hosts toward each
    delegation, and one row per statement (speaker -> target)."""
    rows = []
    for meeting in sorted(facts.meetings.values(), key=lambda m: (m.date or "", m.iri)):
        parts = [p for p in facts.participations if p.meeting == meeting.iri]
        if not parts:
            continue
        shape = meeting_shape(facts, meeting)
        stories = " ".join(sorted({p.article for p in parts}))
        code = "042" if shape.mode == "visit" else "044"
        dyads = [(a, b, code) for a, b in permutations(shape.delegations, 2)]
        dyads += [
            (h, d, "043" if h == shape.place_country else "045")
            for h in shape.hosts
            for d in shape.delegations
        ]
        for source, target, cameo in dyads:
            rows.append(
                _row(
                    facts,
                    event_id=f"{meeting.iri}#{local_name(source)}-{local_name(target)}",
                    date=meeting.date,
                    source=source,
                    target=target,
                    cameo=cameo,
                    story=stories,
                    place=meeting.place,
                )
            )
    for s in facts.statements:
        align = alignment.get(s.kind)
        if align is None or align.cameo is None:
            continue
        article = facts.articles.get(s.article)
        meeting = facts.meetings.get(s.meeting or "")
        span = s.quote_span
        rows.append(
            _row(
                facts,
                event_id=s.iri,
                date=s.date or (article.date if article else None),
                source=s.speaker,
                target=s.target,
                cameo=align.cameo,
                story=s.article,
                place=meeting.place if meeting else None,
                quote=s.quote,
                span=span,
                event_text=align.label,
            )
        )
    return rows


def _row(
    facts,
    *,
    event_id,
    date,
    source,
    target,
    cameo,
    story,
    place,
    quote="",
    span=None,
    event_text="",
):
    first_story = story.split(" ")[0]
    article = facts.articles.get(first_story)
    country = facts.country_of(place)
    row = {
        "Event ID": event_id,
        "Event Date": date or "",
        "Source Name": facts.label(source),
        "Source Kind": facts.entities[source].kind if source in facts.entities else "",
        "Source Country": facts.label(_country_of_agent(facts, source)),
        "Source Wikidata": facts.qid(source) or "",
        "Event Text": CAMEO_NAMES.get(cameo, event_text),
        "CAMEO Code": cameo,
        "Target Name": facts.label(target),
        "Target Kind": facts.entities[target].kind if target in facts.entities else "",
        "Target Country": facts.label(_country_of_agent(facts, target)),
        "Target Wikidata": facts.qid(target) or "",
        "Story ID": story,
        "Publisher": facts.label(article.publisher) if article and article.publisher else "",
        "Story Date": article.date or "" if article else "",
        "City": facts.label(place) if place and facts.entities[place].kind == "place" else "",
        "Country": facts.label(country),
        "Quote": quote,
        "Quote Start": str(span.start) if span else "",
        "Quote End": str(span.end) if span else "",
        "Source IRI": source or "",
        "Target IRI": target or "",
    }
    return row


def write_cameo_csv(facts: Facts, alignment: dict[str, Alignment]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(cameo_rows(facts, alignment))
    return buf.getvalue().encode("utf-8")


# --- RDF ---------------------------------------------------------------------------------


def _sorted_quads(ds: Dataset) -> list[ox.Quad]:
    return canonical_quads(ds.serialize(format="nquads", encoding="utf-8"), ox.RdfFormat.N_QUADS)


def write_nquads(ds: Dataset) -> bytes:
    return ox.serialize(_sorted_quads(ds), format=ox.RdfFormat.N_QUADS)


def write_turtle(ds: Dataset) -> bytes:
    """The union of all graphs as Turtle (graph names are dropped; use trig to keep them)."""
    triples = sorted(
        {ox.Triple(q.subject, q.predicate, q.object) for q in _sorted_quads(ds)},
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=CANONICAL_PREFIXES)


def _jsonld_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    out: dict = {"@value": term.value}
    if term.language:
        out["@language"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["@type"] = term.datatype.value
    return out


def write_jsonld(ds: Dataset) -> bytes:
    """Expanded, flattened JSON-LD: one object per named graph, nodes and values sorted."""
    RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    graphs: dict[str, dict[str, dict[str, list]]] = {}
    for q in _sorted_quads(ds):
        gname = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "@default"
        subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else f"_:{q.subject.value}"
        node = graphs.setdefault(gname, {}).setdefault(subject, {})
        if q.predicate.value == RDF_TYPE and isinstance(q.object, ox.NamedNode):
            node.setdefault("@type", []).append(q.object.value)
        else:
            node.setdefault(q.predicate.value, []).append(_jsonld_term(q.object))
    doc = []
    for gname in sorted(graphs):
        nodes = [{"@id": s, **props} for s, props in sorted(graphs[gname].items())]
        if gname == "@default":
            doc.extend(nodes)
        else:
            doc.append({"@id": gname, "@graph": nodes})
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


RDF_WRITERS: dict[str, Callable[[Dataset], bytes]] = {
    "nquads": write_nquads,
    "trig": trig_bytes,
    "turtle": write_turtle,
    "jsonld": write_jsonld,
}
EVENT_WRITERS: dict[str, Callable[[Facts, dict[str, Alignment]], bytes]] = {
    "plover": write_plover,
    "cameo-csv": write_cameo_csv,
}
EXPORT_FORMATS = tuple(sorted((*RDF_WRITERS, *EVENT_WRITERS)))


def export(kg: Path, fmt: str, ontology: Path | None = None) -> bytes:
    """The graph in `kg/` in format `fmt` (see EXPORT_FORMATS)."""
    if fmt in RDF_WRITERS:
        store = MemoryStore.from_files(kg / TRIG_NAME)
        return RDF_WRITERS[fmt](store.dataset)
    if fmt in EVENT_WRITERS:
        from parley.api import open_store

        facts = read_facts(open_store(kg).dataset)
        return EVENT_WRITERS[fmt](facts, kind_alignment(ontology))
    raise UsageError(f"unknown export format '{fmt}' — choose one of {', '.join(EXPORT_FORMATS)}")
