"""The shapes graph compiled into plain Shape objects, for the compiled (fast) SHACL validator."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from parley.model.iris import SH

# the predicates a shape may use: anything else is beyond the compiled subset
SHAPE_KEYS = {
    RDF.type,
    RDFS.comment,
    RDFS.label,
    SH.message,
    SH.path,
    SH.property,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.minCount,
    SH.maxCount,
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.minLength,
    SH.minInclusive,
    SH["in"],
    SH.hasValue,
    SH.lessThan,
    SH.node,
    SH["or"],
    SH.xone,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.name,
    SH.description,
    SH.order,
}


class UnsupportedShapes(Exception):
    """The shapes use SHACL beyond what this module compiles."""


@dataclass
class Shape:
    node: URIRef | BNode
    message: str
    path: URIRef | None = None  # None: a node shape
    targets_class: tuple = ()
    targets_subjects_of: tuple = ()
    properties: list[Shape] = field(default_factory=list)
    min_count: int | None = None
    max_count: int | None = None
    classes: tuple = ()
    datatype: URIRef | None = None
    node_kind: URIRef | None = None
    pattern: re.Pattern | None = None
    min_length: int | None = None
    min_inclusive: Literal | None = None
    allowed: tuple | None = None  # sh:in
    has_value: tuple = ()
    less_than: tuple = ()
    nodes: list[Shape] = field(default_factory=list)
    ors: list[list[Shape]] = field(default_factory=list)
    xones: list[list[Shape]] = field(default_factory=list)
    qualified: Shape | None = None
    q_min: int | None = None
    q_max: int | None = None


class Shapes:
    """The compiled shapes: `top` are the shapes that select focus nodes."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.cache: dict = {}
        self.top: list[Shape] = []
        self.nested_predicates: set = set()
        for node in sorted(
            set(graph.subjects(SH.targetClass)) | set(graph.subjects(SH.targetSubjectsOf)), key=str
        ):
            self.top.append(self.shape(node))
        # property shapes reached from targeted node shapes are evaluated through them

    def shape(self, node) -> Shape:
        if node in self.cache:
            return self.cache[node]
        g = self.graph
        for p in g.predicates(node):
            if p not in SHAPE_KEYS:
                raise UnsupportedShapes(f"{node}: {p}")
        messages = list(g.objects(node, SH.message))
        if len(messages) > 1:
            raise UnsupportedShapes(f"{node}: several messages")
        paths = list(g.objects(node, SH.path))
        if len(paths) > 1 or (paths and not isinstance(paths[0], URIRef)):
            raise UnsupportedShapes(f"{node}: complex path")
        s = Shape(node=node, message=str(messages[0]) if messages else "")
        self.cache[node] = s
        s.path = paths[0] if paths else None
        s.targets_class = tuple(sorted(g.objects(node, SH.targetClass), key=str))
        s.targets_subjects_of = tuple(sorted(g.objects(node, SH.targetSubjectsOf), key=str))
        s.min_count = _int(g, node, SH.minCount)
        s.max_count = _int(g, node, SH.maxCount)
        s.classes = tuple(sorted(g.objects(node, SH["class"]), key=str))
        s.datatype = g.value(node, SH.datatype)
        s.node_kind = g.value(node, SH.nodeKind)
        if s.node_kind is not None and s.node_kind != SH.IRI:
            raise UnsupportedShapes(f"{node}: node kind {s.node_kind}")
        pattern = g.value(node, SH.pattern)
        s.pattern = re.compile(str(pattern)) if pattern is not None else None
        s.min_length = _int(g, node, SH.minLength)
        s.min_inclusive = g.value(node, SH.minInclusive)
        head = g.value(node, SH["in"])
        s.allowed = tuple(Collection(g, head)) if head is not None else None
        s.has_value = tuple(g.objects(node, SH.hasValue))
        s.less_than = tuple(g.objects(node, SH.lessThan))
        s.properties = [self.shape(p) for p in sorted(g.objects(node, SH.property), key=str)]
        s.nodes = [self.shape(n) for n in g.objects(node, SH.node)]
        s.ors = [[self.shape(m) for m in Collection(g, h)] for h in g.objects(node, SH["or"])]
        s.xones = [[self.shape(m) for m in Collection(g, h)] for h in g.objects(node, SH.xone)]
        qualified = list(g.objects(node, SH.qualifiedValueShape))
        if len(qualified) > 1:
            raise UnsupportedShapes(f"{node}: several qualified value shapes")
        if qualified:
            s.qualified = self.shape(qualified[0])
            s.q_min = _int(g, node, SH.qualifiedMinCount)
            s.q_max = _int(g, node, SH.qualifiedMaxCount)
        if s.path is None and (
            s.min_count is not None or s.max_count is not None or s.has_value or s.less_than
        ):
            raise UnsupportedShapes(f"{node}: property constraints on a node shape")
        if s.path is not None and s.properties:
            raise UnsupportedShapes(f"{node}: sh:property inside a property shape")
        return s


def _int(g: Graph, node, prop) -> int | None:
    value = g.value(node, prop)
    return None if value is None else int(value)


def compile_shapes(graph: Graph) -> Shapes | None:
    """The shapes compiled, or None when they use SHACL this module does not cover.

    The shapes graph is compiled once into plain Python objects, which
    `parley.validate.compiled_eval` then evaluates on an index of the data instead of running
    pySHACL's generic machinery. It covers the SHACL Core subset that ontology/shapes.ttl uses
    (targets by class and by subject-of, simple property paths, cardinality, class, datatype,
    node kind, pattern, length, ranges, `in`, `hasValue`, `lessThan`, `node`, `or`, `xone`,
    qualified value shapes); for anything else the caller runs pySHACL itself.
    """
    try:
        shapes = Shapes(graph)
    except (UnsupportedShapes, ValueError, TypeError):
        return None
    for shape in shapes.top:
        if not shape.message:
            return None
        for prop in shape.properties:
            if not prop.message:
                return None
    nested: set = set()
    for shape in shapes.cache.values():
        for inner in [*shape.nodes, *(m for ms in shape.ors for m in ms)]:
            nested.update(_predicates(inner))
        for ms in shape.xones:
            for m in ms:
                nested.update(_predicates(m))
        if shape.qualified is not None:
            nested.update(_predicates(shape.qualified))
    shapes.nested_predicates = nested
    return shapes


def _predicates(shape: Shape, seen=None) -> set:
    """Predicates a nested shape reads from its focus node (one level of properties)."""
    seen = seen or set()
    if id(shape) in seen:
        return set()
    seen.add(id(shape))
    out = {shape.path} if shape.path is not None else set()
    for inner in [*shape.properties, *shape.nodes, *(m for ms in shape.ors for m in ms)]:
        if inner.path is not None:
            out.add(inner.path)
        if inner.classes or inner.nodes or inner.properties:
            out.update(_predicates(inner, seen))
    return out
