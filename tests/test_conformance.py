"""Every saved query gives the same output on rdflib, pyoxigraph, Oxigraph server and Virtuoso.

The cases come from `parley.queries.catalogue()` at collection time: each query without
parameters, and each query once per parameter, with a value drawn from the data that gives
rows. rdflib (MemoryStore) is the reference; the other engines must print the very same
JSON results (terms, datatypes, order) and CSV (with labels).
"""

from __future__ import annotations

import functools

import pytest
from rdflib import XSD, Literal, URIRef

from parley import api
from parley.model.iris import PID
from parley.model.layout import kg_sources, read_graphs
from parley.model.records import ENTITY_KINDS
from parley.query.backends import EndpointStore, OxigraphStore
from parley.query.catalogue import SavedQuery, catalogue
from parley.query.results import render

pytest_plugins = ["servers"]

ENGINES = ["oxigraph", "oxigraph-server", "virtuoso"]
MAX_TRIES = 60


def _cases():
    cases = []
    for name, query in catalogue().items():
        marks = [pytest.mark.skip(reason="online-only query")] if query.online else []
        if not any(p.required for p in query.params):
            cases.append(pytest.param(name, None, id=name, marks=marks))
        for param in query.params:
            cases.append(pytest.param(name, param.name, id=f"{name}:{param.name}", marks=marks))
    return cases


CASES = _cases()


@pytest.fixture(scope="session")
def reference(kg_dir):
    return api.open_store(kg_dir, "memory")


@pytest.fixture(scope="session")
def embedded(kg_dir):
    return api.open_store(kg_dir, "oxigraph")


@pytest.fixture(scope="session")
def engines(request):
    """Engine name -> store, started lazily so that `-k oxigraph` needs no Virtuoso."""
    made = {}

    def get(name):
        if name not in made:
            if name == "oxigraph":
                made[name] = request.getfixturevalue("embedded")
            elif name == "oxigraph-server":
                made[name] = EndpointStore(request.getfixturevalue("loaded_oxigraph").endpoint())
            else:
                made[name] = EndpointStore(request.getfixturevalue("loaded_virtuoso").endpoint())
        return made[name]

    return get


@pytest.fixture(scope="session")
def samples(embedded, kg_dir):
    """(query, param) -> parameter values that give rows, searched with embedded Oxigraph."""
    return functools.cache(functools.partial(_find_params, embedded))


@pytest.fixture(scope="session")
def expected(reference, kg_dir):
    """(query, params) -> the reference engine's output: JSON and CSV text."""

    @functools.cache
    def run(name, frozen_params):
        return _outputs(api.run_query(name, kg_dir, dict(frozen_params), store=reference))

    return run


def _outputs(result) -> tuple[str, str, list]:
    return (
        render(result.table, "json", result.labels),
        render(result.table, "csv", result.labels),
        result.table.rows,
    )


def _registry_id(iri: str) -> str | None:
    for kind in ENTITY_KINDS:
        prefix = str(PID[f"{kind}/"])
        if iri.startswith(prefix) and "/" not in iri[len(prefix) :]:
            return iri[len(prefix) :]
    return None


def _raw(term, param) -> str:
    """The command-line form of a term: registry ids where possible, as a user types them."""
    if isinstance(term, URIRef):
        if param.prefix:
            return str(term)
        return _registry_id(str(term)) or str(term)
    return str(term)


def _column_values(store, query: SavedQuery, param) -> tuple[list, list]:
    """Terms of the unparametrised result: those in the param's own column, then the others."""
    if any(p.required for p in query.params):
        return [], []
    table = api.run_query(query.name, None, {}, store=store).table
    own = [i for i, c in enumerate(table.columns) if c in (param.name, param.variable)]
    first = {row[i] for row in table.rows for i in own if row[i] is not None}
    rest = {v for row in table.rows for v in row if v is not None} - first
    return sorted(first, key=str), sorted(rest, key=str)


def _candidates(store: OxigraphStore, query: SavedQuery, param) -> list:
    """Values to try for `param`, most promising first."""
    first, rest = _column_values(store, query, param)
    if param.type == "iri":
        rows = store.select(
            "SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x ?p ?o } FILTER (isIRI(?x)) "
            "FILTER (?g = <https://w3id.org/parley/graph/registry> || "
            "EXISTS { GRAPH ?g { ?x a <http://www.w3.org/2004/02/skos/core#Concept> } }) }"
        ).rows
        hint = f"/{param.name}/"
        pool = sorted(
            {str(r[0]) for r in rows}, key=lambda i: (hint not in i, _registry_id(i) is None, i)
        )
        ordered = [str(t) for t in first + rest if isinstance(t, URIRef)] + pool
        return [URIRef(i) for i in dict.fromkeys(ordered)]
    if param.type == "date":
        rows = store.select(
            "SELECT DISTINCT ?d WHERE { GRAPH ?g { ?s ?p ?d } "
            f"FILTER (DATATYPE(?d) = <{XSD.date}>) }}"
        ).rows
        dates = sorted(str(r[0]) for r in rows)
        middle = len(dates) // 2
        return [Literal(d) for d in dates[middle:] + dates[:middle][::-1]]
    if param.type == "integer":
        return [Literal(n) for n in range(6)]
    strings = [t for t in first if isinstance(t, Literal)]
    return strings + ([Literal(param.default)] if param.default is not None else [])


def _find_params(store, name: str, chosen: str | None) -> tuple[tuple[str, str], ...] | None:
    """Values for the required params (and `chosen`) under which the query gives rows."""
    query = catalogue()[name]
    wanted = [p for p in query.params if p.required or p.name == chosen]
    values: dict[str, str] = {}
    for param in wanted:
        for term in _candidates(store, query, param)[:MAX_TRIES]:
            trial = {**values, param.name: _raw(term, param)}
            try:
                rows = api.run_query(name, None, trial, store=store).table.rows
            except Exception:  # a value the query refuses (wrong kind): try the next one
                continue
            if rows:
                values = trial
                break
        else:
            return None
    return tuple(sorted(values.items()))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("name", "param"), CASES)
def test_same_output_as_rdflib(name, param, engine, engines, samples, expected):
    params = samples(name, param)
    if params is None:
        pytest.skip(f"no value of {param or 'the required parameters'} gives rows in kg/")
    want_json, want_csv, want_rows = expected(name, params)
    store = engines(engine)
    got_json, got_csv, got_rows = _outputs(api.run_query(name, None, dict(params), store=store))
    where = f"query {name} with {dict(params) or 'no parameters'} on {engine}"
    if got_json != want_json:
        if sorted(map(repr, got_rows)) == sorted(map(repr, want_rows)):
            pytest.fail(
                f"{where}: same rows in another order than rdflib — make ORDER BY total "
                "(end it with the remaining projected variables)"
            )
        extra = [r for r in got_rows if r not in want_rows][:3]
        missing = [r for r in want_rows if r not in got_rows][:3]
        pytest.fail(
            f"{where}: {len(got_rows)} rows, rdflib has {len(want_rows)}; "
            f"only here: {extra}; only in rdflib: {missing}"
        )
    assert got_csv == want_csv, f"{where}: labels differ from rdflib's"


def test_cases_cover_the_catalogue():
    """Every saved query is exercised (a guard against an empty parametrisation)."""
    assert {c.values[0] for c in CASES} == set(catalogue())


@pytest.mark.parametrize("server", ["loaded_oxigraph", "loaded_virtuoso"])
def test_endpoint_sees_exactly_the_local_graphs(server, request, kg_dir):
    store = EndpointStore(request.getfixturevalue(server).endpoint())
    assert store.graphs == sorted(read_graphs(kg_sources(kg_dir)))
