"""The SPARQL quality checks (`queries/checks/*-violation.rq`): loaded by name and run on
Oxigraph, every row a violation."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.term import Node

from parley.model.errors import UsageError
from parley.model.terms import from_oxigraph
from parley.query.catalogue import SavedQuery, parse_query_file, queries_root
from parley.validate.report import Violation, graph_name, label_of, show

CHECK_SUFFIX = "-violation.rq"


def load_checks(root: Path | None = None) -> dict[str, SavedQuery]:
    """The quality checks `queries/checks/*-violation.rq`, by name (file name without suffix)."""
    folder = root or queries_root() / "checks"
    return {
        path.name[: -len(CHECK_SUFFIX)]: parse_query_file(path, path.name[: -len(CHECK_SUFFIX)])
        for path in sorted(folder.glob("*" + CHECK_SUFFIX))
    }


def run_checks(
    ds: Dataset,
    checks: dict[str, SavedQuery],
    data: Graph,
    where: dict[Node, tuple[str, ...]],
) -> list[Violation]:
    """Each check over the dataset in Oxigraph (named graphs kept); every row is a violation."""
    store = ox.Store()
    store.load(ds.serialize(format="nquads", encoding="utf-8"), format=ox.RdfFormat.N_QUADS)
    return check_rows(store.query, checks, data, where)


def check_rows(run, checks: dict[str, SavedQuery], labels, where, only_graph=None):
    """Run each check with `run` (an Oxigraph `query`); every row is a violation, kept only
    when it is about `only_graph` if that is given. `labels` answers `label_of`."""
    out = []
    for name, query, values in check_solutions(run, checks):
        graph = values.get("graph")
        if only_graph is not None and not (
            isinstance(graph, ox.NamedNode) and graph.value == only_graph
        ):
            continue
        out.append(check_violation(name, query, values, labels, where))
    return out


def check_solutions(run, checks: dict[str, SavedQuery]):
    """(name, check, {column: Oxigraph term}) for every row of every check, run with `run`."""
    for name, query in checks.items():
        try:
            solutions = run(query.text)
        except (SyntaxError, ValueError, OSError) as exc:
            raise UsageError(f"{query.path}: {exc}") from None
        columns = [v.value for v in solutions.variables]
        for row in solutions:
            yield name, query, {c: row[c] for c in columns}


def check_focus(values: dict):
    """The rdflib node of a check row's focus (None when the row has none)."""
    return from_oxigraph(values.get("focus"))


def check_violation(name: str, query: SavedQuery, values: dict, labels, where) -> Violation:
    """The violation of one row of check `name`: its graph is the row's ?graph, else where its
    focus is stated (`where.get(focus)`); `labels` answers `label_of`."""
    graph = values.get("graph")
    focus = check_focus(values)
    graphs = (graph_name(str(graph.value)),) if isinstance(graph, ox.NamedNode) else ()
    return Violation(
        rule=name,
        kind="check",
        message=query.summary,
        focus=str(focus) if focus is not None else "",
        focus_label=label_of(labels, focus) if focus is not None else "",
        graphs=graphs or where.get(focus, ()),
        details=tuple(
            (c, show(from_oxigraph(v)))
            for c, v in values.items()
            if c not in ("focus", "graph") and v is not None
        ),
    )
