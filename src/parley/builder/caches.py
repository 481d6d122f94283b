"""Where the build's caches live and the code version that keys them: a hash of whole
sub-packages, the ontology, shapes and checks, and the engines' versions."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from parley.model.codehash import tree_digest

CACHE_ENV = "PARLEY_CACHE"


def cache_root() -> Path:
    """Where caches live: $PARLEY_CACHE, else .cache/parley (like .cache/wikidata)."""
    return Path(os.environ.get(CACHE_ENV) or Path(".cache") / "parley")


def kg_cache(kg: Path) -> Path:
    """The cache folder of one kg/ folder (its manifest, store and results)."""
    digest = hashlib.sha256(str(kg.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_root() / "kg" / f"{kg.resolve().name}-{digest}"


# the sub-packages whose code shapes a unit's results (loading, mapping, reasoning, validating)
CODE_PACKAGES = ("model", "seeds", "query", "validate", "reason", "builder")
CODE_DATA = ("ontology", "queries/checks")
ENGINES = ("pyoxigraph", "rdflib", "owlrl", "pyshacl")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of Parley's code, ontology, shapes and checks: a change invalidates the cache."""
    return tree_digest(CODE_PACKAGES, data=CODE_DATA, engines=ENGINES)
