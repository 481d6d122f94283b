"""The analyst commands of the API: export, report and explain, each on the store of kg/ or,
with `endpoint`, on Parley's graphs read from a SPARQL endpoint (`query.remote`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from parley.analyst.export import export_events, export_graph, is_event_format
from parley.api.querying import open_store
from parley.model.errors import UsageError
from parley.query.backends import MemoryStore

if TYPE_CHECKING:
    from parley.analyst.explain import Explanation
    from parley.analyst.report import ReportResult


def export(kg: Path, fmt: str, ontology: Path | None = None, endpoint: str | None = None) -> bytes:
    """The graph in `kg/` in format `fmt` (see `analyst.export.EXPORT_FORMATS`): event data
    from the whole store (or every Parley graph of `endpoint`), RDF from the built graph file
    alone."""
    if is_event_format(fmt):
        return export_events(_facts_store(kg, endpoint), fmt, ontology)
    if endpoint is not None:
        raise UsageError(
            f"--endpoint exports event data only (plover, cameo-csv): {fmt} is the graph "
            "itself — export it from the kg/ that was loaded, or CONSTRUCT it with the server"
        )
    return export_graph(kg, fmt)


def report(
    kg: Path, out: Path | None = None, seeds: Path | None = None, endpoint: str | None = None
) -> ReportResult:
    """The HTML report of the graph in `kg/` (or of every Parley graph of `endpoint`), written
    atomically to `out` when given."""
    from parley.analyst.report import make_report  # lazy: start-up speed

    return make_report(_facts_store(kg, endpoint), out, seeds)


def explain(
    thing: str, kg: Path, seeds: Path | None = None, endpoint: str | None = None
) -> Explanation:
    """The evidence trail of `thing` (a registry id, an IRI, or SUBJECT/PROPERTY) in `kg/`,
    or in the graphs of `endpoint` that mention it (plus the registry)."""
    from parley.analyst.explain import explain_thing  # lazy: start-up speed

    if endpoint is None:
        return explain_thing(thing, open_store(kg), seeds)
    from parley.query.remote import graphs_about, read_dataset  # lazy: start-up speed

    remote = open_store(kg, "endpoint", endpoint=endpoint)
    dataset = read_dataset(remote, graphs=graphs_about(remote, thing))
    return explain_thing(thing, MemoryStore(dataset), seeds)


def _facts_store(kg: Path, endpoint: str | None) -> MemoryStore:
    """The rdflib store the analyst reads: kg/'s files, or every Parley graph of `endpoint`
    (refused above `query.remote.MAX_REMOTE_TRIPLES`)."""
    if endpoint is None:
        return open_store(kg)
    from parley.query.remote import read_dataset  # lazy: start-up speed

    return MemoryStore(read_dataset(open_store(kg, "endpoint", endpoint=endpoint)))
