"""The Wikidata client against a hostile stand-in on 127.0.0.1 (issue 18, item 8).

The stand-in (tests/wikidata_server.py) trickles an answer one byte every 0.2 s (its body, or
its status line and headers too), sends a 500 KB gzip stream that inflates to 500 MB, JSON
nested 101 to 100,000 deep, and answers with no entities. The client must give up with one
clear `WikidataError` each time, cache nothing, and (for the trickle) close the connection at
its deadline: the server sees it closed long before it could have finished. No assertion times
anything; waits for the server are bounded and generous. The SPARQL client shares the deadline
and the JSON limit (`stores.bounded`), checked here against the same server.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
import subprocess
import tracemalloc

import pytest
from click.testing import CliRunner
from wikidata_server import DATA, Canned, FakeWikidata, gzip_bomb, nested_json

from parley.cli.main import main
from parley.link import wdjson
from parley.link.wikidata import MAX_BYTES, Client, WikidataError
from parley.model.errors import UsageError
from parley.stores.bounded import MAX_DEPTH
from parley.stores.endpoint import Endpoint
from parley.stores.retry import RetryPolicy

FIXED = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.UTC)
SEARCH = {"action": "wbsearchentities", "search": "Ryan Crocker", "format": "json"}
JSON = {"Content-Type": "application/json"}
HANG_UP_WAIT = 60  # seconds the server may take to notice the client hung up (about 0.4 s)


@pytest.fixture
def wd():
    with FakeWikidata() as server:
        yield server


def client(tmp_path, **kw) -> Client:
    options = {"cache": tmp_path / "cache", "timeout": 5.0, "retries": 0, "backoff": 0.5}
    return Client(sleep=lambda s: None, clock=lambda: FIXED, **{**options, **kw})


def cached(tmp_path) -> list:
    return list((tmp_path / "cache").rglob("*.json"))


@functools.cache
def bomb() -> bytes:
    return gzip_bomb(500 * 2**20)


# -- a total deadline ----------------------------------------------------------------------


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers and body"])
def test_a_trickled_answer_is_given_up_at_the_deadline(tmp_path, wd, headers_too):
    """One byte every 0.2 s never trips a per-read timeout; the deadline in all does."""
    body = json.dumps({"search": [], "success": 1, "padding": "x" * 400}).encode()
    wd.script = [Canned(200, JSON, body, trickle=0.2, trickle_headers=headers_too)]
    c = client(tmp_path, timeout=1.0)
    with pytest.raises(WikidataError, match=r"no complete answer within 1 s"):
        c.get(wd.api, SEARCH)
    assert wd.hung_up.wait(HANG_UP_WAIT), "the client kept the connection open"
    assert wd.trickled < len(body)  # closed long before the 80 s the whole answer takes
    assert not cached(tmp_path)


def test_a_trickled_answer_through_the_cli_is_one_line(tmp_path, wd):
    body = json.dumps({"search": [], "padding": "x" * 400}).encode()
    wd.script = [Canned(200, JSON, body, trickle=0.2)]
    args = ["link", "--seeds", _seeds(tmp_path), "--api", wd.api, "--cache", tmp_path / "c"]
    result = CliRunner().invoke(main, [*map(str, args), "--timeout", "1", "--retries", "0"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    (line,) = result.output.strip().splitlines()
    assert "no complete answer within 1 s" in line and "Traceback" not in result.output
    assert wd.hung_up.wait(HANG_UP_WAIT)


def test_the_deadline_holds_over_tls(tmp_path, monkeypatch):
    """Wikidata is HTTPS: TLS takes the socket over, the deadline must still shut it."""
    openssl = shutil.which("openssl") or pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust it, as a CA
    body = json.dumps({"search": [], "success": 1, "padding": "x" * 400}).encode()
    with FakeWikidata(tls=(cert, key)) as wd:
        assert wd.api.startswith("https://")
        assert client(tmp_path).get(wd.api, SEARCH).body["success"] == 1
        wd.script = [Canned(200, JSON, body, trickle=0.2)]
        with pytest.raises(WikidataError, match=r"no complete answer within 1 s"):
            client(tmp_path, timeout=1.0, refresh=True).get(wd.api, SEARCH)
        assert wd.hung_up.wait(HANG_UP_WAIT), "the client kept the connection open"


def test_the_sparql_client_has_the_same_deadline(wd):
    body = json.dumps({"head": {"vars": []}, "results": {"bindings": []}, "pad": "x" * 400})
    wd.script = [Canned(200, JSON, body.encode(), trickle=0.2)]
    endpoint = Endpoint(wd.base + "/sparql", timeout=1.0, retry=RetryPolicy(attempts=1))
    with pytest.raises(UsageError, match=r"no complete answer within 1 s"):
        endpoint.select("SELECT * WHERE { }")
    assert wd.hung_up.wait(HANG_UP_WAIT)


# -- size ----------------------------------------------------------------------------------


def test_a_gzip_bomb_is_refused_without_inflating_it(tmp_path, wd):
    """500 KB of gzip that inflates to 500 MB: refused at 64 MiB, memory stays bounded."""
    wd.script = [Canned(200, {**JSON, "Content-Encoding": "gzip"}, bomb())]
    c = client(tmp_path)
    tracemalloc.start()
    try:
        with pytest.raises(WikidataError, match=r"inflates to more than 67,108,864 bytes"):
            c.get(wd.api, SEARCH)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(bomb()) < 600_000 and peak < 1.25 * MAX_BYTES
    assert not cached(tmp_path)


def test_an_answer_over_the_size_limit_is_refused(tmp_path, wd):
    wd.script = [Canned(200, JSON, json.dumps({"search": [], "pad": "x" * 5000}).encode())]
    with pytest.raises(WikidataError, match=r"larger than 1,000 bytes"):
        client(tmp_path, max_bytes=1000).get(wd.api, SEARCH)


def test_a_small_gzip_answer_still_inflates(tmp_path):
    with FakeWikidata(gzip_answers=True) as wd:
        assert client(tmp_path).get(wd.api, SEARCH).body["success"] == 1


# -- JSON nested too deep --------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5_000, 100_000])
def test_deeply_nested_json_is_an_error(tmp_path, wd, depth):
    wd.script = [Canned(200, JSON, nested_json(depth))]
    with pytest.raises(WikidataError, match=f"nested deeper than {MAX_DEPTH} levels"):
        client(tmp_path).get(wd.api, SEARCH)
    assert not cached(tmp_path)


def test_json_as_deep_as_the_limit_is_read(tmp_path, wd):
    wd.script = [Canned(200, JSON, nested_json(MAX_DEPTH))]
    body = client(tmp_path).get(wd.api, SEARCH).body
    assert json.dumps(body, separators=(",", ":")).encode() == nested_json(MAX_DEPTH)
    assert len(cached(tmp_path)) == 1


def test_a_deeply_nested_cache_file_is_damaged(tmp_path, wd):
    c = client(tmp_path)
    c.get(wd.api, SEARCH)
    (path,) = cached(tmp_path)
    path.write_bytes(nested_json(100_000))
    with pytest.raises(WikidataError, match="damaged cache file"):
        c.get(wd.api, SEARCH)


def test_the_sparql_client_refuses_deep_json_too(wd):
    wd.script = [Canned(200, JSON, nested_json(100_000))]
    endpoint = Endpoint(wd.base + "/sparql", retry=RetryPolicy(attempts=1))
    with pytest.raises(UsageError, match="not SPARQL JSON results"):
        endpoint.select("SELECT * WHERE { }")


# -- answers with no entities ------------------------------------------------------------------


def test_an_answer_leaving_out_the_ids_asked_for_is_an_error(tmp_path, wd):
    wd.script = [Canned(200, JSON, b'{"entities": {}, "success": 1}')]
    with pytest.raises(WikidataError, match=r"unexpected answer \(nothing about Q90000001\)"):
        wdjson.get_items(client(tmp_path), wd.api, ["Q90000001"])


def _seeds(tmp_path):
    folder = tmp_path / "seeds"
    if not folder.exists():
        shutil.copytree(DATA / "registry", folder / "registry")
    return folder


@pytest.mark.parametrize("answer", ["no entities", "all missing"])
def test_enrich_keeps_the_old_file_when_wikidata_describes_nothing(tmp_path, wd, answer):
    kg = tmp_path / "kg"
    kg.mkdir()
    (kg / "wikidata.trig").write_bytes(b"# the old file\n")
    if answer == "no entities":
        wd.script = [Canned(200, JSON, b'{"entities": {}, "success": 1}')]
    else:
        wd.entities = {}  # every id asked for comes back "missing"
    args = ["enrich", "--seeds", _seeds(tmp_path), "--kg", kg, "--api", wd.api]
    result = CliRunner().invoke(main, [*map(str, args), "--cache", str(tmp_path / "c")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: ") and "Traceback" not in result.output
    assert (kg / "wikidata.trig").read_bytes() == b"# the old file\n"
    assert [p.name for p in kg.iterdir()] == ["wikidata.trig"]  # no temporary file left


# -- what a message may show --------------------------------------------------------------------


def test_messages_pass_through_redact(tmp_path, wd):
    wd.script = [Canned(200, {}, b"<p>Authorization: Basic dXNlcjpzM2NyZXQ= refused</p>")]
    with pytest.raises(WikidataError) as caught:
        client(tmp_path).get(wd.api, SEARCH)
    assert "dXNlcjpzM2NyZXQ" not in str(caught.value) and "Authorization: ***" in str(caught.value)
    offline = client(tmp_path, offline=True)
    with pytest.raises(UsageError) as caught:
        offline.get("http://user:s3cret@127.0.0.1:9/w/api.php", SEARCH)
    assert "s3cret" not in str(caught.value) and "http://***@127.0.0.1:9" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("not a url", "is not an http(s) URL"),
        ("http://[::1", "is not an http(s) URL"),
        ("ftp://127.0.0.1/w/api.php", "is not an http(s) URL"),
        ("http://127.0.0.1:1/w api.php", "has spaces or control characters"),
        ("http://bob:s3cret@127.0.0.1:1/w/api.php", "has credentials in it"),
    ],
)
def test_a_bad_api_url_is_one_line(tmp_path, url, why):
    args = ["enrich", "--seeds", _seeds(tmp_path), "--kg", tmp_path / "kg", "--api", url]
    result = CliRunner().invoke(main, [*map(str, args), "--cache", str(tmp_path / "c")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: --api/--reconcile: ") and why in line and "s3cret" not in line
