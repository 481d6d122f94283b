"""The authoring commands: draft, draft-eval, import-brat (docs/drafting.md, docs/brat.md)."""

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
@click.option(
    "--propose-registry",
    "proposals",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write registry entries for the names, outlets and meetings the draft could not "
    "match (a registry YAML file to review, then save in seeds/registry/).",
)
@seeds_option
@handle_errors
def draft_command(
    article: Path, date, out: Path | None, proposals: Path | None, seeds: Path
) -> None:
    """Draft an annotation file for ARTICLE.txt, marked `draft: true` for review."""
    drafted = api.draft(article, seeds, date.date() if date else None)
    emit(drafted.annotations.encode("utf-8"), out)
    if proposals is not None:
        emit(drafted.registry.encode("utf-8"), proposals)


@click.command("draft-eval")
@click.argument("gold", type=click.Path(path_type=Path, file_okay=False, readable=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--per-article", is_flag=True, help="Add one row (or object) per article.")
@click.option(
    "--against",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Another annotator's corpus folder (annotations/ of some of GOLD's articles; a "
    "registry/ of its own replaces GOLD's, so copy GOLD's and add to it): score those "
    "instead of drafts, for inter-annotator agreement (the 'drafted' column is then theirs; "
    "files named after no article of GOLD are listed as skipped).",
)
@handle_errors
def draft_eval_command(gold: Path, fmt: str, per_article: bool, against: Path | None) -> None:
    """Score `parley draft` against the hand annotations of GOLD (a corpus folder like seeds/:
    articles/, annotations/, registry/): precision and recall of mentions, quotations,
    reported speech, their speakers, meetings and outlets; silent misattributions."""
    click.echo(api.draft_eval(gold, fmt, per_article, against), nl=False)


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
