"""`parley serve` under the outside probe's HTTP attacks (issue 18): SERVICE in every form and
by every way of sending a query, FROM and the protocol's dataset parameters, a spoofed Host,
cross-site requests. A real `parley serve` process answers; every URL the attacks name is a
real socket on 127.0.0.1 that counts connections (`ssrf.Canary`) and must receive none.
"""

from __future__ import annotations

import socket
import urllib.parse

import pytest
from serving import parley_serve
from ssrf import (
    REMOTE_VALUE,
    SECRET,
    Canary,
    FakeSparql,
    dataset_attacks,
    secret_file,
    service_attacks,
)

from parley import api
from parley.query.backends import EndpointStore
from parley.stores.endpoint import Endpoint

pytest_plugins = ["servers"]

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SPARQL = {"Content-Type": "application/sparql-query"}
JSON = {"Accept": "application/sparql-results+json"}
BENIGN = "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"
REGISTRY = "https://w3id.org/parley/graph/registry"


@pytest.fixture(scope="module")
def canary():
    listener = Canary()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def served(kg_dir, tmp_path_factory):
    with parley_serve(kg_dir, tmp_path_factory.mktemp("serve-attacks")) as serving:
        yield serving


def ways_to_send(text: str) -> list[tuple[str, str, bytes | None, dict[str, str]]]:
    """A query as GET and POST, form and body, at /query and at /sparql."""
    encoded = urllib.parse.urlencode({"query": text})
    return [
        ("GET", f"/query?{encoded}", None, JSON),
        ("GET", f"/sparql?{encoded}", None, JSON),
        ("POST", "/query", encoded.encode(), {**FORM, **JSON}),
        ("POST", "/query", text.encode(), {**SPARQL, **JSON}),
        (
            "POST",
            "/sparql",
            text.encode(),
            {"Content-Type": "application/sparql-query; charset=utf-8"},
        ),
    ]


def test_service_attacks_are_refused_and_reach_nothing(served, canary):
    attacks = service_attacks(canary.url())
    sent = 0
    for name, text in attacks:
        for method, path, body, headers in ways_to_send(text):
            status, answer = served.request(method, path, body, headers)
            assert status == 400, (name, method, path, status, answer)
            assert answer.startswith("parley serve: ") and "SERVICE" in answer, answer
            assert answer.count("\n") == 1
            sent += 1
    assert sent == 29 * 5 == 145
    assert canary.connections == 0, canary.first_lines


def test_a_second_query_cannot_be_smuggled_past_the_check(served, canary):
    evil = service_attacks(canary.url())[0][1]
    quoted = urllib.parse.quote(evil)
    both = urllib.parse.urlencode([("query", BENIGN), ("query", evil)])
    refused = [
        ("GET", f"/query?{both}", None, {}, 400),
        ("POST", f"/query?query={quoted}", b"", FORM, 400),
        (
            "POST",
            f"/query?query={urllib.parse.quote(BENIGN)}",
            f"query={quoted}".encode(),
            FORM,
            400,
        ),
        ("POST", f"/query?query={urllib.parse.quote(BENIGN)}", evil.encode(), SPARQL, 400),
        (
            "POST",
            "/query",
            evil.encode("utf-16"),
            {"Content-Type": "application/sparql-query; charset=utf-16"},
            415,
        ),
        ("POST", "/query", evil.encode(), {"Content-Type": "text/plain"}, 415),
        ("HEAD", f"/query?query={quoted}", None, {}, 400),
        ("GET", "/query", None, {}, 400),
    ]
    for method, path, body, headers, expected in refused:
        status, answer = served.request(method, path, body, headers)
        assert status == expected, (method, path, headers, status, answer)
    # a body sent with GET is not a query: only the one in the URL is checked and sent
    status, answer = served.request(
        "GET", f"/query?query={urllib.parse.quote(BENIGN)}", evil.encode(), {**SPARQL, **JSON}
    )
    assert status == 200 and '"bindings"' in answer, answer
    assert canary.connections == 0, canary.first_lines


def test_dataset_attacks_read_only_the_stores_graphs(served, canary, tmp_path):
    file_url = secret_file(tmp_path)
    sent = 0
    for name, text in dataset_attacks(canary.url(), file_url):
        for method, path, body, headers in ways_to_send(text):
            status, answer = served.request(method, path, body, headers)
            assert status == 200, (name, status, answer)
            assert '"bindings":[]' in answer.replace(" ", ""), (name, answer)
            sent += 1
    for field in ("default-graph-uri", "named-graph-uri"):
        for target in (canary.url(), file_url):
            query = urllib.parse.urlencode(
                {
                    "query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                    field: target,
                }
            )
            status, answer = served.request("GET", f"/query?{query}", None, JSON)
            assert status == 200 and SECRET not in answer, answer
            assert '"bindings":[]' in answer.replace(" ", ""), (field, target, answer)
            sent += 1
    assert sent == 5 * 5 + 4
    assert canary.connections == 0, canary.first_lines


def raw_status(port: int, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        return int(sock.recv(200).split(b" ")[1])


def test_the_host_header_must_name_this_server(served):
    """DNS rebinding: a page whose domain resolves to 127.0.0.1 sends its own domain."""
    port = served.port
    refused = [
        "evil.example",
        f"evil.example:{port}",
        f"127.0.0.1.evil.example:{port}",
        f"localhost.evil.example:{port}",
        f"127.0.0.1:{port + 1 if port < 65535 else port - 1}",
        f"127.0.0.1:{port}@evil.example",
        f"evil.example:{port}/x",
        "",
    ]
    paths = ["/", f"/query?query={urllib.parse.quote(BENIGN)}", "/yasgui.min.js", "/parley-ui.js"]
    for host in refused:
        for path in paths:
            status, answer = served.request("GET", path, host=host)
            assert status == 403, (host, path, status, answer)
            assert "Host header" in answer
    for request in (
        b"GET / HTTP/1.0\r\n\r\n",
        f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n".encode(),
    ):
        assert raw_status(port, request) == 400
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        for path in paths:
            status, _ = served.request("GET", path, host=host)
            assert status == 200, (host, path)
    assert len(refused) * len(paths) + 2 == 34


def test_cross_site_requests_are_refused(served):
    """A page on another site (or another port of this machine) cannot drive the server."""
    port = served.port
    own = f"http://127.0.0.1:{port}"
    query = f"/query?query={urllib.parse.quote(BENIGN)}"
    form = urllib.parse.urlencode({"query": BENIGN}).encode()
    refused = [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}"},
        {"Origin": f"http://localhost:{port}"},
        {"Origin": f"https://127.0.0.1:{port}"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": own},
    ]
    for headers in refused:
        for method, path, body, extra in (
            ("GET", query, None, {}),
            ("POST", "/query", form, FORM),
            ("GET", "/", None, {}),
        ):
            status, answer = served.request(method, path, body, {**headers, **extra})
            assert status == 403, (headers, method, path, status)
            assert "another site" in answer
    for headers in (
        {"Origin": own},
        {"Sec-Fetch-Site": "same-origin", "Origin": own},
        {"Sec-Fetch-Site": "none"},
    ):
        status, _ = served.request("POST", "/query", form, {**headers, **FORM})
        assert status == 200, headers
    assert len(refused) * 3 == 24


def test_allowed_federation_goes_through_serve_and_only_there(kg_dir, tmp_path_factory, canary):
    remote = FakeSparql()
    try:
        allowed = f"127.0.0.1:{remote.port}"
        tmp = tmp_path_factory.mktemp("serve-federated")
        with parley_serve(kg_dir, tmp, "--allow-service", allowed) as served:
            federated = f"SELECT ?x WHERE {{ SERVICE <{remote.url()}> {{ ?x ?p ?o }} }}"
            status, answer = served.request(
                "POST", "/query", federated.encode(), {**SPARQL, **JSON}
            )
            assert status == 200 and REMOTE_VALUE in answer, answer
            status, answer = served.request(
                "POST", "/query", federated.replace(remote.url(), canary.url()).encode(), SPARQL
            )
            assert status == 400 and f"--allow-service 127.0.0.1:{canary.port}" in answer, answer
        assert remote.requests == 1
    finally:
        remote.close()
    assert canary.connections == 0


def test_serve_and_sparql_read_the_same_default_graph(served, kg_dir):
    """Issue 18 item 9: the union of all graphs, on `parley serve` as in `parley sparql`;
    FROM picks graphs on both."""
    endpoint = Endpoint(f"{served.base}/query")
    store = EndpointStore(endpoint)
    for text in (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }",
        f"SELECT (COUNT(*) AS ?n) FROM <{REGISTRY}> WHERE {{ ?s ?p ?o }}",
        f"SELECT (COUNT(*) AS ?n) FROM NAMED <{REGISTRY}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        local = api.run_sparql(text, kg_dir, backend="oxigraph").table.rows[0][0]
        _, rows = endpoint.select(text)
        assert int(rows[0]["n"]["value"]) == int(local) > 0, text
        assert api.run_sparql(text, kg_dir, store=store).table.rows[0][0] == local, text
