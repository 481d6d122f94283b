"""Import brat standoff annotations (`.txt` + `.ann`: T, R, E, A, N lines) into Parley's
annotation format, driven by a mapping file (see docs/brat.md)."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parley.authoring.draft import evidence
from parley.model.errors import InputError, Problem
from parley.model.kgio import write_atomic
from parley.model.records import ROLES, STATEMENT_KINDS, Registry
from parley.seeds.annotations import FORMAT, load_annotations
from parley.seeds.registry import load_registry
from parley.seeds.yamlfile import read_yaml

MAPPING_FORMAT = "parley-brat-mapping/1"
ENTITY_KINDS = ("person", "state", "organisation", "place")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Mapping:
    entities: dict[str, str]  # T type -> registry kind
    normalisation: dict[str, str]  # N database name -> "registry" | "wikidata"
    meetings: dict[str, dict[str, str]]  # E type -> {argument role -> participant role}
    statements: dict[str, dict]  # E or R type -> {speaker, quote, target, kind, paraphrase}
    acts_for: set[str]  # R types: Arg1 person acts for Arg2 party
    kind_attribute: str
    paraphrase_attribute: str
    role_attribute: str
    documents: dict[str, dict]


@dataclass
class Ann:
    """One parsed .ann file."""

    path: Path
    text: str
    spans: dict[str, tuple[str, int, int, int]] = field(default_factory=dict)  # T -> type,s,e,line
    events: dict[str, tuple[str, str, list[tuple[str, str]], int]] = field(default_factory=dict)
    relations: list[tuple[str, str, dict[str, str], int]] = field(default_factory=list)
    attributes: dict[str, dict[str, object]] = field(default_factory=dict)  # target -> name->val
    norms: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # T -> db, id, line


@dataclass(frozen=True)
class ImportResult:
    files: dict[str, str]  # article id -> annotation YAML
    written: tuple[Path, ...]


def load_mapping(path: Path) -> Mapping:
    shown = str(path)
    root = read_yaml(path, shown)
    if not isinstance(root, dict) or root.get("format") != MAPPING_FORMAT:
        raise InputError(
            Problem(
                shown, 1, "not a brat mapping file", f"start it with `format: {MAPPING_FORMAT}`"
            )
        )
    problems = []

    def where(key: str) -> int:
        return root.line_of(key) if hasattr(root, "line_of") else 1

    entities = dict(root.get("entities") or {})
    for t, kind in entities.items():
        if kind not in ENTITY_KINDS:
            problems.append(
                Problem(
                    shown,
                    where("entities"),
                    f"entities.{t}: unknown kind '{kind}'",
                    f"use one of {', '.join(ENTITY_KINDS)}",
                )
            )
    meetings = {}
    for e, spec in (root.get("meetings") or {}).items():
        roles = dict((spec or {}).get("roles") or {})
        for arg, role in roles.items():
            if role not in ROLES:
                problems.append(
                    Problem(
                        shown,
                        where("meetings"),
                        f"meetings.{e}.roles.{arg}: unknown role '{role}'",
                        f"use one of {', '.join(ROLES)}",
                    )
                )
        meetings[e] = roles
    statements = {}
    for e, spec in (root.get("statements") or {}).items():
        spec = dict(spec or {})
        kind = spec.get("kind", "make-statement")
        if kind not in STATEMENT_KINDS:
            problems.append(
                Problem(
                    shown,
                    where("statements"),
                    f"statements.{e}.kind: unknown kind '{kind}'",
                    f"use one of {', '.join(STATEMENT_KINDS)}",
                )
            )
        statements[e] = {
            "speaker": spec.get("speaker", "Speaker"),
            "quote": spec.get("quote", "Quote"),
            "target": spec.get("target", "Target"),
            "kind": kind,
            "paraphrase": bool(spec.get("paraphrase", False)),
        }
    if problems:
        raise InputError(problems)
    return Mapping(
        entities=entities,
        normalisation=dict(root.get("normalisation") or {"Parley": "registry"}),
        meetings=meetings,
        statements=statements,
        acts_for=set(root.get("acts_for") or []),
        kind_attribute=str(root.get("kind_attribute", "Kind")),
        paraphrase_attribute=str(root.get("paraphrase_attribute", "Paraphrase")),
        role_attribute=str(root.get("role_attribute", "Role")),
        documents={str(k): dict(v or {}) for k, v in (root.get("documents") or {}).items()},
    )


def parse_ann(path: Path, text: str) -> Ann:
    """Parse one .ann file; raise `InputError` with `file:line` for malformed lines."""
    ann = Ann(path=path, text=text)
    problems = []
    shown = str(path)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        ident = parts[0]
        try:
            if ident.startswith("T"):
                typ, _, offsets = parts[1].partition(" ")
                fragments = [tuple(map(int, f.split())) for f in offsets.split(";")]
                start, end = fragments[0][0], fragments[-1][1]
                if not (0 <= start < end <= len(text)):
                    raise ValueError(f"offsets {start}-{end} outside the text")
                if len(parts) > 2 and len(fragments) == 1 and text[start:end] != parts[2]:
                    problems.append(
                        Problem(
                            shown,
                            lineno,
                            f"{ident} text {parts[2]!r} differs from the .txt "
                            f"at {start}-{end} ({text[start:end]!r})",
                            "fix the offsets or re-export from brat",
                        )
                    )
                ann.spans[ident] = (typ, start, end, lineno)
            elif ident.startswith("E"):
                head, *args = parts[1].split()
                typ, _, trigger = head.partition(":")
                ann.events[ident] = (typ, trigger, [tuple(a.split(":", 1)) for a in args], lineno)
            elif ident.startswith("R"):
                typ, *args = parts[1].split()
                ann.relations.append((typ, ident, dict(a.split(":", 1) for a in args), lineno))
            elif ident.startswith(("A", "M")):
                name, target, *value = parts[1].split()
                ann.attributes.setdefault(target, {})[name] = value[0] if value else True
            elif ident.startswith("N"):
                _, target, ref = parts[1].split()
                db, _, rid = ref.partition(":")
                ann.norms[target] = (db, rid, lineno)
            else:
                raise ValueError(f"unknown annotation type '{ident[:1]}'")
        except (ValueError, IndexError) as exc:
            problems.append(
                Problem(
                    shown,
                    lineno,
                    f"cannot read brat line {line[:40]!r}: {exc}",
                    "use brat standoff syntax: ID<TAB>TYPE ARGS[<TAB>TEXT]",
                )
            )
    if problems:
        raise InputError(problems)
    return ann


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
        kinds = (kind,) if kind else ENTITY_KINDS
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


def import_brat(
    folder: Path, mapping_path: Path, seeds: Path, force: bool = False, write: bool = True
) -> ImportResult:
    """Convert every `*.ann` (with its `.txt`) in `folder` into `seeds/annotations/ID.yaml`,
    copying the text to `seeds/articles/ID.txt`. All files are checked with the real loader
    before anything is written; existing files are kept unless `force`."""
    if not folder.is_dir():
        raise InputError(Problem(str(folder), None, "brat folder not found", "pass a folder"))
    mapping = load_mapping(mapping_path)
    registry = load_registry(seeds / "registry")
    problems: list[Problem] = []
    outputs: dict[str, tuple[str, Path]] = {}
    for ann_path in sorted(folder.glob("*.ann")):
        ident = ann_path.stem
        txt = ann_path.with_suffix(".txt")
        if not SLUG.match(ident):
            problems.append(
                Problem(
                    str(ann_path),
                    None,
                    f"'{ident}' is not an article id",
                    "rename the .txt/.ann pair to a lower-case slug",
                )
            )
            continue
        if not txt.exists():
            problems.append(
                Problem(str(ann_path), None, "no .txt beside the .ann", f"add {txt.name}")
            )
            continue
        try:
            text = txt.read_bytes().decode("utf-8")
            ann = parse_ann(ann_path, text)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        except UnicodeDecodeError:
            problems.append(Problem(str(txt), None, "not valid UTF-8", "save it as UTF-8"))
            continue
        conv = _Converter(ann, mapping, registry)
        doc = conv.convert(ident)
        problems.extend(conv.problems)
        body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
        outputs[ident] = (f"# imported from brat: {ann_path.name}\n" + body, txt)
    if not outputs and not problems:
        problems.append(Problem(str(folder), None, "no .ann files", "export from brat first"))
    if problems:
        raise InputError(problems)
    problems += _check_with_loader(outputs, registry)
    for ident in outputs:
        target = seeds / "annotations" / f"{ident}.yaml"
        if target.exists() and not force:
            problems.append(
                Problem(
                    str(target),
                    None,
                    "exists already",
                    "move it away, or pass --force to replace it",
                )
            )
    if problems:
        raise InputError(problems)
    written: list[Path] = []
    if write:
        for ident, (body, txt) in outputs.items():
            article = seeds / "articles" / f"{ident}.txt"
            if not article.exists() or article.read_bytes() != txt.read_bytes():
                write_atomic(article, txt.read_bytes())
                written.append(article)
            target = seeds / "annotations" / f"{ident}.yaml"
            write_atomic(target, body.encode("utf-8"))
            written.append(target)
    return ImportResult(files={k: v[0] for k, v in outputs.items()}, written=tuple(written))


def _check_with_loader(outputs, registry) -> list[Problem]:
    """Load each converted file with the real loader (in a scratch folder)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "articles").mkdir()
        for ident, (body, txt) in outputs.items():
            shutil.copyfile(txt, root / "articles" / f"{ident}.txt")
            path = root / f"{ident}.yaml"
            path.write_text(body, encoding="utf-8")
            try:
                load_annotations(path, root / "articles", registry)
            except InputError as exc:
                for p in exc.problems:
                    problems.append(Problem(f"{ident}.yaml (converted)", p.line, p.message, p.hint))
    return problems
