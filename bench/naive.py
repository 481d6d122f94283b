"""The naive stack, for comparison: rdflib Dataset, pySHACL and owlrl over the whole graph,
rdflib SPARQL for the saved queries. Each stage is one process, like `parley STAGE`.

    .venv/bin/python bench/naive.py build    --seeds DIR --kg DIR
    .venv/bin/python bench/naive.py validate --kg DIR
    .venv/bin/python bench/naive.py reason   --kg DIR
    .venv/bin/python bench/naive.py queries  --kg DIR 'NAME[;param=value...]' ...

Parley's loader and mapper turn the annotations into RDF (the naive stack has nothing else
that could); everything after that uses the libraries directly, without Parley's shortcuts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import owlrl
from pyshacl import validate as shacl_validate
from rdflib import Dataset, Graph, Literal, URIRef

from parley.builder.corpus import load_corpus
from parley.builder.mapper import map_corpus
from parley.model.layout import load_ontology, load_shapes
from parley.query.catalogue import get_query
from parley.validate.checks import load_checks

TRIG = "naive.nq"
INFERRED = "naive-inferred.nt"


def union(ds: Dataset, *extra: Graph) -> Graph:
    graph = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        graph.add((s, p, o))
    for other in extra:
        for triple in other:
            graph.add(triple)
    return graph


def read(kg: Path) -> Dataset:
    ds = Dataset()
    ds.parse(kg / TRIG, format="nquads")
    return ds


def build(seeds: Path, kg: Path) -> str:
    corpus = load_corpus(seeds)
    ds = map_corpus(corpus.registry, list(corpus.articles))
    kg.mkdir(parents=True, exist_ok=True)
    ds.serialize(kg / TRIG, format="nquads")
    return f"{len(ds)} quads"


def validate(kg: Path) -> str:
    ds = read(kg)
    data = union(ds, load_ontology())
    conforms, _, _ = shacl_validate(data, shacl_graph=load_shapes(), inference="none")
    rows = sum(len(list(ds.query(q.text))) for q in load_checks().values())
    return f"conforms={conforms} check_rows={rows} triples={len(data)}"


def reason(kg: Path) -> str:
    ds = read(kg)
    ontology = load_ontology()
    graph = union(ds, ontology)
    asserted = set(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    new = Graph()
    for triple in graph:  # what is new, and can be written (no literal subjects)
        if triple not in asserted and not isinstance(triple[0], Literal):
            new.add(triple)
    new.serialize(kg / INFERRED, format="nt")
    return f"{len(new)} new triples"


def queries(kg: Path, specs: list[str]) -> str:
    """Parse the graph once, then run each query `NAME[;param=value...]`, timing each."""
    ds = read(kg)
    inferred = kg / INFERRED
    if inferred.exists():
        ds.graph(URIRef("https://w3id.org/parley/graph/inferred")).parse(inferred, format="nt")
    ds.graph(URIRef("https://w3id.org/parley/graph/ontology")).parse(
        data=load_ontology().serialize(format="nt"), format="nt"
    )
    out = []
    for spec in specs:
        name, *params = spec.split(";")
        bindings = {}
        for item in params:
            key, value = item.split("=", 1)
            bindings[key] = URIRef(value) if "://" in value else value
        start = time.perf_counter()
        rows = len(list(ds.query(get_query(name).text, initBindings=bindings)))
        seconds = time.perf_counter() - start
        print(json.dumps({"query": name, "rows": rows, "seconds": round(seconds, 3)}), flush=True)
        out.append(rows)
    return f"{len(out)} queries"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=("build", "validate", "reason", "queries"))
    parser.add_argument("query", nargs="*", help="queries: NAME[;param=value...] each")
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    parser.add_argument("--kg", type=Path, required=True)
    args = parser.parse_intermixed_args(argv)
    start = time.perf_counter()
    if args.stage == "build":
        what = build(args.seeds, args.kg)
    elif args.stage == "validate":
        what = validate(args.kg)
    elif args.stage == "reason":
        what = reason(args.kg)
    else:
        what = queries(args.kg, args.query)
    print(f"naive {args.stage}: {what} in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
