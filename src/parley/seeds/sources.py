"""Sources of outside facts (`seeds/sources/*.yaml`) and the citations of them.

The registry and the annotations state facts that the articles do not (the date of a meeting,
who held a post when, a Wikidata ID, how an article's date was inferred). Each says where such a
fact comes from by citing an entry of a sources file, `seeds/sources/FILE.yaml#ID`, anywhere in
its text (`source:`, `wikidata: {verified: …}`, `date_note:`). `seeds/` stands for the seeds
folder being read. A sources file lists each fact with its public references (a publication
with its date and headline or dateline, a URL, or a file of the seeds folder and the words in it
that say so) and each verified Wikidata ID with its public URL: see seeds/sources/README.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from parley.model.errors import InputError, Problem
from parley.model.records import Source
from parley.seeds.checks import QID, Checker, closest
from parley.seeds.seedfile import seed_names
from parley.seeds.yamlfile import Items, Node, read_yaml

FORMAT = "parley-sources/1"
PREFIX = "seeds/sources/"
CITATION = re.compile(r"seeds/sources/([A-Za-z0-9_.-]+\.yaml)#([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)")
WIKIDATA_URL = "https://www.wikidata.org/wiki/"
URL = re.compile(r"^https?://[^\s/]+\S*$")
# a reference names at least one of the first three; `checked` says how it was checked
REFERENCE_KEYS = (
    "publication",
    "url",
    "file",
    "date",
    "headline",
    "dateline",
    "quote",
    "supports",
    "copy",
    "checked",
)
SOURCES_HINT = (
    "copy the seeds folder's sources/ along with registry/, or add the entry there "
    "(see seeds/sources/README.md)"
)


def citations(text: str) -> list[str]:
    """The well-formed citations in `text`, in order (`seeds/sources/FILE.yaml#ID`)."""
    return [m.group(0) for m in CITATION.finditer(text)]


def load_sources(folder: Path, root: Path) -> tuple[dict[str, Source], list[Problem]]:
    """Every entry of the `*.yaml` files of `folder` (the seeds folder `root`'s sources/;
    none when it is absent), by citation, and the problems found in them."""
    sources: dict[str, Source] = {}
    problems: list[Problem] = []
    try:
        names = seed_names(folder, ".yaml", root)
    except InputError as exc:
        return {}, list(exc.problems)
    for name in names:
        check = Checker(str(folder / name))
        try:
            data = read_yaml(folder / name, check.path, root)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        _read_file(check, data, name, sources)
        problems.extend(check.problems)
    return sources, problems


def check_citations(
    check: Checker,
    line: int,
    text: str,
    what: str,
    sources: dict[str, Source],
    qid: str | None = None,
) -> None:
    """Every `seeds/sources/…` in `text` must name an entry of `sources`; in how a Wikidata ID
    (`qid`) was verified, the entry of that ID."""
    start = text.find(PREFIX)
    while start >= 0:
        match = CITATION.match(text, start)
        if match is None:
            cited = text[start:].split()[0].rstrip(").,;:]")
            check.add(
                line,
                f"{what} cites '{cited}', which is not of the form {PREFIX}FILE.yaml#ID",
                f"e.g. {PREFIX}facts.yaml#round-1",
            )
        else:
            _resolve(check, line, match, what, sources, qid)
        start = text.find(PREFIX, start + len(PREFIX))


def _resolve(check, line, match: re.Match, what, sources, qid) -> None:
    cited, name, ident = match.group(0), match.group(1), match.group(2)
    source = sources.get(cited)
    if source is None:
        ids = [c.rpartition("#")[2] for c in sources if c.startswith(f"{PREFIX}{name}#")]
        if ids:
            message, hint = f"{PREFIX}{name} has no entry '{ident}'", closest(ident, ids)
        else:
            files = {c[len(PREFIX) :].partition("#")[0] for c in sources}
            message = f"the seeds folder has no sources file {PREFIX}{name}"
            hint = closest(name, files) if files else SOURCES_HINT
        check.add(line, f"{what} cites {cited}, but {message}", hint)
    elif qid is not None and source.qid != qid:
        entry = "not a Wikidata entry" if source.qid is None else f"the entry of {source.qid}"
        check.add(
            line,
            f"{what} cites {cited} for {qid}, but that is {entry}",
            f"cite the entry of {qid} ({PREFIX}{name}#{qid}), or correct the id",
        )


def _read_file(check: Checker, data: object, name: str, sources: dict[str, Source]) -> None:
    root = check.mapping(data, 1, "sources file")
    if root is None:
        return
    if root.get("format") != FORMAT:
        check.add(
            root.line_of("format"),
            f"not a sources file: it lacks `format: {FORMAT}`",
            f"start it with `format: {FORMAT}`, or move it out of sources/",
        )
        return
    check.keys(root, "sources file", ("format",), ("facts", "wikidata"))
    lines: dict[str, int] = {}
    for section, reader in (("facts", _fact), ("wikidata", _wikidata)):
        entries = root.get(section)
        if entries is None:
            continue
        if not isinstance(entries, Items):
            check.add(root.line_of(section), f"'{section}' must be a list", "use `- id: …`")
            continue
        for entry, line in zip(entries, entries.item_lines, strict=True):
            node = check.mapping(entry, line, f"{section} entry")
            source = reader(check, node, name) if node is not None else None
            if source is None:
                continue
            if source.citation in sources:
                check.add(
                    node.line_of("id"),
                    f"duplicate id '{source.citation.rpartition('#')[2]}'",
                    f"already defined at line {lines[source.citation]}",
                )
                continue
            sources[source.citation] = source
            lines[source.citation] = node.line_of("id")


def _fact(check: Checker, node: Node, name: str) -> Source | None:
    what = f"fact '{node.get('id', '?')}'"
    check.keys(node, what, ("id", "statement", "references"), ("note",))
    ident = check.slug(node, "id", what)
    statement = check.string(node, "statement", what)
    check.string(node, "note", what, required=False)
    refs = node.get("references")
    if not isinstance(refs, Items) or not refs:
        if "references" in node:
            check.add(
                node.line_of("references"),
                f"{what}.references must be a list of at least one reference",
                "give a publication with its date, a URL, or a file of the seeds folder",
            )
    else:
        for ref, line in zip(refs, refs.item_lines, strict=True):
            _reference(check, ref, line, f"{what} reference")
    if ident is None or statement is None:
        return None
    return Source(citation=f"{PREFIX}{name}#{ident}", statement=statement)


def _reference(check: Checker, value: object, line: int, what: str) -> None:
    node = check.mapping(value, line, what)
    if node is None:
        return
    check.keys(node, what, (), REFERENCE_KEYS)
    if not any(key in node for key in REFERENCE_KEYS[:3]):
        check.add(
            line,
            f"{what} names no publication, url or file",
            "give `publication:` with `date:` and `headline:` or `dateline:`, a `url:`, "
            "or a `file:` of the seeds folder",
        )
    for key in ("publication", "headline", "dateline", "quote", "supports", "checked"):
        check.string(node, key, what, required=False)
    check.partial_date(node, "date", what)
    for key in ("url", "copy"):
        url = check.string(node, key, what, required=False)
        if url is not None and not URL.match(url):
            check.add(node.line_of(key), f"{what}.{key} must be an http(s) URL", "or drop it")
    path = check.string(node, "file", what, required=False)
    if path is not None and (not path.startswith("seeds/") or ".." in path.split("/")):
        check.add(
            node.line_of("file"),
            f"{what}.file must be a path in the seeds folder, starting with seeds/",
            "e.g. seeds/articles/003-dpa.txt",
        )
    if ("publication" in node or "url" in node) and "checked" not in node:
        check.add(line, f"{what} does not say how it was checked", "add `checked: …`")


def _wikidata(check: Checker, node: Node, name: str) -> Source | None:
    what = f"wikidata entry '{node.get('id', '?')}'"
    check.keys(node, what, ("id", "entity", "url", "verified"), ("note",))
    qid = check.string(node, "id", what)
    entity = check.string(node, "entity", what)
    url = check.string(node, "url", what)
    check.string(node, "verified", what)
    check.string(node, "note", what, required=False)
    if qid is not None and not QID.match(qid):
        check.add(node.line_of("id"), f"'{qid}' is not a Wikidata item id", "write it as Q794")
        return None
    if qid is not None and url is not None and url != WIKIDATA_URL + qid:
        check.add(node.line_of("url"), f"{what}.url must be {WIKIDATA_URL}{qid}", "correct it")
    if qid is None or entity is None:
        return None
    return Source(citation=f"{PREFIX}{name}#{qid}", statement=entity, qid=qid)
