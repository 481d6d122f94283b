"""The analyst commands: export, report, explain (docs/export.md)."""

from __future__ import annotations

from pathlib import Path

import click

from parley import api
from parley.analyst.export import EXPORT_FORMATS
from parley.cli.common import emit, handle_errors, kg_option, seeds_option


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
@handle_errors
def export_command(fmt: str, out: Path | None, kg: Path) -> None:
    """Export the graph as event data (PLOVER, CAMEO) or as RDF."""
    emit(api.export(kg, fmt), out)


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
@handle_errors
def report_command(out: Path, kg: Path, seeds: Path) -> None:
    """Write one self-contained HTML report: timeline, who-met-whom network, meetings,
    statements in their sentences, and conflicts between sources."""
    result = api.report(kg, out, seeds)
    click.echo(
        f"wrote {out}: {result.meetings} meetings, {result.people} people, "
        f"{result.statements} statements, {result.conflicts} conflicts"
    )


@click.command("explain")
@click.argument("thing")
@kg_option
@seeds_option
@handle_errors
def explain_command(thing: str, kg: Path, seeds: Path) -> None:
    """The evidence trail of THING: a meeting, person or other registry id, a statement IRI,
    or a claim SUBJECT/PROPERTY (e.g. round-1/years-since-previous-talks)."""
    click.echo(api.explain(thing, kg, seeds).text(), nl=False)
