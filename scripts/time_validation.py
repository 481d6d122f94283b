"""Time validation and reasoning: `python scripts/time_validation.py [KG]` (default kg/)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from parley.model.layout import load_ontology, load_shapes, read_kg, union_graph
from parley.reason.owl import infer
from parley.validate.checks import load_checks, run_checks
from parley.validate.dataset import validate_dataset
from parley.validate.engine import run_shapes


def best_of(n: int, func) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    kg = Path(sys.argv[1] if len(sys.argv) > 1 else "kg")
    ds = read_kg(kg)
    shapes, checks, ontology = load_shapes(), load_checks(), load_ontology()
    data = union_graph(ds, ontology)
    print(f"{kg}: {len(data)} triples (union + ontology), {len(checks)} checks")
    print(f"read kg/parley.trig      {best_of(3, lambda: read_kg(kg)):6.2f} s")
    print(f"shapes (pySHACL)         {best_of(3, lambda: run_shapes(data, shapes, {})):6.2f} s")
    print(f"checks (Oxigraph)        {best_of(3, lambda: run_checks(ds, checks, data, {})):6.2f} s")
    total = best_of(3, lambda: validate_dataset(ds, shapes, checks, ontology))
    print(f"validate, all in memory  {total:6.2f} s")
    print(f"reason (owlrl, uncached) {best_of(1, lambda: infer(ds, ontology)):6.2f} s")


if __name__ == "__main__":
    main()
