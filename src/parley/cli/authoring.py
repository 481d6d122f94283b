"""The authoring commands: draft, import-brat (docs/drafting.md, docs/brat.md)."""

from __future__ import annotations

from pathlib import Path

import click

from parley import api
from parley.cli.common import emit, handle_errors, seeds_option


@click.command("draft")
@click.argument("article", type=click.Path(path_type=Path, readable=False))  # seeds.seedfile
@click.option(
    "--date",
    "date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The article's publication date (YYYY-MM-DD): relative dates are normalised against it.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the draft here (atomically) instead of stdout.",
)
@seeds_option
@handle_errors
def draft_command(article: Path, date, out: Path | None, seeds: Path) -> None:
    """Draft an annotation file for ARTICLE.txt, marked `draft: true` for review."""
    text = api.draft(article, seeds, date.date() if date else None)
    emit(text.encode("utf-8"), out)


@click.command("import-brat")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="YAML file mapping brat types to Parley (docs/brat.md).",
)
@click.option("--force", is_flag=True, help="Replace existing annotation files.")
@seeds_option
@handle_errors
def import_brat_command(folder: Path, mapping: Path, force: bool, seeds: Path) -> None:
    """Convert brat standoff (.txt + .ann) in FOLDER into seeds/annotations (and articles)."""
    result = api.import_brat(folder, mapping, seeds, force=force)
    for path in result.written:
        click.echo(f"wrote {path}")
