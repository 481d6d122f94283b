"""Draft an annotation file for a new article: registry mentions (with transliteration
variants), quotations and their speakers, reported speech, dates and meetings, and what it
could not match (unregistered names, new meetings, statements whose speaker it cannot tell),
with registry entries proposed for them.

The draft is marked `draft: true`; the loader refuses it until a person has checked it and
removed that line and the `unrecognised:` section. See docs/drafting.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parley.authoring.articlehead import Outlet, find_outlet, title_span
from parley.authoring.draftmeetings import draft_meetings
from parley.authoring.draftstatements import draft_statements
from parley.authoring.proposals import propose
from parley.authoring.reading import Reading, read_article
from parley.authoring.spans import evidence
from parley.authoring.unrecognised import Name, unknown_names
from parley.model.errors import InputError, Problem, UsageError
from parley.model.records import Registry
from parley.seeds.annotations import FORMAT
from parley.seeds.checks import SLUG
from parley.seeds.seedfile import read_seed

REVIEW = (
    "parley draft could not match these to the registry. Register what is right (parley draft "
    "--propose-registry FILE writes entries for them), give each statement its speaker and "
    "move it into statements:, move each meeting into meetings: once registered, then delete "
    "this section."
)


class NoAliasDumper(yaml.SafeDumper):
    """A YAML dumper that never writes anchors or aliases (`&id001` / `*id001`): two entries
    that share a value get a copy each, so editing one never edits the other."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump(data) -> str:
    return yaml.dump(data, Dumper=NoAliasDumper, allow_unicode=True, sort_keys=False, width=100)


@dataclass
class Draft:
    """What the drafter found; `to_yaml()` renders the annotation file."""

    article_id: str
    sha256: str
    text: str
    date: dt.date | None
    title: tuple[int, int] | None = None
    outlet: Outlet | None = None
    furniture: list[tuple[int, int, str | None, str]] = field(default_factory=list)
    mentions: dict[str, list[str]] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)  # spelling found -> registry form
    meetings: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)
    new_meetings: list[dict] = field(default_factory=list)
    names: list = field(default_factory=list)  # unrecognised.Name
    proposals: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Drafted:
    """The draft annotation file and the registry entries proposed for it (YAML texts)."""

    annotations: str
    registry: str


def draft_article(
    path: Path, registry: Registry, date: dt.date | None = None, seeds: Path | None = None
) -> Drafted:
    """The draft for the article file at `path`: a regular file, and, when it lies in the
    `seeds` folder, not behind a link out of it (`seeds.seedfile.read_seed`)."""
    raw = read_seed(path, str(path), seeds)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(Problem(str(path), line, "not valid UTF-8", "save it as UTF-8")) from None
    ident = path.stem
    if not SLUG.fullmatch(ident):
        raise UsageError(
            f"{path}: the file name '{ident}' is not an article id — rename it to a lower-case "
            "slug such as 005-reuters.txt"
        )
    reading = read_article(registry, text, date)
    draft = draft_of(reading, ident, hashlib.sha256(raw).hexdigest())
    return Drafted(to_yaml(draft), proposals_yaml(draft))


def draft_of(reading: Reading, article_id: str, sha256: str) -> Draft:
    """Everything the drafter finds in the article."""
    draft = Draft(article_id, sha256, reading.text, reading.date, furniture=reading.furniture)
    draft.variants = reading.variants
    for f in reading.found:
        spellings = draft.mentions.setdefault(f.entity, [])
        if f.spelling not in spellings:
            spellings.append(f.spelling)
    draft.title = title_span(reading)
    draft.outlet = find_outlet(reading)
    draft.statements, draft.unresolved = draft_statements(reading)
    draft.meetings, draft.new_meetings = draft_meetings(reading)
    draft.names = unknown_names(reading)
    o = draft.outlet
    if o and o.entity is None and not any(n.name == o.name for n in draft.names):
        draft.names.append(Name("outlet", o.name, o.start, o.end))
    draft.proposals = propose(reading, article_id, draft.names, draft.new_meetings)
    return draft


def to_yaml(draft: Draft) -> str:
    """The annotation file text, marked as a draft."""
    doc = {
        "format": FORMAT,
        "draft": True,
        "article": _article(draft),
        "mentions": {k: v for k, v in sorted(draft.mentions.items())},
        "meetings": [_clean(m) for m in draft.meetings],
        "statements": [_clean(s) for s in draft.statements],
    }
    unrecognised = _unrecognised(draft)
    if unrecognised:
        doc["unrecognised"] = unrecognised
    header = [
        f"# DRAFT annotations for {draft.article_id}, written by `parley draft`.",
        "# Check every entry against the article; fix speakers, kinds, roles and quote",
        "# boundaries; add offices and claims; resolve the `unrecognised:` section;",
        "# then delete the `draft: true` line.",
    ]
    for variant, registry_form in sorted(draft.variants.items()):
        if any(variant in v for v in draft.mentions.values()):
            header.append(
                f"# spelling {variant!r} matched as a transliteration of {registry_form!r}"
            )
    return "\n".join(header) + "\n" + dump(doc)


def _unrecognised(draft: Draft) -> dict:
    """The `unrecognised:` section: names, the outlet, meetings and statements to review."""
    text, excluded = draft.text, [(s, e) for s, e, _, _ in draft.furniture]
    ids = draft.proposals.get("_ids", {})
    out: dict = {}
    for name in draft.names:
        entry = {"name": name.name, "evidence": evidence(text, name.start, name.end, excluded)}
        if name.kind == "spelling":
            entry["of"] = name.of
        else:
            entry["proposed"] = ids.get(name.name)
        if name.nationality:
            entry["nationality"] = name.nationality
        if draft.outlet and draft.outlet.entity is None and name.name == draft.outlet.name:
            entry["note"] = "the article's outlet: once registered, set article.outlet to it"
        section = {"person": "people", "spelling": "spellings", "outlet": "outlets"}
        out.setdefault(section.get(name.kind, name.kind + "s"), []).append(entry)
    for report in draft.new_meetings:
        entry = {"proposed": report["event"], "proposed_date": report["_date"]}
        entry["entry"] = {k: v for k, v in _clean(report).items() if k != "event"}
        out.setdefault("meetings", []).append(entry)
    if draft.unresolved:
        out["statements"] = [_clean(s) for s in draft.unresolved]
    return {"review": REVIEW, **out} if out else {}


def proposals_yaml(draft: Draft) -> str:
    """The proposed registry entries as a registry file (to review, then save in
    seeds/registry/), with additions to existing entries as comments."""
    lines = [
        f"# Registry entries proposed by `parley draft` for {draft.article_id}.",
        "# Review every entry (ids never change once published; labels, kinds, nationality,",
        "# post holders and meetings are guesses), then save this file in seeds/registry/",
        "# (any NAME.yaml) or move the entries into people.yaml, organisations.yaml, ….",
    ]
    comments = draft.proposals.get("_comments", [])
    if comments:
        lines.append("# Additions to existing entries (edit those entries by hand):")
        lines += [f"#   {c}" for c in comments]
    sections = {k: v for k, v in draft.proposals.items() if not k.startswith("_")}
    return "\n".join(lines) + "\n" + (dump(sections) if sections else "")


def _article(draft: Draft) -> dict:
    """The `article:` block: id, title, outlet, date and furniture."""
    text = draft.text
    excluded = [(s, e) for s, e, _, _ in draft.furniture]
    article: dict = {"id": draft.article_id, "sha256": draft.sha256}
    if draft.title:
        article["title"] = evidence(text, *draft.title, excluded)
    if draft.outlet and draft.outlet.entity:
        article["outlet"] = draft.outlet.entity
        article["outlet_evidence"] = evidence(text, draft.outlet.start, draft.outlet.end, excluded)
    else:
        article["outlet"] = None
    article["date"] = draft.date
    if draft.date:
        article["date_basis"] = "inferred"
        article["date_note"] = "given to `parley draft --date`; check it against the article"
    else:
        article["date_basis"] = "unknown"
    if draft.furniture:
        article["furniture"] = []
        for start, _end, end_quote, marker in draft.furniture:
            item = {"start": evidence(text, start, start + len(marker), [])}
            if end_quote:
                item["end"] = end_quote
            item["note"] = f"drafted: site furniture from “{marker}”"
            article["furniture"].append(item)
    return article


def _clean(entry: dict) -> dict:
    """`entry` without its private `_` keys (at any depth)."""
    out = {}
    for k, v in entry.items():
        if k.startswith("_"):
            continue
        out[k] = _clean(v) if isinstance(v, dict) else v
    return out
