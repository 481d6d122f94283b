"""pySHACL's checks of one RDF term (datatype, minInclusive, lessThan), for compiled_eval."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from rdflib import RDF, RDFS, Literal, Namespace, URIRef
from rdflib.term import _NUMERIC_LITERAL_TYPES

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def datatype_ok(v, datatype) -> bool:
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


_RDF_LANGSTRING = RDF.langString
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


def min_inclusive_ok(v, minimum: Literal) -> bool:
    """pySHACL's sh:minInclusive on one value."""
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


def less_than(v, w) -> bool:
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
