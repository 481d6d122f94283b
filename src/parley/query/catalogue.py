"""The catalogue of saved queries: `#+` YAML headers, typed parameters, safe binding."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import XSD, Literal, URIRef

from parley.model.errors import UsageError
from parley.model.iris import PREFIXES
from parley.model.layout import package_root
from parley.model.terms import IRI_FORBIDDEN
from parley.seeds.checks import closest

PARAM_TYPES = ("iri", "string", "date", "integer")
PARAM_KEYS = {"name", "type", "required", "default", "doc", "var", "prefix"}
VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
HEADER = re.compile(r"^#\+ ?(.*)$")
CODEPOINT_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool = False
    default: object = None
    doc: str = ""
    var: str = ""  # the SPARQL variable it binds (default: its name)
    prefix: str = ""  # iri params: a bare value is a local name under this prefix

    @property
    def variable(self) -> str:
        return self.var or self.name


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
    online: bool = False  # `online: true`: federated (SERVICE), needs the network

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

    def usage(self) -> str:
        """`-p name=TYPE` for each parameter, optional ones in brackets."""
        parts = []
        for p in self.params:
            part = f"-p {p.name}={p.type.upper()}"
            parts.append(part if p.required else f"[{part}]")
        return " ".join(parts)


def queries_root() -> Path:
    """The packaged `queries/` folder (a symlink to the top-level folder in a checkout)."""
    return package_root() / "queries"


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
        unknown = set(item) - PARAM_KEYS
        if unknown:
            raise UsageError(
                f"{path}: param {item['name']}: unknown key(s) {', '.join(sorted(unknown))} — "
                f"allowed: {', '.join(sorted(PARAM_KEYS))}"
            )
        prefix = str(item.get("prefix") or "")
        if prefix and (ptype != "iri" or prefix not in PREFIXES):
            raise UsageError(
                f"{path}: param {item['name']}: `prefix` needs type iri and one of "
                + ", ".join(sorted(PREFIXES))
            )
        var = str(item.get("var") or "")
        if var and not VAR_NAME.fullmatch(var):
            raise UsageError(f"{path}: param {item['name']}: var '{var}' is not a variable name")
        params.append(
            Param(
                name=str(item["name"]),
                type=ptype,
                required=bool(item.get("required", False)),
                default=item.get("default"),
                doc=str(item.get("doc", "")),
                var=var,
                prefix=prefix,
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
        online=header.get("online") is True,
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
    Keys are the SPARQL variable names (`Param.variable`), ready for initBindings or VALUES.
    """
    bindings: dict[str, object] = {}
    for name, raw in given.items():
        param = query.param(name)
        bindings[param.variable] = convert(param, raw, resolve_id)
    for param in query.params:
        if param.variable in bindings:
            continue
        if param.required:
            raise UsageError(f"query '{query.name}' needs -p {param.name}=… ({param.doc})")
        if param.default is not None:
            bindings[param.variable] = convert(param, str(param.default), resolve_id)
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
        if CODEPOINT_ESCAPE.search(raw):
            # SPARQL engines expand \uXXXX before parsing, even inside strings (rdflib, Jena)
            # or not (Oxigraph): bound into a VALUES block it would mean different things
            raise UsageError(
                f"{where}: '{raw}' holds a \\u escape, which SPARQL engines read differently "
                "— write the character itself"
            )
        return Literal(raw)
    text = raw.strip()
    if param.prefix and text and ":" not in text:
        text = f"{param.prefix}:{text}"
    return URIRef(resolve_iri(text, where, resolve_id))


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
        from rdflib.plugins.sparql import prepareQuery  # slow to import: only when needed

        prepareQuery(query.text)
    except Exception as exc:  # rdflib raises pyparsing errors of several kinds
        raise UsageError(f"{query.path}: SPARQL syntax error: {exc}") from None


def is_select(text: str, source: str = "query") -> bool:
    """Whether `text` parses as a SPARQL SELECT query; raise `UsageError` on a syntax error."""
    try:
        from rdflib.plugins.sparql import prepareQuery

        parsed = prepareQuery(text)
    except Exception as exc:  # rdflib raises pyparsing errors of several kinds
        raise UsageError(f"{source}: SPARQL syntax error: {exc} — fix the query text") from None
    return parsed.algebra.name == "SelectQuery"


def describe(query: SavedQuery) -> str:
    """A saved query's header as text for `parley queries NAME`."""
    lines = [f"{query.name}: {query.summary}", ""]
    if query.description:
        lines += [query.description, ""]
    lines.append(f"usage: parley query {query.name} {query.usage()}".rstrip())
    for p in query.params:
        extra = [p.type, "required" if p.required else "optional"]
        if p.default is not None:
            extra.append(f"default {p.default}")
        if p.prefix:
            extra.append(f"bare values are {p.prefix}:…")
        lines.append(f"  {p.name} ({', '.join(extra)}): {p.doc}")
    lines.append(f"columns: {', '.join(query.columns)}")
    if query.tags:
        lines.append(f"tags: {', '.join(query.tags)}")
    return "\n".join(lines) + "\n"
