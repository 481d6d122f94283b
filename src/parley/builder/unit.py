"""One unit of the build: what one article's graph (or the registry's) contributes, and the
key that caches it."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from parley.builder.caches import code_version


@dataclass
class Unit:
    """What one graph contributes; `block` and `inferred_block` stay in the cache file."""

    name: str  # article id, or "registry"
    graph: str  # graph IRI
    key: str
    problems: list = field(default_factory=list)
    quads: int = 0
    local_triples: int = 0  # triples whose subject is the unit's own (not shared with others)
    shared: frozenset = frozenset()  # triples (N-Triples strings) whose subject is shared
    shared_values: frozenset = frozenset()  # facts about local values of shared-subject triples
    violations: tuple = ()  # validate.Violation of the unit's own nodes and its check rows
    joins: frozenset = frozenset()  # triples rules may join with another unit's
    derived_shared: frozenset = frozenset()  # inferred triples about shared subjects
    asserted_shared: frozenset = frozenset()  # reasoning input about shared subjects
    inferred_counts: Counter = field(default_factory=Counter)  # (predicate, class) counts
    inferred_first: str = ""  # first and last subject of the unit's inferred block
    inferred_last: str = ""
    errors: tuple = ()  # owlrl-style inconsistency messages
    full_reasoning: bool = False  # owl:sameAs between Parley resources: owlrl must run
    refs: frozenset = frozenset()  # per IRI outside the unit it refers to: one triple that does
    # digests of what the work across articles reads of this unit (validation: name, shared,
    # shared_values, refs; reasoning: joins, derived_shared, asserted_shared)
    boundary_digest: str = ""
    reason_digest: str = ""


def unit_key(*parts: bytes | str) -> str:
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        # surrogateescape: a file name that is not UTF-8 (os.fsdecode) hashes as its own bytes
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


CROSS_ARTICLE_FIELDS = (
    "shared",
    "shared_values",
    "refs",
    "joins",
    "derived_shared",
    "asserted_shared",
)
