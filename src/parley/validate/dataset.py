"""Validation of an rdflib Dataset: the shapes over the union of its graphs plus the
ontology, the checks over its named graphs, each violation traced back to its graph.

pySHACL validates each named graph of a Dataset on its own, so the shapes run over one rdflib
Graph holding the union of all graphs plus the ontology (class hierarchy, concept schemes).
Results are mapped back to the named graph (article or registry) their focus node came from.
"""

from __future__ import annotations

from rdflib import Dataset, Graph
from rdflib.term import Node

from parley.model.layout import load_ontology, load_shapes, union_graph
from parley.query.catalogue import SavedQuery
from parley.validate.checks import load_checks, run_checks
from parley.validate.engine import run_shapes, shape_rules
from parley.validate.report import Rule, ValidationReport, graph_name


def validate_dataset(
    ds: Dataset,
    shapes: Graph | None = None,
    checks: dict[str, SavedQuery] | None = None,
    ontology: Graph | None = None,
) -> ValidationReport:
    """Run the shapes over union(ds) + ontology and the checks over ds (named graphs kept)."""
    shapes = load_shapes() if shapes is None else shapes
    checks = load_checks() if checks is None else checks
    ontology = load_ontology() if ontology is None else ontology
    data = union_graph(ds, ontology)
    where = graphs_of(ds)
    rules = shape_rules(shapes)
    for name, query in checks.items():
        rules[name] = Rule(name, "check", query.summary, query.description)
    violations = run_shapes(data, shapes, where) + run_checks(ds, checks, data, where)
    violations.sort(key=lambda v: (v.kind != "shape", v.rule, v.graphs, v.focus, v.value or ""))
    return ValidationReport(
        conforms=not violations,
        violations=tuple(violations),
        rules=rules,
        shapes=sum(1 for r in rules.values() if r.kind == "shape"),
        checks=len(checks),
        triples=len(data),
    )


def graphs_of(ds: Dataset) -> dict[Node, tuple[str, ...]]:
    """For each subject (else object) of `ds`, the names of the graphs that state it."""
    subjects: dict[Node, set[str]] = {}
    objects: dict[Node, set[str]] = {}
    for s, _, o, g in ds.quads((None, None, None, None)):
        name = graph_name(str(g)) if g is not None else "default"
        subjects.setdefault(s, set()).add(name)
        objects.setdefault(o, set()).add(name)
    merged = {node: names for node, names in objects.items() if node not in subjects}
    merged.update(subjects)
    return {node: tuple(sorted(names)) for node, names in merged.items()}
