"""The query commands: queries, query, sparql."""

from __future__ import annotations

from pathlib import Path

import click

from parley import api
from parley.cli.common import endpoint_option, format_option, handle_errors, kg_option
from parley.query.results import render

allow_service_option = click.option(
    "--allow-service",
    "allow_service",
    multiple=True,
    metavar="HOST[:PORT]",
    help="Let SERVICE clauses call this host (repeatable; without a port, any port). "
    "Federation is off by default: a query that calls another server is refused.",
)


@click.command("queries")
@click.argument("name", required=False)
@handle_errors
def queries_command(name: str | None) -> None:
    """List the saved queries with their parameters; with NAME, describe that query."""
    if name:
        click.echo(api.describe_query(name), nl=False)
        return
    for qname, q in api.catalogue().items():
        click.echo(f"{qname:<20} {q.summary}")
        for p in q.params:
            usage = f"-p {p.name}={p.type.upper()}"
            need = "required" if p.required else "optional"
            click.echo(f"{'':<21}{usage:<22} {need}; {p.doc}")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"'{item}' is not name=value", param_hint="-p")
        params[name.strip()] = value
    return params


@click.command("query")
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
@click.option("--online", is_flag=True, help="Allow online-only (federated) queries.")
@click.option(
    "--backend",
    type=click.Choice(["memory", "oxigraph", "endpoint"]),
    default=None,
    help="Query engine: oxigraph (embedded, the default: fastest), memory (rdflib, the "
    "reference) or endpoint (a SPARQL endpoint loaded by `parley load`).",
)
@endpoint_option
@click.option(
    "--store-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Keep the Oxigraph store on disk in DIR (reloaded only when kg/ changes).",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Run the query again even if its answer on the same data is remembered.",
)
@handle_errors
def query_command(
    name: str,
    params: tuple[str, ...],
    limit: int | None,
    fmt: str,
    kg: Path,
    online: bool,
    backend: str | None,
    endpoint: str | None,
    store_dir: Path | None,
    fresh: bool,
) -> None:
    """Run the saved query NAME (see `parley queries`).

    On the Oxigraph store (the default) the printed answer is remembered: the same question,
    parameters, limit and format on the same built data is then answered at once. A build
    that changes the data, or --fresh, runs the query again.
    """
    answer = api.answer_query(
        name,
        kg,
        _parse_params(params),
        fmt=fmt,
        limit=limit,
        online=online,
        backend=backend,
        endpoint=endpoint,
        store_dir=store_dir,
        fresh=fresh,
    )
    for chunk in answer.chunks():
        click.echo(chunk, nl=False)


@click.command("sparql")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--limit", type=click.IntRange(min=0), default=None, help="Print at most N rows.")
@format_option
@kg_option
@click.option(
    "--backend",
    type=click.Choice(["memory", "oxigraph", "endpoint"]),
    default=None,
    help="Query engine: oxigraph (default), memory (rdflib) or endpoint.",
)
@endpoint_option
@allow_service_option
@handle_errors
def sparql_command(
    file,
    limit: int | None,
    fmt: str,
    kg: Path,
    backend: str | None,
    endpoint: str | None,
    allow_service: tuple[str, ...],
) -> None:
    """Run an ad-hoc SPARQL SELECT query from FILE (or - for stdin) over kg/.

    The default graph is the union of all graphs, as on `parley serve`; GRAPH ?g { … } names
    them (one per article, plus the registry and the ontology). SERVICE (federation) is
    refused unless --allow-service names its host.
    """
    result = api.run_sparql(
        file.read(),
        kg,
        source=file.name,
        limit=limit,
        backend=backend,
        endpoint=endpoint,
        allow_service=allow_service,
    )
    click.echo(render(result.table, fmt, result.labels), nl=False)
