"""The `parley` command line: each command is options plus one library call."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import api
from .build import build as build_graph
from .errors import ParleyError
from .queries import catalogue
from .results import WRITERS, render

EXIT_DATA = 1
EXIT_USAGE = 2


def handle_errors(func):
    """Turn user errors into one-line messages on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ParleyError as exc:
            for line in str(exc).splitlines():
                click.echo(f"error: {line}", err=True)
            sys.exit(EXIT_USAGE)

    return wrapper


seeds_option = click.option(
    "--seeds",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("seeds"),
    show_default=True,
    help="Folder with articles/, annotations/ and registry/.",
)
kg_option = click.option(
    "--kg",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("kg"),
    show_default=True,
    help="Folder of the built graph.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(WRITERS)),
    default="table",
    show_default=True,
    help="Output format; csv/tsv add a *_label column beside each IRI column; json is the "
    "SPARQL 1.1 Query Results JSON format.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="parley-kg")
def main() -> None:
    """Parley: news articles about diplomacy to a validated, linked RDF knowledge graph.

    Typical run: `parley build`, then `parley query who-met-whom`.
    """


@main.command()
@seeds_option
@kg_option
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when kg/ differs from what the seeds produce.",
)
@handle_errors
def build(seeds: Path, kg: Path, check: bool) -> None:
    """Build kg/parley.trig from the seeds: one named graph per article plus the registry."""
    result = build_graph(seeds, kg, check=check)
    quads = len(result.dataset)
    if check:
        if result.stale:
            click.echo(
                f"kg/ is out of date: {', '.join(result.stale)} differ from what "
                f"{seeds} produces — run `parley build`",
                err=True,
            )
            sys.exit(EXIT_DATA)
        click.echo(f"kg/ is up to date ({quads} quads)")
        return
    for path in result.written:
        click.echo(f"wrote {path} ({quads} quads)")


@main.command("queries")
def list_queries() -> None:
    """List the saved queries with their parameters."""
    for name, q in catalogue().items():
        params = " ".join(
            f"[-p {p.name}=…]" if not p.required else f"-p {p.name}=…" for p in q.params
        )
        click.echo(f"{name:<20} {q.summary}" + (f"  {params}" if params else ""))


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{item}' is not name=value", param_hint="-p")
        params[name.strip()] = value
    return params


@main.command()
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter (repeatable). IRI values take a registry id, a "
    "prefixed name or a full IRI.",
)
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Print at most N rows.")
@format_option
@kg_option
@handle_errors
def query(name: str, params: tuple[str, ...], limit: int | None, fmt: str, kg: Path) -> None:
    """Run the saved query NAME (see `parley queries`)."""
    result = api.run_query(name, kg, _parse_params(params), limit=limit)
    click.echo(render(result.table, fmt, result.labels), nl=False)


@main.command()
@kg_option
@handle_errors
def stats(kg: Path) -> None:
    """Counts per named graph: quads, nodes per class, facts with evidence."""
    for s in api.stats(kg):
        classes = ", ".join(f"{k} {v}" for k, v in sorted(s.classes.items()))
        share = f"{s.facts_with_evidence}/{s.facts}" if s.facts else "-"
        click.echo(f"{s.graph}\n  quads {s.quads}; facts with evidence {share}; {classes}")
