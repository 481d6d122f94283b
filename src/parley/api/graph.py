"""The graph commands of the API: build kg/ from the seeds, validate it, reason over it,
count it. `validate` and `reason` read the build's manifest and fall back to the plain
libraries over kg/'s files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from parley.api.querying import open_store
from parley.builder.corpus import BuildResult, build, load_corpus
from parley.builder.manifest import built_results
from parley.model.errors import UsageError
from parley.model.kgcommit import kg_lock, settle
from parley.model.kgio import check_rdflib_size, disk_error, write_atomic
from parley.model.layout import INFERRED_NAME, KG_FILES, TRIG_NAME, read_kg
from parley.query.stats import GraphStats, graph_stats
from parley.validate.report import ValidationReport

if TYPE_CHECKING:
    from parley.reason.owl import Inference

__all__ = ["BuildResult", "ReasonResult", "build", "load_corpus", "reason", "stats", "validate"]


def stats(kg: Path, endpoint: str | None = None) -> list[GraphStats]:
    """Per-graph counts of the built graph in `kg/` (on the build's Oxigraph store, or
    Oxigraph in memory without one), or of the graphs loaded into `endpoint`."""
    if endpoint is not None:
        return graph_stats(open_store(kg, backend="endpoint", endpoint=endpoint))
    return graph_stats(open_store(kg, backend="oxigraph"))


def validate(kg: Path, endpoint: str | None = None) -> ValidationReport:
    """Validate kg/parley.trig against the packaged shapes and checks.

    When kg/ still holds exactly what `parley build` wrote, the report the build computed
    article by article (kept in its cache) is returned without parsing the graph again.
    With `endpoint`, the graphs of kg/parley.trig (articles and registry) are read from that
    SPARQL endpoint instead (refused above `query.remote.MAX_REMOTE_TRIPLES`) and validated
    in the same way: shapes and checks.
    """
    from parley.validate.dataset import validate_dataset  # lazy: start-up speed

    if endpoint is not None:
        from parley.query.remote import built_graph, read_dataset  # lazy: start-up speed

        remote = open_store(kg, "endpoint", endpoint=endpoint)
        return validate_dataset(read_dataset(remote, keep=built_graph))
    settle(kg, KG_FILES)  # no commit half done
    results = built_results(kg)
    if results is not None and results.get("report") is not None:
        return results["report"]
    _check_size(kg, "validate")
    return validate_dataset(read_kg(kg))


@dataclass(frozen=True)
class ReasonResult:
    inference: Inference
    path: Path
    changed: bool  # False when the file already held exactly these triples


def reason(kg: Path) -> ReasonResult:
    """Re-derive kg/inferred.ttl from kg/parley.trig (written atomically, only when changed).

    When kg/ still holds exactly what `parley build` wrote, the build's own reasoning (kept in
    its cache) is the answer and nothing is parsed again.
    """
    from parley.reason.owl import Inference, LazyGraph, infer  # lazy: start-up speed

    path = kg / INFERRED_NAME
    settle(kg, KG_FILES)  # no commit half done
    results = built_results(kg)
    if results is not None and results.get("reasoned") is not None:
        done = results["reasoned"]
        data = path.read_bytes()
        inference = Inference(
            graph=LazyGraph(data, done.triples),
            data=data,
            counts=done.counts,
            types=done.types,
            inconsistencies=done.inconsistencies,
        )
        return ReasonResult(inference=inference, path=path, changed=False)
    before = _identity(kg / TRIG_NAME)
    _check_size(kg, "reason")
    inference = infer(read_kg(kg))
    try:
        changed = path.read_bytes() != inference.data
    except OSError:
        changed = True
    if changed:
        try:
            with kg_lock(kg, KG_FILES):  # not while a build writes kg/
                if _identity(kg / TRIG_NAME) != before:
                    raise UsageError(f"{kg}/ was rebuilt meanwhile — run `parley reason` again")
                write_atomic(path, inference.data)
        except OSError as exc:
            raise disk_error(exc, f"{path} is unchanged") from None
    return ReasonResult(inference=inference, path=path, changed=changed)


def _check_size(kg: Path, command: str) -> None:
    """`UsageError` when kg/parley.trig is too large to parse into rdflib (the build's own
    results are then the way: they hold for the files it wrote)."""
    path = kg / TRIG_NAME
    try:
        size = path.stat().st_size
    except OSError:
        return  # missing: read_kg says so
    check_rdflib_size(
        size,
        f"`parley {command}` of {path}, for which no results of the build that wrote it are kept,",
        f"run `parley build --kg {kg}`: it {command}s article by article, and `parley "
        f"{command}` then reports its results",
    )


def _identity(path: Path) -> tuple[int, int, int] | None:
    """Which file is at `path` (a build's commit puts another one there)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)
