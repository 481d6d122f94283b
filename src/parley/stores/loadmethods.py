"""The ways `parley load` sends kg/ to a store: the one table of `--method` (choices, help)."""

from __future__ import annotations

METHODS = {
    "auto": "oxigraph when the server is Oxigraph and --graph-store is its /store, else gsp",
    "oxigraph": "chunks of N-Quads into Oxigraph's bulk loader (/store)",
    "gsp": "graph by graph with the Graph Store Protocol (any store)",
    "virtuoso-bulk": "gzipped N-Quads files in --bulk-dir, loaded by Virtuoso's own bulk "
    "loader through isql-vt (--isql; same machine, the folder in DirsAllowed)",
}

QUADS_PER_FILE = 2_000_000  # virtuoso-bulk: quads per file (several files: parallel loaders)
