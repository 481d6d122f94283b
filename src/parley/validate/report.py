"""The validation report: violations and rules, short names and labels for them, and the
report rendered as text, JSON or a SHACL ValidationReport graph."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from parley.model.errors import UsageError
from parley.model.iris import OA, PARLEY, PG, SH, compact, expand
from parley.model.kgio import turtle_bytes

CHECK = Namespace("https://w3id.org/parley/check/")
LABEL_WIDTH = 70


@dataclass(frozen=True)
class Violation:
    """One failure: of a SHACL shape (`kind` "shape") or of a SPARQL check (`kind` "check")."""

    rule: str  # shape as `psh:LocalName`, or the check's name
    kind: str
    message: str
    focus: str  # IRI (or literal text) of the node at fault
    focus_label: str
    graphs: tuple[str, ...]  # where the focus node is stated: article ids or "registry"
    path: str | None = None
    value: str | None = None
    component: str | None = None  # SHACL constraint component, e.g. sh:MinCountConstraintComponent
    details: tuple[tuple[str, str], ...] = ()  # further columns of a check's row


@dataclass(frozen=True)
class Rule:
    """A shape or check that can report violations, with its message."""

    name: str
    kind: str
    message: str
    hint: str = ""


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]
    rules: dict[str, Rule] = field(default_factory=dict)
    shapes: int = 0  # shapes that report violations (node and property shapes)
    checks: int = 0
    triples: int = 0  # triples validated: union of the graphs plus the ontology


def graph_name(iri: str) -> str:
    """`pg:article/002-aljazeera` -> `002-aljazeera`; `pg:registry` -> `registry`."""
    local = iri[len(str(PG)) :] if iri.startswith(str(PG)) else iri
    return local[len("article/") :] if local.startswith("article/") else local


def show(term: Node | None) -> str:
    if isinstance(term, Literal):
        return str(term)
    return compact(term) if isinstance(term, URIRef) else str(term)


def label_of(data: Graph, node: Node | None) -> str:
    """A human name for a node: its label, its quote or the words of its evidence."""
    if node is None:
        return ""
    if isinstance(node, Literal):
        return _short(str(node))
    for prop in (RDFS.label, SKOS.prefLabel):
        value = data.value(node, prop)
        if value is not None:
            return _short(str(value))
    quote = data.value(node, PARLEY.quote)
    if quote is not None:
        return f"“{_short(str(quote))}”"
    for mention in (node, *sorted(data.objects(node, PARLEY.evidence))):
        for selector in sorted(data.objects(mention, OA.hasSelector)):
            exact = data.value(selector, OA.exact)
            if exact is not None:
                return f"“{_short(str(exact))}”"
    return ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_WIDTH else text[: LABEL_WIDTH - 1] + "…"


def render_text(report: ValidationReport) -> str:
    """Results grouped by rule, each naming the article (or registry) and the focus node."""
    lines: list[str] = []
    groups: dict[str, list[Violation]] = {}
    for v in report.violations:
        groups.setdefault(v.rule, []).append(v)
    for name, items in groups.items():
        rule = report.rules.get(name, Rule(name, items[0].kind, items[0].message))
        count = f"{len(items)} violation" + ("s" if len(items) != 1 else "")
        lines.append(f"{name} ({rule.kind}) — {count}")
        lines.append(f"  {rule.message or items[0].message}")
        if rule.hint:
            lines.append(f"  fix: {rule.hint}")
        for v in items:
            where = ", ".join(v.graphs) or "?"
            label = f"{v.focus_label} " if v.focus_label else ""
            detail = []
            if v.path:
                detail.append(v.path)
            if v.value is not None:
                detail.append(f"value {v.value}")
            if v.component:
                detail.append(v.component.removeprefix("sh:").removesuffix("ConstraintComponent"))
            detail.extend(f"{k}={val}" for k, val in v.details)
            tail = f" ({'; '.join(detail)})" if detail else ""
            lines.append(f"  - [{where}] {label}<{compact(v.focus)}>{tail}")
        lines.append("")
    rules = f"{report.shapes} shapes, {report.checks} checks, {report.triples} triples"
    if report.conforms:
        lines.append(f"conforms ({rules})")
    else:
        lines.append(
            f"{len(report.violations)} violations of {len(groups)} rules ({rules}) — "
            "fix the annotation or registry entries named above"
        )
    return "\n".join(lines) + "\n"


def report_json(report: ValidationReport) -> dict:
    return {
        "conforms": report.conforms,
        "shapes": report.shapes,
        "checks": report.checks,
        "triples": report.triples,
        "violations": [
            {
                "rule": v.rule,
                "kind": v.kind,
                "message": v.message,
                "focus": v.focus,
                "focus_label": v.focus_label,
                "graphs": list(v.graphs),
                "path": v.path,
                "value": v.value,
                "component": v.component,
                "details": dict(v.details),
            }
            for v in report.violations
        ],
    }


def render_json(report: ValidationReport) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False) + "\n"


def report_graph(report: ValidationReport) -> Graph:
    """The report as a SHACL ValidationReport graph (checks as results with a check IRI)."""
    g = Graph()
    root = URIRef("https://w3id.org/parley/validation-report")
    g.add((root, RDF.type, SH.ValidationReport))
    g.add((root, SH.conforms, Literal(report.conforms)))
    for i, v in enumerate(report.violations, start=1):
        node = URIRef(f"{root}/result/{i}")
        g.add((root, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.resultSeverity, SH.Violation))
        g.add((node, SH.resultMessage, Literal(v.message)))
        if v.focus:
            g.add((node, SH.focusNode, URIRef(v.focus)))
        source = expand(v.rule) if v.kind == "shape" else CHECK[v.rule]
        g.add((node, SH.sourceShape, source))
        if v.path:
            g.add((node, SH.resultPath, expand(v.path)))
        if v.component:
            g.add((node, SH.sourceConstraintComponent, expand(v.component)))
        if v.value is not None:
            g.add((node, SH.value, Literal(v.value)))
        for name in v.graphs:
            graph = PG["registry"] if name == "registry" else PG[f"article/{name}"]
            g.add((node, RDFS.seeAlso, graph))
    return g


def render_turtle(report: ValidationReport) -> str:
    return turtle_bytes(report_graph(report)).decode("utf-8")


REPORT_FORMATS = {"text": render_text, "turtle": render_turtle, "json": render_json}


def render_validation(report: ValidationReport, fmt: str) -> str:
    if fmt not in REPORT_FORMATS:
        raise UsageError(f"unknown format '{fmt}' — use one of {', '.join(REPORT_FORMATS)}")
    return REPORT_FORMATS[fmt](report)
