"""Registry entries proposed for what a draft could not match: new people (with the post the
text gives them), organisations, outlets, places and meetings, and other spellings of
registered people. `parley draft --propose-registry FILE` writes them as a registry file for
review (docs/drafting.md); additions to existing entries are written as comments."""

from __future__ import annotations

import re
import unicodedata

from parley.authoring.reading import Reading
from parley.authoring.unrecognised import Name
from parley.model.records import OFFICES, Registry

ORG_KINDS = (
    ("ministry", re.compile(r"\bMinistry\b")),
    ("council", re.compile(r"\bCouncil\b")),
    ("armed-force", re.compile(r"\b(?:Forces?|Army|Guards?|Corps|Brigades?)\b")),
    ("political-group", re.compile(r"\b(?:Party|Movement|Front)\b")),
)
OFFICE_LABELS = {
    "ambassador": "Ambassador",
    "charge-d-affaires": "Chargé d'affaires",
    "prime-minister": "Prime Minister",
    "president": "President",
    "foreign-minister": "Foreign Minister",
    "spokesperson": "Spokesperson",
    "director": "Director",
    "correspondent": "Correspondent",
    "liaison-officer": "Liaison officer",
    "military-officer": "Commander",
}


def slug(name: str) -> str:
    """A registry id for `name`: ASCII, lower case, words joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "entry"


class Ids:
    """Fresh ids: never one the registry has, never one given twice."""

    def __init__(self, registry: Registry):
        self.taken = set(registry.entities)

    def new(self, base: str) -> str:
        ident, n = base, 2
        while ident in self.taken:
            ident, n = f"{base}-{n}", n + 1
        self.taken.add(ident)
        return ident


def propose(reading: Reading, article: str, names: list[Name], meetings: list[dict]) -> dict:
    """{section: [registry entries]} plus "_comments" (additions to existing entries), and
    each name's proposed id under "_ids" (name -> id)."""
    ids = Ids(reading.registry)
    out: dict[str, list] = {"_comments": [], "_ids": {}}
    for name in names:
        if name.kind == "spelling":
            out["_comments"].append(f"{name.of}: add the spelling {name.name!r} ({article})")
            continue
        ident = ids.new(slug(name.name))
        out["_ids"][name.name] = ident
        section, entry = _entry(reading, name, ident, article, out, ids)
        out.setdefault(section, []).append(entry)
    for report in meetings:
        entry = {"id": report["event"], "label": _meeting_label(reading, report)}
        entry["date"] = report["_date"]
        if "place" in report:
            entry["place"] = report["place"]["ref"]
        quote = (
            report["evidence"]
            if isinstance(report["evidence"], str)
            else report["evidence"]["quote"]
        )
        entry["source"] = f"{article}: “{_short(quote)}” (drafted by parley draft: check)"
        out.setdefault("meetings", []).append(entry)
    return out


def _entry(reading: Reading, name: Name, ident: str, article: str, out: dict, ids: Ids):
    if name.kind == "person":
        entry = {"id": ident, "label": name.name, "spellings": _spellings(reading, name.name)}
        if name.nationality:
            entry["nationality"] = name.nationality
        if name.title is not None:
            _post(reading, name, ident, article, out, ids)
        return "people", entry
    if name.kind in ("organisation", "outlet"):
        entry = {"id": ident, "label": name.name}
        kind = "news-outlet" if name.kind == "outlet" else _org_kind(name.name)
        if kind:
            entry["kind"] = kind
        entry["spellings"] = [name.name]
        return "organisations", entry
    entry = {"id": ident, "label": name.name.title() if name.name.isupper() else name.name}
    entry["spellings"] = [name.name]
    return "places", entry


def _spellings(reading: Reading, name: str) -> list[str]:
    """The full name, and its last word when the text uses it alone."""
    out = [name]
    last = name.split()[-1]
    if len(name.split()) > 1 and re.search(
        rf"(?<![\w-]){re.escape(last)}(?![\w-])", reading.text.replace(name, "")
    ):
        out.append(last)
    return out


def _post(reading: Reading, name: Name, person: str, article: str, out: dict, ids: Ids) -> None:
    """The post the text's title gives a new person: a holder of an existing post (as a
    comment), or a new post."""
    role = name.title
    party = role.party
    title = reading.text[role.start : role.end]
    source = f"{article}: “{title} {name.name}” (as the article states it; check the dates)"
    existing = [
        p
        for p in reading.registry.of_kind("post")
        if p.attr("office") == role.office and (party is None or p.attr("of") == party)
    ]
    if len(existing) == 1:
        out["_comments"].append(f"{existing[0].id}: add the holder {person} ({source})")
        return
    if party is None or role.office not in OFFICES:
        return
    label = (
        f"{OFFICE_LABELS.get(role.office, role.office)} of {reading.registry.entities[party].label}"
    )
    post = {"id": ids.new(f"{party}-{role.office}"), "label": label, "office": role.office}
    post["of"] = party
    post["holders"] = [{"person": person, "start": None, "end": None, "source": source}]
    out.setdefault("posts", []).append(post)


def _org_kind(name: str) -> str | None:
    return next((kind for kind, pattern in ORG_KINDS if pattern.search(name)), None)


def _meeting_label(reading: Reading, report: dict) -> str:
    place = report.get("place", {}).get("ref")
    where = f", {reading.registry.entities[place].label}" if place else ""
    return f"Meeting{where} ({report['_date'].isoformat()})"


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "…"
