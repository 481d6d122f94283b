"""Evaluating compiled shapes on indexed data: the compiled SHACL validator's results."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, URIRef

from parley.validate.compiled_data import Data
from parley.validate.compiled_shapes import SH, Shape, Shapes
from parley.validate.compiled_terms import datatype_ok, less_than, min_inclusive_ok

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


@dataclass
class Result:
    """One top-level validation result, as pySHACL reports it."""

    focus: object
    shape: object  # sh:sourceShape
    component: URIRef
    message: str
    path: URIRef | None = None
    value: object = None


def evaluate_shapes(shapes: Shapes, data: Data, focus_filter=None, own_only=False) -> list[Result]:
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
            if any(not less_than(v, w) for w in compare):
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
    return datatype_ok(v, datatype)


def _is_iri(v, _, data: Data) -> bool:
    return isinstance(v, URIRef)


def _matches(v, pattern, data: Data) -> bool:
    return not isinstance(v, BNode) and pattern.search(str(v)) is not None


def _long_enough(v, n, data: Data) -> bool:
    return not isinstance(v, BNode) and len(str(v)) >= n


def _at_least(v, minimum, data: Data) -> bool:
    return min_inclusive_ok(v, minimum)


def _one_of(v, allowed, data: Data) -> bool:
    return v in allowed


def _conforms(v, inner: Shape, data: Data) -> bool:
    return _node_shape(inner, v, data, None)


def _any_conforms(v, members, data: Data) -> bool:
    return any(_node_shape(m, v, data, None) for m in members)


def _one_conforms(v, members, data: Data) -> bool:
    return sum(1 for m in members if _node_shape(m, v, data, None)) == 1
