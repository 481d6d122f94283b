"""The analyst commands: export, report, explain (docs/export.md)."""

from __future__ import annotations

from pathlib import Path

import click

from parley import api
from parley.analyst.export import EXPORT_FORMATS
from parley.cli.common import emit, endpoint_option, handle_errors, kg_option, seeds_option


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    required=True,
    help="plover: PLOVER-style JSON Lines; cameo-csv: ICEWS-like dyadic CSV; or the graph "
    "itself as nquads, trig, turtle (all graphs merged) or jsonld (see docs/export.md).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file (atomically) instead of stdout.",
)
@kg_option
@endpoint_option
@handle_errors
def export_command(fmt: str, out: Path | None, kg: Path, endpoint: str | None) -> None:
    """Export the graph as event data (PLOVER, CAMEO) or as RDF.

    With --endpoint (plover and cameo-csv only), every Parley graph is read from the endpoint
    into memory first: at most 500,000 triples.
    """
    emit(api.export(kg, fmt, endpoint=endpoint), out)


@click.command("report")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write.",
)
@kg_option
@seeds_option
@endpoint_option
@handle_errors
def report_command(out: Path, kg: Path, seeds: Path, endpoint: str | None) -> None:
    """Write one self-contained HTML report: timeline, who-met-whom network, meetings,
    statements in their sentences, and conflicts between sources.

    With --endpoint, every Parley graph is read from the endpoint into memory first (at most
    500,000 triples); the article texts still come from --seeds.
    """
    result = api.report(kg, out, seeds, endpoint=endpoint)
    click.echo(
        f"wrote {out}: {result.meetings} meetings, {result.people} people, "
        f"{result.statements} statements, {result.conflicts} conflicts"
    )


@click.command("explain")
@click.argument("thing")
@kg_option
@seeds_option
@endpoint_option
@handle_errors
def explain_command(thing: str, kg: Path, seeds: Path, endpoint: str | None) -> None:
    """The evidence trail of THING: a meeting, person or other registry id, a statement IRI,
    or a claim SUBJECT/PROPERTY (e.g. round-1/years-since-previous-talks).

    With --endpoint, only the registry and the graphs that mention THING are read from the
    endpoint (at most 500,000 triples); the article texts still come from --seeds.
    """
    click.echo(api.explain(thing, kg, seeds, endpoint=endpoint).text(), nl=False)
