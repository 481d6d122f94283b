"""The graph commands: build, validate, reason, stats."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from parley import api
from parley.cli.common import (
    EXIT_DATA,
    endpoint_option,
    handle_errors,
    kg_option,
    progress_bars,
    seeds_option,
)
from parley.validate.report import REPORT_FORMATS, render_validation


@click.command("build")
@seeds_option
@kg_option
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when kg/ differs from what the seeds produce.",
)
@click.option(
    "--skip-unready",
    is_flag=True,
    help="Leave out (and list) articles without an annotation file and draft annotation "
    "files, instead of failing; the default is strict.",
)
@click.option(
    "--no-store",
    is_flag=True,
    help="Keep no Oxigraph store for `parley query` (it takes about 370 bytes of disk per "
    "quad; an earlier one is removed): for a corpus kept in an external triplestore "
    "(`parley load`, then `--endpoint`). Queries without --endpoint then load kg/ into memory.",
)
@handle_errors
def build_command(seeds: Path, kg: Path, check: bool, skip_unready: bool, no_store: bool) -> None:
    """Build kg/ from the seeds.

    Writes kg/parley.trig (one named graph per article plus the registry graph) and
    kg/inferred.ttl (what OWL RL reasoning adds), canonically and atomically.
    """
    result = api.build(
        seeds,
        kg,
        check=check,
        progress=progress_bars(),
        skip_unready=skip_unready,
        keep_store=not no_store,
    )
    for problem in result.skipped:
        click.echo(f"skipped: {problem}", err=True)
    quads = result.quads
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
        click.echo(f"wrote {path} ({result.files.size(path.name):,} bytes)")
    click.echo(f"graph: {quads} quads in {result.graphs} named graphs")


@click.command("stats")
@kg_option
@endpoint_option
@handle_errors
def stats_command(kg: Path, endpoint: str | None) -> None:
    """Counts per named graph: quads, nodes per class, facts with evidence. Counted by the
    engine (the build's store, or the endpoint's): the graph is never read into Python."""
    for s in api.stats(kg, endpoint):
        classes = ", ".join(f"{k} {v}" for k, v in sorted(s.classes.items()))
        share = f"{s.facts_with_evidence}/{s.facts}" if s.facts else "-"
        parts = [f"quads {s.quads}", f"facts with evidence {share}", classes]
        click.echo(f"{s.graph}\n  " + "; ".join(p for p in parts if p))


@click.command("validate")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(REPORT_FORMATS)),
    default="text",
    show_default=True,
    help="text: grouped by rule, naming article and node; turtle: a SHACL validation report; "
    "json: one object per violation.",
)
@kg_option
@endpoint_option
@handle_errors
def validate_command(fmt: str, kg: Path, endpoint: str | None) -> None:
    """Check kg/parley.trig against ontology/shapes.ttl and queries/checks/ (exit 1 if it fails).

    With --endpoint, the article and registry graphs are read from the endpoint into memory
    (at most 500,000 triples: the shapes run in Python) and checked the same way.
    """
    report = api.validate(kg, endpoint=endpoint)
    click.echo(render_validation(report, fmt), nl=False)
    if not report.conforms:
        sys.exit(EXIT_DATA)


@click.command("reason")
@kg_option
@handle_errors
def reason_command(kg: Path) -> None:
    """OWL 2 RL closure of kg/parley.trig + ontology; write the new triples to kg/inferred.ttl.

    Prints the count per predicate and class; exits 1 when the graph contradicts the ontology.
    """
    result = api.reason(kg)
    inference = result.inference
    state = "wrote" if result.changed else "unchanged"
    click.echo(f"{state} {result.path} ({len(inference.graph)} inferred triples)")
    for predicate, count in inference.counts.items():
        click.echo(f"{count:>7}  {predicate}")
    for cls, count in inference.types.items():
        click.echo(f"{count:>7}  rdf:type {cls}")
    for message in inference.inconsistencies:
        click.echo(f"inconsistent with ontology/parley.ttl: {message}", err=True)
    if inference.inconsistencies:
        sys.exit(EXIT_DATA)
