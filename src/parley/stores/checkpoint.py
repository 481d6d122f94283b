"""Where an interrupted `parley load` stopped: one small JSON file per target store.

The file (`<folder>/<hash of the graph store and query URLs>.json`, written atomically) holds
what the load sends (the files of kg/ with their inode, size and modification time, the method
and the batch size), where (the URLs), and how many of its units the store acknowledged.
`parley load --resume` reads it, checks that the same files go the same way to the same place,
and skips the units done. It is written at most once a `every` seconds while the load runs,
and always when it stops on an error or Ctrl-C; a load that ends removes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from parley.model.errors import UsageError
from parley.model.kgio import write_atomic
from parley.model.layout import Source, stamps
from parley.stores.credentials import redact

VERSION = 1
EVERY = 1.0  # seconds between two writes while the load runs


def identity(sources: list[Source], method: str, batch: int, endpoint, update_url: str) -> dict:
    """What a load sends where and how: equal identities, equal units."""
    files = [
        [str(source.path.resolve()), source.graph, *(stamp or ())]
        for source, stamp in zip(sources, stamps(sources), strict=True)
    ]
    return {
        "version": VERSION,
        "graph_store": redact(endpoint.store_url),
        "endpoint": redact(endpoint.query_url),
        "update": redact(update_url),
        "method": method,
        "batch": batch,
        "files": files,
    }


@dataclass
class Checkpoint:
    """The checkpoint of one target store (`path`), for one load (`identity`)."""

    path: Path
    identity: dict
    done: int = 0  # units the store acknowledged
    _written: float = field(default=0.0, repr=False)

    @classmethod
    def of(cls, folder: Path, endpoint, ident: dict) -> Checkpoint:
        key = f"{endpoint.store_url}\n{endpoint.query_url}".encode()
        return cls(folder / f"{hashlib.sha256(key).hexdigest()[:24]}.json", ident)

    def resume(self) -> int:
        """The units done by the interrupted load into this store (0 when there is none);
        `UsageError` when it loaded other files, or in another way."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return 0
        except (OSError, ValueError) as exc:
            raise UsageError(
                f"{self.path}: cannot read the checkpoint of the interrupted load "
                f"({type(exc).__name__}) — run `parley load` without --resume: it replaces "
                "each graph"
            ) from None
        if not isinstance(saved, dict) or saved.get("identity") != self.identity:
            raise UsageError(
                f"{self.path}: the interrupted load into {self.identity['graph_store']} sent "
                "other files or used other options (kg/ rebuilt since, or another --kg, "
                "--method or --batch-size) — run `parley load` without --resume: it "
                "replaces each graph"
            )
        done = saved.get("done")
        if not isinstance(done, int) or done < 0:
            raise UsageError(f"{self.path}: damaged checkpoint — run `parley load` again")
        self.done = done
        return done

    def advance(self, done: int, force: bool = False) -> None:
        """`done` units acknowledged; written when `force`d or `EVERY` seconds since the last."""
        self.done = done
        now = time.monotonic()
        if force or now - self._written >= EVERY:
            payload = {"identity": self.identity, "done": done, "at": time.time()}
            write_atomic(self.path, json.dumps(payload, indent=1).encode("utf-8"))
            self._written = now

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
