"""A compiled SHACL Core validator for Parley's shapes: pySHACL's results, many times faster.

The shapes graph is compiled once into plain Python objects; validation then walks an index of
the data (subject -> predicate -> objects) instead of running pySHACL's generic machinery.
It covers the SHACL Core subset that ontology/shapes.ttl uses (targets by class and by
subject-of, simple property paths, cardinality, class, datatype, node kind, pattern, length,
ranges, `in`, `hasValue`, `lessThan`, `node`, `or`, `xone`, qualified value shapes);
`compile_shapes` returns None for anything else, and the caller then runs pySHACL itself.
Value checks copy pySHACL's own semantics (ill-typed literals, string/number comparisons).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import _NUMERIC_LITERAL_TYPES

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
C_MinCountConstraintComponent = SH.MinCountConstraintComponent
C_MaxCountConstraintComponent = SH.MaxCountConstraintComponent
C_HasValueConstraintComponent = SH.HasValueConstraintComponent
C_LessThanConstraintComponent = SH.LessThanConstraintComponent
C_QualifiedMinCountConstraintComponent = SH.QualifiedMinCountConstraintComponent
C_QualifiedMaxCountConstraintComponent = SH.QualifiedMaxCountConstraintComponent
C_ClassConstraintComponent = SH.ClassConstraintComponent
C_DatatypeConstraintComponent = SH.DatatypeConstraintComponent
C_NodeKindConstraintComponent = SH.NodeKindConstraintComponent
C_PatternConstraintComponent = SH.PatternConstraintComponent
C_MinLengthConstraintComponent = SH.MinLengthConstraintComponent
C_MinInclusiveConstraintComponent = SH.MinInclusiveConstraintComponent
C_InConstraintComponent = SH.InConstraintComponent
C_NodeConstraintComponent = SH.NodeConstraintComponent
C_OrConstraintComponent = SH.OrConstraintComponent
C_XoneConstraintComponent = SH.XoneConstraintComponent
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
VALUE_PARAMS = (
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.pattern,
    SH.minLength,
    SH.minInclusive,
    SH["in"],
    SH.node,
    SH["or"],
    SH.xone,
)


class Unsupported(Exception):
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


@dataclass
class Result:
    """One top-level validation result, as pySHACL reports it."""

    focus: object
    shape: object  # sh:sourceShape
    component: URIRef
    message: str
    path: URIRef | None = None
    value: object = None


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
                raise Unsupported(f"{node}: {p}")
        messages = list(g.objects(node, SH.message))
        if len(messages) > 1:
            raise Unsupported(f"{node}: several messages")
        paths = list(g.objects(node, SH.path))
        if len(paths) > 1 or (paths and not isinstance(paths[0], URIRef)):
            raise Unsupported(f"{node}: complex path")
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
            raise Unsupported(f"{node}: node kind {s.node_kind}")
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
            raise Unsupported(f"{node}: several qualified value shapes")
        if qualified:
            s.qualified = self.shape(qualified[0])
            s.q_min = _int(g, node, SH.qualifiedMinCount)
            s.q_max = _int(g, node, SH.qualifiedMaxCount)
        if s.path is None and (
            s.min_count is not None or s.max_count is not None or s.has_value or s.less_than
        ):
            raise Unsupported(f"{node}: property constraints on a node shape")
        if s.path is not None and s.properties:
            raise Unsupported(f"{node}: sh:property inside a property shape")
        return s


def _int(g: Graph, node, prop) -> int | None:
    value = g.value(node, prop)
    return None if value is None else int(value)


def compile_shapes(graph: Graph) -> Shapes | None:
    """The shapes compiled, or None when they use SHACL this module does not cover."""
    try:
        shapes = Shapes(graph)
    except (Unsupported, ValueError, TypeError):
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


class Data:
    """An index of triples: subject -> predicate -> objects; classes with their subclasses.

    With a `base` (say the ontology and the registry, indexed once), lookups see both, and
    `targets` (with `own_only`) selects focus nodes typed (or subjects) in this layer only.
    """

    def __init__(self, triples, base: Data | None = None):
        self.base = base
        self.out: dict = defaultdict(lambda: defaultdict(list))
        self.instances: dict = defaultdict(set)
        subclass: dict = defaultdict(set)
        seen = set()
        unique = isinstance(triples, set | frozenset)  # no duplicates to skip
        type_, sub = str(RDF.type), str(RDFS.subClassOf)
        out, instances = self.out, self.instances
        for t in triples:
            if unique:
                if base is not None and base.has(t):
                    continue
            elif t in seen or (base is not None and base.has(t)):
                continue
            else:
                seen.add(t)
            s, p, o = t
            out[s][p].append(o)
            if type(p) is URIRef:  # rdflib's `==` on URIRefs, without its cost
                if str.__eq__(p, type_):
                    instances[o].add(s)
                elif str.__eq__(p, sub):
                    subclass[o].add(s)
        self.subclasses = subclass
        self._closure: dict = {}
        self._instance: dict = {}

    def has(self, t) -> bool:
        node = self.out.get(t[0])
        if node is not None and t[2] in node.get(t[1], ()):
            return True
        return self.base is not None and self.base.has(t)

    def objects(self, s, p) -> list:
        node = self.out.get(s)
        mine = node.get(p, []) if node else []
        if self.base is None:
            return mine
        theirs = self.base.objects(s, p)
        if not theirs:
            return mine
        return theirs + mine if mine else theirs

    def subclasses_of(self, c) -> set:
        """c and every class below it (rdfs:subClassOf*, in the data)."""
        if c not in self._closure:
            found, todo = {c}, [c]
            while todo:
                current = todo.pop()
                below = set(self.subclasses.get(current, ()))
                if self.base is not None:
                    below |= self.base.subclasses.get(current, set())
                for sub in below:
                    if sub not in found:
                        found.add(sub)
                        todo.append(sub)
            self._closure[c] = found
        return self._closure[c]

    def is_instance(self, node, c) -> bool:
        if isinstance(node, Literal):
            return False
        key = (node, c)
        found = self._instance.get(key)
        if found is None:
            types = self.objects(node, _RDF_TYPE)
            found = self._instance[key] = bool(types) and not self.subclasses_of(c).isdisjoint(
                types
            )
        return found

    def targets(self, shape: Shape, own_only: bool = False) -> set:
        found = set()
        layers = [self] if own_only or self.base is None else [self, self.base]
        for layer in layers:
            for c in shape.targets_class:
                for sub in self.subclasses_of(c):
                    found.update(layer.instances.get(sub, ()))
            for p in shape.targets_subjects_of:
                found.update(s for s, props in layer.out.items() if p in props)
        return found


def validate(shapes: Shapes, data: Data, focus_filter=None, own_only=False) -> list[Result]:
    """Top-level results of every targeted shape (on focus nodes passing `focus_filter`;
    with `own_only`, only among the subjects of `data`'s own layer)."""
    out: list[Result] = []
    for shape in shapes.top:
        for focus in sorted(data.targets(shape, own_only), key=str):
            if focus_filter is not None and not focus_filter(focus):
                continue
            _node_shape(shape, focus, data, out)
    return out


def _node_shape(shape: Shape, focus, data: Data, out: list[Result] | None) -> bool:
    """Validate `focus` against a shape used as a node shape; False when it does not conform."""
    ok = True
    if shape.path is not None:  # a property shape reached through sh:node / sh:or: its values
        return _property(shape, focus, data, out)
    ok &= _values(shape, focus, [focus], data, out, None)
    for prop in shape.properties:
        ok &= _property(prop, focus, data, out)
    return ok


def _property(shape: Shape, focus, data: Data, out: list[Result] | None) -> bool:
    values = list(dict.fromkeys(data.objects(focus, shape.path)))
    ok = True
    if out is None:
        report = _ignore
    else:

        def report(component, value=None) -> None:
            out.append(Result(focus, shape.node, component, shape.message, shape.path, value))

    if shape.min_count is not None and len(values) < shape.min_count:
        ok = False
        report(C_MinCountConstraintComponent)
    if shape.max_count is not None and len(values) > shape.max_count:
        ok = False
        report(C_MaxCountConstraintComponent)
    ok &= _values(shape, focus, values, data, out, shape.path)
    for value in shape.has_value:
        if value not in values:
            ok = False
            report(C_HasValueConstraintComponent)
    for other in shape.less_than:
        compare = data.objects(focus, other)
        for v in values:
            if any(not _less(v, w) for w in compare):
                ok = False
                report(C_LessThanConstraintComponent, v)
    if shape.qualified is not None:
        n = sum(1 for v in values if _node_shape(shape.qualified, v, data, None))
        if shape.q_min is not None and n < shape.q_min:
            ok = False
            report(C_QualifiedMinCountConstraintComponent)
        if shape.q_max is not None and n > shape.q_max:
            ok = False
            report(C_QualifiedMaxCountConstraintComponent)
    for prop in shape.properties:
        for v in values:
            ok &= _property(prop, v, data, None)
    return ok


def _ignore(component, value=None) -> None:
    """`report` where results are not wanted (only whether the node conforms)."""


def _values(shape: Shape, focus, values, data: Data, out, path) -> bool:
    """The value-node constraints of `shape` on each of `values`."""
    if not values:
        return True
    plan = shape.__dict__.get("_value_plan")
    if plan is None:
        plan = shape.__dict__["_value_plan"] = _value_plan(shape)
    if not plan:
        return True
    ok = True
    for v in values:
        for component, check, arg in plan:
            if not check(v, arg, data):
                ok = False
                if out is not None:
                    out.append(Result(focus, shape.node, component, shape.message, path, v))
    return ok


def _value_plan(shape: Shape) -> tuple:
    """(component, check, argument) for each value-node constraint of `shape`, in the order
    they are reported; `check(value, argument, data)` is true when the value passes. Module
    functions only, so the plan pickles with the shape."""
    plan = [(C_ClassConstraintComponent, _is_instance, c) for c in shape.classes]
    if shape.datatype is not None:
        plan.append((C_DatatypeConstraintComponent, _has_datatype, shape.datatype))
    if shape.node_kind is not None:
        plan.append((C_NodeKindConstraintComponent, _is_iri, None))
    if shape.pattern is not None:
        plan.append((C_PatternConstraintComponent, _matches, shape.pattern))
    if shape.min_length is not None:
        plan.append((C_MinLengthConstraintComponent, _long_enough, shape.min_length))
    if shape.min_inclusive is not None:
        plan.append((C_MinInclusiveConstraintComponent, _at_least, shape.min_inclusive))
    if shape.allowed is not None:
        plan.append((C_InConstraintComponent, _one_of, shape.allowed))
    plan.extend((C_NodeConstraintComponent, _conforms, inner) for inner in shape.nodes)
    plan.extend((C_OrConstraintComponent, _any_conforms, members) for members in shape.ors)
    plan.extend((C_XoneConstraintComponent, _one_conforms, members) for members in shape.xones)
    return tuple(plan)


def _is_instance(v, c, data: Data) -> bool:
    return data.is_instance(v, c)


def _has_datatype(v, datatype, data: Data) -> bool:
    return _datatype_ok(v, datatype)


def _is_iri(v, _, data: Data) -> bool:
    return isinstance(v, URIRef)


def _matches(v, pattern, data: Data) -> bool:
    return not isinstance(v, BNode) and pattern.search(str(v)) is not None


def _long_enough(v, n, data: Data) -> bool:
    return not isinstance(v, BNode) and len(str(v)) >= n


def _at_least(v, minimum, data: Data) -> bool:
    return _min_inclusive(v, minimum)


def _one_of(v, allowed, data: Data) -> bool:
    return v in allowed


def _conforms(v, inner: Shape, data: Data) -> bool:
    return _node_shape(inner, v, data, None)


def _any_conforms(v, members, data: Data) -> bool:
    return any(_node_shape(m, v, data, None) for m in members)


def _one_conforms(v, members, data: Data) -> bool:
    return sum(1 for m in members if _node_shape(m, v, data, None)) == 1


def _datatype_ok(v, datatype) -> bool:
    """pySHACL's DatatypeConstraintComponent on one value."""
    if not isinstance(v, Literal):
        return False
    if _same(v.datatype, datatype):
        if getattr(v, "ill_typed", None) is True:
            return False
        if type(datatype) is URIRef:
            kinds = _ACTUAL_TYPES.get(str(datatype))
            return True if kinds is None else isinstance(v.value, kinds)
        from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

        return DatatypeConstraintComponent._assert_actual_datatype(None, v, datatype)
    if _same(datatype, _RDFS_LITERAL):
        return True
    if _same(datatype, _RDFS_DATATYPE) and v.datatype:
        return True
    if v.datatype is None and v.language is None and _same(datatype, _XSD_STRING):
        return isinstance(v.value, str | bytes)
    if _same(datatype, _RDF_LANGSTRING) and v.language:
        return isinstance(v.value, str | bytes)
    return False


def _same(a, b) -> bool:
    """rdflib's `a == b` for URIRefs and None (the datatypes of literals), but faster."""
    if a is b:
        return True
    if type(a) is URIRef:
        return type(b) is URIRef and str.__eq__(a, b)
    return a == b


_RDF_TYPE, _RDF_LANGSTRING = RDF.type, RDF.langString
_RDFS_LITERAL, _RDFS_DATATYPE, _XSD_STRING = RDFS.Literal, RDFS.Datatype, XSD.string

# what pySHACL's DatatypeConstraintComponent._assert_actual_datatype requires of a value
# (by datatype; the datatypes it does not know pass)
_ACTUAL_TYPES = {
    str(XSD.string): (str, bytes),
    str(RDF.langString): (str, bytes),
    str(XSD.integer): int,
    str(XSD.float): float,
    str(XSD.decimal): Decimal,
    str(XSD.boolean): bool,
    str(XSD.date): date,
    str(XSD.time): time,
    str(XSD.dateTime): datetime,
}
_NUMERIC = frozenset(str(t) for t in _NUMERIC_LITERAL_TYPES)


def _numbers(v, w) -> bool:
    """Whether rdflib compares literals `v` and `w` by their numeric values (its fast path)."""
    a, b = v.datatype, w.datatype
    return (
        type(a) is URIRef
        and type(b) is URIRef
        and str(a) in _NUMERIC
        and str(b) in _NUMERIC
        and not v.ill_typed
        and not w.ill_typed
        and v.value is not None
        and w.value is not None
    )


def _min_inclusive(v, minimum: Literal) -> bool:
    if not isinstance(v, Literal):
        return False
    if _numbers(v, minimum):  # what compare_literal(v, minimum) >= 0 then comes to
        return v.value == minimum.value or v.value > minimum.value
    min_is_string = isinstance(minimum.value, str)
    v_is_string = isinstance(v.value, str)
    if min_is_string != v_is_string:
        return False
    from pyshacl.rdfutil.compare import compare_literal

    try:
        return compare_literal(v, minimum) >= 0
    except (TypeError, NotImplementedError):
        return False


def _less(v, w) -> bool:
    """pySHACL's sh:lessThan comparison of two values."""
    if isinstance(v, Literal) and isinstance(w, Literal) and _numbers(v, w):
        return not (v.value > w.value) and v.value != w.value  # rdflib's Literal `<`

    def plain(x):
        if isinstance(x, URIRef):
            return str(x), True
        if isinstance(x, Literal) and isinstance(x.value, str):
            return x.value, True
        return x, False

    a, a_str = plain(v)
    b, b_str = plain(w)
    if a_str != b_str:
        return False
    try:
        return bool(a < b)
    except TypeError:
        return False
