"""The CSV and TSV writers (column by column, each distinct term's cells written once) print
exactly what the straightforward writers print: the csv module row by row, and cell by cell
(labels, else prefixed names, in the `*_label` columns)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import XSD, BNode, Literal, URIRef

from parley.query.backends import Table
from parley.query.results import _csv_value, _tsv_string, _tsv_value, label_text, render


def reference_csv(table: Table, labels: dict[str, str]) -> str:
    """The csv module, row by row, a `*_label` column beside every column holding IRIs."""
    labelled = [
        any(isinstance(row[i], URIRef) for row in table.rows) for i in range(len(table.columns))
    ]
    header = []
    for name, has in zip(table.columns, labelled, strict=True):
        header += [name, f"{name}_label"] if has else [name]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in table.rows if table.columns else []:
        out = []
        for value, has in zip(row, labelled, strict=True):
            out.append(_csv_value(value))
            if has:
                out.append(label_text(str(value), labels) if isinstance(value, URIRef) else "")
        writer.writerow(out)
    return buf.getvalue()


def reference_tsv(table: Table, labels: dict[str, str]) -> str:
    labelled = [
        any(isinstance(row[i], URIRef) for row in table.rows) for i in range(len(table.columns))
    ]
    header = []
    for name, has in zip(table.columns, labelled, strict=True):
        header += [f"?{name}", f"?{name}_label"] if has else [f"?{name}"]
    lines = ["\t".join(header)]
    for row in table.rows:
        out = []
        for value, has in zip(row, labelled, strict=True):
            out.append(_tsv_value(value))
            if has:
                label = label_text(str(value), labels) if isinstance(value, URIRef) else None
                out.append(_tsv_string(label) if label else "")
        lines.append("\t".join(out))
    return "\n".join(lines) + "\n"


TEXT = st.text(
    st.sampled_from(["a", " ", ",", '"', "\r", "\n", "\t", "\\", "é", "⏎", "'"]), max_size=6
)
IRIS = st.sampled_from(
    [
        URIRef("https://w3id.org/parley/id/person/a"),
        URIRef("https://w3id.org/parley/id/person/b"),
        URIRef("urn:x:b,c"),
    ]
)
TERMS = st.one_of(
    st.none(),
    IRIS,
    st.builds(BNode, st.sampled_from(["b0", "b1"])),
    st.builds(Literal, TEXT),
    st.builds(lambda t: Literal(t, lang="en"), TEXT),
    st.builds(lambda n: Literal(n, datatype=XSD.integer), st.integers(-5, 5)),
    st.builds(lambda t: Literal(t, datatype=XSD.date), TEXT),
    st.sampled_from([Literal(True), Literal("1", datatype=XSD.boolean)]),
)


@st.composite
def tables(draw) -> Table:
    width = draw(st.integers(0, 4))
    pool = draw(st.lists(TERMS, min_size=1, max_size=6))  # shared objects, as stores give them
    rows = draw(
        st.lists(
            st.lists(st.sampled_from(pool) | TERMS, min_size=width, max_size=width), max_size=6
        )
    )
    return Table(columns=[f"c{i}" for i in range(width)], rows=rows)


LABELS = {"https://w3id.org/parley/id/person/a": 'A "b",\nc', "urn:x:b,c": ""}


@settings(max_examples=400)
@given(tables())
def test_csv_is_what_the_csv_module_writes(table):
    assert render(table, "csv", LABELS) == reference_csv(table, LABELS)


@settings(max_examples=400)
@given(tables())
def test_tsv_is_what_the_cell_by_cell_writer_writes(table):
    assert render(table, "tsv", LABELS) == reference_tsv(table, LABELS)


def test_a_lone_empty_field_is_quoted_as_the_csv_module_does():
    table = Table(columns=["x"], rows=[[None], [Literal("")], [Literal("a")]])
    assert render(table, "csv", {}) == 'x\r\n""\r\n""\r\na\r\n'
    assert render(Table(columns=[], rows=[[], []]), "csv", {}) == "\r\n"
