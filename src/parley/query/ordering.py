"""A query's final ORDER BY, done in Python for Oxigraph.

Oxigraph evaluates the ORDER BY expressions at every comparison of its sort, decoding terms
from the store each time: at 10,000 articles that was 46 of `who-met-whom`'s 65 s (389k rows).
Sorting the rows once they are here costs about a second. Only simple keys over projected
variables are taken: `STR(?v)`, `COALESCE(STR(?v), "text")`, `COALESCE(?v, integer)` (over
numbers) and `?v` (over IRIs, numbers or strings). Any other query keeps the store's sort; so do
values of another kind (the caller then runs the query as written): answers are the same.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from rdflib import XSD, BNode, Literal

from parley.model.terms import _OPAQUE

_ORDER = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)
_KEY = re.compile(
    r"\s*(?:"
    r"STR\(\s*\?(?P<str>\w+)\s*\)"
    r'|COALESCE\(\s*STR\(\s*\?(?P<str_or>\w+)\s*\)\s*,\s*"(?P<text>[^"\\]*)"\s*\)'
    r"|COALESCE\(\s*\?(?P<num_or>\w+)\s*,\s*(?P<number>[+-]?\d+)\s*\)"
    r"|\?(?P<term>\w+)"
    r")",
    re.IGNORECASE,
)


class Unorderable(Exception):
    """A query or a value this module does not order the way SPARQL engines do."""


@dataclass(frozen=True)
class Key:
    kind: str  # str, str_or, num_or or term (the group names of _KEY)
    var: str
    default: object = None


_SELECT = re.compile(
    r"\bSELECT\b(?P<projection>.*?)\bWHERE\b|\bSELECT\b(?P<bare>.*?)\{", re.I | re.S
)
_PROJECTED = re.compile(r"\bAS\s+\?(\w+)|\?(\w+)", re.IGNORECASE)


def projected(masked: str) -> set[str] | None:
    """The variables the (first, outermost) SELECT projects; None for `SELECT *`; Unorderable
    when the projection cannot be told apart from the pattern (no WHERE keyword)."""
    match = _SELECT.search(masked)
    clause = (match.group("projection") or match.group("bare") or "") if match else "{"
    if "{" in clause:
        raise Unorderable
    return None if "*" in clause else _names(clause)


def _names(clause: str) -> set[str]:
    names, depth = set(), 0
    for part in re.split(r"([()])", clause):
        if part == "(":
            depth += 1
        elif part == ")":
            depth -= 1
        else:
            for alias, bare in _PROJECTED.findall(part):
                if alias or depth == 0:
                    names.add(alias or bare)
    return names


def _widened(text: str, masked: str, order_at: int, extra: list[str]) -> str | None:
    """The query projecting `extra` variables too, when that cannot change its rows: a plain
    list of variables (no DISTINCT, no expressions) and no GROUP BY."""
    match = _SELECT.search(masked)
    if match is None or match.group("projection") is None:
        return None
    clause = match.group("projection")
    if (
        "(" in clause
        or "{" in clause
        or re.search(r"\b(DISTINCT|REDUCED)\b", clause, re.IGNORECASE)
    ):
        return None
    if re.search(r"\bGROUP\s+BY\b", masked[masked.rfind("}") : order_at], re.IGNORECASE):
        return None
    at = match.end("projection")
    return text[:at] + "".join(f" ?{name}" for name in extra) + " " + text[at:]


def split_order_by(text: str) -> tuple[str, list[Key], list[str]] | None:
    """(the query without its final ORDER BY, its keys, the variables added to its projection
    for them), or None when it has none, or any key (or anything after them, such as LIMIT)
    is not of the simple forms, or a key's variable cannot be projected."""
    masked = _OPAQUE.sub(lambda m: " " * len(m.group(0)), text)
    found = list(_ORDER.finditer(masked))
    if not found or masked.rfind("}") > found[-1].start():
        return None  # none, or inside a subquery
    start, pos = found[-1].start(), found[-1].end()
    keys = []
    while text[pos:].strip():
        match = _KEY.match(text, pos)
        if match is None:
            return None
        kind = next(name for name in ("str", "str_or", "num_or", "term") if match.group(name))
        default = {"str_or": match.group("text"), "num_or": _int(match.group("number"))}
        keys.append(Key(kind, match.group(kind), default.get(kind)))
        pos = match.end()
    if not keys:
        return None
    try:
        names = projected(masked)
    except Unorderable:
        return None
    extra = sorted({k.var for k in keys} - names) if names is not None else []
    body = text[:start]
    if extra:
        body = _widened(body, masked[:start], start, extra)
        if body is None:
            return None
    return body, keys, extra


def _int(text: str | None) -> int | None:
    return int(text) if text is not None else None


def _number(term: object) -> object:
    if not isinstance(term, Literal):
        raise Unorderable
    value = term.toPython()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise Unorderable
    if isinstance(value, float) and math.isnan(value):
        raise Unorderable
    return value


def _term(term: object) -> tuple:
    """SPARQL's order of terms: unbound, blank nodes, IRIs, literals (numbers or strings)."""
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if not isinstance(term, Literal):
        return (2, str(term))
    if term.language is None and term.datatype in (None, XSD.string):
        return (3, str(term))
    return (3, _number(term))


def _key_value(key: Key, term: object) -> tuple:
    """A sort key: (0,) sorts first, as unbound values (and errors) do in SPARQL."""
    if key.kind == "str":
        return (0,) if term is None or isinstance(term, BNode) else (1, str(term))
    if key.kind == "str_or":
        return (1, key.default if term is None or isinstance(term, BNode) else str(term))
    if key.kind == "num_or":
        return (1, key.default if term is None else _number(term))
    return _term(term)


def sort_rows(columns: list[str], rows: list[list], keys: list[Key]) -> list[list] | None:
    """`rows` in the order of `keys`, or None when a key is not a column or a value is of a
    kind not ordered here. Each key's distinct values are ranked once; rows then sort on
    tuples of ranks (the stores hand out one object per distinct term, so ids stand for them)."""
    where = {name: i for i, name in enumerate(columns)}
    if any(key.var not in where for key in keys):
        return None
    ranked = []
    for key in keys:
        column = [row[where[key.var]] for row in rows]
        distinct = {id(term): term for term in column}
        try:
            values = {ident: _key_value(key, term) for ident, term in distinct.items()}
            rank = {value: n for n, value in enumerate(sorted(set(values.values())))}
        except (Unorderable, TypeError):  # TypeError: numbers and strings in one key
            return None
        by_id = {ident: rank[value] for ident, value in values.items()}
        ranked.append([by_id[id(term)] for term in column])
    decorated = list(zip(*ranked, strict=True))
    order = sorted(range(len(rows)), key=decorated.__getitem__)
    return [rows[n] for n in order]
