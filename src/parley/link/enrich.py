"""Pull chosen Wikidata facts about linked entities into their own named graph, with provenance.

Facts are stated about the Wikidata items (`wd:Q…`) in Wikidata's own RDF vocabulary (`wdt:`,
`p:`/`ps:`/`pq:` for statements with qualifiers), never about registry entities: the registry
stays the source of truth and `owl:sameAs` in the registry graph joins the two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Literal, Namespace, URIRef

from parley.link import wdjson
from parley.link.wdjson import Item
from parley.link.wikidata import DEFAULT_API, Client, WikidataError
from parley.model.errors import UsageError
from parley.model.iris import PID, PROV, SCHEMA, WD
from parley.model.kgcommit import kg_lock
from parley.model.kgio import CANONICAL_PREFIXES, canonical_quads, new_dataset, write_atomic
from parley.model.layout import WIKIDATA_GRAPH, WIKIDATA_NAME
from parley.model.terms import partial_date
from parley.seeds.registry import load_registry

WDT = Namespace("http://www.wikidata.org/prop/direct/")
P = Namespace("http://www.wikidata.org/prop/")
PS = Namespace("http://www.wikidata.org/prop/statement/")
PQ = Namespace("http://www.wikidata.org/prop/qualifier/")
WDS = Namespace("http://www.wikidata.org/entity/statement/")
DEFAULT_LANGUAGES = ("ar", "de", "en", "es", "fa", "fr", "ru")
COUNTRY_PROPS = ("P17", "P27")  # country, country of citizenship
POSITION = "P39"
WD_QUALIFIERS = ("P580", "P582")  # start time, end time
WD_PREFIXES = {"wdt": WDT, "p": P, "ps": PS, "pq": PQ, "wds": WDS}
STATEMENT_ID = re.compile(r"^Q[1-9][0-9]*\$[A-Za-z0-9-]+$")


@dataclass(frozen=True)
class EnrichResult:
    path: Path
    items: tuple[str, ...]  # linked items described
    missing: tuple[str, ...]  # linked QIDs Wikidata did not return
    triples: int
    requests: int
    from_cache: int


def enrich(
    seeds: Path,
    kg: Path,
    client: Client,
    api: str = DEFAULT_API,
    languages: tuple[str, ...] = DEFAULT_LANGUAGES,
) -> EnrichResult:
    """Write `kg/wikidata.trig`: labels, countries and positions held of the linked items.

    The file is written (atomically) only once every answer has arrived and been read, and only
    when Wikidata describes at least one linked item; otherwise the old file stays.
    """
    languages = tuple(sorted({lang.strip() for lang in languages if lang.strip()}))
    if not languages:
        raise UsageError("give at least one language code, e.g. --languages en,fa,ar")
    registry = load_registry(seeds / "registry")
    linked = sorted(
        {e.wikidata.qid for e in registry.entities.values() if e.wikidata},
        key=wdjson.qid_number,
    )
    if not linked:
        raise UsageError(
            "no registry entity is linked to Wikidata — run `parley link`, then "
            "`parley link accept ENTITY QID`"
        )
    items = wdjson.get_items(client, api, linked, "labels|claims", languages)
    if not any(q in items for q in linked):
        raise WikidataError(
            f"{api}: Wikidata has none of the {len(linked)} linked items "
            f"({', '.join(linked[:3])}{'…' * (len(linked) > 3)}) — check --api; "
            f"{kg / WIKIDATA_NAME} is left as it was"
        )
    refs = {
        v
        for q in linked
        if q in items
        for pid in (*COUNTRY_PROPS, POSITION)
        for v in items[q].values(pid)
    } - set(linked)
    referenced = wdjson.get_items(client, api, refs, "labels", languages)
    ds = new_dataset()
    graph = ds.graph(URIRef(WIKIDATA_GRAPH))
    described = [q for q in linked if q in items]
    for qid in described:
        _facts(graph, items[qid], languages)
    for item in sorted(referenced.values(), key=lambda i: wdjson.qid_number(i.qid)):
        _labels(graph, item, languages)
        _provenance(graph, item)
    path = kg / WIKIDATA_NAME
    with kg_lock(kg, (WIKIDATA_NAME,)):  # not while a build writes kg/
        write_atomic(path, _trig(ds))
    return EnrichResult(
        path=path,
        items=tuple(described),
        missing=tuple(q for q in linked if q not in items),
        triples=len(graph),
        requests=client.sent,
        from_cache=client.cached,
    )


def _labels(graph, item: Item, languages: tuple[str, ...]) -> None:
    for lang in languages:
        if item.labels.get(lang):
            graph.add((WD[item.qid], RDFS.label, Literal(item.labels[lang], lang=lang)))


def _provenance(graph, item: Item) -> None:
    """A record of what was taken from the item, from where, and when it was retrieved."""
    record = PID[f"wikidata/{item.qid}"]
    graph.add((record, RDF.type, PROV.Entity))
    graph.add((record, SCHEMA.about, WD[item.qid]))
    graph.add((record, PROV.wasDerivedFrom, WD[item.qid]))
    graph.add((record, PROV.generatedAtTime, Literal(item.retrieved, datatype=XSD.dateTime)))


def _best(statements) -> list:
    """Wikidata's "truthy" statements: the preferred ones if any, else the normal ones."""
    usable = [s for s in statements if s.value and s.rank != "deprecated"]
    preferred = [s for s in usable if s.rank == "preferred"]
    return preferred or usable


def _facts(graph, item: Item, languages: tuple[str, ...]) -> None:
    node = WD[item.qid]
    _labels(graph, item, languages)
    _provenance(graph, item)
    for pid in COUNTRY_PROPS:
        for s in _best(item.claims.get(pid, ())):
            graph.add((node, WDT[pid], WD[s.value]))
    for s in _best(item.claims.get(POSITION, ())):
        graph.add((node, WDT[POSITION], WD[s.value]))
    for s in item.claims.get(POSITION, ()):
        if not s.value or s.rank == "deprecated":
            continue
        statement = _statement_iri(item.qid, s)
        graph.add((node, P[POSITION], statement))
        graph.add((statement, PS[POSITION], WD[s.value]))
        for pid in WD_QUALIFIERS:
            for value in s.qualifier(pid):
                if isinstance(value, wdjson.WikiTime):
                    graph.add((statement, PQ[pid], partial_date(value.iso)))


def _statement_iri(qid: str, s) -> URIRef:
    """Wikidata's statement IRI (`Q42$ABC` -> `wds:Q42-ABC`), or one derived from the value."""
    if STATEMENT_ID.match(s.id):
        return WDS[s.id.replace("$", "-")]
    return WDS[f"{qid}-{POSITION}-{s.value}"]


def _trig(ds) -> bytes:
    """Canonical TriG (sorted quads, as `kgio.trig_bytes`) with Wikidata's prefixes too."""
    quads = canonical_quads(ds.serialize(format="nquads", encoding="utf-8"), ox.RdfFormat.N_QUADS)
    prefixes = {**CANONICAL_PREFIXES, **{k: str(v) for k, v in WD_PREFIXES.items()}}
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
