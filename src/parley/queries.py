"""The catalogue of saved queries: `#+` YAML headers, typed parameters, safe binding."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from rdflib import XSD, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from .checks import closest
from .errors import UsageError
from .iris import PREFIXES

PARAM_TYPES = ("iri", "string", "date", "integer")
HEADER = re.compile(r"^#\+ ?(.*)$")
IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool = False
    default: object = None
    doc: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    text: str
    path: str

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise UsageError(
            f"query '{self.name}' has no parameter '{name}' — "
            + (
                f"its parameters: {', '.join(p.name for p in self.params)}"
                if self.params
                else "it takes no parameters"
            )
        )


def queries_root() -> Path:
    """The packaged `queries/` folder (a symlink to the top-level folder in a checkout)."""
    return Path(str(resources.files("parley") / "queries"))


def parse_query_file(path: Path, name: str) -> SavedQuery:
    """Read one `.rq` file with its `#+` header; raise `UsageError` when it is malformed."""
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        match = HEADER.match(line)
        if not match:
            break
        header_lines.append(match.group(1))
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise UsageError(f"{path}: bad `#+` header: {exc}") from None
    if not isinstance(header, dict) or "summary" not in header:
        raise UsageError(f"{path}: the `#+` header needs at least `summary:`")
    params = []
    for item in header.get("params") or []:
        if not isinstance(item, dict) or "name" not in item:
            raise UsageError(f"{path}: each param needs a name")
        ptype = item.get("type", "string")
        if ptype not in PARAM_TYPES:
            raise UsageError(f"{path}: param {item['name']}: type must be one of {PARAM_TYPES}")
        params.append(
            Param(
                name=str(item["name"]),
                type=ptype,
                required=bool(item.get("required", False)),
                default=item.get("default"),
                doc=str(item.get("doc", "")),
            )
        )
    return SavedQuery(
        name=name,
        summary=str(header["summary"]).strip(),
        description=str(header.get("description", "")).strip(),
        tags=tuple(header.get("tags") or ()),
        params=tuple(params),
        columns=tuple(header.get("columns") or ()),
        text=text,
        path=str(path),
    )


def catalogue(root: Path | None = None) -> dict[str, SavedQuery]:
    """All saved queries under `root` (default: the packaged ones), by name; not checks/."""
    root = root or queries_root()
    out = {}
    for path in sorted(root.rglob("*.rq")):
        rel = path.relative_to(root)
        if rel.parts[0] == "checks":
            continue
        name = rel.with_suffix("").as_posix()
        out[name] = parse_query_file(path, name)
    return out


def get_query(name: str, root: Path | None = None) -> SavedQuery:
    queries = catalogue(root)
    if name not in queries:
        raise UsageError(
            f"no saved query '{name}' — {closest(name, queries)}; `parley queries` lists them"
        )
    return queries[name]


def bind_params(query: SavedQuery, given: dict[str, str], resolve_id=None) -> dict[str, object]:
    """Typed rdflib terms for the given `name=value` strings, checked against the header.

    `resolve_id(text)` maps a bare registry id to an IRI (or None when unknown).
    """
    bindings: dict[str, object] = {}
    for name, raw in given.items():
        param = query.param(name)
        bindings[name] = convert(param, raw, resolve_id)
    for param in query.params:
        if param.name in bindings:
            continue
        if param.required:
            raise UsageError(f"query '{query.name}' needs -p {param.name}=… ({param.doc})")
        if param.default is not None:
            bindings[param.name] = convert(param, str(param.default), resolve_id)
    return bindings


def convert(param: Param, raw: str, resolve_id=None):
    """One parameter value as an rdflib term; raise `UsageError` naming the problem."""
    where = f"parameter '{param.name}' ({param.type})"
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]{1,18}", raw.strip()):
            raise UsageError(f"{where}: '{raw}' is not a whole number")
        return Literal(int(raw), datatype=XSD.integer)
    if param.type == "date":
        try:
            return Literal(dt.date.fromisoformat(raw.strip()), datatype=XSD.date)
        except ValueError:
            raise UsageError(f"{where}: '{raw}' is not a date like 2007-05-28") from None
    if param.type == "string":
        if "\x00" in raw or len(raw) > 10_000:
            raise UsageError(f"{where}: value has a NUL character or is too long")
        return Literal(raw)
    return URIRef(resolve_iri(raw.strip(), where, resolve_id))


def resolve_iri(text: str, where: str, resolve_id=None) -> str:
    """A full IRI from a full IRI, a prefixed name (`pid:person/x`) or a registry id."""
    if re.match(r"^[a-z][a-z0-9+.-]*://", text):
        iri = text
    elif ":" in text:
        prefix, local = text.split(":", 1)
        if prefix not in PREFIXES:
            raise UsageError(
                f"{where}: unknown prefix '{prefix}:' — known: " + ", ".join(sorted(PREFIXES))
            )
        iri = str(PREFIXES[prefix]) + local
    else:
        iri = resolve_id(text) if resolve_id else None
        if iri is None:
            raise UsageError(f"{where}: '{text}' is not a registry id, prefixed name or IRI")
    if IRI_FORBIDDEN.search(iri) or len(iri) > 2000:
        raise UsageError(f"{where}: '{text}' is not a valid IRI (spaces, <, >, quotes or braces)")
    return iri


def check_syntax(query: SavedQuery) -> None:
    """Parse the query with rdflib's SPARQL parser; raise `UsageError` on a syntax error."""
    try:
        prepareQuery(query.text)
    except Exception as exc:  # rdflib raises pyparsing errors of several kinds
        raise UsageError(f"{query.path}: SPARQL syntax error: {exc}") from None
