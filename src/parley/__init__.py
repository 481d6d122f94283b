"""Parley: annotated diplomacy news articles to a validated, linked RDF knowledge graph.

Public API: `build`, `load_corpus`, `validate`, `reason`, `run_query`, `answer_query` (a saved
query's printed answer, remembered per built store), `run_sparql`, `open_store`, `catalogue`.
"""

from parley.api import *  # noqa: F403 — the public API is `parley.api.__all__`
from parley.api import __all__  # noqa: F401
