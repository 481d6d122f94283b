"""Canonical serialization of the built graph and atomic file writes."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, SKOS, Dataset, Graph

from parley.model.errors import UsageError
from parley.model.iris import PREFIXES


def write_atomic(path: Path, data: bytes | Iterable[bytes], fsync: bool = True) -> None:
    """Write `data` to `path` via a temporary file in the same folder, then rename.

    `data` may be an iterable of chunks (a large file streamed from parts), bytes or
    `unitindex.FileSlice`s of other files (copied in the kernel, adjacent ones in one go);
    `fsync=False` skips the flush to disk, for caches that are recomputed when damaged.
    The file's mode follows the umask, as for any new file (0644 under umask 022).
    """
    tmp = write_temp(path, data, fsync)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_temp(path: Path, data: bytes | Iterable[bytes], fsync: bool = True) -> Path:
    """`data` written to a new temporary file beside `path` (`.NAME.RANDOM.tmp`), left for the
    caller to rename; removed again if writing fails. An `OSError` names `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_chunks(handle, data)
            handle.flush()
            if fsync:
                os.fsync(handle.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:
            exc.filename = str(path)  # ENOSPC from write() names no file
        raise
    return tmp


def _create(path: Path) -> tuple[int, Path]:
    """A new file `.NAME.RANDOM.tmp` beside `path`, created with mode 0666 less the umask
    (`tempfile.mkstemp` would make it 0600, and the rename would keep that)."""
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{path.parent}: no free temporary file name")


def _write_chunks(handle, data: bytes | Iterable[bytes]) -> None:
    """Write bytes and `FileSlice`s to `handle` (a run of adjacent slices in one copy)."""
    pending = None  # a run of adjacent file slices, copied when the run ends
    for chunk in (data,) if isinstance(data, bytes | bytearray) else data:
        if isinstance(chunk, bytes | bytearray):
            if pending is not None:
                _copy_slice(handle, *pending)
                pending = None
            handle.write(chunk)
        elif pending is not None and (chunk.fd, chunk.offset) == (
            pending[0],
            pending[1] + pending[2],
        ):
            pending = (pending[0], pending[1], pending[2] + chunk.length)
        else:
            if pending is not None:
                _copy_slice(handle, *pending)
            pending = (chunk.fd, chunk.offset, chunk.length)
    if pending is not None:
        _copy_slice(handle, *pending)


def fsync_dir(folder: Path) -> None:
    """Make the renames and removals in `folder` durable (a no-op where folders cannot be
    opened for that)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)


def disk_error(exc: OSError, then: str) -> UsageError:
    """An `OSError` met while writing as one line: the file, the system's reason, what to do
    (free space, or make it writable), and `then` (what became of the output)."""
    reason = exc.strerror or str(exc)
    if exc.errno in DISK_FULL or "No space left" in reason or "quota" in reason.lower():
        fix = "free some space on that disk"
    elif exc.errno in NOT_WRITABLE:
        fix = "make it writable, or write elsewhere"
    else:
        fix = "check that disk"
    where = f"{exc.filename}: " if exc.filename else ""
    return UsageError(f"{where}cannot write: {reason} — {fix}; {then}")


def _copy_slice(handle, source: int, offset: int, length: int) -> None:
    """Append `length` bytes of file descriptor `source` from `offset` to `handle`."""
    handle.flush()
    position = handle.tell()
    end = position + length
    while position < end:
        try:
            copied = os.copy_file_range(source, handle.fileno(), end - position, offset, position)
        except (AttributeError, OSError):  # no such call here, or not between these files
            copied = os.pwrite(
                handle.fileno(), os.pread(source, min(end - position, 1 << 24), offset), position
            )
        if copied <= 0:
            raise OSError(f"could not copy into {handle.name}")
        position += copied
        offset += copied
    handle.seek(end)


# Oxigraph's Turtle/TriG parser holds one token (a whole literal) in a buffer of at most
# 16 MiB; a longer one makes every later read of the file fail. Values are kept to half that.
MAX_TERM_BYTES = 8 * 1024 * 1024


def term_bytes(text: str) -> int:
    """The size of `text` written as an RDF literal by Oxigraph (escapes included; at most six
    bytes a character), computed exactly only when it could come near `MAX_TERM_BYTES`."""
    if len(text) * 6 + 2 <= MAX_TERM_BYTES:
        return len(text) * 6 + 2  # an upper bound, enough to know it fits
    return len(str(ox.Literal(text)).encode("utf-8"))


# The largest graph (bytes of TriG or Turtle) that is ever parsed whole into rdflib. rdflib
# holds ~1-1.5 kB a quad, owlrl and pySHACL several times that over a graph (1.2 GB for owlrl
# over 297,721 quads, 20 MB of TriG, in bench/README.md's naive stack): 32 MiB (~450,000 quads,
# ~300 articles at the seeds' density) keeps them to ~2 GB. Above it, `parley validate` and
# `parley reason` refuse unless they can use the build's results, and so does the build when
# the compiled reasoner does not apply. PARLEY_RDFLIB_LIMIT_MB overrides it.
RDFLIB_LIMIT_MB = 32
RDFLIB_LIMIT_ENV = "PARLEY_RDFLIB_LIMIT_MB"


def rdflib_limit() -> int:
    """The limit in bytes: `RDFLIB_LIMIT_MB`, or $PARLEY_RDFLIB_LIMIT_MB when set."""
    value = os.environ.get(RDFLIB_LIMIT_ENV, "").strip()
    try:
        mb = float(value) if value else RDFLIB_LIMIT_MB
    except ValueError:
        raise UsageError(f"{RDFLIB_LIMIT_ENV}={value!r}: not a number of MB") from None
    return int(mb * 2**20)


def check_rdflib_size(size: int, what: str, fix: str) -> None:
    """Raise `UsageError` (one line: what, the sizes, `fix`) when a graph of `size` bytes is
    over the limit of what is parsed whole into rdflib."""
    limit = rdflib_limit()
    if size > limit:
        raise UsageError(
            f"{what} would parse {size / 2**20:,.0f} MB of RDF into rdflib, over the limit of "
            f"{limit / 2**20:,.0f} MB — {fix} (or raise the limit with {RDFLIB_LIMIT_ENV}=N)"
        )


CANONICAL_PREFIXES = {
    # pid: and pg: are left out: their local names hold slashes, which Turtle must escape
    **{name: str(ns) for name, ns in PREFIXES.items() if name not in ("pid", "pg")},
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def canonical_quads(data: bytes, fmt: ox.RdfFormat) -> list[ox.Quad]:
    """Parse `data` with Oxigraph and return its quads in a total, stable order."""
    return sorted(ox.parse(data, format=fmt), key=_sort_key)


def trig_bytes(ds: Dataset) -> bytes:
    """Canonical TriG: graphs, subjects, predicates and objects in sorted order.

    rdflib orders graphs by hash, so the quads are sorted and written by Oxigraph's serializer.
    """
    nquads = ds.serialize(format="nquads", encoding="utf-8")
    quads = canonical_quads(nquads, ox.RdfFormat.N_QUADS)
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=CANONICAL_PREFIXES)


def turtle_bytes(graph: Graph) -> bytes:
    """Canonical Turtle of one graph (sorted triples, fixed prefixes)."""
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    triples = sorted(
        ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES),
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=CANONICAL_PREFIXES)


def read_dataset(path: Path) -> Dataset:
    ds = Dataset()
    ds.parse(path, format="trig")
    return ds


def new_dataset() -> Dataset:
    """An rdflib Dataset with Parley's prefixes (and skos, owl) bound."""
    ds = Dataset()
    for prefix, namespace in PREFIXES.items():
        ds.bind(prefix, namespace, replace=True)
    ds.bind("skos", SKOS)
    ds.bind("owl", OWL)
    return ds
