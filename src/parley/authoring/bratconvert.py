"""Converting one parsed brat document into a Parley annotation document, by the mapping."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict

from parley.authoring.bratann import Ann
from parley.authoring.bratmapping import Mapping
from parley.authoring.mentions import MENTION_KINDS
from parley.authoring.spans import evidence
from parley.model.errors import Problem
from parley.model.records import ROLES, STATEMENT_KINDS, Registry
from parley.seeds.annotations import FORMAT


def convert_document(
    ann: Ann, mapping: Mapping, registry: Registry, article_id: str
) -> tuple[dict, list[Problem]]:
    """(the annotation document, the problems found) for the article `article_id`."""
    converter = _Converter(ann, mapping, registry)
    doc = converter.convert(article_id)
    return doc, converter.problems


class _Converter:
    def __init__(self, ann: Ann, mapping: Mapping, registry: Registry):
        self.ann, self.mapping, self.registry = ann, mapping, registry
        self.problems: list[Problem] = []
        self.by_qid = {e.wikidata.qid: e.id for e in registry.entities.values() if e.wikidata}

    def problem(self, line: int, what: str, hint: str) -> None:
        self.problems.append(Problem(str(self.ann.path), line, what, hint))

    def entity(self, tid: str) -> str | None:
        """The registry id a text-bound annotation denotes: its N line, else a unique spelling."""
        typ, start, end, line = self.ann.spans[tid]
        kind = self.mapping.entities.get(typ)
        norm = self.ann.norms.get(tid)
        if norm is not None:
            db, rid, nline = norm
            how = self.mapping.normalisation.get(db)
            ident = (
                rid if how == "registry" else self.by_qid.get(rid) if how == "wikidata" else None
            )
            if ident is None or ident not in self.registry.entities:
                self.problem(
                    nline,
                    f"{tid}: {db}:{rid} is no registry entity",
                    "use Parley:<registry id>, or a Wikidata id the registry links",
                )
                return None
            return ident
        surface = self.ann.text[start:end]
        kinds = (kind,) if kind else MENTION_KINDS
        hits = [e.id for e in self.registry.of_kind(*kinds) if surface in (e.label, *e.spellings)]
        if len(hits) == 1:
            return hits[0]
        self.problem(
            line,
            f"{tid} {surface!r} ({typ}) names "
            + ("no registry entity" if not hits else f"several: {', '.join(hits)}"),
            f"add an N line `N1\tReference {tid} Parley:<registry id>`",
        )
        return None

    def ev(self, start: int, end: int):
        return evidence(self.ann.text, start, end, [])

    def span_of(self, tid: str) -> tuple[int, int]:
        _, s, e, _ = self.ann.spans[tid]
        return s, e

    def covering(self, a: str, b: str) -> tuple[int, int]:
        """The span from a to b when on one line and short; else b's own span."""
        (s1, e1), (s2, e2) = self.span_of(a), self.span_of(b)
        s, e = min(s1, s2), max(e1, e2)
        if "\n" not in self.ann.text[s:e] and e - s <= 300:
            return s, e
        return s2, e2

    def convert(self, article_id: str) -> dict:
        mentions: dict[str, list[str]] = defaultdict(list)
        resolved: dict[str, str] = {}
        for tid, (typ, s, e, _line) in sorted(self.ann.spans.items(), key=lambda kv: kv[1][1]):
            if typ not in self.mapping.entities:
                continue
            ident = self.entity(tid)
            if ident is None:
                continue
            resolved[tid] = ident
            surface = self.ann.text[s:e]
            if surface not in mentions[ident]:
                mentions[ident].append(surface)
        acts_for = {}
        for typ, _rid, args, _line in self.ann.relations:
            if typ in self.mapping.acts_for and args.get("Arg1") in resolved:
                acts_for[resolved[args["Arg1"]]] = resolved.get(args.get("Arg2", ""))
        meetings, statements = [], []
        for eid, (typ, trigger, args, line) in sorted(self.ann.events.items(), key=_num):
            if typ in self.mapping.meetings:
                meetings.append(self._meeting(eid, trigger, args, line, resolved, acts_for))
            elif typ in self.mapping.statements:
                statements.append(
                    self._statement(eid, typ, trigger, dict(_args(args)), line, resolved)
                )
        for typ, rid, args, line in self.ann.relations:
            if typ in self.mapping.statements:
                statements.append(self._statement(rid, typ, None, args, line, resolved))
        doc = {
            "format": FORMAT,
            "article": self._article(article_id),
            "mentions": dict(sorted(mentions.items())),
            "meetings": [m for m in meetings if m],
            "statements": [s for s in statements if s],
        }
        return doc

    def _article(self, article_id: str) -> dict:
        meta = self.mapping.documents.get(article_id, {})
        raw = self.ann.text.encode("utf-8")
        first = next((m for m in re.finditer(r"[^\n]*\S[^\n]*", self.ann.text)), None)
        article = {"id": article_id, "sha256": hashlib.sha256(raw).hexdigest()}
        if first is not None:
            line = first.group()
            lead = len(line) - len(line.lstrip())
            article["title"] = self.ev(first.start() + lead, first.start() + len(line.rstrip()))
        article["outlet"] = meta.get("outlet")
        if meta.get("outlet") and meta.get("outlet_evidence"):
            article["outlet_evidence"] = meta["outlet_evidence"]
        article["date"] = meta.get("date")
        article["date_basis"] = meta.get(
            "date_basis", "unknown" if not meta.get("date") else "inferred"
        )
        if meta.get("date_note") or article["date"]:
            article["date_note"] = meta.get("date_note", "from the brat mapping file")
        return article

    def _meeting(self, eid, trigger, args, line, resolved, acts_for) -> dict | None:
        norm = self.ann.norms.get(trigger) or self.ann.norms.get(eid)
        meeting = norm[1] if norm else self.ann.attributes.get(eid, {}).get("Meeting")
        if not meeting or self.registry.get(str(meeting)) is None:
            self.problem(
                line,
                f"{eid}: the meeting is not identified",
                f"add `N1\tReference {trigger} Parley:<registry meeting id>`",
            )
            return None
        roles = self.mapping.meetings[self.ann.events[eid][0]]
        report = {"event": str(meeting), "evidence": self.ev(*self.span_of(trigger))}
        participants = []
        for role_name, tid in _args(args):
            if tid not in resolved:
                continue
            person = resolved[tid]
            entity = self.registry.entities[person]
            role = self.ann.attributes.get(tid, {}).get(self.mapping.role_attribute) or roles.get(
                role_name
            )
            if role not in ROLES:
                self.problem(
                    line,
                    f"{eid}: argument role '{role_name}' has no Parley role",
                    f"map it under meetings.{self.ann.events[eid][0]}.roles",
                )
                continue
            entry: dict = {}
            if entity.kind == "person":
                party = acts_for.get(person) or entity.attr("nationality")
                if not party:
                    self.problem(
                        line,
                        f"{eid}: whom {person} acts for is unknown",
                        "add an acts-for relation (R) to a state or organisation",
                    )
                    continue
                entry = {"person": person, "for": party}
            else:
                entry = {"for": person}
            entry["role"] = role
            entry["evidence"] = self.ev(*self.covering(trigger, tid))
            participants.append(entry)
        if participants:
            report["participants"] = participants
        return report

    def _statement(self, sid, typ, trigger, args, line, resolved) -> dict | None:
        spec = self.mapping.statements[typ]
        speaker_t, quote_t = args.get(spec["speaker"]), args.get(spec["quote"])
        if quote_t not in self.ann.spans or speaker_t not in resolved:
            self.problem(
                line,
                f"{sid}: a statement needs a resolved {spec['speaker']} and a {spec['quote']} span",
                "check its arguments",
            )
            return None
        attrs = self.ann.attributes.get(sid, {})
        kind = attrs.get(self.mapping.kind_attribute, spec["kind"])
        if kind not in STATEMENT_KINDS:
            self.problem(
                line,
                f"{sid}: unknown statement kind '{kind}'",
                f"use one of {', '.join(STATEMENT_KINDS)}",
            )
            return None
        entry = {
            "speaker": resolved[speaker_t],
            "quote": self.ev(*self.span_of(quote_t)),
            "paraphrase": bool(attrs.get(self.mapping.paraphrase_attribute, spec["paraphrase"])),
        }
        if trigger in self.ann.spans:
            entry["attribution"] = self.ev(*self.covering(speaker_t, trigger))
        entry["kind"] = kind
        target = args.get(spec["target"])
        if target in resolved:
            entry["target"] = resolved[target]
        return entry


def _args(args) -> list[tuple[str, str]]:
    """Event arguments with brat's numbered repeats (Head2) reduced to their role (Head)."""
    items = args.items() if isinstance(args, dict) else args
    return [(re.sub(r"\d+$", "", role), tid) for role, tid in items]


def _num(item) -> tuple[int, str]:
    ident = item[0]
    digits = re.sub(r"\D", "", ident)
    return (int(digits) if digits else 0, ident)
