"""`parley load` streams kg/ in chunks and resumes after a kill (issue 20, item 1).

Against real servers (an Oxigraph server this module starts, Virtuoso 7 when installed):

- the streamed load, by Oxigraph's bulk path and graph by graph (Graph Store Protocol), leaves
  exactly the quads of the old path (every graph read into memory, then PUT and POSTed:
  `send_graph`), compared per graph, blank nodes included, on the seed kg/ cut into chunks of
  300 triples and on a kg/ made to hit every case of the cutter (graphs with blank nodes
  larger than a chunk, a graph named twice);
- a load stopped after k chunks (a proxy that closes the connection, or SIGKILL of the
  `parley load` process), then `--resume`, sends only the chunks not done and leaves exactly
  the same quads, no duplicate (the chunk in flight is sent again);
- a plain re-run after a stop replaces every graph; `--resume` after kg/ changed is refused.

The cutter itself (`stores.chunks`) is checked on its own: chunk sizes, first parts, the
same chunks every time, and a first chunk handed out before the input is read to its end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from faultproxy import DropAfter, DropBefore, FaultProxy, Late, Pass
from storecheck import expected_select_state, expected_state, select_state, store_state

from parley.cli.main import main
from parley.model.errors import UsageError
from parley.model.layout import QuadStream, kg_sources, read_graphs
from parley.stores import load
from parley.stores.chunks import Cutter, has_blank_node
from parley.stores.endpoint import Unavailable
from parley.stores.retry import RetryPolicy

pytest_plugins = ["servers"]

PARLEY = Path(sys.executable).parent / "parley"
BATCH = 300
ONCE = RetryPolicy(attempts=1)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    from servers import oxigraph_binary, start_oxigraph

    if oxigraph_binary() is None:
        pytest.skip("the `oxigraph` command is missing: pip install oxigraph")
    with start_oxigraph(tmp_path_factory.mktemp("stream-oxigraph")) as server:
        yield server


def base_of(server) -> str:
    return server.query_url.rsplit("/", 1)[0]


def empty(server) -> None:
    """Drop everything in the Oxigraph server (one DELETE of the whole dataset)."""
    request = urllib.request.Request(base_of(server) + "/store", method="DELETE")
    with urllib.request.urlopen(request, timeout=60):
        pass
    assert store_state(base_of(server)) == {}


def sources(kg: Path):
    """The files `parley load` sends for `kg`: the tricky kg/ has an ontology of its own."""
    mine = kg.parent / "ontology.ttl"
    return kg_sources(kg, mine if mine.exists() else None)


def plan_of(kg: Path) -> load.LoadPlan:
    return load.LoadPlan(sources(kg))


def old_path_state(server, local) -> dict:
    """What the old `parley load` left: every graph from memory, PUT then POSTs."""
    empty(server)
    endpoint = server.endpoint()
    for graph, triples in local.items():
        load.send_graph(endpoint, graph, triples, batch=BATCH)
    return store_state(base_of(server))


@pytest.fixture(scope="module")
def tricky_kg(tmp_path_factory) -> Path:
    """A kg/ with every case of the cutter at chunks of 16: a graph with blank nodes that
    fits in a chunk, one with blank nodes over several chunks, a graph named twice (its
    second part with blank nodes), ground graphs over several chunks, an inferred.ttl, and
    a small ontology with an OWL list (`ontology.ttl` beside kg/: see `sources`)."""
    kg = tmp_path_factory.mktemp("tricky") / "kg"
    kg.mkdir()
    (kg.parent / "ontology.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<urn:x:C> owl:unionOf ( <urn:x:A> <urn:x:B> <urn:x:D> ) ; owl:versionInfo 1 .\n",
        encoding="utf-8",
    )
    g = "https://w3id.org/parley/graph/article/"
    lines = []

    def block(name: str, body: list[str]) -> None:
        lines.append(f"<{g}{name}> {{\n" + "\n".join(body) + "\n}")

    p = "<urn:x:p>"
    block("a-ground", [f"<urn:x:a{i}> {p} {i} ." for i in range(40)])
    block("b-small-blank", [f"_:b{i} {p} _:b{i + 1} ." for i in range(5)] + [f"<urn:x:s> {p} 1 ."])
    chain = [f'_:c{i} {p} _:c{i + 1} . _:c{i} <urn:x:n> "{i}" .' for i in range(30)]
    block("c-big-blank", [f"<urn:x:c{i}> {p} {i} ." for i in range(20)] + chain)
    block("d-twice", [f"<urn:x:d{i}> {p} {i} ." for i in range(10)])
    block("e-ground", [f"<urn:x:e{i}> {p} {i} ." for i in range(3)])
    block("d-twice", [f"<urn:x:d{i}> {p} {i} ." for i in range(10, 25)] + [f"_:d {p} _:d2 ."])
    (kg / "parley.trig").write_text("\n".join(lines) + "\n", encoding="utf-8")
    inferred = [f"<urn:x:i{i}> <urn:x:q> <urn:x:a{i}> ." for i in range(50)]
    (kg / "inferred.ttl").write_text("\n".join(inferred) + "\n", encoding="utf-8")
    return kg


# -- the same quads as the old path --------------------------------------------------------------


@pytest.mark.parametrize("kg_name", ["seeds", "tricky"])
@pytest.mark.parametrize("method", ["oxigraph", "gsp"])
def test_streamed_load_leaves_exactly_the_quads_of_the_old_path(
    oxigraph, kg_dir, tricky_kg, kg_name, method
):
    kg, batch = (kg_dir, BATCH) if kg_name == "seeds" else (tricky_kg, 16)
    local = read_graphs(sources(kg))
    old = old_path_state(oxigraph, local)
    assert old == expected_state(local)
    empty(oxigraph)
    result = load.load_graphs(
        plan_of(kg), oxigraph.query_url, oxigraph.store_url, batch=batch, method=method
    )
    assert result.method == method and not result.mismatches
    assert {g.graph: g.local for g in result.graphs} == {g: len(t) for g, t in local.items()}
    assert result.units > len(local) // 2, "cut into many chunks"
    assert store_state(base_of(oxigraph)) == old
    again = load.load_graphs(
        plan_of(kg), oxigraph.query_url, oxigraph.store_url, batch=batch, method=method
    )
    assert not again.mismatches and store_state(base_of(oxigraph)) == old, "a re-run replaces"


def test_auto_picks_the_bulk_path_on_oxigraph_and_gsp_elsewhere(oxigraph, kg_dir):
    todo = plan_of(kg_dir)
    assert load.load_graphs(todo, oxigraph.query_url, oxigraph.store_url).method == "oxigraph"
    with FaultProxy(oxigraph.query_url.split("/")[2], lambda *_: Pass()) as proxy:
        # the proxy (http.server) sends its own Server header first: not Oxigraph, so gsp
        result = load.load_graphs(todo, f"{proxy.base}/query", f"{proxy.base}/store")
    assert result.method == "gsp" and not result.mismatches
    with pytest.raises(UsageError, match="is not Oxigraph's graph store"):
        load.load_graphs(todo, oxigraph.query_url, oxigraph.query_url, method="oxigraph")


# -- stopped after k chunks, then --resume --------------------------------------------------------


def stop_after(k: int, fault=DropBefore, prefix: str = "/store"):
    """A plan: requests pass until the k-th POST or PUT to `prefix` (one a chunk: a bulk
    POST or a graph's PUT or POST), which gets `fault`; `state["on"] = False` lets everything
    pass again."""
    state = {"on": True, "sent": 0}

    def plan(n, verb, path, body):
        if state["on"] and verb in ("POST", "PUT") and path.startswith(prefix):
            state["sent"] += 1
            if state["sent"] >= k:
                return fault()
        return Pass()

    return plan, state


def checkpoint_done(folder: Path) -> int:
    (path,) = folder.glob("*.json")
    return json.loads(path.read_text())["done"]


@pytest.mark.parametrize("method", ["oxigraph", "gsp"])
def test_a_load_cut_off_after_k_chunks_resumes_where_it_stopped(oxigraph, kg_dir, tmp_path, method):
    local = read_graphs(sources(kg_dir))
    want = expected_state(local)
    empty(oxigraph)
    plan, state = stop_after(6)
    checkpoints = tmp_path / "checkpoints"
    with FaultProxy(oxigraph.query_url.split("/")[2], plan) as proxy:
        args = (plan_of(kg_dir), f"{proxy.base}/query", f"{proxy.base}/store")
        kwargs = {"batch": BATCH, "method": method, "checkpoints": checkpoints}
        with pytest.raises(Unavailable) as caught:
            load.load_graphs(*args, retry=ONCE, **kwargs)
        message = str(caught.value)
        assert "\n" not in message and "`parley load --resume` continues from there" in message
        done = checkpoint_done(checkpoints)
        assert done == 5, "the 6th chunk failed"
        assert f"({done} chunks loaded;" in message
        assert store_state(base_of(oxigraph)) != want
        state["on"] = False
        before = len(proxy.log)
        result = load.load_graphs(*args, resume=True, **kwargs)
        sent = [s for s in proxy.log[before:] if s.path.startswith("/store")]
    assert result.resumed == done and not result.mismatches
    assert len(sent) == result.units - done, "only the chunks not done were sent"
    assert store_state(base_of(oxigraph)) == want, "the same quads, no duplicate"
    assert not list(checkpoints.glob("*.json")), "a load that ends removes its checkpoint"


def test_a_chunk_applied_but_unanswered_is_sent_again_without_duplicates(
    oxigraph, tricky_kg, tmp_path
):
    """The chunk in flight when the load stopped (here: applied by the server, its answer
    lost) is sent again by --resume; graphs with blank nodes go by PUT, so nothing doubles.
    Stopped at the first chunks, at each whole graph's PUT and at the last chunk."""
    local = read_graphs(sources(tricky_kg))
    want = expected_state(local)
    cutter = Cutter(16, one_graph=False)
    units = [*cutter.cut(QuadStream(sources(tricky_kg)))]
    units += cutter.wholes(QuadStream(sources(tricky_kg)))
    wholes = [index + 1 for index, unit in enumerate(units) if unit.whole]
    assert len(wholes) >= 4, "the ontology and the tricky graphs go whole"
    for k in sorted({1, 2, 3, *wholes, len(units)}):
        empty(oxigraph)
        plan, state = stop_after(k, DropAfter)
        checkpoints = tmp_path / f"checkpoints-{k}"
        with FaultProxy(oxigraph.query_url.split("/")[2], plan) as proxy:
            args = (plan_of(tricky_kg), f"{proxy.base}/query", f"{proxy.base}/store")
            kwargs = {"batch": 16, "checkpoints": checkpoints, "method": "oxigraph"}
            with pytest.raises(Unavailable):
                load.load_graphs(*args, retry=ONCE, **kwargs)
            state["on"] = False
            result = load.load_graphs(*args, resume=True, **kwargs)
        assert result.units == len(units)
        assert result.resumed == k - 1 and not result.mismatches, k
        assert store_state(base_of(oxigraph)) == want, f"stopped at chunk {k}"


def test_a_plain_rerun_after_a_stop_replaces_every_graph(oxigraph, kg_dir, tmp_path):
    local = read_graphs(sources(kg_dir))
    empty(oxigraph)
    plan, state = stop_after(4)
    with FaultProxy(oxigraph.query_url.split("/")[2], plan) as proxy:
        args = (plan_of(kg_dir), f"{proxy.base}/query", f"{proxy.base}/store")
        kwargs = {"batch": BATCH, "checkpoints": tmp_path, "method": "oxigraph"}
        with pytest.raises(Unavailable):
            load.load_graphs(*args, retry=ONCE, **kwargs)
        state["on"] = False
        result = load.load_graphs(*args, **kwargs)  # not --resume: everything again
    assert result.resumed == 0 and not result.mismatches
    assert store_state(base_of(oxigraph)) == expected_state(local)


def test_resume_after_kg_changed_is_refused_in_one_line(oxigraph, kg_dir, tmp_path):
    kg = tmp_path / "kg"
    shutil.copytree(kg_dir, kg)
    plan, state = stop_after(3)
    with FaultProxy(oxigraph.query_url.split("/")[2], plan) as proxy:
        args = (f"{proxy.base}/query", f"{proxy.base}/store")
        kwargs = {"batch": BATCH, "checkpoints": tmp_path / "checkpoints"}
        with pytest.raises(Unavailable):
            load.load_graphs(plan_of(kg), *args, retry=ONCE, **kwargs)
        state["on"] = False
        trig = kg / "parley.trig"
        trig.write_bytes(trig.read_bytes() + b"\n")  # a rebuild: another file
        with pytest.raises(UsageError) as caught:
            load.load_graphs(plan_of(kg), *args, resume=True, **kwargs)
        with pytest.raises(UsageError, match="other files or used other options"):
            load.load_graphs(plan_of(kg), *args, resume=True, **{**kwargs, "batch": 500})
    assert "\n" not in str(caught.value)
    assert "run `parley load` without --resume" in str(caught.value)


def test_kg_rebuilt_during_the_load_is_an_error(oxigraph, kg_dir, tmp_path):
    """A build that replaces kg/'s files while they are streamed: one line, load again."""
    kg = tmp_path / "kg"
    shutil.copytree(kg_dir, kg)
    trig = kg / "parley.trig"

    def rebuild(_bytes: int) -> None:  # after the first chunk: the same bytes, a new file
        if not (kg / "new").exists():
            (kg / "new").write_bytes(trig.read_bytes())
            os.replace(kg / "new", trig)
            (kg / "new").touch()

    with pytest.raises(UsageError) as caught:
        load.load_graphs(
            plan_of(kg), oxigraph.query_url, oxigraph.store_url, batch=BATCH, progress=rebuild
        )
    assert "kg/ changed while it was being loaded" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_parley_load_killed_then_resumed(oxigraph, kg_dir, tmp_path):
    """SIGKILL of the `parley load` process (by its PID) mid-load; `--resume` completes it."""
    local = read_graphs(sources(kg_dir))
    empty(oxigraph)
    slow = {"on": True}

    def plan(n, verb, path, body):  # each chunk answered 0.3 s late: time to kill mid-load
        return Late(0.3) if slow["on"] and path.startswith("/store") else Pass()

    env = dict(os.environ, PARLEY_CACHE=str(tmp_path / "cache"))
    checkpoints = tmp_path / "cache" / "load"
    with FaultProxy(oxigraph.query_url.split("/")[2], plan) as proxy:
        command = [str(PARLEY), "load", "--kg", str(kg_dir), "--endpoint", f"{proxy.base}/query"]
        command += ["--graph-store", f"{proxy.base}/store", "--batch-size", str(BATCH)]
        command += ["--method", "oxigraph"]
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not (
                list(checkpoints.glob("*.json")) and checkpoint_done(checkpoints) >= 3
            ):
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL, "killed mid-load, not finished"
        done = checkpoint_done(checkpoints)
        slow["on"] = False
        resumed = subprocess.run(
            [*command, "--resume"], env=env, capture_output=True, text=True, check=False
        )
    assert resumed.returncode == 0, resumed.stderr
    assert [int(n) for n in re.findall(r"resumed after (\d+)", resumed.stdout)] == [done]
    assert store_state(base_of(oxigraph)) == expected_state(local)


# -- Virtuoso: graph by graph, stopped, resumed -----------------------------------------------


def test_virtuoso_load_cut_off_then_resumed_holds_exactly_the_graphs(
    virtuoso_server, kg_dir, tmp_path, monkeypatch
):
    srv = virtuoso_server
    for name, value in srv.env().items():
        monkeypatch.setenv(name, value)
    local = read_graphs(sources(kg_dir))
    endpoint = srv.endpoint()
    for graph in local:  # start from an empty store
        endpoint.delete_graph(graph)
    plan, state = stop_after(5, prefix="/sparql-graph-crud-auth")
    upstream = srv.query_url.split("/")[2]
    with FaultProxy(upstream, plan) as proxy:
        store = f"{proxy.base}/sparql-graph-crud-auth"
        args = (plan_of(kg_dir), f"{proxy.base}/sparql", store)
        kwargs = {"batch": BATCH, "checkpoints": tmp_path}
        with pytest.raises(Unavailable):
            load.load_graphs(*args, retry=ONCE, **kwargs)
        done = checkpoint_done(tmp_path)
        state["on"] = False
        result = load.load_graphs(*args, resume=True, **kwargs)
    assert result.method == "gsp" and result.resumed == done > 0
    assert not result.mismatches
    assert select_state(endpoint, list(local)) == expected_select_state(local)


# -- the cutter on its own -------------------------------------------------------------------------


def test_chunks_hold_at_most_a_batch_and_every_quad_once(tricky_kg):
    files = sources(tricky_kg)
    every = list(QuadStream(files))
    ground = {str(q) for q in every if not has_blank_node(q)}
    blank = Counter(q.graph_name.value for q in every if has_blank_node(q))
    for one_graph in (False, True):
        cutter = Cutter(16, one_graph=one_graph)
        streamed = list(cutter.cut(QuadStream(files)))
        units = streamed + list(cutter.wholes(QuadStream(files)))
        assert all(0 < u.size <= 16 for u in streamed if not u.whole)
        assert all(len(u.parts) == 1 for u in units if one_graph or u.whole)
        assert cutter.whole == {
            "https://w3id.org/parley/graph/article/c-big-blank",
            "https://w3id.org/parley/graph/article/d-twice",  # named again, with a blank node
        }
        # a graph's first part comes first, once; a graph sent whole is PUT again at the end
        parts = [p for u in units for p in u.parts]
        for graph in {p.graph for p in parts} - cutter.whole:
            firsts = [p.first for p in parts if p.graph == graph]
            assert firsts[0] and sum(firsts) == 1, graph
        sent = [(q, u.whole) for u in units for p in u.parts for q in p.quads]
        assert {str(q) for q, _ in sent if not has_blank_node(q)} == ground, "every quad sent"
        assert not [q for q, whole in sent if has_blank_node(q) and not whole]
        assert Counter(q.graph_name.value for q, _ in sent if has_blank_node(q)) == blank
        again = list(Cutter(16, one_graph=one_graph).cut(QuadStream(files)))
        shape = [[(p.graph, len(p.quads), p.first) for p in u.parts] for u in streamed]
        assert [[(p.graph, len(p.quads), p.first) for p in u.parts] for u in again] == shape
        assert [u.parts[0].quads for u in again if not u.whole] == [
            u.parts[0].quads for u in streamed if not u.whole
        ], "the same chunks every time: --resume skips exactly what was done"


def test_the_first_chunk_leaves_before_the_input_is_read_to_its_end():
    g, p = ox.NamedNode("urn:x:g"), ox.NamedNode("urn:x:p")

    def endless():
        for i in range(10**9):
            yield ox.Quad(ox.NamedNode(f"urn:x:s{i}"), p, ox.Literal(str(i)), g)

    first = next(Cutter(1000, one_graph=False).cut(endless()))
    assert first.size == 1000 and first.parts[0].first


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (["--bulk-dir", "b"], "go with --method virtuoso-bulk"),
        (["--method", "virtuoso-bulk", "--isql", "127.0.0.1:1111"], "needs --bulk-dir DIR"),
        (
            [
                "--method",
                "virtuoso-bulk",
                "--isql",
                "127.0.0.1:1111",
                "--bulk-dir",
                "b",
                "--dry-run",
            ],
            "--dry-run is not supported",
        ),
    ],
)
def test_bulk_options_misused_are_one_line(extra, words, tmp_path):
    kg = Path(__file__).resolve().parents[1] / "kg"
    args = ["load", "--kg", str(kg), "--endpoint", "http://127.0.0.1:9/sparql", *extra]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert not (tmp_path / "b").exists() and not Path("b").exists()
