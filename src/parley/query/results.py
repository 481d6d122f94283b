"""Writers for query results: table, csv, tsv, json (SPARQL 1.1 results), markdown."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

from rdflib import XSD, BNode, Literal, URIRef

from parley.model.iris import PREFIXES
from parley.query.backends import Table


def _iris(table: Table) -> set[str]:
    distinct = {id(v): v for row in table.rows for v in row}
    return {str(v) for v in distinct.values() if isinstance(v, URIRef)}


def prefixed(iri: str) -> str:
    """`role:host` for an IRI under a known prefix (the longest match), else the IRI."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        if iri.startswith(ns) and len(iri) > len(ns) and len(ns) > len(str(PREFIXES.get(best, ""))):
            best = prefix
    return f"{best}:{iri[len(str(PREFIXES[best])) :]}" if best else iri


def label_text(iri: str, labels: dict[str, str]) -> str:
    """What people read for an IRI: its label, else its prefixed name (else the IRI itself)."""
    return labels.get(iri) or prefixed(iri)


def _plain(value: object, labels: dict[str, str] | None = None) -> str:
    """A cell for people: labels for IRIs (else a prefixed name), line breaks shown as ⏎."""
    if value is None:
        return ""
    if isinstance(value, URIRef) and labels is not None:
        text = label_text(str(value), labels)
    else:
        text = str(value)
    return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def _with_label_columns(table: Table, labels: dict[str, str]) -> tuple[list[str], list[list]]:
    """Columns with a `*_label` column beside every column that holds IRIs: each IRI's label,
    else its prefixed name (what the table and markdown formats show in its place)."""
    header: list[str] = []
    columns: list[list[str]] = []
    # cells worked out once per distinct term object, column by column (the stores hand out
    # one object per distinct term; `table.rows` keeps them all alive, so their ids stay theirs)
    for i, name in enumerate(table.columns):
        column = [row[i] for row in table.rows]
        distinct = {id(value): value for value in column}
        text = {ident: _csv_value(value) for ident, value in distinct.items()}
        header.append(name)
        columns.append([text[id(value)] for value in column])
        if any(isinstance(value, URIRef) for value in distinct.values()):
            label = {
                ident: label_text(str(value), labels) if isinstance(value, URIRef) else ""
                for ident, value in distinct.items()
            }
            header.append(f"{name}_label")
            columns.append([label[id(value)] for value in column])
    return header, [list(row) for row in zip(*columns, strict=True)] if columns else []


def _csv_value(value: object) -> str:
    """SPARQL 1.1 CSV: IRIs and literals as their plain string, blank nodes as _:label."""
    if value is None:
        return ""
    if isinstance(value, BNode):
        return f"_:{value}"
    return str(value)


def _tsv_string(text: str) -> str:
    for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.replace(raw, escaped)
    return f'"{text}"'


def _tsv_value(value: object) -> str:
    """SPARQL 1.1 TSV: terms in Turtle syntax, escaped so that a cell never holds a tab or
    a line break; integers and booleans in their short form."""
    if value is None:
        return ""
    if isinstance(value, URIRef):
        return f"<{value}>"
    if isinstance(value, BNode):
        return f"_:{value}"
    if isinstance(value, Literal):
        lexical = str(value)
        if value.language:
            return f"{_tsv_string(lexical)}@{value.language}"
        if value.datatype is None or value.datatype == XSD.string:
            return _tsv_string(lexical)
        if value.datatype == XSD.boolean and lexical in ("true", "false"):
            return lexical
        if value.datatype == XSD.integer and re.fullmatch(r"[+-]?[0-9]+", lexical):
            return lexical
        return f"{_tsv_string(lexical)}^^<{value.datatype}>"
    return str(value)


def write_table(table: Table, labels: dict[str, str]) -> str:
    cells = [[_plain(v, labels) for v in row] for row in table.rows]
    widths = [len(c) for c in table.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    line = "  ".join(c.ljust(w) for c, w in zip(table.columns, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join([line, rule, *body, f"({len(cells)} rows)"]) + "\n"


def write_csv(table: Table, labels: dict[str, str]) -> str:
    header, rows = _with_label_columns(table, labels)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_tsv(table: Table, labels: dict[str, str]) -> str:
    iri_cols = {
        i
        for i, _ in enumerate(table.columns)
        if any(isinstance(row[i], URIRef) for row in table.rows)
    }
    header = []
    for i, name in enumerate(table.columns):
        header.append(f"?{name}")
        if i in iri_cols:
            header.append(f"?{name}_label")
    lines = ["\t".join(header)]
    for row in table.rows:
        out = []
        for i, value in enumerate(row):
            out.append(_tsv_value(value))
            if i in iri_cols:
                label = label_text(str(value), labels) if isinstance(value, URIRef) else None
                out.append(_tsv_string(label) if label else "")
        lines.append("\t".join(out))
    return "\n".join(lines) + "\n"


def _json_term(value: object) -> dict:
    if isinstance(value, URIRef):
        return {"type": "uri", "value": str(value)}
    if isinstance(value, BNode):
        return {"type": "bnode", "value": str(value)}
    assert isinstance(value, Literal)
    term: dict = {"type": "literal", "value": str(value)}
    if value.language:
        term["xml:lang"] = value.language
    elif value.datatype:
        term["datatype"] = str(value.datatype)
    return term


def write_json(table: Table, labels: dict[str, str]) -> str:
    """SPARQL 1.1 Query Results JSON; labels are not part of that format and are left out."""
    bindings = [
        {name: _json_term(v) for name, v in zip(table.columns, row, strict=True) if v is not None}
        for row in table.rows
    ]
    doc = {"head": {"vars": table.columns}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def write_markdown(table: Table, labels: dict[str, str]) -> str:
    def cell(v):
        return _plain(v, labels).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(table.columns) + " |",
        "|" + "|".join("---" for _ in table.columns) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


WRITERS: dict[str, Callable[[Table, dict[str, str]], str]] = {
    "table": write_table,
    "csv": write_csv,
    "tsv": write_tsv,
    "json": write_json,
    "md": write_markdown,
}


def render(table: Table, fmt: str, labels: dict[str, str]) -> str:
    return WRITERS[fmt](table, labels)


def iris_in(table: Table) -> set[str]:
    return _iris(table)
