"""The reasoning library's input selection and output filter (`owl.reasoning_input`,
`owl.keep`) on N-Triples strings, as the build's compiled fast path handles triples."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import OWL

from parley.model.iris import PID
from parley.model.terms import NT_TYPE as TYPE
from parley.model.terms import nt
from parley.reason.owl import EMPTY_TYPES, SELF_PAIRS

SAME_AS = nt(OWL.sameAs)
SELF_PAIR_STRINGS = frozenset(nt(p) for p in SELF_PAIRS)
EMPTY_TYPE_STRINGS = frozenset(nt(c) for c in EMPTY_TYPES)


def reasoning_strings(strings: Iterable[tuple[str, str, str]], terms: frozenset[str]):
    """`owl.reasoning_input` on N-Triples strings (`terms`: the ontology's axiom terms)."""
    for s, p, o in strings:
        if p == TYPE:
            if o in terms:
                yield (s, p, o)
        elif p == SAME_AS:
            if o.startswith(f"<{PID}"):
                yield (s, p, o)
        elif p in terms:
            yield (s, p, o)


def keep_nt(t: tuple[str, str, str]) -> bool:
    """`owl.keep` on N-Triples strings."""
    s, p, o = t
    if not s.startswith(f"<{PID}"):
        return False
    if o.startswith("_:") or (p in SELF_PAIR_STRINGS and s == o):
        return False
    return not (p == TYPE and o in EMPTY_TYPE_STRINGS)
