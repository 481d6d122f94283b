"""Reasoning across articles, fed one unit at a time (`JoinFeed`): the OWL RL joins through
shared resources (`Unit.joins`) closed together on top of the registry, and what that adds
about shared resources (kg/inferred.ttl's last part).

Only what is about shared resources is gathered in memory, each distinct triple once (the
joins and every unit's inferences about shared resources); each unit's reasoning input about
shared resources, which also names its own nodes, is spooled to disk and read back once."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass

from parley.builder.spool import RecordSpool
from parley.builder.tools import tools
from parley.builder.unitterms import PID_BASE
from parley.builder.unitwork import count_inferred, turtle_body
from parley.reason.ntriples import keep_nt
from parley.reason.rules import Engine

TURTLE_CHUNK = 50_000  # triples serialised at once (cut between subjects)


@dataclass
class JoinedInference:
    """What reasoning across articles adds, cached by `cross_key` (`usable` false: a join
    concludes something about an article's own node, and owlrl must run instead)."""

    usable: bool
    shared_out: bytes = b""  # Turtle body of the inferred triples about shared resources
    first_subject: str = ""  # of shared_out, "" when empty
    counts: Counter | None = None  # count_inferred of shared_out
    errors: tuple[str, ...] = ()  # the registry's and the joins' inconsistencies


def interned(x: tuple[str, str, str]) -> tuple[str, str, str]:
    """A triple whose strings are shared with every other triple naming the same terms."""
    return (sys.intern(x[0]), sys.intern(x[1]), sys.intern(x[2]))


class JoinFeed:
    """The joins and the inferences about shared resources of every unit, fed in graph order;
    `result` closes the joins and returns the `JoinedInference`."""

    def __init__(self, plan):
        self.plan = plan
        self.joins: set = set()
        self.derived: set = set()  # every unit's inferred triples about shared subjects
        self.asserted = RecordSpool()  # every unit's reasoning input about shared subjects

    def feed(self, unit) -> None:
        for target, items in ((self.joins, unit.joins), (self.derived, unit.derived_shared)):
            for x in items:
                if x not in target:
                    target.add(interned(x))
        if unit.asserted_shared:
            self.asserted.add(tuple(unit.asserted_shared))

    def result(self) -> JoinedInference:
        try:
            return self._result()
        finally:
            self.asserted.close()

    def _result(self) -> JoinedInference:
        t = tools()
        context = self.plan.context
        base = context.engine
        joined = Engine(t.rules, base=base)
        joined.add(sorted(self.joins))
        self.joins = set()
        errors = tuple(sorted(set(base.errors()) | set(joined.errors())))
        # what the joins conclude about an article's own node, unless some unit inferred or
        # stated it: then the compiled reasoner cannot be used (owlrl must run)
        article = f"<{PID_BASE}article/"
        local_new = {x for x in joined.facts if x[0].startswith(article)}
        local_new.difference_update(self.derived)
        shared = joined.facts
        del joined
        shared.update(self.derived)
        self.derived = set()
        shared.update(base.facts)
        for batch in self.asserted:  # what some unit states is not inferred
            shared.difference_update(batch)
            local_new.difference_update(batch)
        if local_new:
            return JoinedInference(usable=False)
        shared.difference_update(context.registry_input)
        shared.difference_update(t.rules.schema)
        out = sorted(x for x in shared if keep_nt(x))
        del shared
        return JoinedInference(
            usable=True,
            shared_out=turtle_chunks(out, context),
            first_subject=out[0][0] if out else "",
            counts=count_inferred(out),
            errors=errors,
        )


def turtle_chunks(triples: list, context) -> bytes:
    """`turtle_body` of sorted triples, serialised a chunk at a time (cut only where the
    subject changes: Oxigraph writes each subject's triples on their own, so the bytes are
    those of one serialisation)."""
    out, start = [], 0
    while start < len(triples):
        end = min(start + TURTLE_CHUNK, len(triples))
        while end < len(triples) and triples[end][0] == triples[end - 1][0]:
            end += 1
        out.append(turtle_body(triples[start:end], context))
        start = end
    return b"".join(out)
