"""The work across articles: the OWL RL joins through shared resources (`Unit.joins`), the
shapes of registry resources (from every article's triples about them) and the SPARQL checks
that compare graphs (on a store of what articles share). Each is cached by `cross_key`, the
digests of what it reads from every unit; what misses is computed in one pass over the units,
whose cross-article sets are read back from the unit cache one at a time and fed to
`crossreason.JoinFeed` and `crossvalidate.BoundaryFeed`, which keep in memory only what is
about shared resources (each distinct triple once) and spool the rest to disk."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections import Counter
from dataclasses import dataclass

from parley.builder.crossreason import JoinedInference, JoinFeed
from parley.builder.crossvalidate import BoundaryFeed, SharedValidation
from parley.builder.forked import run_forked
from parley.builder.kgfiles import turtle_header
from parley.builder.pipeline import Plan
from parley.builder.spool import scratch_folder
from parley.builder.tools import tools
from parley.builder.unitcache import read_cached, write_cached
from parley.model.iris import compact
from parley.validate.report import ValidationReport


@dataclass
class Reasoned:
    counts: dict[str, int]
    types: dict[str, int]
    inconsistencies: tuple[str, ...]
    triples: int


def cross_key(plan: Plan, kind: str, digests) -> str:
    """The cache key of work across articles: its kind, the registry unit's key (code version
    and registry) and, in graph order, each article unit's digest of what that work reads."""
    digest = hashlib.sha256(f"{kind}\n{plan.units[-1].key}\n".encode())
    for d in digests:
        digest.update(d.encode() + b"\n")
    return "x" + digest.hexdigest()[1:]


KINDS = {  # kind -> (the unit digest its cache key is made of, its result's type)
    "reason": ("reason_digest", JoinedInference),
    "validate": ("boundary_digest", SharedValidation),
}


def cross_work(plan: Plan, *kinds: str, update=None) -> dict:
    """The results of the work across articles of `kinds` (and of any done before), from the
    cache or computed together in one pass over the units (`update(1)` after each)."""
    done = plan.cross
    keys = {}
    for kind in kinds:
        if kind in done:
            continue
        digest, cls = KINDS[kind]
        keys[kind] = cross_key(plan, kind, [getattr(u, digest) for u in plan.units[:-1]])
        found = read_cached(keys[kind])
        if isinstance(found, cls):
            done[kind] = found
    missing = [kind for kind in keys if kind not in done]
    if missing:
        for kind, result in _compute(plan, missing, update).items():
            write_cached(keys[kind], result)
            done[kind] = result
    return done


FORK_FROM = 500  # article units from which the work across articles runs in its own process


def _compute(plan: Plan, kinds: list[str], update=None) -> dict:
    """The results of `kinds`, computed in a child process when the corpus is large (what it
    took is then given back to the system before the store is loaded)."""
    if len(plan.units) - 1 < FORK_FROM:
        return _compute_here(plan, kinds, update)

    def work(tick):
        return _compute_here(plan, kinds, tick), plan.hydrated

    results, plan.hydrated = run_forked(work, update)
    return results


def _compute_here(plan: Plan, kinds: list[str], update=None) -> dict:
    """Feed every article unit, in graph order and with its cross-article sets, to the work of
    each of `kinds`, then let each compute its result."""
    with contextlib.ExitStack() as stack:
        feeds: dict = {}
        if "reason" in kinds:
            feeds["reason"] = JoinFeed(plan)
        if "validate" in kinds:
            folder = stack.enter_context(scratch_folder()) if tools().global_checks else None
            feeds["validate"] = BoundaryFeed(plan, folder)
        for unit in plan.cross_units():
            for feed in feeds.values():
                feed.feed(unit)
            if update is not None:
                update(1)
        return {kind: feed.result() for kind, feed in feeds.items()}


def fast_reasoning(plan: Plan) -> bool:
    """Whether the compiled reasoner applies (else owlrl runs over the whole graph)."""
    return tools().rules is not None and not any(u.full_reasoning for u in plan.units[:-1])


def prepare(plan: Plan, progress) -> None:
    """The work across articles that writing kg/ and validating it will need, in one pass
    (reported to `progress` as "across")."""
    kinds = ["reason"] if fast_reasoning(plan) else []
    if tools().shapes is not None:
        kinds.append("validate")
    with progress("across", len(plan.units) - 1) as update:
        cross_work(plan, *kinds, update=update)


def joined_inference(plan: Plan) -> JoinedInference:
    """The inferences about shared resources, from the article units' joins."""
    return cross_work(plan, "reason")["reason"]


def write_inferred(plan: Plan, sink: list, inferred_blocks: dict) -> Reasoned | None:
    """kg/inferred.ttl from the units, as chunks appended to `sink` (None: the fast reasoner
    cannot be used here)."""
    if not fast_reasoning(plan):
        return None
    articles = plan.units[:-1]
    joined = joined_inference(plan)
    if not joined.usable:
        return None
    counts: Counter = Counter()
    for u in articles:
        counts.update(u.inferred_counts)
    counts.update(joined.counts)
    blocks = [(u, inferred_blocks[u.key]) for u in articles if u.key in inferred_blocks]
    ordered = all(
        a.inferred_last < b.inferred_first for (a, _), (b, _) in itertools.pairwise(blocks)
    ) and (
        not blocks or not joined.first_subject or blocks[-1][0].inferred_last < joined.first_subject
    )
    if not ordered:
        return None
    total = sum(n for (kind, _), n in counts.items() if kind == "p")
    plan.shared_inferred = joined.shared_out
    # where each unit's block goes in the file (an empty block: nowhere), for the next build
    ranges = {u.key: (0, 0) for u in articles if u.key not in inferred_blocks}
    if total:
        header = turtle_header()
        sink.append(header)
        offset = len(header)
        for u, block in blocks:
            sink.append(block)
            ranges[u.key] = (offset, len(block))
            offset += len(block)
        sink.append(plan.shared_inferred)
    plan.inferred_ranges = ranges
    errors = set(joined.errors)
    for u in articles:
        errors.update(u.errors)
    by_p = Counter({compact(k[1][1:-1]): n for k, n in counts.items() if k[0] == "p"})
    by_c = Counter({compact(k[1][1:-1]): n for k, n in counts.items() if k[0] == "c"})
    return Reasoned(
        counts=dict(sorted(by_p.items())),
        types=dict(sorted(by_c.items())),
        inconsistencies=tuple(sorted(errors)),
        triples=total,
    )


# --- validation --------------------------------------------------------------------------------


def shared_validation(plan: Plan) -> SharedValidation:
    """Shapes over the shared part, the registry's local checks and the checks across graphs
    (on the boundary store), from the article units' boundaries."""
    return cross_work(plan, "validate")["validate"]


def validate_plan(plan: Plan):
    """The ValidationReport of the built dataset: each unit's own violations and those of the
    shared part."""
    t = tools()
    articles = plan.units[:-1]
    shared = shared_validation(plan)
    violations = [v for u in articles for v in u.violations]
    violations.extend(shared.violations)
    violations.sort(key=lambda v: (v.kind != "shape", v.rule, v.graphs, v.focus, v.value or ""))
    rules = t.rule_names
    return ValidationReport(
        conforms=not violations,
        violations=tuple(violations),
        rules=rules,
        shapes=sum(1 for r in rules.values() if r.kind == "shape"),
        checks=len(t.local_checks) + len(t.global_checks),
        triples=shared.triples + sum(u.local_triples for u in articles),
    )
