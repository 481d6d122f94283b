"""Answers remembered per store: the same saved question on the same data is read from disk.

A rendered answer is kept under a key made of the store's identity (the state of the build
that filled it, or the fingerprint of the files a `--store-dir` store was loaded from), the
query text, its bound parameters, the row limit, the output format and the code that turns
rows into output. A store with another identity never sees these answers: a build that
changes the data changes the identity, and answers of earlier identities are deleted when
a new one is written (`remember`) or when the build replaces the store (`forget`).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from parley.model.codehash import tree_digest
from parley.model.kgio import write_atomic

ANSWERS = "answers"
# the code that decides what a saved query prints, given the store's data
ANSWER_PACKAGES = ("model", "query", "api")
CHUNK = 1 << 20


@lru_cache(maxsize=1)
def answer_code() -> str:
    """A hash of the code that turns a store's rows into printed answers, and its engines."""
    return tree_digest(ANSWER_PACKAGES, engines=("pyoxigraph", "rdflib"))


def answer_key(text: str, bindings: dict[str, object], limit: int | None, fmt: str) -> str:
    """The key of one question: query text, bound parameters (as N3 terms), limit, format."""
    digest = hashlib.sha256(answer_code().encode())
    for part in (text, repr(limit), fmt):
        digest.update(part.encode("utf-8") + b"\0")
    for name in sorted(bindings):
        term = bindings[name]
        n3 = term.n3() if hasattr(term, "n3") else repr(term)
        digest.update(f"{name}={n3}".encode() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Answers:
    """The folder of remembered answers for one store identity."""

    root: Path  # holds one subfolder per identity (only the current one is kept)
    identity: str

    @property
    def folder(self) -> Path:
        return self.root / hashlib.sha256(self.identity.encode()).hexdigest()[:24]

    def find(self, key: str) -> Path | None:
        """Where the answer of `key` is kept, if it was remembered."""
        path = self.folder / key
        return path if path.is_file() else None

    def remember(self, key: str, data: bytes) -> None:
        """Keep `data` as the answer of `key` (atomically); drop other identities' answers."""
        if self.root.is_dir():
            for other in self.root.iterdir():
                if other != self.folder:
                    shutil.rmtree(other, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / key, data, fsync=False)


def forget(root: Path) -> None:
    """Drop every remembered answer under `root` (the store they came from was replaced)."""
    shutil.rmtree(root, ignore_errors=True)


def read_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of a remembered answer, a megabyte at a time."""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
