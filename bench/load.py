"""Peak RSS and time of `parley load` into a real Oxigraph server (and Virtuoso 7), per kg/.

    .venv/bin/python bench/load.py KG [KG …] [--tree DIR] [--runs 1|2]
                                   [--servers oxigraph|virtuoso|virtuoso-bulk|both]
                                   [--out FILE]

For each kg/ folder: starts a fresh Oxigraph server on a free 127.0.0.1 port (as the tests
do, `tests/servers.py`), runs `parley load` into the empty store and then again into the
full one (a re-run replaces every graph), each under `/usr/bin/time -v`, checks the exit
code, and stops the server by its PID. A row: label, kg/, triples, server, run, wall s, CPU s
of the `parley` process, its peak RSS in MB, exit code, load average after the run.
`--servers virtuoso` (or `both`): the same into Virtuoso 7; `--servers virtuoso-bulk`: into
Virtuoso 7 with `--method virtuoso-bulk` (its bulk folder, in the temporary folder, added to
its DirsAllowed). `--tree DIR` runs the `parley` of
another checkout (`DIR/src` on PYTHONPATH, this interpreter), so that two versions can be
measured side by side: `--tree /path/to/main` for the code before a change. Extra `parley
load` options go after `--`. Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from servers import start_oxigraph, start_virtuoso, virtuoso_binaries  # noqa: E402


def timed_load(tree: Path, kg: Path, server, extra: list[str], cache: Path) -> dict:
    """One `parley load` under /usr/bin/time -v: seconds, peak RSS (MB), exit code, summary."""
    env = dict(os.environ, PYTHONPATH=str(tree / "src"), PARLEY_CACHE=str(cache), **server.env())
    command = [
        "/usr/bin/time",
        "-v",
        sys.executable,
        "-c",
        "from parley.cli.main import main; main()",
        "--quiet",
        "load",
        "--kg",
        str(kg),
        "--endpoint",
        server.query_url,
        "--graph-store",
        server.store_url,
        *extra,
    ]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = sum(
        float(m) for m in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr)
    )
    summary = [line for line in done.stdout.splitlines() if line.startswith("loaded ")]
    return {
        "seconds": round(seconds, 1),
        "rss_mb": round(int(rss.group(1)) / 1024) if rss else None,
        "cpu": round(cpu, 1),
        "exit": done.returncode,
        "summary": summary[-1] if summary else done.stderr.strip().splitlines()[-1:],
    }


def quads(kg: Path) -> int:
    """Triples of the dataset that `parley load` sends (kg/ files plus the ontology)."""
    from parley.model.layout import QuadStream, kg_sources

    return sum(1 for _ in QuadStream(kg_sources(kg)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kgs", type=Path, nargs="+")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose parley runs")
    parser.add_argument(
        "--servers", choices=["oxigraph", "virtuoso", "virtuoso-bulk", "both"], default="oxigraph"
    )
    parser.add_argument("--label", default="")
    parser.add_argument("--runs", type=int, default=2, help="1: only into the empty store")
    parser.add_argument("--out", type=Path, help="append the table rows to this file")
    args, extra = parser.parse_known_args()
    extra = [a for a in extra if a != "--"]
    starts = []
    if args.servers in ("oxigraph", "both"):
        starts.append(("Oxigraph server", start_oxigraph))
    if args.servers != "oxigraph" and not virtuoso_binaries():
        raise SystemExit("Virtuoso 7 is not installed (scripts/ensure-virtuoso.sh)")
    if args.servers in ("virtuoso", "both"):
        starts.append(("Virtuoso 7", start_virtuoso))
    if args.servers == "virtuoso-bulk":
        starts.append(("Virtuoso 7 (bulk loader)", start_bulk_virtuoso))
    rows = []
    for kg in args.kgs:
        size = quads(kg)
        for name, start in starts:
            with (
                tempfile.TemporaryDirectory(prefix="parley-load-bench-") as tmp,
                start(_mkdir(tmp)) as server,
            ):
                runs = ("into an empty store", "again (replaces every graph)")[: args.runs]
                more = list(getattr(server, "bulk_args", []))
                for run in runs:
                    got = timed_load(args.tree, kg, server, extra + more, Path(tmp) / "cache")
                    load = os.getloadavg()[0]
                    row = (
                        f"| {args.label or args.tree.name} | {kg.name} | {size:,} | {name} "
                        f"| {run} | {got['seconds']} | {got['cpu']} | {got['rss_mb']} "
                        f"| {got['exit']} | {load:.1f} |"
                    )
                    print(row, "\n   ", got["summary"], flush=True)
                    rows.append(row)
    if args.out:
        with args.out.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(rows) + "\n")


@contextlib.contextmanager
def start_bulk_virtuoso(folder: Path):
    """Virtuoso 7 that may read `folder/bulk`; `bulk_args`: the options of virtuoso-bulk."""
    bulk = folder / "bulk"
    bulk.mkdir()
    with start_virtuoso(folder, allow=(bulk,)) as server:
        yield SimpleNamespace(
            **vars(server),
            env=server.env,
            bulk_args=["--method", "virtuoso-bulk", "--bulk-dir", str(bulk), "--isql", server.isql],
        )


def _mkdir(tmp: str) -> Path:
    folder = Path(tmp) / "server"
    folder.mkdir()
    return folder


if __name__ == "__main__":
    main()
