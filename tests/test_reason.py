"""OWL 2 RL reasoning: only new, loadable triples about Parley resources reach kg/inferred.ttl."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, URIRef
from seedsets import CORPUS

from parley.api import reason
from parley.builder.corpus import build
from parley.cli.main import main
from parley.model.iris import ORG, PARLEY, PG, PID, PROV, SCHEMA, SEM
from parley.model.kgio import trig_bytes
from parley.model.layout import INFERRED_NAME
from parley.reason.owl import infer

DATA = Path(__file__).parent / "data" / "validate"
SEEDS = CORPUS
WD = "http://www.wikidata.org/entity/"

ANN, BOB = PID["person/ann"], PID["person/bob"]
ALPHA, BETA = PID["state/alpha"], PID["state/beta"]
M1, ENVOY = PID["meeting/m1"], PID["post/alpha-envoy"]


@pytest.fixture(scope="module")
def base():
    ds = Dataset()
    ds.parse(DATA / "base.trig", format="trig")
    return ds, infer(ds)


@pytest.fixture(scope="module")
def seeds_kg(tmp_path_factory):
    kg = tmp_path_factory.mktemp("kg")
    build(SEEDS, kg)
    return kg


def assert_clean(inferred, asserted: Dataset) -> None:
    """No axiomatic, literal-subject, blank, reflexive, Wikidata or already-asserted triples."""
    asserted_triples = {(s, p, o) for s, p, o, _ in asserted.quads((None, None, None, None))}
    for s, p, o in inferred:
        assert isinstance(s, URIRef) and str(s).startswith(str(PID)), (s, p, o)
        assert not isinstance(o, BNode), (s, p, o)
        assert not str(o).startswith(WD), (s, p, o)
        assert (s, p, o) not in asserted_triples, (s, p, o)
        if p in (OWL.sameAs, PARLEY.met, PARLEY.metState):
            assert s != o, (s, p, o)
        if p == RDF.type:
            assert o not in (OWL.Thing, RDFS.Resource), (s, p, o)


def test_base_inferences(base):
    """base.trig: Ann (Alpha's envoy, an ambassador post) met Bob (Beta) at m1."""
    ds, inference = base
    g = inference.graph
    assert (ANN, PARLEY.met, BOB) in g and (BOB, PARLEY.met, ANN) in g
    assert (ALPHA, PARLEY.metState, BETA) in g and (BETA, PARLEY.metState, ALPHA) in g
    assert (ANN, RDF.type, PARLEY.Diplomat) in g
    assert (BOB, RDF.type, PARLEY.Diplomat) not in g  # Bob holds no post
    assert (ENVOY, RDF.type, PARLEY.DiplomaticPost) in g
    assert (ENVOY, ORG.heldBy, ANN) in g
    assert (ANN, PARLEY.actorIn, M1) in g
    assert (ALPHA, PARLEY.partyIn, M1) in g and (M1, PARLEY.hasParty, BETA) in g
    statement = PID["article/a1/statement/85-98-demand-ann"]
    assert (statement, PROV.wasAttributedTo, ANN) in g
    assert (statement, SCHEMA.about, PID["topic/security"]) in g
    assert (M1, SEM.hasTimeStamp, Literal("2007-05-28", datatype=XSD.date)) in g
    assert_clean(g, ds)


def test_no_self_pairs_and_no_wikidata_copies(base):
    _, inference = base
    g = inference.graph
    for person in (ANN, BOB):
        assert (person, PARLEY.met, person) not in g
    assert not [t for t in g if URIRef(WD + "Q100") in t]  # Beta owl:sameAs wd:Q100


def test_counts_per_predicate(base):
    _, inference = base
    assert inference.counts["parley:met"] == 2
    assert inference.counts["parley:metState"] == 2
    assert sum(inference.counts.values()) == len(inference.graph)
    assert inference.types["parley:Diplomat"] == 1
    assert list(inference.counts) == sorted(inference.counts)


def test_output_loads_into_oxigraph_and_is_deterministic(base):
    ds, inference = base
    store = ox.Store()
    store.load(inference.data, format=ox.RdfFormat.TURTLE)
    assert len(store) == len(inference.graph)
    assert infer(ds).data == inference.data


def test_seeds_inferences(seeds_kg):
    """From the article texts: Crocker and Kazemi-Qomi met at round 1 ("Kazemi-Qomi sat directly
    opposite Crocker in the meeting", 002; "Qomi met US envoy to Baghdad Ryan Crocker", 000), so
    the US and Iran met; both held ambassadorial posts (registry, from seeds/sources/facts.yaml)."""
    store = ox.Store()
    store.load(path=str(seeds_kg / INFERRED_NAME), format=ox.RdfFormat.TURTLE)
    crocker = ox.NamedNode(str(PID["person/ryan-crocker"]))
    qomi = ox.NamedNode(str(PID["person/hassan-kazemi-qomi"]))
    mottaki = ox.NamedNode(str(PID["person/manouchehr-mottaki"]))
    met = ox.NamedNode(str(PARLEY.met))
    met_state = ox.NamedNode(str(PARLEY.metState))
    us, iran = (ox.NamedNode(str(PID[f"state/{s}"])) for s in ("united-states", "iran"))
    a, diplomat = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PARLEY.Diplomat))
    assert ox.Quad(crocker, met, qomi) in store and ox.Quad(qomi, met, crocker) in store
    assert ox.Quad(us, met_state, iran) in store and ox.Quad(iran, met_state, us) in store
    assert ox.Quad(crocker, a, diplomat) in store and ox.Quad(qomi, a, diplomat) in store
    assert ox.Quad(mottaki, a, diplomat) not in store  # a foreign minister, not an envoy
    assert not list(store.quads_for_pattern(crocker, met, crocker))


def test_seeds_output_is_clean(seeds_kg):
    ds = Dataset()
    ds.parse(seeds_kg / "parley.trig", format="trig")
    inferred = Graph().parse(seeds_kg / INFERRED_NAME, format="turtle")
    assert len(inferred) > 100
    assert_clean(inferred, ds)


def test_reason_rederives_what_build_wrote(seeds_kg, tmp_path):
    kg = tmp_path / "kg"
    kg.mkdir()
    (kg / "parley.trig").write_bytes((seeds_kg / "parley.trig").read_bytes())
    first = reason(kg)
    assert first.changed
    assert first.inference.inconsistencies == (), "the seeds contradict the ontology"
    assert (kg / INFERRED_NAME).read_bytes() == (seeds_kg / INFERRED_NAME).read_bytes()
    assert not reason(kg).changed


def test_build_check_sees_a_stale_inferred_file(seeds_kg, tmp_path):
    kg = tmp_path / "kg"
    kg.mkdir()
    for name in ("parley.trig", INFERRED_NAME):
        (kg / name).write_bytes((seeds_kg / name).read_bytes())
    assert build(SEEDS, kg, check=True).stale == ()
    (kg / INFERRED_NAME).write_bytes(b"# edited by hand\n")
    assert build(SEEDS, kg, check=True).stale == (INFERRED_NAME,)


def test_cli_reason(tmp_path):
    ds = Dataset()
    ds.parse(DATA / "base.trig", format="trig")
    kg = tmp_path / "kg"
    kg.mkdir()
    (kg / "parley.trig").write_bytes(trig_bytes(ds))
    result = CliRunner().invoke(main, ["reason", "--kg", str(kg)])
    assert result.exit_code == 0, result.output
    assert f"wrote {kg / INFERRED_NAME}" in result.output
    assert "parley:met" in result.output and "rdf:type parley:Diplomat" in result.output
    result = CliRunner().invoke(main, ["reason", "--kg", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "graph file not found" in result.output
    assert not (tmp_path / "missing" / INFERRED_NAME).exists()


def test_inferred_file_is_byte_identical_across_hash_seeds(tmp_path):
    ds = Dataset()
    ds.parse(DATA / "base.trig", format="trig")
    outputs = []
    for seed in ("0", "4242"):
        kg = tmp_path / seed
        kg.mkdir()
        (kg / "parley.trig").write_bytes(trig_bytes(ds))
        cmd = [sys.executable, "-c", "from parley.cli.main import main; main()", "reason"]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([*cmd, "--kg", str(kg)], env=env, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        outputs.append((kg / INFERRED_NAME).read_bytes())
    assert outputs[0] == outputs[1]


def test_cli_reason_exits_1_when_the_graph_contradicts_the_ontology(tmp_path):
    """Person and State are disjoint in the ontology; a node typed both is an inconsistency."""
    ds = Dataset()
    ds.parse(DATA / "base.trig", format="trig")
    ds.graph(PG["registry"]).add((BOB, RDF.type, PARLEY.State))
    assert infer(ds).inconsistencies
    kg = tmp_path / "kg"
    kg.mkdir()
    (kg / "parley.trig").write_bytes(trig_bytes(ds))
    result = CliRunner().invoke(main, ["reason", "--kg", str(kg)])
    assert result.exit_code == 1
    assert "inconsistent with ontology/parley.ttl" in result.output
    assert "person/bob" in result.output


def test_the_base_fixture_is_consistent(base):
    assert base[1].inconsistencies == ()
