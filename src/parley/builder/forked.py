"""Running a piece of the build in a forked child process, so that the memory it takes is
given back to the system when it ends: Python keeps what it freed in its own arenas, and a
large step done in the build's process (the work across articles) would leave the process
that large for the rest of the build (the store's bulk load comes after)."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable

from parley.model.diskstore import disk_store_opened

TICK_EVERY = 256  # progress steps sent to the parent at once


def run_forked(work: Callable, update: Callable[[int], None] | None = None):
    """`work(tick)` in a forked child process; its return value (pickled back), or what it
    raised, raised here. `tick(n)` in the child calls `update(n)` here. Without `fork`
    (not POSIX), or once this process has opened an on-disk Oxigraph store (a forked child's
    RocksDB would wait for threads it does not have), `work` runs in this process."""
    if "fork" not in multiprocessing.get_all_start_methods() or disk_store_opened():
        return work(update or (lambda n: None))
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, send), daemon=True)
    child.start()
    send.close()
    outcome = None
    try:
        while True:
            try:
                kind, value = receive.recv()
            except EOFError:
                break
            if kind == "tick":
                if update is not None:
                    update(value)
            else:
                outcome = (kind, value)
    finally:
        receive.close()
        child.join()
    if outcome is None:
        raise RuntimeError(f"a step of the build died in its process (exit code {child.exitcode})")
    kind, value = outcome
    if kind == "raised":
        raise value
    return value


def _child(work: Callable, send) -> None:
    pending = [0]

    def tick(n: int = 1) -> None:
        pending[0] += n
        if pending[0] >= TICK_EVERY:
            send.send(("tick", pending[0]))
            pending[0] = 0

    try:
        result = work(tick)
        if pending[0]:
            send.send(("tick", pending[0]))
        send.send(("done", result))
    except BaseException as exc:  # handed to the parent, which raises it
        try:
            send.send(("raised", exc))
        except (pickle.PicklingError, TypeError, AttributeError):
            send.send(("raised", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        send.close()
        os._exit(0)
