"""The analyst commands of the API: export, report and explain, each on the store of kg/."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from parley.analyst.export import export_events, export_graph, is_event_format
from parley.api.querying import open_store

if TYPE_CHECKING:
    from parley.analyst.explain import Explanation
    from parley.analyst.report import ReportResult


def export(kg: Path, fmt: str, ontology: Path | None = None) -> bytes:
    """The graph in `kg/` in format `fmt` (see `analyst.export.EXPORT_FORMATS`): event data
    from the whole store, RDF from the built graph file alone."""
    if is_event_format(fmt):
        return export_events(open_store(kg), fmt, ontology)
    return export_graph(kg, fmt)


def report(kg: Path, out: Path | None = None, seeds: Path | None = None) -> ReportResult:
    """The HTML report of the graph in `kg/`, written atomically to `out` when given."""
    from parley.analyst.report import make_report  # lazy: start-up speed

    return make_report(open_store(kg), out, seeds)


def explain(thing: str, kg: Path, seeds: Path | None = None) -> Explanation:
    """The evidence trail of `thing` (a registry id, an IRI, or SUBJECT/PROPERTY) in `kg/`."""
    from parley.analyst.explain import explain_thing  # lazy: start-up speed

    return explain_thing(thing, open_store(kg), seeds)
