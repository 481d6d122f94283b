"""Validate the built graph: SHACL shapes (pySHACL) and SPARQL quality checks (Oxigraph).

pySHACL validates each named graph of a Dataset on its own, so the shapes run over one rdflib
Graph holding the union of all graphs plus the ontology (class hierarchy, concept schemes).
Results are mapped back to the named graph (article or registry) their focus node came from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, SKOS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from parley.model.errors import InputError, Problem, UsageError
from parley.model.iris import OA, PARLEY, PG, PREFIXES
from parley.model.kgio import turtle_bytes
from parley.query.catalogue import SavedQuery, parse_query_file, queries_root

SH = Namespace("http://www.w3.org/ns/shacl#")
PSH = Namespace("https://w3id.org/parley/shapes#")
CHECK = Namespace("https://w3id.org/parley/check/")
TRIG_NAME = "parley.trig"
CHECK_SUFFIX = "-violation.rq"
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


# --- inputs ----------------------------------------------------------------------------------


def ontology_dir() -> Path:
    """The packaged `ontology/` folder (a symlink to the top-level folder in a checkout)."""
    return Path(str(resources.files("parley") / "ontology"))


def _parse_turtle(path: Path) -> Graph:
    graph = Graph()
    if not path.exists():
        raise UsageError(f"{path}: file not found — reinstall parley or restore it from git")
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib raises many parser exception types
        raise UsageError(f"{path}: cannot parse Turtle: {exc}") from None
    return graph


def load_ontology() -> Graph:
    return _parse_turtle(ontology_dir() / "parley.ttl")


def load_shapes(path: Path | None = None) -> Graph:
    return _parse_turtle(path or ontology_dir() / "shapes.ttl")


def load_checks(root: Path | None = None) -> dict[str, SavedQuery]:
    """The quality checks `queries/checks/*-violation.rq`, by name (file name without suffix)."""
    folder = root or queries_root() / "checks"
    return {
        path.name[: -len(CHECK_SUFFIX)]: parse_query_file(path, path.name[: -len(CHECK_SUFFIX)])
        for path in sorted(folder.glob("*" + CHECK_SUFFIX))
    }


def read_kg(kg: Path) -> Dataset:
    """kg/parley.trig as an rdflib Dataset; `InputError` when missing or unreadable."""
    path = kg / TRIG_NAME
    if not path.exists():
        raise InputError(
            Problem(str(path), None, "graph file not found", "run `parley build`, or pass --kg DIR")
        )
    ds = Dataset()
    try:
        ds.parse(path, format="trig")
    except Exception as exc:  # rdflib raises many parser exception types
        raise InputError(
            Problem(str(path), None, f"cannot parse TriG: {exc}", "rebuild with `parley build`")
        ) from None
    return ds


def union_graph(ds: Dataset, *extra: Graph) -> Graph:
    """One rdflib Graph with the triples of every graph of `ds` and of `extra`."""
    union = Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    for graph in extra:
        for triple in graph:
            union.add(triple)
    return union


# --- running ---------------------------------------------------------------------------------


def validate(kg: Path) -> ValidationReport:
    """Validate kg/parley.trig against the packaged shapes and checks.

    When kg/ still holds exactly what `parley build` wrote, the report the build computed
    article by article (kept in .cache/parley/) is returned without parsing the graph again.
    """
    from parley.build.combine import built_results

    results = built_results(kg)
    if results is not None and results.get("report") is not None:
        return results["report"]
    return validate_dataset(read_kg(kg))


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
    where = _graphs_of(ds)
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

    The compiled validator (`parley.shacl`) gives pySHACL's results, faster, when the shapes
    stay within the SHACL Core it compiles; pySHACL runs otherwise.
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
                value=_show(value) if value is not None else None,
                component=compact(component) if isinstance(component, URIRef) else None,
            )
        )
    return out


def _fast_shapes(data: Graph, shapes: Graph, where) -> list[Violation] | None:
    from parley.validate import compiled_data, compiled_eval, compiled_shapes

    compiled = compiled_shapes.compile_shapes(shapes)
    if compiled is None:
        return None
    out = []
    for r in compiled_eval.validate(compiled, compiled_data.Data(data)):
        out.append(
            Violation(
                rule=compact(r.shape) if isinstance(r.shape, URIRef) else "psh:(anonymous)",
                kind="shape",
                message=r.message,
                focus=str(r.focus),
                focus_label=label_of(data, r.focus),
                graphs=where.get(r.focus, ()),
                path=compact(r.path) if isinstance(r.path, URIRef) else None,
                value=_show(r.value) if r.value is not None else None,
                component=compact(r.component),
            )
        )
    return out


def run_checks(
    ds: Dataset,
    checks: dict[str, SavedQuery],
    data: Graph,
    where: dict[Node, tuple[str, ...]],
) -> list[Violation]:
    """Each check over the dataset in Oxigraph (named graphs kept); every row is a violation."""
    store = ox.Store()
    store.load(ds.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    return check_rows(store.query, checks, data, where)


def check_rows(run, checks: dict[str, SavedQuery], labels, where, only_graph=None):
    """Run each check with `run` (an Oxigraph `query`); every row is a violation, kept only
    when it is about `only_graph` if that is given. `labels` answers `label_of`."""
    out = []
    for name, query in checks.items():
        try:
            solutions = run(query.text)
        except (SyntaxError, ValueError, OSError) as exc:
            raise UsageError(f"{query.path}: {exc}") from None
        columns = [v.value for v in solutions.variables]
        for row in solutions:
            values = {c: row[c] for c in columns}
            graph = values.get("graph")
            if only_graph is not None and not (
                isinstance(graph, ox.NamedNode) and graph.value == only_graph
            ):
                continue
            focus = _rdflib(values.get("focus"))
            graphs = (graph_name(str(graph.value)),) if isinstance(graph, ox.NamedNode) else ()
            out.append(
                Violation(
                    rule=name,
                    kind="check",
                    message=query.summary,
                    focus=str(focus) if focus is not None else "",
                    focus_label=label_of(labels, focus) if focus is not None else "",
                    graphs=graphs or where.get(focus, ()),
                    details=tuple(
                        (c, _show(_rdflib(v)))
                        for c, v in values.items()
                        if c not in ("focus", "graph") and v is not None
                    ),
                )
            )
    return out


# --- helpers ---------------------------------------------------------------------------------


def graph_name(iri: str) -> str:
    """`pg:article/002-aljazeera` -> `002-aljazeera`; `pg:registry` -> `registry`."""
    local = iri[len(str(PG)) :] if iri.startswith(str(PG)) else iri
    return local[len("article/") :] if local.startswith("article/") else local


def _graphs_of(ds: Dataset) -> dict[Node, tuple[str, ...]]:
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


def compact(iri: URIRef | str) -> str:
    """`psh:Statement-speaker`, `parley:speaker`, `pid:person/x`: a short name for messages."""
    text = str(iri)
    for prefix, ns in (("psh", PSH), ("sh", SH), *PREFIXES.items()):
        if text.startswith(str(ns)) and len(text) > len(str(ns)):
            return f"{prefix}:{text[len(str(ns)) :]}"
    for prefix, ns in (("rdfs", RDFS), ("rdf", RDF), ("skos", SKOS)):
        if text.startswith(str(ns)):
            return f"{prefix}:{text[len(str(ns)) :]}"
    return text


def _show(term: Node | None) -> str:
    if isinstance(term, Literal):
        return str(term)
    return compact(term) if isinstance(term, URIRef) else str(term)


def _rdflib(term: object) -> Node | None:
    """An Oxigraph term as the rdflib term of the same RDF term."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return Literal(str(term))


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


# --- rendering -------------------------------------------------------------------------------


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
        source = _expand(v.rule) if v.kind == "shape" else CHECK[v.rule]
        g.add((node, SH.sourceShape, source))
        if v.path:
            g.add((node, SH.resultPath, _expand(v.path)))
        if v.component:
            g.add((node, SH.sourceConstraintComponent, _expand(v.component)))
        if v.value is not None:
            g.add((node, SH.value, Literal(v.value)))
        for name in v.graphs:
            graph = PG["registry"] if name == "registry" else PG[f"article/{name}"]
            g.add((node, RDFS.seeAlso, graph))
    return g


def render_turtle(report: ValidationReport) -> str:
    return turtle_bytes(report_graph(report)).decode("utf-8")


def _expand(name: str) -> URIRef:
    prefix, _, local = name.partition(":")
    namespaces = {"psh": PSH, "sh": SH, **PREFIXES}
    return URIRef(str(namespaces[prefix]) + local) if prefix in namespaces else URIRef(name)


REPORT_FORMATS = {"text": render_text, "turtle": render_turtle, "json": render_json}


def render(report: ValidationReport, fmt: str) -> str:
    if fmt not in REPORT_FORMATS:
        raise UsageError(f"unknown format '{fmt}' — use one of {', '.join(REPORT_FORMATS)}")
    return REPORT_FORMATS[fmt](report)
