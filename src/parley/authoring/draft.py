"""Draft an annotation file for a new article: registry mentions (with transliteration
variants), quotations and their speakers, reported speech, dates and meeting triggers.

The draft is marked `draft: true`; the loader refuses it until a person has checked it and
removed that line. See docs/drafting.md for what it finds and how well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parley.authoring.draftmeetings import draft_meetings
from parley.authoring.draftstatements import draft_statements
from parley.authoring.mentions import Found
from parley.authoring.reading import Reading, read_article
from parley.authoring.spans import evidence, sentences
from parley.model.errors import InputError, Problem, UsageError
from parley.model.records import Registry
from parley.seeds.annotations import FORMAT
from parley.seeds.checks import SLUG
from parley.seeds.quotes import in_any
from parley.seeds.seedfile import read_seed


@dataclass
class Draft:
    """What the drafter found; `to_yaml()` renders the annotation file."""

    article_id: str
    sha256: str
    text: str
    date: dt.date | None
    title: tuple[int, int] | None = None
    outlet: Found | None = None
    furniture: list[tuple[int, int, str | None, str]] = field(default_factory=list)
    mentions: dict[str, list[str]] = field(default_factory=dict)
    variants: dict[str, str] = field(default_factory=dict)  # spelling found -> registry form
    meetings: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)


def draft_article(
    path: Path, registry: Registry, date: dt.date | None = None, seeds: Path | None = None
) -> str:
    """The draft annotation YAML for the article file at `path`: a regular file, and, when it
    lies in the `seeds` folder, not behind a link out of it (`seeds.seedfile.read_seed`)."""
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
    return to_yaml(draft_of(reading, ident, hashlib.sha256(raw).hexdigest()))


def draft_of(reading: Reading, article_id: str, sha256: str) -> Draft:
    """Everything the drafter finds in the article."""
    draft = Draft(article_id, sha256, reading.text, reading.date, furniture=reading.furniture)
    draft.variants = reading.variants
    for f in reading.found:
        spellings = draft.mentions.setdefault(f.entity, [])
        if f.spelling not in spellings:
            spellings.append(f.spelling)
    draft.title = _title(reading)
    draft.outlet = _outlet(reading)
    draft.statements, draft.unresolved = draft_statements(reading)
    draft.meetings = draft_meetings(reading)
    return draft


def _title(reading: Reading) -> tuple[int, int] | None:
    """The first sentence outside the furniture."""
    for s, t in sentences(reading.text):
        if reading.text[s:t].strip() and not in_any(s, t, reading.excluded):
            return s, t
    return None


def _outlet(reading: Reading) -> Found | None:
    """The first news outlet mentioned."""
    return next(
        (
            f
            for f in reading.found
            if f.kind == "organisation"
            and reading.registry.entities[f.entity].attr("kind") == "news-outlet"
        ),
        None,
    )


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
    header = [
        f"# DRAFT annotations for {draft.article_id}, written by `parley draft`.",
        "# Check every entry against the article; fix speakers, kinds, roles and quote",
        "# boundaries; add offices and claims; then delete the `draft: true` line.",
    ]
    for variant, registry_form in sorted(draft.variants.items()):
        if any(variant in v for v in draft.mentions.values()):
            header.append(
                f"# spelling {variant!r} matched as a transliteration of {registry_form!r}"
            )
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + "\n" + body


def _article(draft: Draft) -> dict:
    """The `article:` block: id, title, outlet, date and furniture."""
    text = draft.text
    excluded = [(s, e) for s, e, _, _ in draft.furniture]
    article: dict = {"id": draft.article_id, "sha256": draft.sha256}
    if draft.title:
        article["title"] = evidence(text, *draft.title, excluded)
    if draft.outlet:
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
