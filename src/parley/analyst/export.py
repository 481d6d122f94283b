"""Export the built graph: as event data (PLOVER, CAMEO) or as RDF; see docs/export.md."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from parley.analyst.alignment import Alignment, kind_alignment
from parley.analyst.export_cameo import write_cameo_csv
from parley.analyst.export_plover import write_plover
from parley.analyst.export_rdf import RDF_WRITERS
from parley.analyst.facts import Facts
from parley.analyst.facts_reader import read_facts
from parley.model.errors import UsageError
from parley.model.layout import TRIG_NAME
from parley.query.backends import MemoryStore

EVENT_WRITERS: dict[str, Callable[[Facts, dict[str, Alignment]], bytes]] = {
    "plover": write_plover,
    "cameo-csv": write_cameo_csv,
}
EXPORT_FORMATS = tuple(sorted((*RDF_WRITERS, *EVENT_WRITERS)))


def is_event_format(fmt: str) -> bool:
    """Whether `fmt` is event data (read from the whole store) rather than the graph as RDF;
    a format that is neither is a usage error."""
    if fmt not in EXPORT_FORMATS:
        choices = ", ".join(EXPORT_FORMATS)
        raise UsageError(f"unknown export format '{fmt}' — choose one of {choices}")
    return fmt in EVENT_WRITERS


def export_events(store: MemoryStore, fmt: str, ontology: Path | None = None) -> bytes:
    """The facts of `store` (the whole dataset) as event data in format `fmt` (see
    EVENT_WRITERS), statement kinds aligned by `ontology` (default: Parley's own)."""
    return EVENT_WRITERS[fmt](read_facts(store.dataset), kind_alignment(ontology))


def export_graph(kg: Path, fmt: str) -> bytes:
    """The built graph file of `kg/` alone (no inferences, no ontology) in the RDF format
    `fmt` (see RDF_WRITERS)."""
    return RDF_WRITERS[fmt](MemoryStore.from_files(kg / TRIG_NAME).dataset)
