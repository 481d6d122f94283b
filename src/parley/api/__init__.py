"""The public API shared by the CLI and the tests: one module per command family, each
function opening what it needs and calling the libraries below. `parley` hands on `__all__`."""

from parley.api.analyst import explain, export, report
from parley.api.authoring import draft, draft_eval, import_brat
from parley.api.graph import BuildResult, ReasonResult, build, load_corpus, reason, stats, validate
from parley.api.linking import decide, enrich, link, wikidata_client
from parley.api.querying import (
    Answer,
    QueryResult,
    answer_query,
    catalogue,
    describe_query,
    open_store,
    run_query,
    run_sparql,
)
from parley.api.stores import LOAD_METHODS, is_loopback, load, serve
from parley.validate.report import ValidationReport

__all__ = [
    "LOAD_METHODS",
    "Answer",
    "BuildResult",
    "QueryResult",
    "ReasonResult",
    "ValidationReport",
    "answer_query",
    "build",
    "catalogue",
    "decide",
    "describe_query",
    "draft",
    "draft_eval",
    "enrich",
    "explain",
    "export",
    "import_brat",
    "is_loopback",
    "link",
    "load",
    "load_corpus",
    "open_store",
    "reason",
    "report",
    "run_query",
    "run_sparql",
    "serve",
    "stats",
    "validate",
    "wikidata_client",
]
