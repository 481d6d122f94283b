"""Parley: annotated diplomacy news articles to a validated, linked RDF knowledge graph.

Public API: `build`, `load_corpus`, `run_query`, `open_store`, `catalogue`.
"""

from .api import QueryResult, open_store, run_query
from .build import BuildResult, build, load_corpus
from .queries import catalogue

__all__ = [
    "BuildResult",
    "QueryResult",
    "build",
    "catalogue",
    "load_corpus",
    "open_store",
    "run_query",
]
