"""What every command shares: exit codes, turning user errors into one line, progress bars,
the common options, and writing output atomically."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from parley.model.errors import ParleyError, one_line
from parley.model.kgio import write_atomic
from parley.model.progress import bars
from parley.query.results import WRITERS

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
        except BrokenPipeError:
            raise
        except OSError as exc:  # a path or disk the library did not report itself
            where = f"{exc.filename}: " if exc.filename else ""
            reason = exc.strerror or str(exc)
            fix = "check the path, its permissions and the free space on its disk"
            click.echo(one_line(f"error: {where}{reason} — {fix}"), err=True)
            sys.exit(EXIT_USAGE)

    return wrapper


def progress_bars():
    """Progress bars on stderr for the current command, unless --quiet (or not a terminal)."""
    ctx = click.get_current_context(silent=True)
    quiet = bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("quiet"))
    return bars(show=not quiet)


seeds_option = click.option(
    "--seeds",
    type=click.Path(path_type=Path, file_okay=False, readable=False),  # seeds.seedfile checks
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
endpoint_option = click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Read the graph from this SPARQL endpoint, loaded by `parley load` (query, sparql: "
    "implies --backend endpoint). Credentials come from PARLEY_ENDPOINT_USER/"
    "PARLEY_ENDPOINT_PASSWORD or ~/.netrc.",
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


def emit(data: bytes, out: Path | None) -> None:
    """Write `data` atomically to `out`, or to stdout."""
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_atomic(out, data)
        click.echo(f"wrote {out}", err=True)
