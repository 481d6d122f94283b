"""Load the registry (`seeds/registry/*.yaml`): canonical people, states, places, meetings…"""

from __future__ import annotations

from pathlib import Path

from parley.model.errors import InputError, Problem
from parley.model.records import (
    OFFICES,
    ORGANISATION_KINDS,
    PLACE_KINDS,
    Entity,
    Holding,
    Registry,
    Wikidata,
)
from parley.seeds.checks import QID, Checker, closest
from parley.seeds.decisions import apply_decisions, decisions_path
from parley.seeds.seedfile import seed_names
from parley.seeds.sources import check_citations, load_sources
from parley.seeds.yamlfile import Items, Node, read_yaml

# top-level key -> (entity kind, {field: spec}); spec is "text", "int", "date", a tuple of allowed
# values, or "ref:" followed by the entity kinds the reference may point at.
REGISTRY_SECTIONS: dict[str, tuple[str, dict[str, object]]] = {
    "people": ("person", {"nationality": "ref:state"}),
    "states": ("state", {"adjective": "text"}),
    "organisations": (
        "organisation",
        {"kind": ORGANISATION_KINDS, "part_of": "ref:state,organisation", "adjective": "text"},
    ),
    "places": ("place", {"kind": PLACE_KINDS, "in": "ref:place,state"}),
    "posts": (
        "post",
        {
            "office": OFFICES,
            "of": "ref:state,organisation",
            "to": "ref:state,organisation",
            "holders": "holders",
        },
    ),
    "series": ("series", {}),
    "meetings": (
        "meeting",
        {
            "series": "ref:series",
            "round": "int",
            "date": "date",
            "place": "ref:place",
            "source": "text",
        },
    ),
    "topics": ("topic", {}),
}
COMMON = ("id", "label", "spellings", "wikidata")
# fields without which an entry cannot be mapped (the mapper needs every post's office)
REQUIRED = {"post": ("office",)}


def load_registry(folder: Path) -> Registry:
    """Read every `*.yaml` file of the registry folder; raise `InputError` listing all problems.

    Its parent is the seeds folder, which no link may lead out of (`seedfile.read_seed`).
    Citations of outside facts (`seeds/sources/FILE.yaml#ID` in `source:` and in `wikidata:
    {verified: …}`) must name an entry of the seeds folder's sources/ (`seeds.sources`)."""
    names = seed_names(folder, ".yaml", folder.parent)
    if not names and not folder.is_dir():
        raise _missing(folder)
    sources, source_problems = load_sources(folder.parent / "sources", folder.parent)
    entities: dict[str, Entity] = {}
    where: dict[str, str] = {}
    holdings: list[Holding] = []
    pending_refs: list[tuple[Checker, int, str, str, tuple[str, ...]]] = []
    checkers: list[Checker] = []
    for name in names:
        path = folder / name
        shown = str(path)
        check = Checker(shown)
        checkers.append(check)
        data = read_yaml(path, shown, folder.parent)
        root = check.mapping(data, 1, "registry file")
        if root is None:
            continue
        for section, entries in root.items():
            if section not in REGISTRY_SECTIONS:
                _unknown_section(check, root, section)
                continue
            kind, fields = REGISTRY_SECTIONS[section]
            if not isinstance(entries, Items):
                check.add(root.line_of(section), f"'{section}' must be a list", "use `- id: …`")
                continue
            for entry, line in zip(entries, entries.item_lines, strict=True):
                node = check.mapping(entry, line, f"{section} entry")
                if node is None:
                    continue
                entity = _entity(check, node, kind, fields, pending_refs, holdings, sources)
                if entity is None:
                    continue
                if entity.id in entities:
                    check.add(
                        node.line_of("id"),
                        f"duplicate id '{entity.id}'",
                        f"already defined at {where[entity.id]}; ids are global",
                    )
                    continue
                entities[entity.id] = entity
                where[entity.id] = f"{shown}:{node.line_of('id')}"
    for check, line, ref, what, kinds in pending_refs:
        target = entities.get(ref)
        if target is None or target.kind not in kinds:
            known = [e.id for e in entities.values() if e.kind in kinds]
            check.add(
                line, f"{what} refers to unknown {'/'.join(kinds)} '{ref}'", closest(ref, known)
            )
    # accepted Wikidata links from seeds/links/decisions.yaml (absent: nothing changes)
    entities, link_problems = apply_decisions(entities, decisions_path(folder.parent))
    problems = source_problems + [p for c in checkers for p in c.problems] + link_problems
    if problems:
        raise InputError(problems)
    return Registry(
        entities=dict(sorted(entities.items())), holdings=tuple(holdings), sources=sources
    )


def _unknown_section(check: Checker, root: Node, section: str) -> None:
    """Named only when it is close to a section's name: the top-level keys of a file that is
    not a registry file at all are its content, not to be echoed."""
    hint = closest(section, REGISTRY_SECTIONS)
    if hint.startswith("did you mean"):
        check.add(root.line_of(section), f"unknown section '{section}'", hint)
    else:
        check.add(root.line_of(section), "unknown section (not a registry file?)", hint)


def _missing(folder: Path) -> InputError:
    return InputError(
        Problem(
            str(folder),
            None,
            "registry folder not found",
            "pass --seeds pointing at a folder with registry/",
        )
    )


def _entity(check, node: Node, kind, fields, pending_refs, holdings, sources) -> Entity | None:
    what = f"{kind} '{node.get('id', '?')}'"
    required = REQUIRED.get(kind, ())
    check.keys(node, what, ("id", "label", *required), (*COMMON[2:], *fields))
    ident = check.slug(node, "id", what)
    label = check.string(node, "label", what)
    if ident is None or label is None:
        return None
    spellings = _spellings(check, node, what)
    wikidata = _wikidata(check, node, what, sources)
    attrs: dict[str, object] = {}
    for name, spec in fields.items():
        line = node.line_of(name)
        if node.get(name) is None:
            if name in required and name in node:
                check.add(line, f"{what}.{name} is empty", closest("", spec, list_up_to=len(spec)))
            continue
        if spec == "text":
            attrs[name] = check.string(node, name, what)
            if attrs[name]:
                check_citations(check, line, attrs[name], f"{what}.{name}", sources)
        elif spec == "int":
            value = node[name]
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                attrs[name] = value
            else:
                check.add(line, f"{what}.{name} must be a positive whole number", "e.g. 2")
        elif spec == "date":
            attrs[name] = check.date(node, name, what)
        elif spec == "holders":
            _holders(check, node[name], line, ident, pending_refs, holdings, sources)
        elif isinstance(spec, tuple):
            attrs[name] = check.choice(node, name, what, spec)
        else:
            ref = check.slug(node, name, what)
            kinds = tuple(str(spec)[4:].split(","))
            if ref:
                attrs[name] = ref
                pending_refs.append((check, line, ref, f"{what}.{name}", kinds))
    attrs = {k: v for k, v in attrs.items() if v is not None}
    return Entity(
        kind=kind,
        id=ident,
        label=label,
        spellings=spellings,
        wikidata=wikidata,
        attrs=tuple(sorted(attrs.items())),
    )


def _spellings(check: Checker, node: Node, what: str) -> tuple[str, ...]:
    value = node.get("spellings")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        check.add(
            node.line_of("spellings"),
            f"{what}.spellings must be a list of text",
            "e.g. [Ryan Crocker, Crocker]",
        )
        return ()
    return tuple(dict.fromkeys(v.strip() for v in value))


def _wikidata(check: Checker, node: Node, what: str, sources) -> Wikidata | None:
    value = node.get("wikidata")
    if value is None:
        return None
    line = node.line_of("wikidata")
    sub = check.mapping(value, line, f"{what}.wikidata")
    if sub is None:
        return None
    check.keys(sub, f"{what}.wikidata", ("id", "verified"), ())
    qid = check.string(sub, "id", f"{what}.wikidata")
    verified = check.string(sub, "verified", f"{what}.wikidata")
    if qid is not None and not QID.match(qid):
        check.add(sub.line_of("id"), f"'{qid}' is not a Wikidata item id", "write it as Q794")
        return None
    if qid is None or verified is None:
        return None
    where = sub.line_of("verified")
    check_citations(check, where, verified, f"{what}.wikidata.verified", sources, qid)
    return Wikidata(qid=qid, verified=verified)


def _holders(check, value, line, post, pending_refs, holdings, sources) -> None:
    if not isinstance(value, Items):
        check.add(line, f"post '{post}'.holders must be a list", "use `- person: …`")
        return
    for item, item_line in zip(value, value.item_lines, strict=True):
        node = check.mapping(item, item_line, "holder")
        if node is None:
            continue
        what = f"holder of '{post}'"
        check.keys(node, what, ("person", "source"), ("start", "end"))
        person = check.slug(node, "person", what)
        source = check.string(node, "source", what)
        if source:
            check_citations(check, node.line_of("source"), source, f"{what}.source", sources)
        start = check.partial_date(node, "start", what)
        end = check.partial_date(node, "end", what)
        if start and end and start > end:
            check.add(
                node.line_of("end"),
                f"{what} ends ({end}) before it starts ({start})",
                "swap or correct the dates",
            )
        if person and source:
            pending_refs.append(
                (check, node.line_of("person"), person, f"{what}.person", ("person",))
            )
            holdings.append(Holding(post=post, person=person, start=start, end=end, source=source))
