"""`parley load --method virtuoso-bulk`: kg/ through Virtuoso's own bulk loader (isql-vt).

On a real Virtuoso 7 on 127.0.0.1 whose DirsAllowed lists a folder of this module's: the seed
kg/ loaded this way answers `parley query` and `parley validate --endpoint` as the embedded
kg/ does; a kg/ made to hit every case of the cutter (blank nodes over several chunks, a
graph named twice) holds exactly its triples; loading again replaces only what changed
(`--prune` drops graphs kg/ no longer has); a load cut off after some files (each loader
stopped after one file, or `parley load` killed by its PID) completes with `--resume`,
without loading again the files done; and each error is one line, exit 2.
Skipped when Virtuoso is not installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import free_port, start_virtuoso, virtuoso_binaries
from storecheck import expected_select_state, select_state
from test_load_stream import plan_of, sources, tricky_kg  # noqa: F401 - a fixture

from parley.cli.main import main
from parley.model.layout import read_graphs
from parley.stores import bulkload
from parley.stores import isql as isql_module
from parley.stores.endpoint import Unavailable
from parley.stores.isql import Isql

pytest_plugins = ["servers"]

PARLEY = Path(sys.executable).parent / "parley"
ARTICLE = "https://w3id.org/parley/graph/article/"


@pytest.fixture(scope="module")
def bulk(tmp_path_factory):
    """Virtuoso whose DirsAllowed lists `bulk.allowed` (the folder the files go to)."""
    if virtuoso_binaries() is None:
        pytest.skip("Virtuoso 7 is not installed (virtuoso-t/isql-vt missing)")
    allowed = tmp_path_factory.mktemp("bulk-files")
    with start_virtuoso(tmp_path_factory.mktemp("bulk-virtuoso"), allow=(allowed,)) as server:
        yield Bulk(server, allowed)


class Bulk:
    """The server, and `allowed`: a folder its DirsAllowed lists."""

    def __init__(self, server, allowed: Path):
        self.server, self.allowed = server, allowed

    def __getattr__(self, name):
        return getattr(self.server, name)


@pytest.fixture
def env(bulk, monkeypatch):
    for name, value in bulk.env().items():
        monkeypatch.setenv(name, value)
    return bulk


def args_of(server, kg: Path, folder: Path, *extra: str) -> list[str]:
    return [
        "load", "--kg", str(kg), "--method", "virtuoso-bulk", "--endpoint", server.query_url,
        "--bulk-dir", str(folder), "--isql", server.isql, *extra,
    ]  # fmt: skip


def run(args, server):
    return CliRunner().invoke(main, args, env=server.env())


def empty(server) -> None:
    """Nothing of Parley's in the store, and nothing in its load list."""
    isql = Isql.of(server.isql)
    graphs = server.endpoint().graph_names("https://w3id.org/parley/")
    bulkload._clear(isql, graphs, then="DELETE FROM DB.DBA.load_list;")


def graphs_of(server, prefix: str = "https://w3id.org/parley/") -> list[str]:
    return server.endpoint().graph_names(prefix)


# -- the seed kg/: same answers as embedded ----------------------------------------------------


def test_bulk_load_answers_as_embedded(env, kg_dir):
    empty(env)
    folder = env.allowed / "seeds"
    result = run(args_of(env, kg_dir, folder, "--quads-per-file", "2000"), env)
    assert result.exit_code == 0, result.output
    assert "by virtuoso-bulk" in result.stdout and "counts verified" in result.stdout
    files = sorted(folder.glob("parley-*.nq.gz"))
    assert len(files) > 3  # several files, so the loaders run in parallel
    local = read_graphs(sources(kg_dir))
    assert select_state(env.endpoint(), list(local)) == expected_select_state(local)
    for args in (
        ["query", "who-met-whom", "--format", "json"],
        ["validate", "--format", "json"],
    ):
        embedded = run([*args, "--kg", str(kg_dir)], env)
        remote = run([*args, "--kg", str(kg_dir), "--endpoint", env.query_url], env)
        assert remote.exit_code == embedded.exit_code, remote.output
        assert json.loads(remote.stdout) == json.loads(embedded.stdout)


def test_every_case_of_the_cutter_arrives_exactly(env, tricky_kg):  # noqa: F811
    empty(env)
    local = read_graphs(sources(tricky_kg))
    result = bulkload.bulk_load(
        plan_of(tricky_kg), env.query_url, env.allowed / "tricky", env.isql, per_file=16
    )
    assert not result.mismatches and result.units > 4
    assert select_state(env.endpoint(), list(local)) == expected_select_state(local)
    again = bulkload.bulk_load(
        plan_of(tricky_kg), env.query_url, env.allowed / "tricky", env.isql, per_file=16
    )  # blank nodes are not doubled: each graph is replaced
    assert not again.mismatches
    assert select_state(env.endpoint(), list(local)) == expected_select_state(local)


# -- replace semantics, --prune -------------------------------------------------------------------


def small_kg(folder: Path, graphs: dict[str, int], changed: str = "") -> Path:
    kg = folder / "kg"
    kg.mkdir(parents=True, exist_ok=True)
    blocks = [
        f"<{ARTICLE}{name}> {{\n"
        + "\n".join(
            f"<urn:x:{name}{i}> <urn:x:p> {i + (name == changed) * 100} ." for i in range(n)
        )
        + "\n}"
        for name, n in graphs.items()
    ]
    (kg / "parley.trig").write_text("\n".join(blocks) + "\n", encoding="utf-8")
    return kg


def test_loading_again_replaces_only_the_changed_graph_and_prune_drops(env, tmp_path):
    empty(env)
    folder = env.allowed / "replace"
    kg = small_kg(tmp_path / "one", {"a": 5, "b": 7})
    assert run(args_of(env, kg, folder), env).exit_code == 0
    before = select_state(env.endpoint(), [ARTICLE + "a", ARTICLE + "b"])
    kg = small_kg(tmp_path / "two", {"a": 5, "b": 3}, changed="b")  # b changed
    result = run(args_of(env, kg, folder), env)
    assert result.exit_code == 0, result.output
    after = select_state(env.endpoint(), [ARTICLE + "a", ARTICLE + "b"])
    assert after[ARTICLE + "a"] == before[ARTICLE + "a"]
    assert after[ARTICLE + "b"][0] == 3 and after[ARTICLE + "b"] != before[ARTICLE + "b"]
    kg = small_kg(tmp_path / "three", {"a": 5})  # b gone from kg/
    kept = run(args_of(env, kg, folder), env)
    assert kept.exit_code == 0 and "kept (not in kg/" in kept.stderr
    assert ARTICLE + "b" in graphs_of(env, ARTICLE)
    pruned = run(args_of(env, kg, folder, "--prune"), env)
    assert pruned.exit_code == 0 and f"{ARTICLE}b: dropped" in pruned.stderr
    assert graphs_of(env, ARTICLE) == [ARTICLE + "a"]


# -- cut off, then --resume ------------------------------------------------------------------------


def test_a_load_stopped_before_loading_resumes_without_writing_the_files_again(env, kg_dir):
    empty(env)
    folder = env.allowed / "cut"
    plan = plan_of(kg_dir)
    with pytest.raises(Unavailable, match="--resume"):  # written and registered, not loaded
        bulkload.bulk_load(plan, env.query_url, folder, env.isql, per_file=1000, loaders=0)
    written = {p.name: p.stat().st_mtime_ns for p in folder.glob("parley-*.nq.gz")}
    result = bulkload.bulk_load(plan, env.query_url, folder, env.isql, per_file=1000, resume=True)
    assert result.resumed == 0 and result.units == len(written) > 3
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("parley-*.nq.gz")} == written
    assert not result.mismatches
    local = read_graphs(sources(kg_dir))
    assert select_state(env.endpoint(), list(local)) == expected_select_state(local)


def test_resume_skips_files_done_and_reloads_the_one_in_progress(env, tricky_kg):  # noqa: F811
    """As a kill leaves it: every file done but one in progress (`ll_state` 1), here the file
    of a graph with blank nodes: loaded again after its graph is cleared, no duplicates."""
    empty(env)
    folder = env.allowed / "in-progress"
    plan = plan_of(tricky_kg)
    first = bulkload.bulk_load(plan, env.query_url, folder, env.isql, per_file=16)
    manifest = json.loads((folder / bulkload.MANIFEST).read_text())
    blank = next(f["name"] for f in manifest["files"] if f["blank_graphs"])
    Isql.of(env.isql).run(
        f"UPDATE DB.DBA.load_list SET ll_state = 1 WHERE ll_file = '{folder / blank}';"
    )
    result = bulkload.bulk_load(plan, env.query_url, folder, env.isql, per_file=16, resume=True)
    assert result.resumed == first.units - 1
    assert not result.mismatches
    local = read_graphs(sources(tricky_kg))
    assert select_state(env.endpoint(), list(local)) == expected_select_state(local)


def done_files(server, folder: Path) -> int:
    states = bulkload._states(Isql.of(server.isql), folder)
    return sum(1 for state, _ in states.values() if state == "2")


def test_parley_load_killed_then_resumed(env, kg_dir, tmp_path):
    """SIGKILL of `parley load` (by its PID) once Virtuoso has loaded some files; `--resume`
    loads the rest, and the counts check holds."""
    empty(env)
    folder = env.allowed / "killed"
    command = [str(PARLEY), *args_of(env, kg_dir, folder, "--quads-per-file", "200")]
    environ = dict(os.environ, PARLEY_CACHE=str(tmp_path / "cache"), **env.env())
    process = subprocess.Popen(command, env=environ, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if (folder / bulkload.MANIFEST).exists() and done_files(env, folder) >= 1:
                break
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "killed mid-load, not finished"
    done = done_files(env, folder)
    time.sleep(2)  # its isql sessions died with it, and Virtuoso stopped their loaders
    later = Counter(state for state, _ in bulkload._states(Isql.of(env.isql), folder).values())
    assert later["2"] == done and later["1"] > 0  # files taken by the killed loaders
    resumed = subprocess.run(
        [*command, "--resume"], env=environ, capture_output=True, text=True, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    found = [int(n) for n in re.findall(r"resumed after (\d+)", resumed.stdout)]
    assert found == [done] and 0 < done < len(list(folder.glob("*.nq.gz")))
    local = read_graphs(sources(kg_dir))
    assert select_state(env.endpoint(), list(local)) == expected_select_state(local)


# -- errors: one line, exit 2 -------------------------------------------------------------------


def one_line_error(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_isql_missing(env, kg_dir, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    result = run(args_of(env, kg_dir, env.allowed / "x"), env)
    one_line_error(result, "isql-vt not found", "apt-get install")


def test_bulk_dir_not_writable(env, kg_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    one_line_error(run(args_of(env, kg_dir, blocker / "sub"), env), "--bulk-dir", "cannot write")


def test_bulk_dir_not_in_dirs_allowed(env, kg_dir, tmp_path_factory):
    elsewhere = Path(f"/var/tmp/parley-bulk-test-{os.getpid()}")
    try:
        result = run(args_of(env, kg_dir, elsewhere), env)
    finally:
        shutil.rmtree(elsewhere, ignore_errors=True)
    one_line_error(result, "denied due to access control in ini file", "DirsAllowed")


def test_server_unreachable(env, kg_dir):
    server = env
    args = args_of(server, kg_dir, server.allowed / "x")
    args[args.index("--isql") + 1] = f"127.0.0.1:{free_port()}"
    one_line_error(run(args, server), "cannot reach Virtuoso's SQL port", "Connect failed")


def test_wrong_password(env, kg_dir, monkeypatch):
    """Last of the module: two failed logins (Virtuoso shuts an address out after four)."""
    env_vars = dict(env.env(), PARLEY_ENDPOINT_PASSWORD="not-the-password")
    result = CliRunner().invoke(main, args_of(env, kg_dir, env.allowed / "x"), env=env_vars)
    one_line_error(result, "wrong password", "PARLEY_ENDPOINT_PASSWORD")
    assert "not-the-password" not in result.output


def test_a_port_that_says_nothing_is_one_line_not_a_hang(env, kg_dir, monkeypatch):
    """--isql at a port that accepts and never answers (the HTTP port by mistake, say)."""
    monkeypatch.setattr(isql_module, "LOGIN_SECONDS", 2.0)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        args = args_of(env, kg_dir, env.allowed / "never-made")
        args[args.index("--isql") + 1] = f"127.0.0.1:{silent.getsockname()[1]}"
        result = run(args, env)
    finally:
        silent.close()
    one_line_error(result, "no Virtuoso answered", "ServerPort")
    assert not (env.allowed / "never-made").exists()  # nothing made when nothing loads
