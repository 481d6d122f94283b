"""Parley: annotated diplomacy news articles to a validated, linked RDF knowledge graph.

Public API: `build`, `load_corpus`, `validate`, `reason`, `run_query`, `answer_query` (a saved
query's printed answer, remembered per built store), `run_sparql`, `open_store`, `catalogue`.
"""

from parley.api import (
    Answer,
    BuildResult,
    QueryResult,
    ReasonResult,
    ValidationReport,
    answer_query,
    build,
    catalogue,
    load_corpus,
    open_store,
    reason,
    run_query,
    run_sparql,
    validate,
)

__all__ = [
    "Answer",
    "BuildResult",
    "QueryResult",
    "ReasonResult",
    "ValidationReport",
    "answer_query",
    "build",
    "catalogue",
    "load_corpus",
    "open_store",
    "reason",
    "run_query",
    "run_sparql",
    "validate",
]
