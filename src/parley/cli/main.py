"""The `parley` command line: the click group; each command family lives in its own module,
each command is options plus one `parley.api` call."""

from __future__ import annotations

import click

from parley.cli import analyst, authoring, graph, querying, stores, wikidata


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="parley-kg")
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress bars (they are shown only when stderr is a terminal anyway).",
)
@click.pass_context
def main(ctx: click.Context, quiet: bool) -> None:
    """Parley: news articles about diplomacy to a validated, linked RDF knowledge graph.

    Typical run: `parley build`, then `parley query who-met-whom`.
    """
    ctx.obj = {"quiet": quiet}


for command in (
    graph.build_command,
    graph.validate_command,
    graph.reason_command,
    graph.stats_command,
    querying.queries_command,
    querying.query_command,
    querying.sparql_command,
    wikidata.link_group,
    wikidata.enrich_command,
    stores.load_command,
    stores.serve_command,
    analyst.export_command,
    analyst.report_command,
    analyst.explain_command,
    authoring.draft_command,
    authoring.draft_eval_command,
    authoring.import_brat_command,
):
    main.add_command(command)
