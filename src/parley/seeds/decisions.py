"""The link decisions file `seeds/links/decisions.yaml`: who accepted or rejected which QID.

The file is a log; for each (entity, QID) pair the last decision counts. Accepted links enter the
registry (and so the graph) as `wikidata: {id, verified: "accepted by X on DATE: evidence"}`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from parley.model.errors import InputError, Problem
from parley.model.kgio import write_atomic
from parley.model.records import Entity, Wikidata
from parley.seeds.checks import QID, Checker, closest
from parley.seeds.seedfile import absent
from parley.seeds.yamlfile import Items, read_yaml

DECISIONS = ("accepted", "rejected")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DECISIONS_HEADER = (
    "# Wikidata link decisions, written by `parley link accept` / `parley link reject`.\n"
    "# A log: for each (entity, qid) the last decision counts. Accepted links enter the graph\n"
    '# as owl:sameAs with parley:wikidataVerified "accepted by … on …: evidence".\n'
)


@dataclass(frozen=True)
class Decision:
    entity: str
    qid: str
    decision: str
    by: str
    at: str  # ISO 8601 UTC, e.g. 2024-05-01T12:00:00Z
    evidence: tuple[str, ...] = ()
    score: float | None = None
    note: str | None = None
    line: int | None = None

    @property
    def verified(self) -> str:
        """How the link was verified, as the graph states it."""
        text = f"{self.decision} by {self.by} on {self.at[:10]}"
        if self.evidence:
            text += ": " + "; ".join(self.evidence)
        if self.note:
            text += f" (note: {self.note})"
        return text


def decisions_path(seeds: Path) -> Path:
    return seeds / "links" / "decisions.yaml"


def load_decisions(path: Path) -> list[Decision]:
    """Read the decisions file (absent: no decisions); raise `InputError` with file:line.

    It is `SEEDS/links/decisions.yaml`: a link there must not lead out of SEEDS."""
    if absent(path):
        return []
    shown = str(path)
    check = Checker(shown)
    root = check.mapping(read_yaml(path, shown, path.parent.parent), 1, "decisions file")
    if root is not None and not isinstance(root.get("decisions", ""), Items | None):
        check.add(
            root.line,
            "not a decisions file: it lacks a `decisions:` list",
            "start it with `decisions:`, or move it out of links/",
        )
        root = None
    out: list[Decision] = []
    if root is not None:
        check.keys(root, "decisions file", ("decisions",), ())
        entries = root.get("decisions")
        for entry, line in zip(entries or (), getattr(entries, "item_lines", ()), strict=True):
            node = check.mapping(entry, line, "decision")
            if node is None:
                continue
            what = f"decision for '{node.get('entity', '?')}'"
            check.keys(
                node,
                what,
                ("entity", "qid", "decision", "by", "at"),
                ("evidence", "score", "note"),
            )
            entity = check.slug(node, "entity", what)
            qid = check.string(node, "qid", what)
            if qid is not None and not QID.match(qid):
                check.add(node.line_of("qid"), f"'{qid}' is not a Wikidata item id", "e.g. Q794")
                qid = None
            decision = check.choice(node, "decision", what, DECISIONS)
            by = check.string(node, "by", what)
            at = _timestamp(check, node, what)
            evidence = node.get("evidence") or []
            if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
                check.add(node.line_of("evidence"), f"{what}.evidence must be a list of text")
                evidence = []
            score = node.get("score")
            if score is not None and (
                isinstance(score, bool) or not isinstance(score, int | float)
            ):
                check.add(node.line_of("score"), f"{what}.score must be a number")
                score = None
            note = check.string(node, "note", what, required=False)
            if entity and qid and decision and by and at:
                out.append(
                    Decision(
                        entity=entity,
                        qid=qid,
                        decision=decision,
                        by=by,
                        at=at,
                        evidence=tuple(evidence),
                        score=None if score is None else float(score),
                        note=note,
                        line=node.line,
                    )
                )
    if check.problems:
        raise InputError(check.problems)
    return out


def _timestamp(check: Checker, node, what: str) -> str | None:
    value = node.get("at")
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str) and TIMESTAMP.match(value.strip()):
        return value.strip()
    check.add(node.line_of("at"), f"bad time {value!r} in {what}.at", "write 2024-05-01T12:00:00Z")
    return None


def current(decisions: list[Decision]) -> dict[tuple[str, str], Decision]:
    """The decision that counts for each (entity, qid): the last one in the file."""
    out: dict[tuple[str, str], Decision] = {}
    for d in decisions:
        out[(d.entity, d.qid)] = d
    return out


def accepted_links(decisions: list[Decision]) -> dict[str, Decision]:
    """entity id -> its accepted decision (the loader has checked there is at most one)."""
    return {e: d for (e, _), d in current(decisions).items() if d.decision == "accepted"}


def apply_decisions(
    entities: dict[str, Entity], path: Path
) -> tuple[dict[str, Entity], list[Problem]]:
    """Entities with accepted links filled in, and the problems found in the decisions file."""
    try:
        decisions = load_decisions(path)
    except InputError as exc:
        return entities, exc.problems
    problems = []
    shown = str(path)
    seen: dict[str, Decision] = {}
    for d in current(decisions).values():
        entity = entities.get(d.entity)
        if entity is None:
            problems.append(
                Problem(
                    shown,
                    d.line,
                    f"unknown registry entity '{d.entity}'",
                    closest(d.entity, entities),
                )
            )
            continue
        if d.decision != "accepted":
            continue
        if d.entity in seen:
            problems.append(
                Problem(
                    shown,
                    d.line,
                    f"'{d.entity}' has two accepted links: {seen[d.entity].qid} and {d.qid}",
                    f"reject one with `parley link reject {d.entity} QID`",
                )
            )
            continue
        seen[d.entity] = d
        if entity.wikidata and entity.wikidata.qid != d.qid:
            problems.append(
                Problem(
                    shown,
                    d.line,
                    f"'{d.entity}' is linked to {entity.wikidata.qid} in the registry "
                    f"but {d.qid} was accepted",
                    "keep one: reject the accepted link or fix the registry",
                )
            )
    out = dict(entities)
    for ident, d in seen.items():
        if ident in out and out[ident].wikidata is None:
            out[ident] = dataclasses.replace(
                out[ident], wikidata=Wikidata(qid=d.qid, verified=d.verified)
            )
    return out, problems


def append_decision(path: Path, decision: Decision) -> None:
    """Add one decision to the file (atomically; existing entries kept as they are)."""
    entries = [_as_dict(d) for d in load_decisions(path)]
    entries.append(_as_dict(decision))
    text = yaml.safe_dump({"decisions": entries}, sort_keys=False, allow_unicode=True, width=100)
    write_atomic(path, (DECISIONS_HEADER + text).encode("utf-8"))


def _as_dict(d: Decision) -> dict:
    out: dict[str, object] = {
        "entity": d.entity,
        "qid": d.qid,
        "decision": d.decision,
        "by": d.by,
        "at": d.at,
    }
    if d.evidence:
        out["evidence"] = list(d.evidence)
    if d.score is not None:
        out["score"] = d.score
    if d.note:
        out["note"] = d.note
    return out
