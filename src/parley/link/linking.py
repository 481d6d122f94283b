"""Propose Wikidata links for registry entities: search, score with type and context, review.

Nothing enters the graph here: `parley link` writes review files of ranked candidates with their
evidence; `accept` and `reject` record a person's decision in `seeds/links/decisions.yaml`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from parley.link import wdjson
from parley.link.wdjson import Hit, Item
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
HUMAN, SOVEREIGN_STATE, COUNTRY = "Q5", "Q3624078", "Q6256"
NOT_A_THING = {  # Wikimedia housekeeping items, never a link target
    "Q4167410": "Wikimedia disambiguation page",
    "Q4167836": "Wikimedia category",
    "Q13406463": "Wikimedia list article",
}
# instance-of (P31) values that support a registry kind (or place/organisation kind)
KIND_TYPES: dict[str, set[str]] = {
    "city": {"Q515", "Q5119", "Q1549591"},
    "country": {SOVEREIGN_STATE, COUNTRY},
    "news-outlet": {"Q192283", "Q11032"},
    "ministry": {"Q192350"},
    "post": {"Q4164871"},
}
REFERENCED = ("P31", "P27", "P17", "P39", "P1001")
PROPERTY_NAMES = {
    "P31": "instance of",
    "P27": "country of citizenship",
    "P17": "country",
    "P39": "position held",
    "P1001": "applies to jurisdiction",
}
SUGGEST_SCORE, SUGGEST_MARGIN = 5.0, 2.0


@dataclass(frozen=True)
class Candidate:
    qid: str
    label: str
    description: str
    score: float
    scores: tuple[tuple[str, float], ...]
    evidence: tuple[str, ...]
    retrieved: str


@dataclass(frozen=True)
class Review:
    entity: Entity
    names: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    hidden: tuple[str, ...]  # rejected QIDs left out
    path: Path

    @property
    def suggested(self) -> Candidate | None:
        """The best candidate when it is good and clearly ahead of the next one."""
        if not self.candidates or self.candidates[0].score < SUGGEST_SCORE:
            return None
        if (
            len(self.candidates) > 1
            and self.candidates[0].score - self.candidates[1].score < SUGGEST_MARGIN
        ):
            return None
        return self.candidates[0]


@dataclass(frozen=True)
class LinkResult:
    reviews: tuple[Review, ...]
    already_linked: tuple[str, ...]
    requests: int
    from_cache: int


def review_dir(seeds: Path) -> Path:
    return seeds / "links" / "review"


def normal(text: str) -> str:
    """Case-, accent-, hyphen- and punctuation-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split())


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
        nationality = _qid(registry, e.attr("nationality"))
        if nationality:
            query["properties"] = [{"pid": "P27", "v": nationality}]
    elif e.kind == "state":
        query["type"] = SOVEREIGN_STATE
    elif e.kind in ("place", "organisation"):
        state = containing_state(registry, e)
        if state is not None and state.wikidata:
            query["properties"] = [{"pid": "P17", "v": state.wikidata.qid}]
    return query


def _qid(registry: Registry, ident: object) -> str | None:
    entity = registry.get(str(ident)) if ident else None
    return entity.wikidata.qid if entity is not None and entity.wikidata else None


def containing_state(registry: Registry, e: Entity) -> Entity | None:
    """The state a place lies in, or an organisation or post belongs to (following the chain)."""
    current_entity: Entity | None = e
    for _ in range(20):
        if current_entity is None:
            return None
        if current_entity.kind == "state" and current_entity is not e:
            return current_entity
        nxt = (
            current_entity.attr("in") or current_entity.attr("part_of") or current_entity.attr("of")
        )
        current_entity = registry.get(str(nxt)) if nxt else None
    return None


class Scorer:
    """Scores Wikidata items as links for one registry entity; explains each point."""

    def __init__(self, registry: Registry, entity: Entity, labels: dict[str, str], lang: str):
        self.registry = registry
        self.e = entity
        self.labels = labels
        self.lang = lang
        self.names = {normal(n) for n in (entity.label, *entity.spellings)}

    def show(self, qid: str) -> str:
        label = self.labels.get(qid)
        return f"{label} ({qid})" if label else qid

    def score(self, item: Item, hits: list[tuple[str, Hit]]) -> Candidate:
        scores: dict[str, float] = {}
        evidence: list[str] = []
        for part in (self._name, self._search, self._type, self._context, self._positions):
            value, why = part(item, hits)
            if value or why:
                scores[part.__name__.strip("_")] = round(value, 2)
            evidence.extend(why)
        first = hits[0][1]
        return Candidate(
            qid=item.qid,
            label=item.label(self.lang) or first.label,
            description=item.descriptions.get(self.lang, "") or first.description,
            score=round(sum(scores.values()), 2),
            scores=tuple(scores.items()),
            evidence=tuple(evidence),
            retrieved=item.retrieved,
        )

    def _name(self, item: Item, hits) -> tuple[float, list[str]]:
        label = item.label(self.lang)
        if label and normal(label) == normal(self.e.label):
            return 3.0, [f"label '{label}' equals the registry label"]
        if label and normal(label) in self.names:
            return 2.0, [f"label '{label}' equals a registry spelling"]
        for alias in item.aliases.get(self.lang, ()):
            if normal(alias) in self.names:
                return 2.0, [f"alias '{alias}' equals a registry spelling"]
        return 0.0, [f"label '{label}' matches no registry spelling"]

    def _search(self, item: Item, hits) -> tuple[float, list[str]]:
        parts = []
        best = 0.0
        for name, hit in hits:
            if hit.score is not None:
                best = max(best, min(hit.score, 100.0) / 100.0)
                parts.append(f"'{name}' (rank {hit.rank + 1}, service score {hit.score:g})")
            else:
                best = max(best, 1.0 / (1 + hit.rank))
                parts.append(f"'{name}' (rank {hit.rank + 1})")
        return best, ["found by " + ", ".join(parts)]

    def _type(self, item: Item, hits) -> tuple[float, list[str]]:
        types = item.values("P31")
        shown = ", ".join(self.show(t) for t in types) or "none"
        junk = [t for t in types if t in NOT_A_THING]
        if junk:
            return -5.0, [f"instance of (P31) {self.show(junk[0])}: not a real-world entity"]
        kind = self.e.kind
        if kind == "person":
            if HUMAN in types:
                return 3.0, [f"instance of (P31) {self.show(HUMAN)}"]
            return -3.0, [f"not an instance of human (Q5); instance of (P31): {shown}"]
        if kind == "state":
            if SOVEREIGN_STATE in types:
                return 3.0, [f"instance of (P31) {self.show(SOVEREIGN_STATE)}"]
            if COUNTRY in types:
                return 1.5, [f"instance of (P31) {self.show(COUNTRY)}, not sovereign state"]
            return -3.0, [f"not a sovereign state (Q3624078); instance of (P31): {shown}"]
        if HUMAN in types:
            return -3.0, [f"instance of (P31) {self.show(HUMAN)}, but the registry {kind} is not"]
        wanted = KIND_TYPES.get(str(self.e.attr("kind") or kind), set())
        match = [t for t in types if t in wanted]
        if match:
            return 1.5, [
                f"instance of (P31) {self.show(match[0])} fits {self.e.attr('kind') or kind}"
            ]
        return 0.0, [f"instance of (P31): {shown}"]

    def _context(self, item: Item, hits) -> tuple[float, list[str]]:
        if self.e.kind == "person":
            want = self.e.attr("nationality")
            return self._match(item, "P27", want, 2.0, -1.0)
        if self.e.kind in ("place", "organisation", "post"):
            state = containing_state(self.registry, self.e)
            want = state.id if state is not None else None
            pid = "P1001" if self.e.kind == "post" and item.values("P1001") else "P17"
            bonus, malus = (2.0, -2.0) if self.e.kind == "place" else (1.5, -1.0)
            return self._match(item, pid, want, bonus, malus)
        return 0.0, []

    def _match(self, item: Item, pid: str, want: object, bonus: float, malus: float):
        name = f"{PROPERTY_NAMES[pid]} ({pid})"
        qid = _qid(self.registry, want)
        if not want or not qid:
            return 0.0, ([f"registry gives no linked state to compare {name}"] if want else [])
        values = item.values(pid)
        if qid in values:
            return bonus, [f"{name} {self.show(qid)} = registry '{want}'"]
        if values:
            shown = ", ".join(self.show(v) for v in values)
            return malus, [f"{name} {shown} ≠ registry '{want}' ({qid})"]
        return 0.0, [f"no {name} on Wikidata"]

    def _positions(self, item: Item, hits) -> tuple[float, list[str]]:
        if self.e.kind != "person":
            return 0.0, []
        held = [h for h in self.registry.holdings if h.person == self.e.id]
        if not held or not item.claims.get("P39"):
            return 0.0, []
        best, why = 0.0, []
        for statement in item.claims["P39"]:
            if not statement.value or statement.rank == "deprecated":
                continue
            for h in held:
                post = self.registry.get(h.post)
                if post is None:
                    continue
                if post.wikidata and post.wikidata.qid == statement.value:
                    value, how = 2.0, "is"
                elif _similar(self.labels.get(statement.value, ""), post.label):
                    value, how = 1.5, "has the label of"
                else:
                    continue
                dates = _dates(statement)
                when = f" ({dates[0] or '?'} – {dates[1] or '?'})" if dates else ""
                if dates and _overlap(dates, (h.start, h.end)):
                    value += 0.5
                    how += " and overlaps the dates of"
                if value > best:
                    best = value
                    why = [
                        f"position held (P39) {self.show(statement.value)}{when} {how} "
                        f"registry post '{h.post}'"
                    ]
        return best, why


STOP = {"of", "the", "to", "in", "for", "and"}


def _similar(a: str, b: str) -> bool:
    """Same words, ignoring case, punctuation and small words (Jaccard ≥ 0.75)."""
    wa, wb = set(normal(a).split()) - STOP, set(normal(b).split()) - STOP
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.75


def _dates(statement) -> tuple[str | None, str | None] | None:
    start = next((v.iso for v in statement.qualifier("P580") if hasattr(v, "iso")), None)
    end = next((v.iso for v in statement.qualifier("P582") if hasattr(v, "iso")), None)
    return (start, end) if start or end else None


def _overlap(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """Do two periods of partial ISO dates overlap (open ends unbounded, compared by year)?"""
    a0, a1 = (a[0] or "0000")[:4], (a[1] or "9999")[:4]
    b0, b1 = (b[0] or "0000")[:4], (b[1] or "9999")[:4]
    return a0 <= b1 and b0 <= a1


def review_yaml(review: Review, source: str) -> bytes:
    e = review.entity
    best = review.suggested
    header = (
        f"# Wikidata candidates for registry {e.kind} '{e.id}', best first (generated by "
        "`parley link`).\n"
        "# Check the evidence on Wikidata, then record your decision:\n"
        f"#   parley link accept {e.id} QID --by NAME     or     parley link reject {e.id} QID "
        "--by NAME\n"
    )
    data: dict[str, object] = {
        "entity": e.id,
        "kind": e.kind,
        "label": e.label,
        "searched": list(review.names),
        "source": source,
        "suggested": best.qid if best else None,
        "candidates": [
            {
                "qid": c.qid,
                "label": c.label,
                "description": c.description,
                "url": f"https://www.wikidata.org/wiki/{c.qid}",
                "score": c.score,
                "scores": dict(c.scores),
                "evidence": list(c.evidence),
                "retrieved": c.retrieved,
            }
            for c in review.candidates
        ],
    }
    if review.hidden:
        data["rejected"] = list(review.hidden)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return (header + text).encode("utf-8")


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
    candidate = _reviewed(review_dir(seeds) / f"{entity}.yaml", qid)
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


def _reviewed(path: Path, qid: str) -> dict | None:
    """The candidate `qid` in a review file, or None (no file, not listed, or unreadable)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return None
    for c in (data or {}).get("candidates") or ():
        if isinstance(c, dict) and c.get("qid") == qid:
            return c
    return None
