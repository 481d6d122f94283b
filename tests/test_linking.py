"""`parley link`, `link accept/reject` and `parley enrich` against a local stand-in for Wikidata.

The test registry (tests/data/wikidata/registry) copies entries of seeds/registry: Ryan Crocker
(US citizen, US Ambassador to Iraq from 29 March 2007), Hassan Kazemi Qomi (Iranian, Iran's
Ambassador to Iraq 2006–2010), Erbil (a city in Iraq) and Lebanon (a state), with the facts of
seeds/sources/facts.yaml. The stand-in's search ranks a namesake first for each of them (a
racehorse, a footballer from elsewhere, a town in another country, a town); the right candidate is
the one whose type and context agree with the registry. Fixture QIDs Q9000xxxx are invented.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import OWL, RDFS, XSD, Dataset, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from wikidata_server import DATA, Canned, FakeWikidata

from parley import api
from parley.cli.main import main
from parley.link.scoring import normal
from parley.model.errors import UsageError
from parley.model.iris import PARLEY, PG, PID, PROV, REGISTRY_GRAPH, WD
from parley.model.kgcommit import kg_lock
from parley.query.catalogue import catalogue, queries_root
from parley.seeds.registry import load_registry
from parley.seeds.sources import citations

ROOT = Path(__file__).resolve().parents[1]
WIKIDATA_GRAPH = PG["wikidata"]
PQ = "http://www.wikidata.org/prop/qualifier/"


@pytest.fixture
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(DATA / "registry", folder / "registry")
    (folder / "articles").mkdir()
    (folder / "annotations").mkdir()
    return folder


@pytest.fixture
def wd():
    with FakeWikidata() as server:
        yield server


def run(*args: object, code: int = 0):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, result.output + repr(result.exception)
    return result


def link(seeds: Path, api_url: str, *more: object, code: int = 0):
    cache = seeds.parent / "cache"
    args = ("link", "--seeds", seeds, "--api", api_url, "--cache", cache, "--retries", 0, *more)
    return run(*args, code=code)


def review(seeds: Path, entity: str) -> dict:
    return yaml.safe_load((seeds / "links" / "review" / f"{entity}.yaml").read_text("utf-8"))


def accept(seeds: Path, entity: str, qid: str, *more: object, code: int = 0):
    return run(
        "link", "accept", entity, qid, "--by", "Test Reviewer", "--at", "2024-05-01T12:00:00Z",
        "--seeds", seeds, *more, code=code,
    )  # fmt: skip


def build(seeds: Path) -> Dataset:
    kg = seeds.parent / "kg"
    run("build", "--seeds", seeds, "--kg", kg)
    ds = Dataset()
    ds.parse(kg / "parley.trig", format="trig")
    return ds


RIGHT = [
    # entity, right QID, why (from the registry / seeds/sources/facts.yaml)
    ("ryan-crocker", "Q90000001", "a human, US citizen, held the US ambassador post"),
    ("hassan-kazemi-qomi", "Q90000004", "Iranian citizen, held Iran's ambassador post"),
    (
        "erbil",
        "Q90000011",
        "a city in Iraq; the namesake is elsewhere, the governorate is not a city",
    ),
    ("lebanon", "Q822", "a sovereign state; the namesake is a town"),
]


@pytest.mark.parametrize(("entity", "qid", "why"), RIGHT)
def test_link_proposes_the_right_candidate_first(seeds, wd, entity, qid, why):
    link(seeds, wd.api)
    found = review(seeds, entity)
    ranked = [c["qid"] for c in found["candidates"]]
    assert ranked[0] == qid, f"{entity}: expected {qid} first ({why}), got {ranked}"
    assert found["suggested"] == qid
    searched = json.loads((DATA / "search.json").read_text("utf-8"))[found["label"]]
    assert searched[0] != qid  # the search alone ranks a namesake first: scoring decided
    best = found["candidates"][0]
    assert best["score"] == sum(best["scores"].values())
    assert best["url"] == f"https://www.wikidata.org/wiki/{qid}" and best["evidence"]


def test_review_evidence_explains_the_score(seeds, wd):
    link(seeds, wd.api, "--entity", "ryan-crocker")
    crocker, horse, disambiguation = review(seeds, "ryan-crocker")["candidates"]
    assert "instance of (P31) human (Q5)" in crocker["evidence"]
    assert any("country of citizenship (P27) United States (Q30)" in e for e in crocker["evidence"])
    assert any(
        "position held (P39) United States Ambassador to Iraq" in e
        and "registry post 'us-ambassador-to-iraq'" in e
        for e in crocker["evidence"]
    )
    assert horse["qid"] == "Q90000002" and horse["scores"]["type"] < 0
    assert disambiguation["qid"] == "Q90000030" and "disambiguation" in " ".join(
        disambiguation["evidence"]
    )
    # only the chosen entity was searched: labels and every spelling
    searched = [s.params["search"] for s in wd.seen if s.params.get("action") == "wbsearchentities"]
    assert searched == ["Ryan Crocker", "Crocker"]


def test_linked_entities_are_not_searched(seeds, wd):
    out = link(seeds, wd.api).output
    searched = {s.params.get("search") for s in wd.seen}
    assert {"Iran", "Iraq", "United States"}.isdisjoint(searched)
    assert "already linked: 3 entities" in out


def test_nothing_enters_the_graph_until_accepted(seeds, wd):
    link(seeds, wd.api)
    crocker = PID["person/ryan-crocker"]
    assert build(seeds).graph(REGISTRY_GRAPH).value(crocker, OWL.sameAs) is None
    accept(seeds, "ryan-crocker", "Q90000001")
    registry = build(seeds).graph(REGISTRY_GRAPH)
    assert registry.value(crocker, OWL.sameAs) == WD["Q90000001"]
    verified = str(registry.value(crocker, PARLEY.wikidataVerified))
    assert verified.startswith("accepted by Test Reviewer on 2024-05-01: ")
    assert "instance of (P31) human (Q5)" in verified
    log = yaml.safe_load((seeds / "links" / "decisions.yaml").read_text("utf-8"))["decisions"]
    assert log[0]["entity"] == "ryan-crocker" and log[0]["by"] == "Test Reviewer"
    assert log[0]["at"] == "2024-05-01T12:00:00Z" and log[0]["score"] > 5
    assert not (seeds / "links" / "review" / "ryan-crocker.yaml").exists()
    # the accepted link is listed by the offline saved query
    result = api.run_query("wikidata-links", seeds.parent / "kg")
    rows = [dict(zip(result.table.columns, r, strict=True)) for r in result.table.rows]
    items = {str(r["entity"]): str(r["wikidata"]) for r in rows}
    assert items[str(crocker)] == str(WD["Q90000001"])


def test_accept_time_defaults_to_now_in_utc(seeds, wd):
    link(seeds, wd.api, "--entity", "lebanon")
    run("link", "accept", "lebanon", "Q822", "--by", "R", "--seeds", seeds)
    (entry,) = yaml.safe_load((seeds / "links" / "decisions.yaml").read_text("utf-8"))["decisions"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["at"])


def test_offline_replays_the_cache_with_the_server_stopped(seeds):
    with FakeWikidata() as wd:
        link(seeds, wd.api)
        api_url = wd.api
    before = {p.name: p.read_bytes() for p in (seeds / "links" / "review").iterdir()}
    shutil.rmtree(seeds / "links" / "review")
    out = link(seeds, api_url, "--offline").output
    after = {p.name: p.read_bytes() for p in (seeds / "links" / "review").iterdir()}
    assert after == before
    assert "0 requests sent" in out


def test_offline_without_cache_fails_cleanly(seeds):
    out = link(seeds, "http://127.0.0.1:9/w/api.php", "--offline", code=2).output
    assert out.startswith("error: offline: no cached answer") and "Traceback" not in out
    assert not (seeds / "links" / "review").exists()


def test_unreachable_service_is_a_clear_error(seeds):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = link(seeds, f"http://127.0.0.1:{port}/w/api.php", code=2).output
    assert "cannot connect" in out and out.count("\n") == 1


def test_malformed_answer_is_a_clear_error(seeds, wd):
    wd.script = [Canned(200, {}, b"<!DOCTYPE html><p>Wikimedia Error</p>")]
    out = link(seeds, wd.api, code=2).output
    assert "answer is not JSON" in out and out.count("\n") == 1


def test_rejected_candidate_is_not_proposed_again(seeds, wd):
    link(seeds, wd.api, "--entity", "erbil")
    run(
        "link", "reject", "erbil", "Q90000012", "--by", "R", "--note", "elsewhere", "--seeds", seeds
    )
    link(seeds, wd.api, "--entity", "erbil")
    found = review(seeds, "erbil")
    assert "Q90000012" not in [c["qid"] for c in found["candidates"]]
    assert found["rejected"] == ["Q90000012"]


def test_reject_undoes_an_accepted_link(seeds, wd):
    link(seeds, wd.api, "--entity", "lebanon")
    accept(seeds, "lebanon", "Q822")
    accept(seeds, "lebanon", "Q90000021", "--note", "x", code=2)  # one link per entity
    run("link", "reject", "lebanon", "Q822", "--by", "R", "--seeds", seeds)
    assert build(seeds).graph(REGISTRY_GRAPH).value(PID["state/lebanon"], OWL.sameAs) is None


@pytest.mark.parametrize(
    ("entity", "qid", "message"),
    [
        ("nobody", "Q822", "no registry entity 'nobody'"),
        ("lebanon", "822", "'822' is not a Wikidata item id"),
        ("lebanon", "Q123456", "not among the reviewed candidates of 'lebanon'"),
        ("iran", "Q794", "already linked to Q794 in the registry files"),
    ],
)
def test_accept_refuses_bad_requests(seeds, entity, qid, message):
    out = accept(seeds, entity, qid, code=2).output
    assert message in out and out.count("\n") == 1
    assert not (seeds / "links" / "decisions.yaml").exists()


def test_accept_without_review_needs_a_note_with_the_evidence(seeds):
    accept(seeds, "lebanon", "Q822", "--note", "checked on wikidata.org: sovereign state")
    verified = load_registry(seeds / "registry").get("lebanon").wikidata.verified
    assert verified == (
        "accepted by Test Reviewer on 2024-05-01 (note: checked on wikidata.org: sovereign state)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "decisions:\n  - {entity: nobody, qid: Q1, decision: accepted, by: R,"
            " at: '2024-05-01T12:00:00Z'}\n",
            "decisions.yaml:2: unknown registry entity 'nobody'",
        ),
        (
            "decisions:\n  - {entity: lebanon, qid: Q1, decision: maybe, by: R,"
            " at: '2024-05-01T12:00:00Z'}\n",
            "decisions.yaml:2: unknown decision 'maybe'",
        ),
        (
            "decisions:\n  - {entity: lebanon, qid: Q1, decision: accepted, by: R, at: soon}\n",
            "decisions.yaml:2: bad time 'soon'",
        ),
        (
            "decisions:\n"
            "  - {entity: lebanon, qid: Q1, decision: accepted, by: R,"
            " at: '2024-05-01T12:00:00Z'}\n"
            "  - {entity: lebanon, qid: Q2, decision: accepted, by: R,"
            " at: '2024-05-01T12:00:00Z'}\n",
            "'lebanon' has two accepted links: Q1 and Q2",
        ),
        (
            "decisions:\n  - {entity: iran, qid: Q1, decision: accepted, by: R,"
            " at: '2024-05-01T12:00:00Z'}\n",
            "'iran' is linked to Q794 in the registry but Q1 was accepted",
        ),
    ],
)
def test_bad_decisions_file_stops_the_build(seeds, text, message):
    (seeds / "links").mkdir()
    (seeds / "links" / "decisions.yaml").write_text(text, encoding="utf-8")
    out = run("build", "--seeds", seeds, "--kg", seeds.parent / "kg", code=2).output
    assert message in out
    assert not (seeds.parent / "kg" / "parley.trig").exists()


def test_reconciliation_service(seeds, wd):
    link(seeds, wd.api, "--reconcile", wd.reconcile, "--entity", "ryan-crocker")
    assert review(seeds, "ryan-crocker")["candidates"][0]["qid"] == "Q90000001"
    posted = [json.loads(s.params["queries"]) for s in wd.seen if s.method == "POST"]
    assert posted[0]["q0"] == {
        "query": "Ryan Crocker",
        "limit": 10,
        "type": "Q5",
        "properties": [{"pid": "P27", "v": "Q30"}],
    }
    assert wd.seen[0].path == "/reconcile" and wd.seen[0].method == "GET"  # the manifest


def test_reconciliation_service_must_be_for_wikidata(seeds, wd):
    wd.script = [Canned(200, {}, json.dumps({"name": "other", "versions": ["0.1"]}).encode())]
    out = link(seeds, wd.api, "--reconcile", wd.reconcile, code=2).output
    assert "not 0.2" in out


def test_enrich_writes_a_separate_graph_with_provenance(seeds):
    with FakeWikidata() as wd:
        link(seeds, wd.api, "--entity", "ryan-crocker")
        accept(seeds, "ryan-crocker", "Q90000001")
        kg = seeds.parent / "kg"
        cache = seeds.parent / "cache"
        run("enrich", "--seeds", seeds, "--kg", kg, "--api", wd.api, "--cache", cache)
        api_url = wd.api
    first = (kg / "wikidata.trig").read_bytes()
    ds = Dataset()
    ds.parse(kg / "wikidata.trig", format="trig")
    assert {g.identifier for g in ds.graphs() if len(g)} == {WIKIDATA_GRAPH}
    g = ds.graph(WIKIDATA_GRAPH)
    crocker = WD["Q90000001"]
    assert (crocker, RDFS.label, Literal("رایان کراکر", lang="fa")) in g
    assert (crocker, URIRef("http://www.wikidata.org/prop/direct/P27"), WD["Q30"]) in g
    statements = list(g.objects(crocker, URIRef("http://www.wikidata.org/prop/P39")))
    assert len(statements) == 1  # the deprecated statement is left out
    (st,) = statements
    assert g.value(st, URIRef(PQ + "P580")) == Literal("2007-03-29", datatype=XSD.date)
    assert g.value(st, URIRef(PQ + "P582")) == Literal("2009", datatype=XSD.gYear)
    assert (
        WD["Q90000003"],
        RDFS.label,
        Literal("United States Ambassador to Iraq", lang="en"),
    ) in g
    record = PID["wikidata/Q90000001"]
    assert g.value(record, PROV.wasDerivedFrom) == crocker
    cached = [json.loads(p.read_text("utf-8")) for p in cache.rglob("*.json")]
    retrieved = {
        c["retrieved"] for c in cached if "Q90000001" in c["params"].get("ids", "").split("|")
    }
    assert {str(g.value(record, PROV.generatedAtTime))} <= {
        r.replace("Z", "+00:00") for r in retrieved
    } | retrieved
    # the registry stays the source of truth: nothing is said about registry entities
    assert not [s for s in g.subjects() if str(s).startswith(str(PID)) and "/wikidata/" not in s]
    # offline rerun from the cache gives the same file
    (kg / "wikidata.trig").unlink()
    run("enrich", "--seeds", seeds, "--kg", kg, "--api", api_url, "--cache", cache, "--offline")
    assert (kg / "wikidata.trig").read_bytes() == first
    # not while a build holds kg/'s lock (issue 18: enrich wrote without it): one line, exit 2
    (kg / "wikidata.trig").unlink()
    with kg_lock(kg):
        args = ("enrich", "--seeds", seeds, "--kg", kg, "--api", api_url, "--cache", cache)
        out = run(*args, "--offline", code=2).output
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1
    assert not (kg / "wikidata.trig").exists()


def test_enrich_needs_a_linked_entity(seeds, tmp_path):
    for path in (seeds / "registry").glob("*.yaml"):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"\n    wikidata: .*", "", text), encoding="utf-8")
    out = run("enrich", "--seeds", seeds, "--kg", tmp_path / "kg", "--offline", code=2).output
    assert "no registry entity is linked to Wikidata" in out


def test_federated_queries_are_online_only_and_parse():
    root = queries_root()
    files = sorted((root / "wikidata").glob("*.rq"))
    assert files, "queries/wikidata/*.rq missing"
    queries = catalogue()
    for path in files:
        q = queries[f"wikidata/{path.stem}"]
        assert q.online, f"{path}: add `#+ online: true` to the header"
        assert "SERVICE <https://query.wikidata.org/sparql>" in q.text
        prepareQuery(q.text)
    for name, q in queries.items():
        if "SERVICE" in q.text.upper():
            assert q.online, f"{name} uses SERVICE: mark it `#+ online: true`"


def test_online_query_is_refused_without_online(tmp_path):
    with pytest.raises(UsageError, match="online-only"):
        api.run_query("wikidata/positions-held", tmp_path)
    out = run("query", "wikidata/labels", "--kg", tmp_path, code=2).output
    assert "online-only" in out and "--online" in out


def test_seed_registry_links_only_ids_listed_in_sources():
    """Each Wikidata ID in seeds/registry cites its entry in seeds/sources/ (the ID's public URL
    and how it was verified), and the entry names that entity; each entry is used. (Replaces
    the check against a fact sheet outside the repository, which a clone skipped.)"""
    registry = load_registry(ROOT / "seeds" / "registry")  # with seeds/links/decisions.yaml
    entries = {s.qid: s for s in registry.sources.values() if s.qid}
    assert len(entries) >= 8  # the sources were read
    used = set()
    for e in registry.entities.values():
        if e.wikidata is None:
            continue
        qid, verified = e.wikidata.qid, e.wikidata.verified
        assert qid in entries, (
            f"seeds/registry: '{e.id}' is linked to {qid}, which seeds/sources/ does not list — "
            "remove the link, or have the ID verified and add it to seeds/sources/facts.yaml "
            "(`wikidata:` with its URL and how it was verified)"
        )
        used.add(qid)
        if not verified.startswith("accepted by "):  # a link decision says its own evidence
            assert entries[qid].citation in citations(verified), (
                f"seeds/registry: '{e.id}'.wikidata.verified ({verified!r}) does not cite "
                f'{entries[qid].citation} — write verified: "{entries[qid].citation} (…)"'
            )
        name = normal(entries[qid].statement)
        assert normal(e.label) in name or name.split()[0] in normal(e.label), (
            f"seeds/registry: '{e.id}' ({e.label}) carries {qid}, which seeds/sources/ "
            f"gives to '{entries[qid].statement}' — check the entity"
        )
    unused = sorted(set(entries) - used)
    assert not unused, (
        f"seeds/sources/: {', '.join(unused)} used by no registry entity — remove the entry, or "
        "link the entity it names"
    )


def test_names_compare_without_case_accents_or_hyphens():
    assert normal("Kazemi-Qomi") == normal("kazemi qomi")
    assert normal("Nouri al-Maliki’s") == normal("nouri al maliki s")
    assert normal("Manouchehr Mottakí") == "manouchehr mottaki"
