"""The ontology (ontology/parley.ttl): parses, documents every term, covers docs/model.md and the
mapper, is consistent for HermiT (OWL 2 DL) and gives the promised OWL RL inferences."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "parley.ttl"
MODEL_DOC = ROOT / "docs" / "model.md"
MAPPER = ROOT / "src" / "parley" / "builder" / "mapper.py"
# the mapper and its helpers: every module that writes the graph's terms
MAPPERS = (MAPPER, MAPPER.with_name("mapsources.py"))

PARLEY = Namespace("https://w3id.org/parley/ontology#")
VOCAB = "https://w3id.org/parley/vocab/"
ROLE = Namespace(VOCAB + "role/")
KIND = Namespace(VOCAB + "statement-kind/")
OFFICE = Namespace(VOCAB + "office/")
LEVEL = Namespace(VOCAB + "level/")
BASIS = Namespace(VOCAB + "date-basis/")
STATUS = Namespace(VOCAB + "holding-status/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ORG = Namespace("http://www.w3.org/ns/org#")
PID = Namespace("https://w3id.org/parley/id/")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # owlrl's error messages

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

# Every value the annotation format and the registry accept (docs/annotation-format.md,
# src/parley/model/records.py) must have a concept.
CONCEPTS = {
    (ROLE, VOCAB + "role"): [
        "host",
        "head-of-delegation",
        "deputy-head-of-delegation",
        "delegation-member",
        "attendee",
        "mediator",
        "observer",
    ],
    (KIND, VOCAB + "statement-kind"): [
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
    ],
    (OFFICE, VOCAB + "office"): [
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
    ],
    (LEVEL, VOCAB + "level"): ["ambassadorial", "high-level", "formal", "expert"],
    (BASIS, VOCAB + "date-basis"): ["dateline", "stated", "relative", "inferred", "unknown"],
    (STATUS, VOCAB + "holding-status"): ["current", "former"],
}
PLOVER_TYPES = {
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def _parley_terms(g: Graph) -> set[URIRef]:
    return {
        s
        for t in TERM_TYPES
        for s in g.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(str(PARLEY))
    }


def _defined(g: Graph, term: URIRef) -> bool:
    return any((term, RDF.type, t) in g for t in TERM_TYPES)


def _has_en(g: Graph, s: URIRef, p: URIRef) -> bool:
    return any(isinstance(o, Literal) and o.language == "en" for o in g.objects(s, p))


# (a) ------------------------------------------------------------------------------------------


def test_parses_and_declares_the_ontology(onto: Graph) -> None:
    header = URIRef("https://w3id.org/parley/ontology")
    assert (header, RDF.type, OWL.Ontology) in onto
    assert onto.value(header, OWL.versionInfo) == Literal("0.1.0")
    assert (
        header,
        URIRef("http://purl.org/dc/terms/license"),
        URIRef("https://creativecommons.org/licenses/by/4.0/"),
    ) in onto
    assert len(_parley_terms(onto)) > 50


# (b) ------------------------------------------------------------------------------------------


def test_every_parley_term_has_label_and_definition(onto: Graph) -> None:
    missing = [
        f"{term.n3(onto.namespace_manager)}: add {what} (@en)"
        for term in sorted(_parley_terms(onto))
        for what, prop in (("rdfs:label", RDFS.label), ("skos:definition", SKOS.definition))
        if not _has_en(onto, term, prop)
    ]
    assert not missing, "\n".join(missing)


def test_no_parley_iri_is_both_object_and_datatype_property(onto: Graph) -> None:
    both = set(onto.subjects(RDF.type, OWL.ObjectProperty)) & set(
        onto.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert not both, f"declare each of these as one kind of property only: {sorted(both)}"


def test_every_concept_has_label_definition_and_scheme(onto: Graph) -> None:
    problems = []
    for concept in sorted(onto.subjects(RDF.type, SKOS.Concept)):
        name = concept.n3(onto.namespace_manager)
        if not _has_en(onto, concept, SKOS.prefLabel):
            problems.append(f"{name}: add skos:prefLabel (@en)")
        if not _has_en(onto, concept, SKOS.definition):
            problems.append(f"{name}: add skos:definition (@en)")
        schemes = list(onto.objects(concept, SKOS.inScheme))
        if not schemes:
            problems.append(f"{name}: add skos:inScheme")
        problems += [
            f"{name}: skos:inScheme {s} is not a skos:ConceptScheme"
            for s in schemes
            if (s, RDF.type, SKOS.ConceptScheme) not in onto
        ]
        if not list(onto.objects(concept, SKOS.topConceptOf)) and not list(
            onto.objects(concept, SKOS.broader)
        ):
            problems.append(f"{name}: add skos:topConceptOf or skos:broader")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("namespace", "scheme"), list(CONCEPTS), ids=lambda x: str(x))
def test_every_accepted_value_has_a_concept(onto: Graph, namespace: Namespace, scheme: str) -> None:
    missing = [
        value
        for value in CONCEPTS[(namespace, scheme)]
        if (namespace[value], SKOS.inScheme, URIRef(scheme)) not in onto
    ]
    assert not missing, f"add concepts to <{scheme}> in ontology/parley.ttl: {missing}"


def test_concepts_cover_the_values_the_loader_accepts(onto: Graph) -> None:
    model = pytest.importorskip("parley.model.records", reason="parley is not installed")
    accepted = {
        ROLE: model.ROLES,
        KIND: model.STATEMENT_KINDS,
        OFFICE: model.OFFICES,
        LEVEL: model.LEVELS,
        BASIS: model.DATE_BASES,
    }
    missing = [
        str(ns[value])
        for ns, values in accepted.items()
        for value in values
        if (ns[value], RDF.type, SKOS.Concept) not in onto
    ]
    assert not missing, f"add these concepts to ontology/parley.ttl: {missing}"


def test_statement_kinds_are_aligned_with_cameo_and_plover(onto: Graph) -> None:
    problems = []
    for value in CONCEPTS[(KIND, VOCAB + "statement-kind")]:
        concept = KIND[value]
        codes = [str(c) for c in onto.objects(concept, PARLEY.cameoCode)]
        if len(codes) != 1 or not re.fullmatch(r"\d{2,4}", codes[0]):
            problems.append(f'kind:{value}: give exactly one CAMEO code, e.g. "112" ({codes})')
        types = [str(t) for t in onto.objects(concept, PARLEY.ploverType)]
        notes = " ".join(" ".join(str(n).split()) for n in onto.objects(concept, SKOS.scopeNote))
        if not types and "No PLOVER event type" not in notes:
            problems.append(f"kind:{value}: add parley:ploverType or say 'No PLOVER event type'")
        problems += [
            f"kind:{value}: unknown PLOVER type {t}" for t in types if t not in PLOVER_TYPES
        ]
    for value in ("make-statement", "express-hope"):
        if (KIND[value], PARLEY.ploverType, None) in onto:
            problems.append(f"kind:{value}: PLOVER codes no such event; remove parley:ploverType")
    assert not problems, "\n".join(problems)


# (c) ------------------------------------------------------------------------------------------


def test_every_parley_term_of_the_model_doc_is_defined(onto: Graph) -> None:
    named = set(re.findall(r"\bparley:(\w+)", MODEL_DOC.read_text(encoding="utf-8")))
    assert len(named) > 40, "docs/model.md should name the parley: terms"
    missing = sorted(n for n in named if not _defined(onto, PARLEY[n]))
    assert not missing, f"docs/model.md names terms ontology/parley.ttl lacks: {missing}"


def test_every_parley_term_the_mapper_writes_is_defined(onto: Graph) -> None:
    assert all(m.exists() for m in MAPPERS), f"{MAPPERS}: the mapper moved — point MAPPERS at it"
    text = "".join(m.read_text(encoding="utf-8") for m in MAPPERS)
    used = set(re.findall(r"\bPARLEY\.(\w+)", text))
    assert len(used) > 20, f"{MAPPERS}: expected the mapper's PARLEY terms, found {sorted(used)}"
    assert {"foundAt", "holdingStatus", "OriginalArticle"} <= used
    missing = sorted(n for n in used if not _defined(onto, PARLEY[n]))
    assert not missing, f"the mapper writes terms ontology/parley.ttl lacks: {missing}"


# (d) ------------------------------------------------------------------------------------------


def test_consistent_and_every_class_satisfiable_for_hermit(onto: Graph, tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip(
            "HermiT needs Java: install default-jre-headless (apt-get install -y "
            "default-jre-headless)"
        )
    import owlready2  # only this test needs it (and Java)

    rdfxml = tmp_path / "parley.owl"
    onto.serialize(rdfxml, format="xml")
    world = owlready2.World()
    loaded = world.get_ontology(rdfxml.as_uri()).load()
    try:
        with world:
            owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError as e:
        pytest.fail(f"HermiT finds ontology/parley.ttl inconsistent: {e}")
    unsatisfiable = list(world.inconsistent_classes())
    assert not unsatisfiable, f"unsatisfiable classes (equivalent to owl:Nothing): {unsatisfiable}"
    parley_classes = [c for c in loaded.classes() if c.iri.startswith(str(PARLEY))]
    assert len(parley_classes) >= 15
    nothing = owlready2.Nothing
    assert not [c for c in parley_classes if nothing in c.equivalent_to]


# (e) ------------------------------------------------------------------------------------------


def _tiny_meeting() -> Graph:
    """Two persons in one meeting, one of them holding an ambassador's post (docs/model.md)."""
    g = Graph()
    meeting = PID["meeting/round-1"]
    crocker, qomi = PID["person/ryan-crocker"], PID["person/hassan-kazemi-qomi"]
    usa, iran = PID["state/united-states"], PID["state/iran"]
    post = PID["post/us-ambassador-to-iraq"]
    g.add((meeting, RDF.type, PARLEY.Meeting))
    for person, state in ((crocker, usa), (qomi, iran)):
        node = PID[f"article/a/participation/round-1/{person.rsplit('/', 1)[-1]}-head"]
        g.add((node, RDF.type, PARLEY.Participation))
        g.add((node, PARLEY.meeting, meeting))  # parley:hasParticipation follows (inverse)
        g.add((node, PARLEY.participant, person))
        g.add((node, PARLEY.actingFor, state))
        g.add((node, PARLEY.role, ROLE["head-of-delegation"]))
        g.add((person, RDF.type, PARLEY.Person))
        g.add((state, RDF.type, PARLEY.State))
    g.add((post, RDF.type, PARLEY.Post))
    g.add((post, PARLEY.office, OFFICE.ambassador))
    g.add((crocker, ORG.holds, post))
    return g


def _owlrl_closure(onto: Graph, data: Graph) -> Graph:
    g = Graph()
    for t in onto:
        g.add(t)
    for t in data:
        g.add(t)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return g


def test_owl_rl_infers_who_met_whom_and_diplomats(onto: Graph) -> None:
    g = _owlrl_closure(onto, _tiny_meeting())
    errors = [str(m) for m in g.objects(None, ERR.error)]
    assert not errors, errors
    crocker, qomi = PID["person/ryan-crocker"], PID["person/hassan-kazemi-qomi"]
    usa, iran = PID["state/united-states"], PID["state/iran"]
    meeting = PID["meeting/round-1"]
    assert (meeting, SEM.hasActor, crocker) in g
    assert (crocker, PARLEY.met, qomi) in g
    assert (qomi, PARLEY.met, crocker) in g
    assert (usa, PARLEY.metState, iran) in g
    assert (iran, PARLEY.metState, usa) in g
    assert (meeting, PARLEY.hasParty, iran) in g
    assert (iran, PARLEY.partyIn, meeting) in g
    assert (PID["post/us-ambassador-to-iraq"], RDF.type, PARLEY.DiplomaticPost) in g
    assert (crocker, RDF.type, PARLEY.Diplomat) in g
    assert (qomi, RDF.type, PARLEY.Diplomat) not in g
    assert (PID["post/us-ambassador-to-iraq"], ORG.heldBy, crocker) in g


def test_owl_rl_reports_a_node_of_two_disjoint_kinds(onto: Graph) -> None:
    data = _tiny_meeting()
    node = BNode()
    data.add((node, RDF.type, PARLEY.Person))
    data.add((node, RDF.type, PARLEY.Meeting))
    g = _owlrl_closure(onto, data)
    assert list(g.objects(None, ERR.error)), "parley:Person and parley:Meeting should be disjoint"
