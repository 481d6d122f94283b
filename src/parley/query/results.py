"""Writers for query results: table, csv, tsv, json (SPARQL 1.1 results), markdown."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from operator import itemgetter

from rdflib import XSD, BNode, Literal, URIRef

from parley.model.iris import PREFIXES
from parley.query.backends import Table


def _iris(table: Table) -> set[str]:
    return {str(v) for column in _distinct_columns(table) for v in column if isinstance(v, URIRef)}


def _distinct_columns(table: Table) -> list[list[object]]:
    """Each column's distinct term objects (the stores hand out one object per distinct term,
    and `table.rows` keeps them all alive, so their ids stay theirs)."""
    out = []
    for i in range(len(table.columns)):
        column = list(map(itemgetter(i), table.rows))
        out.append(list(dict(zip(map(id, column), column, strict=True)).values()))
    return out


def _cells(table: Table, cell: Callable[[int, object], str]) -> list[list[str]]:
    """Column by column, the text of each cell: `cell(column, term)` is worked out once per
    distinct term object of a column, then looked up for every row (in C, by object id)."""
    out = []
    for i in range(len(table.columns)):
        column = list(map(itemgetter(i), table.rows))
        ids = list(map(id, column))
        distinct = dict(zip(ids, column, strict=True))
        text = {ident: cell(i, value) for ident, value in distinct.items()}
        out.append(list(map(text.__getitem__, ids)))
    return out


def _lines(columns: list[list[str]], separator: str) -> list[str]:
    """The rows of `columns` (lists of cell texts) as lines, cells joined by `separator`."""
    return list(map(separator.join, zip(*columns, strict=True)))


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


_CSV_QUOTED = re.compile(r'[,"\r\n]')


def _csv_field(text: str) -> str:
    """A field as Python's csv writer (excel dialect, QUOTE_MINIMAL) writes it."""
    if _CSV_QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _iri_columns(table: Table) -> set[int]:
    """The columns that hold at least one IRI: each gets a label column beside it."""
    return {
        i
        for i, column in enumerate(_distinct_columns(table))
        if any(isinstance(value, URIRef) for value in column)
    }


def write_csv(table: Table, labels: dict[str, str]) -> str:
    """SPARQL 1.1 CSV with a `*_label` column beside every column that holds IRIs (its label,
    else its prefixed name), quoted as the csv module quotes; each distinct term's cells are
    written once, rows joined in C."""
    labelled = _iri_columns(table)

    def cell(i: int, value: object) -> str:
        text = _csv_field(_csv_value(value))
        if i not in labelled:
            return text
        label = label_text(str(value), labels) if isinstance(value, URIRef) else ""
        return f"{text},{_csv_field(label)}"

    header = []
    for i, name in enumerate(table.columns):
        header.append(_csv_field(name))
        if i in labelled:
            header.append(_csv_field(f"{name}_label"))
    if not table.columns:  # what the csv module writes of no columns: an empty header
        return "\r\n"
    lines = [",".join(header), *_lines(_cells(table, cell), ",")]
    # the csv module quotes a record that would otherwise be an empty line (one empty field)
    return "".join(f"{line}\r\n" if line else '""\r\n' for line in lines)


def write_tsv(table: Table, labels: dict[str, str]) -> str:
    """SPARQL 1.1 TSV with a `?*_label` column beside every column that holds IRIs, written
    column by column as `write_csv` is."""
    labelled = _iri_columns(table)

    def cell(i: int, value: object) -> str:
        text = _tsv_value(value)
        if i not in labelled:
            return text
        label = label_text(str(value), labels) if isinstance(value, URIRef) else None
        return f"{text}\t{_tsv_string(label) if label else ''}"

    header = []
    for i, name in enumerate(table.columns):
        header.append(f"?{name}")
        if i in labelled:
            header.append(f"?{name}_label")
    body = _lines(_cells(table, cell), "\t") if table.columns else [""] * len(table.rows)
    return "\n".join(["\t".join(header), *body]) + "\n"


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
