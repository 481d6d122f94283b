"""Hostile parameter values against a real Oxigraph server (issue 8, item 4, the server half).

The values of tests/test_fuzz_queries.py (HOSTILE) go to every parameter of every saved query
that runs offline, this time through `EndpointStore` to the session's Oxigraph server holding
kg/ (loaded with `parley load`). A recording proxy (tests/faultproxy.py, passing everything)
sits between client and server, so the test sees the query text as it went over the wire.
Each value is refused with a one-line `UsageError`, or bound safely:

- the query the server received parses to the same algebra as the saved query with a harmless
  placeholder in the value's place (the value is one term of a VALUES block, nothing more);
- the server's rows equal those of embedded Oxigraph over the same files (which
  test_fuzz_queries.py checks against rdflib's engine binding);
- the server's store is unchanged: per named graph, the triple count and the SHA-256 of its
  sorted N-Triples are the same before and after.
"""

from __future__ import annotations

from collections import Counter

import pytest
from faultproxy import FaultProxy, form_query
from fuzzkit import COUNTS
from rdflib.plugins.sparql import prepareQuery
from storecheck import expected_state, store_state
from test_fuzz_queries import HOSTILE, check_refusal, placeholder, shape

from parley.model.errors import UsageError
from parley.model.layout import kg_sources, read_graphs
from parley.model.terms import with_values
from parley.query.backends import EndpointStore, OxigraphStore
from parley.query.catalogue import bind_params, catalogue
from parley.stores.endpoint import Endpoint

pytest_plugins = ["servers"]

TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def report_tally():
    yield
    if TALLY:
        print(
            "\nhostile values on the Oxigraph server: "
            + ", ".join(f"{k} {v}" for k, v in TALLY.items())
        )


def _cases():
    for name, query in sorted(catalogue().items()):
        if query.online or not query.params:
            continue
        for param in query.params:
            yield pytest.param(name, param.name, id=f"{name}-{param.name}")


@pytest.fixture(scope="module")
def wire(loaded_oxigraph):
    """(proxy, store): an EndpointStore talking to the server through a recording proxy."""
    base = loaded_oxigraph.query_url.rsplit("/", 1)[0]
    with FaultProxy(base.split("//", 1)[1]) as proxy:
        yield proxy, EndpointStore(Endpoint(f"{proxy.base}/query", timeout=60))


@pytest.fixture(scope="module")
def embedded(kg_dir) -> OxigraphStore:
    return OxigraphStore.from_sources(kg_sources(kg_dir))


@pytest.fixture(scope="module")
def server_base(loaded_oxigraph, kg_dir) -> str:
    base = loaded_oxigraph.query_url.rsplit("/", 1)[0]
    state = store_state(base)
    local = expected_state(read_graphs(kg_sources(kg_dir)))
    assert {g: state[g] for g in local} == local, "the server does not hold kg/ to start with"
    return base


def last_query_sent(proxy) -> str:
    """The text of the last SPARQL query that went through the proxy."""
    for seen in reversed(proxy.log):
        text = form_query(seen.body)
        if text is not None:
            return text
    raise AssertionError("no query went through the proxy")


@pytest.mark.parametrize(("query_name", "param"), list(_cases()))
def test_hostile_values_on_a_real_server(wire, embedded, server_base, query_name, param):
    proxy, remote = wire
    query = catalogue()[query_name]
    before = store_state(server_base)
    safe_shapes: dict[str, object] = {}
    refused = bound = 0
    for value in HOSTILE:
        COUNTS["query-params-server"] += 1
        try:
            bindings = bind_params(query, {param: value}, remote.resolve_id)
        except UsageError as exc:
            check_refusal(exc, query_name, param)
            refused += 1
            continue
        bound += 1
        assert bind_params(query, {param: value}, embedded.resolve_id) == bindings
        variable = query.param(param).variable
        term, safe = bindings[variable], placeholder(bindings[variable])
        if safe.n3() not in safe_shapes:
            safe_text = with_values(query.text, {**bindings, variable: safe})
            safe_shapes[safe.n3()] = shape(prepareQuery(safe_text).algebra, safe)
        on_server = remote.select(query.text, bindings)
        sent = last_query_sent(proxy)
        assert shape(prepareQuery(sent).algebra, term) == safe_shapes[safe.n3()], (
            f"{query_name}: binding {value!r} changed the query the server received"
        )
        local = embedded.select(query.text, bindings)
        assert on_server.columns == local.columns
        assert sorted(map(repr, on_server.rows)) == sorted(map(repr, local.rows)), (
            f"{query_name} -p {param}={value!r}: the server and embedded Oxigraph disagree"
        )
    assert store_state(server_base) == before, "the server's store changed"
    TALLY.update(refused=refused, bound=bound)
    assert refused + bound == len(HOSTILE) and refused > 0
