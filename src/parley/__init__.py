"""Parley: annotated diplomacy news articles to a validated, linked RDF knowledge graph.

Public API: `build`, `load_corpus`, `validate`, `reason`, `run_query`, `run_sparql`, `open_store`,
`catalogue`.
"""

from .api import QueryResult, open_store, run_query, run_sparql
from .build import BuildResult, build, load_corpus
from .queries import catalogue
from .reason import ReasonResult, reason
from .validate import ValidationReport, validate

__all__ = [
    "BuildResult",
    "QueryResult",
    "ReasonResult",
    "ValidationReport",
    "build",
    "catalogue",
    "load_corpus",
    "open_store",
    "reason",
    "run_query",
    "run_sparql",
    "validate",
]
