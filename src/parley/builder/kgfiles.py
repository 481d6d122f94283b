"""kg/'s files from the units' blocks: the prefixes, then the blocks in graph order."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from parley.builder.pipeline import Plan, read_blocks
from parley.builder.unitterms import serialized


def same_content(path: Path, chunks) -> bool:
    """Whether the file at `path` holds exactly the concatenation of `chunks` (streamed)."""
    try:
        handle = path.open("rb")
    except OSError:
        for _ in chunks:
            pass
        return False
    with handle:
        same = True
        for chunk in chunks:
            if same and handle.read(len(chunk)) != (
                chunk if isinstance(chunk, bytes) else chunk.read()
            ):
                same = False
        return same and handle.read(1) == b""


def trig_header() -> bytes:
    probe = ox.Quad(
        ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x")
    )
    header, _ = serialized([probe], ox.RdfFormat.TRIG)
    return header


def turtle_header() -> bytes:
    probe = ox.Triple(ox.NamedNode("urn:x"), ox.NamedNode("urn:x"), ox.NamedNode("urn:x"))
    header, _ = serialized([probe], ox.RdfFormat.TURTLE)
    return header


def trig_chunks(
    plan: Plan, inferred_blocks: dict, update=None, ranges: dict | None = None, spool=None
):
    """kg/parley.trig as chunks: the prefixes, then each unit's block in graph order (each
    unit's inferred block is kept in `inferred_blocks` on the way, in `spool` when given,
    and where its block is in the file in `ranges`). With `ranges`, for writing, blocks may
    be `FileSlice`s."""
    header = trig_header()
    yield header
    offset = len(header)
    for unit in plan.units:
        block, inferred = read_blocks(plan, unit, lazy=ranges is not None)
        if inferred:
            if spool is not None and isinstance(inferred, bytes):
                inferred = spool.add(inferred)
            inferred_blocks[unit.key] = inferred
        if ranges is not None:
            ranges[unit.key] = (offset, len(block))
            offset += len(block)
        yield block
        if update:
            update(1)
