"""The `parley` command line: each command is options plus one library call."""

from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path

import click

from parley import api
from parley.analyst.export import EXPORT_FORMATS
from parley.build.corpus import build as build_graph
from parley.link import linking, wikidata
from parley.link.enrich import DEFAULT_LANGUAGES
from parley.link.enrich import enrich as enrich_graph
from parley.model.errors import ParleyError
from parley.query.catalogue import catalogue
from parley.query.results import WRITERS, render
from parley.validate.report import REPORT_FORMATS

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


def progress_bars():
    """Progress bars on stderr for the current command, unless --quiet (or not a terminal)."""
    from parley.model.progress import bars

    ctx = click.get_current_context(silent=True)
    quiet = bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("quiet"))
    return bars(show=not quiet)


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
    """Build kg/ from the seeds.

    Writes kg/parley.trig (one named graph per article plus the registry graph) and
    kg/inferred.ttl (what OWL RL reasoning adds), canonically and atomically.
    """
    result = build_graph(seeds, kg, check=check, progress=progress_bars())
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


@main.command("queries")
@click.argument("name", required=False)
@handle_errors
def list_queries(name: str | None) -> None:
    """List the saved queries with their parameters; with NAME, describe that query."""
    from parley.query.catalogue import describe, get_query

    if name:
        click.echo(describe(get_query(name)), nl=False)
        return
    for qname, q in catalogue().items():
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
@click.option("--online", is_flag=True, help="Allow online-only (federated) queries.")
@click.option(
    "--backend",
    type=click.Choice(["memory", "oxigraph", "endpoint"]),
    default=None,
    help="Query engine: oxigraph (embedded, the default: fastest), memory (rdflib, the "
    "reference) or endpoint (a SPARQL endpoint loaded by `parley load`).",
)
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Run the query on this SPARQL endpoint (implies --backend endpoint). Credentials come "
    "from PARLEY_ENDPOINT_USER/PARLEY_ENDPOINT_PASSWORD or ~/.netrc.",
)
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
def query(
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


@main.command()
@kg_option
@handle_errors
def stats(kg: Path) -> None:
    """Counts per named graph: quads, nodes per class, facts with evidence."""
    for s in api.stats(kg):
        classes = ", ".join(f"{k} {v}" for k, v in sorted(s.classes.items()))
        share = f"{s.facts_with_evidence}/{s.facts}" if s.facts else "-"
        click.echo(f"{s.graph}\n  quads {s.quads}; facts with evidence {share}; {classes}")


# --- Wikidata: link, review, accept/reject, enrich (docs/wikidata.md) ---------------------------


def wikidata_options(func):
    """The client options shared by `link` and `enrich`, passed on as `client` and `api`."""

    @functools.wraps(func)
    def wrapper(*args, api_url, cache, offline, refresh, timeout, retries, contact, **kwargs):
        client = wikidata.Client(
            cache=cache,
            offline=offline,
            refresh=refresh,
            timeout=timeout,
            retries=retries,
            agent=wikidata.user_agent(contact),
        )
        return func(*args, client=client, api_url=api_url, **kwargs)

    options = [
        click.option(
            "--api",
            "api_url",
            default=wikidata.DEFAULT_API,
            show_default=True,
            metavar="URL",
            help="MediaWiki API of Wikidata (or a local stand-in).",
        ),
        click.option(
            "--cache",
            type=click.Path(path_type=Path, file_okay=False),
            default=wikidata.DEFAULT_CACHE,
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
            help="Seconds to wait for each answer.",
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
            default=wikidata.CONTACT,
            show_default=True,
            help="Contact (URL or e-mail) sent in the User-Agent, as Wikimedia asks.",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


@main.group("link", invoke_without_command=True)
@seeds_option
@click.option(
    "--entity", "only", multiple=True, metavar="ID", help="Only this entity (repeatable)."
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(linking.LINKABLE),
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
def link(ctx, seeds, only, kinds, reconcile, language, limit, client, api_url) -> None:
    """Propose Wikidata links for unlinked registry entities: review files, nothing in the graph.

    Writes seeds/links/review/ENTITY.yaml with ranked candidates and their evidence; record a
    decision with `parley link accept` or `parley link reject`.
    """
    if ctx.invoked_subcommand is not None:
        return
    result = linking.link(
        seeds,
        client,
        api_url,
        reconcile,
        tuple(only),
        tuple(kinds) or linking.LINKABLE,
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


@link.command("accept")
@_decision_options
@handle_errors
def link_accept(entity, qid, by, note, at, seeds) -> None:
    """Accept QID as the Wikidata item of registry ENTITY (in seeds/links/decisions.yaml)."""
    d = linking.decide(seeds, entity, qid, "accepted", by, at, note)
    click.echo(f"accepted {d.entity} → {d.qid} by {d.by} at {d.at}; run `parley build`")


@link.command("reject")
@_decision_options
@handle_errors
def link_reject(entity, qid, by, note, at, seeds) -> None:
    """Reject QID for registry ENTITY: it is not proposed again (and an accepted link is undone)."""
    d = linking.decide(seeds, entity, qid, "rejected", by, at, note)
    click.echo(f"rejected {d.entity} → {d.qid} by {d.by} at {d.at}")


@main.command()
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
def enrich(seeds, kg, languages, client, api_url) -> None:
    """Fetch labels, countries and positions held of linked entities into kg/wikidata.trig."""
    result = enrich_graph(seeds, kg, client, api_url, tuple(languages.split(",")))
    click.echo(f"wrote {result.path} ({result.triples} triples about {len(result.items)} items)")
    if result.missing:
        click.echo(f"warning: Wikidata has no item {', '.join(result.missing)}", err=True)
    click.echo(f"{result.requests} requests sent, {result.from_cache} answers from the cache")


# -- triplestores: `parley load`, `parley serve` (docs/triplestores.md) ----------------------


@main.command("load")
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="SPARQL query URL of the store, used to verify the counts (Oxigraph: /query, "
    "Virtuoso: /sparql).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    default=None,
    help="Graph Store Protocol URL when it differs from --endpoint (Oxigraph: /store, "
    "Virtuoso: /sparql-graph-crud-auth).",
)
@click.option("--dry-run", is_flag=True, help="Count the graphs to load; send nothing.")
@click.option("--prune", is_flag=True, help="Also drop Parley graphs that kg/ no longer has.")
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=100_000,
    show_default=True,
    help="Triples per request: a larger graph is sent as one PUT and then POSTs.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    default=4,
    show_default=True,
    help="Retries of a failed request (back-off 0.5, 1, 2, 4… s; Retry-After honoured).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=300.0,
    show_default=True,
    help="Seconds to wait for each answer before retrying.",
)
@kg_option
@handle_errors
def load_command(
    endpoint: str,
    graph_store: str | None,
    dry_run: bool,
    prune: bool,
    batch_size: int,
    retries: int,
    timeout: float,
    kg: Path,
) -> None:
    """Load every named graph of kg/ (and the ontology) into a triplestore, replacing each.

    Credentials come from PARLEY_ENDPOINT_USER/PARLEY_ENDPOINT_PASSWORD or ~/.netrc.
    Exit 1 when a graph's triple count in the store differs from the local one; exit 2 when
    the store cannot be reached or keeps failing after the retries (run it again later).
    """
    from parley.stores import load
    from parley.stores.retry import RetryPolicy

    todo = load.plan(kg)
    with click.progressbar(
        length=todo.triples, label="loading", file=sys.stderr, hidden=not sys.stderr.isatty()
    ) as bar:
        result = load.load(
            todo,
            endpoint,
            graph_store,
            dry_run=dry_run,
            prune=prune,
            progress=bar.update,
            batch=batch_size,
            retry=RetryPolicy(attempts=retries + 1),
            timeout=timeout,
        )
    for g in result.graphs:
        remote = "" if result.dry_run else f" -> {g.remote} in the store"
        click.echo(f"{g.graph}: {g.local} triples{remote}")
    if result.dry_run:
        click.echo(
            f"dry run: would load {len(result.graphs)} graphs, {result.triples} triples "
            f"into {result.graph_store}"
        )
        return
    for graph in result.stale:
        action = "dropped" if result.pruned else "kept (not in kg/; --prune drops it)"
        click.echo(f"warning: {graph}: {action}", err=True)
    if result.mismatches:
        for g in result.mismatches:
            click.echo(
                f"error: {g.graph}: {g.remote} triples in the store, {g.local} in kg/ — "
                "load again; if it persists the store rewrites some literals",
                err=True,
            )
        sys.exit(EXIT_DATA)
    retried = f" ({result.retries} requests retried)" if result.retries else ""
    click.echo(
        f"loaded {len(result.graphs)} graphs, {result.triples} triples in "
        f"{result.seconds:.1f} s{retried}; counts verified"
    )


@main.command("serve")
@kg_option
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; anything but loopback exposes the graph to the network.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=30.0,
    show_default=True,
    help="Seconds a query may run; a longer one is stopped (HTTP 504).",
)
@click.option(
    "--max-result-bytes",
    type=click.IntRange(1),
    default=10_000_000,
    show_default=True,
    help="Largest result sent back; a larger one is cut off (HTTP 507).",
)
@handle_errors
def serve_command(kg: Path, port: int, host: str, timeout: float, max_result_bytes: int) -> None:
    """Serve kg/ as a read-only SPARQL endpoint (Oxigraph) until Ctrl-C or SIGTERM.

    Updates are refused; each query has a time limit and a result-size limit.
    """
    from parley.stores.guard import Limits
    from parley.stores.serve import is_loopback, serve

    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: other machines can query this graph", err=True)

    def ready(server) -> None:
        click.echo(f"SPARQL endpoint: {server.url}\nquery UI: {server.ui}\n(Ctrl-C to stop)")

    with contextlib.suppress(KeyboardInterrupt):
        serve(kg, host, port, on_ready=ready, limits=Limits(timeout, max_result_bytes))
    click.echo("stopped")


# -- ad-hoc SPARQL (docs/competency-questions.md) ----------------------------------------------


@main.command("sparql")
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
@click.option("--endpoint", metavar="URL", default=None, help="Run it on this SPARQL endpoint.")
@handle_errors
def sparql_command(
    file, limit: int | None, fmt: str, kg: Path, backend: str | None, endpoint: str | None
) -> None:
    """Run an ad-hoc SPARQL SELECT query from FILE (or - for stdin) over kg/.

    Use GRAPH patterns: facts live in named graphs (one per article, plus the registry).
    """
    result = api.run_sparql(
        file.read(), kg, source=file.name, limit=limit, backend=backend, endpoint=endpoint
    )
    click.echo(render(result.table, fmt, result.labels), nl=False)


# -- analyst features: export, report, explain, draft, import-brat (issue 9) -------------------


def _emit(data: bytes, out: Path | None) -> None:
    """Write `data` atomically to `out`, or to stdout."""
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        from parley.model.kgio import write_atomic

        write_atomic(out, data)
        click.echo(f"wrote {out}", err=True)


@main.command("export")
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
    _emit(api.export(kg, fmt), out)


@main.command("report")
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


@main.command("explain")
@click.argument("thing")
@kg_option
@seeds_option
@handle_errors
def explain_command(thing: str, kg: Path, seeds: Path) -> None:
    """The evidence trail of THING: a meeting, person or other registry id, a statement IRI,
    or a claim SUBJECT/PROPERTY (e.g. round-1/years-since-previous-talks)."""
    click.echo(api.explain(thing, kg, seeds).text(), nl=False)


@main.command("draft")
@click.argument("article", type=click.Path(path_type=Path, dir_okay=False))
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
    from parley.authoring.draft import draft_article
    from parley.seeds.registry import load_registry

    text = draft_article(article, load_registry(seeds / "registry"), date.date() if date else None)
    _emit(text.encode("utf-8"), out)


@main.command("import-brat")
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
    from parley.authoring.brat import import_brat

    result = import_brat(folder, mapping, seeds, force=force)
    for path in result.written:
        click.echo(f"wrote {path}")


@main.command("validate")
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
@handle_errors
def validate_cmd(fmt: str, kg: Path) -> None:
    """Check kg/parley.trig against ontology/shapes.ttl and queries/checks/ (exit 1 if it fails)."""
    from parley.api import validate
    from parley.validate.report import render as render_report

    report = validate(kg)
    click.echo(render_report(report, fmt), nl=False)
    if not report.conforms:
        sys.exit(EXIT_DATA)


@main.command("reason")
@kg_option
@handle_errors
def reason_cmd(kg: Path) -> None:
    """OWL 2 RL closure of kg/parley.trig + ontology; write the new triples to kg/inferred.ttl.

    Prints the count per predicate and class; exits 1 when the graph contradicts the ontology.
    """
    from parley.api import reason

    result = reason(kg)
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
