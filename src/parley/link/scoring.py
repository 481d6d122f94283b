"""Scoring a Wikidata item as the link of a registry entity, with the evidence for each point.

The points come from the name (label, aliases), the search rank, the type (instance of), the
context (citizenship, country, jurisdiction) and, for people, the positions held.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from parley.link.wdjson import Hit, Item
from parley.model.records import Entity, Registry

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
# the properties whose values the evidence names by their label
REFERENCED = ("P31", "P27", "P17", "P39", "P1001")
PROPERTY_NAMES = {
    "P31": "instance of",
    "P27": "country of citizenship",
    "P17": "country",
    "P39": "position held",
    "P1001": "applies to jurisdiction",
}


@dataclass(frozen=True)
class Candidate:
    """A Wikidata item scored as the link of an entity: its points by part, and why."""

    qid: str
    label: str
    description: str
    score: float
    scores: tuple[tuple[str, float], ...]
    evidence: tuple[str, ...]
    retrieved: str


def normal(text: str) -> str:
    """Case-, accent-, hyphen- and punctuation-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split())


def registry_qid(registry: Registry, ident: object) -> str | None:
    """The Wikidata QID the registry entity `ident` is linked to, or None."""
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
        qid = registry_qid(self.registry, want)
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
