"""`parley validate`, `explain`, `export` and `report` give the same answers on `--endpoint`
(a real Oxigraph server, and Virtuoso when installed, loaded as `parley load` does) as on the
embedded kg/; an unreachable endpoint or one without Parley's graphs is one line, exit 2.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from seedsets import CORPUS
from servers import ROOT, free_port, start_oxigraph

from parley.analyst.facts_reader import read_facts
from parley.api import open_store
from parley.cli.main import main
from parley.model.errors import UsageError
from parley.model.layout import read_kg
from parley.query.backends import EndpointStore
from parley.query.remote import MAX_REMOTE_TRIPLES, built_graph, graphs_about, read_dataset

pytest_plugins = ["servers"]

SERVERS = ["loaded_oxigraph", "loaded_virtuoso"]
THINGS = ["round-1", "ryan-crocker", "iran", "round-1/years-since-previous-talks", "nobody"]


@pytest.fixture(scope="module")
def seeds(kg_dir):
    """The seeds kg_dir was built from (its article texts are quoted)."""
    return ROOT / "seeds" if kg_dir == ROOT / "kg" else CORPUS


def _run(args, env=None):
    return CliRunner().invoke(main, args, env=env or {})


def _both(request, server, kg_dir, args):
    """The command's result embedded, then on the loaded server."""
    loaded = request.getfixturevalue(server)
    local = _run([*args, "--kg", str(kg_dir)])
    remote = _run([*args, "--kg", str(kg_dir), "--endpoint", loaded.query_url], loaded.env())
    return local, remote


@pytest.mark.parametrize("server", SERVERS)
def test_validate_same_report(server, request, kg_dir):
    local, remote = _both(request, server, kg_dir, ["validate", "--format", "json"])
    assert remote.exit_code == local.exit_code, remote.output
    assert json.loads(remote.stdout) == json.loads(local.stdout)
    text_local, text_remote = _both(request, server, kg_dir, ["validate"])
    assert text_remote.stdout == text_local.stdout


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("fmt", ["plover", "cameo-csv"])
def test_export_same_bytes(server, fmt, request, kg_dir):
    local, remote = _both(request, server, kg_dir, ["export", "--format", fmt])
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert remote.stdout_bytes == local.stdout_bytes
    assert local.stdout_bytes


@pytest.mark.parametrize("server", SERVERS)
def test_export_rdf_refused_on_endpoint(server, request, kg_dir):
    _, remote = _both(request, server, kg_dir, ["export", "--format", "nquads"])
    assert remote.exit_code == 2
    assert remote.stderr.count("\n") == 1 and "event data only" in remote.stderr


@pytest.mark.parametrize("server", SERVERS)
def test_report_same_html(server, request, kg_dir, seeds, tmp_path):
    loaded = request.getfixturevalue(server)
    local_out, remote_out = tmp_path / "local.html", tmp_path / "remote.html"
    common = ["report", "--kg", str(kg_dir), "--seeds", str(seeds)]
    local = _run([*common, "--out", str(local_out)])
    remote = _run([*common, "--out", str(remote_out), "--endpoint", loaded.query_url], loaded.env())
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    assert remote_out.read_bytes() == local_out.read_bytes()
    assert remote.stdout.replace(str(remote_out), "") == local.stdout.replace(str(local_out), "")


def _statement_iri(kg_dir) -> str:
    facts = read_facts(open_store(kg_dir).dataset)
    return sorted(s.iri for s in facts.statements)[0]


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("thing", [*THINGS, "statement"])
def test_explain_same_text(server, thing, request, kg_dir, seeds):
    thing = _statement_iri(kg_dir) if thing == "statement" else thing
    args = ["explain", thing, "--seeds", str(seeds)]
    local, remote = _both(request, server, kg_dir, args)
    assert remote.exit_code == local.exit_code, remote.output
    assert remote.stdout == local.stdout
    assert remote.stderr == local.stderr


def test_explain_reads_only_the_graphs_of_the_thing(loaded_oxigraph, kg_dir):
    store = EndpointStore(loaded_oxigraph.endpoint())
    statement = _statement_iri(kg_dir)
    graphs = graphs_about(store, statement)
    article = statement.split("/id/article/")[1].split("/")[0]
    assert "https://w3id.org/parley/graph/registry" in graphs
    assert [g for g in graphs if "/graph/article/" in g] == [
        f"https://w3id.org/parley/graph/article/{article}"
    ]


@pytest.mark.parametrize("server", SERVERS)
def test_paged_reads_give_the_same_dataset(server, request, kg_dir):
    """Graphs read in pages of 97 rows hold the same quads as kg/parley.trig."""
    store = EndpointStore(request.getfixturevalue(server).endpoint())
    fetched = read_dataset(store, keep=built_graph, page=97)
    local = read_kg(kg_dir)
    assert _quads(fetched) == _quads(local)
    assert max(len(g) for g in fetched.graphs()) > 97


def _quads(ds) -> set:
    return {(s, p, o, str(g)) for s, p, o, g in ds.quads((None, None, None, None))}


def test_over_the_limit_refused(loaded_oxigraph):
    store = EndpointStore(loaded_oxigraph.endpoint())
    with pytest.raises(UsageError, match="over the 10 a command reads into memory"):
        read_dataset(store, limit=10)


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["explain", "round-1"],
        ["export", "--format", "plover"],
        ["report", "--out", "unused.html"],
    ],
    ids=["validate", "explain", "export", "report"],
)
def test_unreachable_and_empty_endpoints(args, tmp_path, kg_dir):
    down = f"http://127.0.0.1:{free_port()}/query"
    result = _run([*args, "--kg", str(kg_dir), "--endpoint", down])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    with start_oxigraph(tmp_path) as empty:
        result = _run([*args, "--kg", str(kg_dir), "--endpoint", empty.query_url])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "parley load" in result.stderr, result.stderr


@pytest.mark.parametrize("command", ["validate", "explain", "export", "report"])
def test_help_states_the_limit(command):
    result = _run([command, "--help"])
    assert f"{MAX_REMOTE_TRIPLES:,} triples" in " ".join(result.stdout.split())


@pytest.mark.parametrize("server", SERVERS)
def test_stats_same_counts(server, request, kg_dir):
    local, remote = _both(request, server, kg_dir, ["stats"])
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout
    assert "/registry" in local.stdout
