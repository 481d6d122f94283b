"""What a query may read (issue 18): SERVICE only to allowed hosts, FROM only the store's own
graphs, and one default graph (the union of all graphs) for `parley sparql` on every backend.

Every attack is aimed at a real socket on 127.0.0.1 that counts the connections it receives
(`ssrf.Canary`); it must receive none. Federation, when allowed, is shown to work against a
small SPARQL endpoint on 127.0.0.1 (`ssrf.FakeSparql`).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Literal
from ssrf import (
    REMOTE_VALUE,
    SECRET,
    SELECT_ATTACKS,
    Canary,
    FakeSparql,
    dataset_attacks,
    secret_file,
    service_attacks,
)

from parley import api
from parley.cli.main import main
from parley.model.errors import UsageError
from parley.model.layout import kg_sources, read_graphs
from parley.query.backends import MemoryStore, OxigraphStore
from parley.stores.federation import ANYWHERE, OFF, Federation, check_services, refusal

pytest_plugins = ["servers"]

REGISTRY = "https://w3id.org/parley/graph/registry"
SERVICE_ATTACKS = 29
DATASET_ATTACKS = 5


@pytest.fixture(scope="module")
def stores(kg_dir):
    sources = kg_sources(kg_dir)
    return {
        "memory": MemoryStore.from_sources(sources),
        "oxigraph": OxigraphStore.from_sources(sources),
    }


@pytest.fixture
def canary():
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture
def remote():
    server = FakeSparql()
    yield server
    server.close()


def test_service_attacks_are_refused_on_every_backend_and_reach_nothing(stores, kg_dir, canary):
    attacks = service_attacks(canary.url())
    assert len(attacks) == SERVICE_ATTACKS
    refused = 0
    for backend, store in stores.items():
        for name, text in attacks:
            with pytest.raises(UsageError) as caught:
                if name in SELECT_ATTACKS:
                    store.select(text)
                else:
                    api.run_sparql(text, kg_dir, store=store)
            message = str(caught.value)
            assert "\n" not in message, (backend, name, message)
            assert "SERVICE" in message or "syntax error" in message, (backend, name, message)
            refused += 1
    assert refused == 2 * SERVICE_ATTACKS
    assert canary.connections == 0, canary.first_lines


def test_the_cli_refuses_federation_with_exit_2_naming_the_option(kg_dir, canary):
    for backend in ("memory", "oxigraph"):
        for name, text in service_attacks(canary.url()):
            if name in SELECT_ATTACKS:
                continue
            result = CliRunner().invoke(
                main, ["sparql", "--kg", str(kg_dir), "--backend", backend, "-"], input=text
            )
            assert result.exit_code == 2, (backend, name, result.output)
            assert "--allow-service" in result.output or "syntax error" in result.output, (
                name,
                result.output,
            )
            assert "Traceback" not in result.output
            assert len(result.output.strip().splitlines()) == 1, result.output
    plain = service_attacks(canary.url())[0][1]
    result = CliRunner().invoke(main, ["sparql", "--kg", str(kg_dir), "-"], input=plain)
    assert f"--allow-service 127.0.0.1:{canary.port}" in result.output
    assert canary.connections == 0, canary.first_lines


def test_from_and_from_named_read_only_the_stores_graphs(stores, kg_dir, canary, tmp_path):
    """rdflib loaded FROM <http:…> and FROM <file:…> (issue 18); now, on both engines, FROM
    names a graph of the store, and nothing is fetched or read."""
    attacks = dataset_attacks(canary.url(), secret_file(tmp_path))
    assert len(attacks) == DATASET_ATTACKS
    for backend, store in stores.items():
        for name, text in attacks:
            table = api.run_sparql(text, kg_dir, store=store).table
            assert table.rows == [], (backend, name)
            assert SECRET not in repr(table.rows)
    assert canary.connections == 0, canary.first_lines


def test_allowed_federation_works_and_only_for_the_allowed_host(stores, kg_dir, remote, canary):
    query = f"SELECT ?x WHERE {{ SERVICE <{remote.url()}> {{ ?x ?p ?o }} }}"
    allowed = [f"127.0.0.1:{remote.port}"]
    for backend, store in stores.items():
        table = api.run_sparql(query, kg_dir, store=store, allow_service=allowed).table
        assert table.rows == [[Literal(REMOTE_VALUE)]], backend
        with pytest.raises(UsageError, match=f"--allow-service 127.0.0.1:{canary.port}"):
            api.run_sparql(
                query.replace(remote.url(), canary.url()),
                kg_dir,
                store=store,
                allow_service=allowed,
            )
    assert remote.requests == 2
    result = CliRunner().invoke(
        main,
        ["sparql", "--kg", str(kg_dir), "--allow-service", allowed[0], "--format", "csv", "-"],
        input=query,
    )
    assert result.exit_code == 0, result.output
    assert REMOTE_VALUE in result.output
    result = CliRunner().invoke(
        main, ["sparql", "--kg", str(kg_dir), "--allow-service", remote.url(), "-"], input=query
    )
    assert result.exit_code == 2 and "not a URL" in result.output, result.output
    assert canary.connections == 0


def test_allowed_hosts_cannot_be_widened_by_tricks(canary):
    """With one host allowed, a service named by a variable, through \\u escapes, on another
    port or scheme is still refused."""
    allowed = Federation.of(["127.0.0.1:1"])
    for name, text in service_attacks(canary.url()):
        assert refusal(text, allowed) is not None, name
    assert (
        refusal(f"SELECT * WHERE {{ SERVICE <{canary.url()}> {{}} }}", Federation.of(["127.0.0.1"]))
        is None
    )
    assert canary.connections == 0


def test_saved_queries_federate_only_when_online(kg_dir):
    """The offline saved queries call no service; the online ones (queries/wikidata/) call
    Wikidata's, which `parley query --online` allows and nothing else does."""
    online = [q for q in api.catalogue().values() if q.online]
    assert len(online) == 3
    for query in api.catalogue().values():
        if not query.online:
            check_services(query.text, OFF)
            continue
        with pytest.raises(UsageError, match="federation is off"):
            check_services(query.text, OFF)
        check_services(query.text, ANYWHERE)  # what `parley query --online` gives it
        assert refusal(query.text, Federation.of(["query.wikidata.org"])) is None
    result = CliRunner().invoke(main, ["query", online[0].name, "--kg", str(kg_dir)])
    assert result.exit_code == 2 and "--online" in result.output, result.output


def test_sparql_default_graph_is_the_union_on_every_backend(stores, kg_dir):
    """`parley sparql` used to see an empty default graph (0 rows, no hint) while `parley
    serve` saw the union; both now see the union of all graphs."""
    graphs = read_graphs(kg_sources(kg_dir))
    distinct = len({triple for graph in graphs.values() for triple in graph})
    per_graph = sum(len(graph) for graph in graphs.values())
    registry = len(graphs[REGISTRY]) if REGISTRY in graphs else None
    assert registry and distinct > 0
    counts = {
        "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }": (distinct, distinct),
        # a triple in several graphs: once per graph on Oxigraph, once on rdflib (documented)
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }": (distinct, per_graph),
        f"SELECT (COUNT(*) AS ?n) FROM <{REGISTRY}> WHERE {{ ?s ?p ?o }}": (registry, registry),
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{REGISTRY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}": (
            registry,
            registry,
        ),
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{REGISTRY}> WHERE {{ ?s ?p ?o }}": (0, 0),
    }
    for text, (on_memory, on_oxigraph) in counts.items():
        for backend, expected in (("memory", on_memory), ("oxigraph", on_oxigraph)):
            table = api.run_sparql(text, kg_dir, store=stores[backend]).table
            assert int(table.rows[0][0]) == expected, (backend, text)
    result = CliRunner().invoke(
        main,
        ["sparql", "--kg", str(kg_dir), "--format", "csv", "-"],
        input="SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }",
    )
    assert result.exit_code == 0 and result.output.split()[-1] == str(distinct), result.output


def test_saved_queries_give_the_same_rows_over_the_union(stores):
    """The query UI runs the saved queries over the union: they name their graphs, so their
    rows are those of `parley query` (parameters unbound, as in the UI)."""
    store = stores["oxigraph"]
    compared = 0
    for query in api.catalogue().values():
        if query.online:
            continue
        plain = store.select(query.text)
        assert store.select(query.text, union=True).rows == plain.rows, query.name
        compared += 1
    assert compared == 15  # every saved query but the online ones
