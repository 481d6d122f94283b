"""The `parley link` commands: propose Wikidata links for registry entities, record decisions.

Nothing enters the graph here: `link` searches candidates, scores them (`parley.link.scoring`)
and writes review files of ranked candidates with their evidence (`parley.link.review`);
`decide` (`accept` and `reject`) records a person's decision in `seeds/links/decisions.yaml`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from parley.link import wdjson
from parley.link.review import Review, review_dir, review_yaml, reviewed_candidate
from parley.link.scoring import (
    HUMAN,
    REFERENCED,
    SOVEREIGN_STATE,
    Scorer,
    containing_state,
    normal,
    registry_qid,
)
from parley.link.wdjson import Hit
from parley.link.wikidata import DEFAULT_API, Client
from parley.model.errors import UsageError
from parley.model.kgio import write_atomic
from parley.model.records import Entity, Registry
from parley.seeds.checks import QID, closest
from parley.seeds.decisions import (
    Decision,
    append_decision,
    current,
    decisions_path,
    load_decisions,
)
from parley.seeds.registry import load_registry

LINKABLE = ("person", "state", "organisation", "place", "post")


@dataclass(frozen=True)
class LinkResult:
    reviews: tuple[Review, ...]
    already_linked: tuple[str, ...]
    requests: int
    from_cache: int


def link(
    seeds: Path,
    client: Client,
    api: str = DEFAULT_API,
    reconcile: str | None = None,
    only: tuple[str, ...] = (),
    kinds: tuple[str, ...] = LINKABLE,
    language: str = "en",
    limit: int = 10,
) -> LinkResult:
    """Search candidates for unlinked entities, score them and write one review file each."""
    registry = load_registry(seeds / "registry")
    decided = current(load_decisions(decisions_path(seeds)))
    for ident in only:
        if registry.get(ident) is None:
            raise UsageError(f"no registry entity '{ident}' — {closest(ident, registry.entities)}")
    chosen = [e for e in registry.entities.values() if (e.id in only if only else e.kind in kinds)]
    linked = tuple(e.id for e in chosen if e.wikidata)
    targets = [e for e in chosen if not e.wikidata]
    if reconcile:
        wdjson.reconcile_manifest(client, reconcile)
    found: dict[str, dict[str, list[Hit]]] = {}  # entity -> name -> hits
    for e in targets:
        names = names_of(e)
        if reconcile:
            queries = {f"q{i}": _recon_query(registry, e, n, limit) for i, n in enumerate(names)}
            answers = wdjson.reconcile(client, reconcile, queries)
            found[e.id] = {n: answers[f"q{i}"] for i, n in enumerate(names)}
        else:
            found[e.id] = {n: wdjson.search(client, api, n, language, limit)[0] for n in names}
    qids = {h.qid for by_name in found.values() for hits in by_name.values() for h in hits}
    items = wdjson.get_items(client, api, qids, languages=(language,))
    refs = {v for item in items.values() for pid in REFERENCED for v in item.values(pid)}
    labels = {
        q: i.label(language)
        for q, i in wdjson.get_items(client, api, refs, "labels", (language,)).items()
    }
    reviews = []
    for e in targets:
        scorer = Scorer(registry, e, labels, language)
        rejected = {
            q for (ent, q), d in decided.items() if ent == e.id and d.decision == "rejected"
        }
        candidates, hidden = [], set()
        for qid, hits in _by_candidate(found[e.id]).items():
            if qid in rejected:
                hidden.add(qid)
            elif qid in items:
                candidates.append(scorer.score(items[qid], hits))
        candidates.sort(key=lambda c: (-c.score, wdjson.qid_number(c.qid)))
        review = Review(
            entity=e,
            names=names_of(e),
            candidates=tuple(candidates),
            hidden=tuple(sorted(hidden, key=wdjson.qid_number)),
            path=review_dir(seeds) / f"{e.id}.yaml",
        )
        write_atomic(review.path, review_yaml(review, reconcile or api))
        reviews.append(review)
    return LinkResult(
        reviews=tuple(reviews),
        already_linked=linked,
        requests=client.sent,
        from_cache=client.cached,
    )


def names_of(e: Entity) -> tuple[str, ...]:
    """The label and every spelling, without repeats that differ only in case or punctuation."""
    out: dict[str, str] = {}
    for name in (e.label, *e.spellings):
        out.setdefault(normal(name), name)
    return tuple(v for k, v in out.items() if k)


def _by_candidate(by_name: dict[str, list[Hit]]) -> dict[str, list[tuple[str, Hit]]]:
    out: dict[str, list[tuple[str, Hit]]] = {}
    for name, hits in by_name.items():
        for hit in hits:
            out.setdefault(hit.qid, []).append((name, hit))
    return out


def _recon_query(registry: Registry, e: Entity, name: str, limit: int) -> dict:
    query: dict[str, object] = {"query": name, "limit": limit}
    if e.kind == "person":
        query["type"] = HUMAN
        nationality = registry_qid(registry, e.attr("nationality"))
        if nationality:
            query["properties"] = [{"pid": "P27", "v": nationality}]
    elif e.kind == "state":
        query["type"] = SOVEREIGN_STATE
    elif e.kind in ("place", "organisation"):
        state = containing_state(registry, e)
        if state is not None and state.wikidata:
            query["properties"] = [{"pid": "P17", "v": state.wikidata.qid}]
    return query


def decide(
    seeds: Path,
    entity: str,
    qid: str,
    decision: str,
    by: str,
    at: dt.datetime | None = None,
    note: str | None = None,
) -> Decision:
    """Record `accepted` or `rejected` for (entity, qid) with who, when and the evidence."""
    registry = load_registry(seeds / "registry")
    qid = qid.strip().upper()
    if not QID.match(qid):
        raise UsageError(f"'{qid}' is not a Wikidata item id — write it as Q794")
    target = registry.get(entity)
    if target is None:
        raise UsageError(f"no registry entity '{entity}' — {closest(entity, registry.entities)}")
    if not by.strip():
        raise UsageError("say who decides with --by NAME (or set PARLEY_REVIEWER)")
    path = decisions_path(seeds)
    accepted = {
        e: d for (e, _), d in current(load_decisions(path)).items() if d.decision == "accepted"
    }
    if decision == "accepted" and target.wikidata:
        by_decision = accepted.get(entity)
        if by_decision is None:
            raise UsageError(
                f"'{entity}' is already linked to {target.wikidata.qid} in the registry files — "
                "edit seeds/registry to change it"
            )
        if by_decision.qid != qid:
            raise UsageError(
                f"'{entity}' is already linked to {by_decision.qid} — reject it first: "
                f"`parley link reject {entity} {by_decision.qid} --by NAME`"
            )
        raise UsageError(f"'{entity}' → {qid} is already accepted")
    candidate = reviewed_candidate(review_dir(seeds) / f"{entity}.yaml", qid, seeds)
    if decision == "accepted" and candidate is None and not note:
        raise UsageError(
            f"{qid} is not among the reviewed candidates of '{entity}' — run `parley link "
            f"--entity {entity}` first, or give --note with the evidence you checked"
        )
    record = Decision(
        entity=entity,
        qid=qid,
        decision=decision,
        by=by.strip(),
        at=_utc(at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        evidence=tuple(candidate.get("evidence") or ()) if candidate else (),
        score=candidate.get("score") if candidate else None,
        note=note.strip() if note else None,
    )
    append_decision(path, record)
    if decision == "accepted":  # its evidence now lives in the decisions file
        (review_dir(seeds) / f"{entity}.yaml").unlink(missing_ok=True)
    return record


def _utc(at: dt.datetime | None) -> dt.datetime:
    """`at` in UTC (a naive time is taken as UTC); now when None."""
    if at is None:
        return dt.datetime.now(dt.UTC)
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
