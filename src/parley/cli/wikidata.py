"""The Wikidata commands: link (accept, reject), enrich (docs/wikidata.md)."""

from __future__ import annotations

import functools
from pathlib import Path

import click

from parley import api
from parley.cli.common import handle_errors, kg_option, seeds_option
from parley.link.enrich import DEFAULT_LANGUAGES
from parley.link.linking import LINKABLE
from parley.link.wikidata import CONTACT, DEFAULT_API, DEFAULT_CACHE


def wikidata_options(func):
    """The client options shared by `link` and `enrich`, passed on as `client` and `api`."""

    @functools.wraps(func)
    def wrapper(*args, api_url, cache, offline, refresh, timeout, retries, contact, **kwargs):
        client = api.wikidata_client(cache, offline, refresh, timeout, retries, contact)
        return func(*args, client=client, api_url=api_url, **kwargs)

    options = [
        click.option(
            "--api",
            "api_url",
            default=DEFAULT_API,
            show_default=True,
            metavar="URL",
            help="MediaWiki API of Wikidata (or a local stand-in).",
        ),
        click.option(
            "--cache",
            type=click.Path(path_type=Path, file_okay=False),
            default=DEFAULT_CACHE,
            show_default=True,
            help="Folder of cached answers (one JSON file per request).",
        ),
        click.option("--offline", is_flag=True, help="Use cached answers only; never the network."),
        click.option("--refresh", is_flag=True, help="Ask again even when an answer is cached."),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.001),
            default=10.0,
            show_default=True,
            help="Seconds each request may take in all (connect, send, answer).",
        ),
        click.option(
            "--retries",
            type=click.IntRange(0, 10),
            default=3,
            show_default=True,
            help="Retries after 429 (honouring Retry-After), 5xx, timeouts.",
        ),
        click.option(
            "--contact",
            envvar="PARLEY_CONTACT",
            default=CONTACT,
            show_default=True,
            help="Contact (URL or e-mail) sent in the User-Agent, as Wikimedia asks.",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


@click.group("link", invoke_without_command=True)
@seeds_option
@click.option(
    "--entity", "only", multiple=True, metavar="ID", help="Only this entity (repeatable)."
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(LINKABLE),
    help="Only entities of this kind (repeatable).",
)
@click.option("--reconcile", metavar="URL", help="Search with a Reconciliation API v0.2 service.")
@click.option("--language", default="en", show_default=True, help="Language of names searched.")
@click.option(
    "--limit",
    type=click.IntRange(1, 50),
    default=10,
    show_default=True,
    help="Candidates per name searched.",
)
@wikidata_options
@click.pass_context
@handle_errors
def link_group(ctx, seeds, only, kinds, reconcile, language, limit, client, api_url) -> None:
    """Propose Wikidata links for unlinked registry entities: review files, nothing in the graph.

    Writes seeds/links/review/ENTITY.yaml with ranked candidates and their evidence; record a
    decision with `parley link accept` or `parley link reject`.
    """
    if ctx.invoked_subcommand is not None:
        return
    result = api.link(
        seeds,
        client,
        api_url,
        reconcile,
        tuple(only),
        tuple(kinds) or LINKABLE,
        language,
        limit,
    )
    for review in result.reviews:
        best, top = review.suggested, review.candidates[0] if review.candidates else None
        if top is None:
            what = "no candidates"
        elif best is not None:
            what = f"suggested {best.qid} '{best.label}' (score {best.score:g})"
        else:
            what = f"no clear winner; best {top.qid} '{top.label}' (score {top.score:g})"
        n = len(review.candidates)
        click.echo(f"{review.entity.id}: {n} candidate{'s' * (n != 1)}, {what} → {review.path}")
    if result.already_linked:
        click.echo(f"already linked: {len(result.already_linked)} entities")
    click.echo(f"{result.requests} requests sent, {result.from_cache} answers from the cache")


def _decision_options(func):
    for option in reversed(
        [
            click.argument("entity"),
            click.argument("qid"),
            click.option(
                "--by",
                envvar="PARLEY_REVIEWER",
                required=True,
                help="Who decides (or set PARLEY_REVIEWER).",
            ),
            click.option("--note", help="Why; for accept without a review file, the evidence."),
            click.option(
                "--at",
                type=click.DateTime(["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"]),
                default=None,
                help="When, in UTC (default: now).",
            ),
            seeds_option,
        ]
    ):
        func = option(func)
    return func


@link_group.command("accept")
@_decision_options
@handle_errors
def accept_command(entity, qid, by, note, at, seeds) -> None:
    """Accept QID as the Wikidata item of registry ENTITY (in seeds/links/decisions.yaml)."""
    d = api.decide(seeds, entity, qid, "accepted", by, at, note)
    click.echo(f"accepted {d.entity} → {d.qid} by {d.by} at {d.at}; run `parley build`")


@link_group.command("reject")
@_decision_options
@handle_errors
def reject_command(entity, qid, by, note, at, seeds) -> None:
    """Reject QID for registry ENTITY: it is not proposed again (and an accepted link is undone)."""
    d = api.decide(seeds, entity, qid, "rejected", by, at, note)
    click.echo(f"rejected {d.entity} → {d.qid} by {d.by} at {d.at}")


@click.command("enrich")
@seeds_option
@kg_option
@click.option(
    "--languages",
    default=",".join(DEFAULT_LANGUAGES),
    show_default=True,
    help="Comma-separated language codes of labels to fetch.",
)
@wikidata_options
@handle_errors
def enrich_command(seeds, kg, languages, client, api_url) -> None:
    """Fetch labels, countries and positions held of linked entities into kg/wikidata.trig."""
    result = api.enrich(seeds, kg, client, api_url, tuple(languages.split(",")))
    click.echo(f"wrote {result.path} ({result.triples} triples about {len(result.items)} items)")
    if result.missing:
        click.echo(f"warning: Wikidata has no item {', '.join(result.missing)}", err=True)
    click.echo(f"{result.requests} requests sent, {result.from_cache} answers from the cache")
