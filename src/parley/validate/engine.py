"""The SHACL engine: which shapes report results, and running them over one rdflib graph with
the one engine switch of validation (the compiled validator where it covers the shapes,
pySHACL otherwise)."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from parley.model.errors import UsageError
from parley.validate import compiled_data, compiled_eval
from parley.validate.compiled_shapes import compile_shapes
from parley.validate.report import SH, Rule, Violation, compact, label_of, show


def shape_rules(shapes: Graph) -> dict[str, Rule]:
    """Shapes that report results themselves: property shapes and node shapes with targets."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    out = {}
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(
        shapes.subjects(RDF.type, SH.NodeShape)
    ):
        if not isinstance(shape, URIRef):
            continue
        is_property = (shape, RDF.type, SH.PropertyShape) in shapes
        has_own = any(
            p not in (*targets, SH.property, SH.message, RDF.type, RDFS.comment, RDFS.label)
            for p in shapes.predicates(shape)
        )
        targeted = any((shape, t, None) in shapes for t in targets)
        if is_property or (targeted and has_own):
            name = compact(shape)
            out[name] = Rule(name, "shape", str(shapes.value(shape, SH.message) or ""))
    return out


def run_shapes(data: Graph, shapes: Graph, where: dict[Node, tuple[str, ...]]) -> list[Violation]:
    """pySHACL over one rdflib graph (no inference: the ontology is already in `data`).

    The compiled validator gives pySHACL's results, faster, when the shapes stay within the
    SHACL Core it compiles (`compiled_shapes`); pySHACL runs otherwise.
    """
    fast = _fast_shapes(data, shapes, where)
    if fast is not None:
        return fast
    from pyshacl import validate as shacl_validate

    try:
        conforms, report, _ = shacl_validate(
            data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False
        )
    except Exception as exc:  # pySHACL raises its own errors for malformed shapes
        raise UsageError(f"ontology/shapes.ttl: pySHACL cannot use the shapes: {exc}") from None
    out = []
    if conforms:
        return out
    # top-level results only: those nested under sh:detail (from sh:node) repeat the cause
    for result in report.objects(None, SH.result):
        focus = report.value(result, SH.focusNode)
        source = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        component = report.value(result, SH.sourceConstraintComponent)
        out.append(
            Violation(
                rule=compact(source) if isinstance(source, URIRef) else "psh:(anonymous)",
                kind="shape",
                message=str(report.value(result, SH.resultMessage) or ""),
                focus=str(focus),
                focus_label=label_of(data, focus),
                graphs=where.get(focus, ()),
                path=compact(path) if isinstance(path, URIRef) else None,
                value=show(value) if value is not None else None,
                component=compact(component) if isinstance(component, URIRef) else None,
            )
        )
    return out


def compiled_shapes(shapes: Graph):
    """The one engine switch of validation: the shapes compiled for the fast validator
    (`validate.compiled_*`), or None when they use more than the SHACL Core it compiles and
    pySHACL must run. Tests replace it to run the reference engine."""
    return compile_shapes(shapes)


def _fast_shapes(data: Graph, shapes: Graph, where) -> list[Violation] | None:
    compiled = compiled_shapes(shapes)
    if compiled is None:
        return None
    return [
        compiled_violation(r, data, where.get(r.focus, ()))
        for r in compiled_eval.evaluate_shapes(compiled, compiled_data.Data(data))
    ]


def compiled_violation(result, labels, graphs: tuple[str, ...]) -> Violation:
    """A result of the compiled validator as a `Violation` (`labels` answers `label_of`)."""
    return Violation(
        rule=compact(result.shape) if isinstance(result.shape, URIRef) else "psh:(anonymous)",
        kind="shape",
        message=result.message,
        focus=str(result.focus),
        focus_label=label_of(labels, result.focus),
        graphs=graphs,
        path=compact(result.path) if isinstance(result.path, URIRef) else None,
        value=show(result.value) if result.value is not None else None,
        component=compact(result.component),
    )
