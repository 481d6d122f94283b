"""Statement kinds aligned to event codes: CAMEO code, PLOVER type and label of each kind.

The alignment is read from `ontology/parley.ttl` (`parley:cameoCode`, `parley:ploverType` on
each `kind:` concept); the table `FALLBACK_ALIGNMENT` is used only for kinds the ontology does
not align. See docs/export.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rdflib import RDFS, SKOS, Graph, URIRef

from parley.analyst.facts import StatementFact, local_name
from parley.model.errors import InputError, Problem
from parley.model.iris import KIND, PARLEY
from parley.model.layout import ontology_path

# kind slug -> (CAMEO code, PLOVER type or None): used only where the ontology has no alignment
FALLBACK_ALIGNMENT: dict[str, tuple[str, str | None]] = {
    "make-statement": ("010", None),
    "accuse": ("112", "ACCUSE"),
    "deny": ("016", None),
    "demand": ("100", "REQUEST"),
    "request": ("020", "REQUEST"),
    "propose": ("030", "AGREE"),
    "offer": ("030", "AGREE"),
    "agree": ("030", "AGREE"),
    "reject": ("120", "REJECT"),
    "praise": ("051", "SUPPORT"),
    "criticize": ("111", "ACCUSE"),
    "express-intent": ("030", "AGREE"),
    "express-hope": ("013", None),
}


@dataclass(frozen=True)
class Alignment:
    cameo: str | None
    plover: str | None
    mode: str | None
    label: str
    from_ontology: bool


def kind_alignment(ontology: Path | None = None) -> dict[str, Alignment]:
    """Statement kind slug -> its CAMEO code and PLOVER type, from the ontology when it says."""
    path = ontology or ontology_path()
    graph = Graph()
    if path.exists():
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser exception types
            raise InputError(
                Problem(str(path), None, f"cannot parse the ontology: {exc}", "fix its syntax")
            ) from None
    out = {}
    scheme = URIRef(str(KIND).rstrip("/"))
    slugs = dict(FALLBACK_ALIGNMENT)
    for node in graph.subjects(SKOS.inScheme, scheme):
        slugs.setdefault(local_name(str(node)), (None, None))
    for slug, (cameo, plover) in sorted(slugs.items()):
        node = KIND[slug]
        o_cameo = graph.value(node, PARLEY.cameoCode)
        o_plover = graph.value(node, PARLEY.ploverType)
        o_mode = graph.value(node, PARLEY.ploverMode)
        label = graph.value(node, SKOS.prefLabel) or graph.value(node, RDFS.label)
        found = o_cameo is not None or o_plover is not None
        if found:  # the ontology aligns this kind: an absent PLOVER type means "none"
            cameo = str(o_cameo) if o_cameo is not None else None
            plover = _plover_name(o_plover) if o_plover is not None else None
        out[slug] = Alignment(
            cameo=cameo,
            plover=plover,
            mode=str(o_mode) if found and o_mode is not None else None,
            label=str(label) if label is not None else slug.replace("-", " "),
            from_ontology=found,
        )
    return out


def _plover_name(value) -> str:
    """A PLOVER type given as a literal ("ACCUSE") or an IRI (…#Accuse) -> "ACCUSE"."""
    return local_name(str(value)).upper()


def coded_statements(
    statements: list[StatementFact],
    alignment: dict[str, Alignment],
    scheme: Literal["cameo", "plover"],
) -> Iterator[tuple[StatementFact, Alignment]]:
    """The statements whose kind has a code in `scheme`, each with its kind's alignment."""
    for s in statements:
        align = alignment.get(s.kind)
        if align is not None and getattr(align, scheme) is not None:
            yield s, align
