"""The pieces that keep the work across articles out of memory: spool files, the sorted
difference of the shared inferences that the build's store follows. (The work itself is
compared with the straightforward build in test_pipeline.py, partitioned as on a large
corpus too.)"""

from __future__ import annotations

import os
import random

import pyoxigraph as ox

from parley.builder import storesync, unitcache
from parley.builder.kgfiles import turtle_header
from parley.builder.spool import BlockSpool, RecordSpool, scratch_folder
from parley.builder.unitterms import serialized
from parley.model.kgio import write_atomic


def turtle(triples: list[tuple[str, str, str]]) -> bytes:
    items = [ox.Triple(*(ox.NamedNode(x) for x in t)) for t in triples]
    return serialized(items, ox.RdfFormat.TURTLE)[1]


def applied(old: set, old_body: bytes, new_body: bytes) -> tuple[set, int]:
    """What a store holding `old` holds after the difference is applied, and its length."""
    held, steps = set(old), 0
    for sign, t in storesync._sorted_difference(old_body, new_body):
        triple = (t.subject.value, t.predicate.value, t.object.value)
        (held.discard if sign < 0 else held.add)(triple)
        steps += 1
    return held, steps


def test_the_store_follows_the_shared_inferences_by_their_difference():
    rng = random.Random(3)
    pool = [
        (f"urn:s{rng.randrange(30)}", f"urn:p{rng.randrange(3)}", f"urn:o{i}") for i in range(200)
    ]
    old, new = set(rng.sample(pool, 120)), set(rng.sample(pool, 120))
    bodies = [turtle(sorted(x, key=lambda t: tuple(f"<{v}>" for v in t))) for x in (old, new)]
    assert applied(old, *bodies) == (new, len(old ^ new)), "only what differs is touched"
    # bodies out of N-Triples order: a wrong step may come before that is seen, and then
    # all of `new` is added again (adding twice is harmless): the store still ends right
    shuffled = [turtle(rng.sample(sorted(x), len(x))) for x in (old, new)]
    assert applied(old, *shuffled)[0] == new


def test_spools_give_back_what_was_written(tmp_path, monkeypatch):
    monkeypatch.setattr(unitcache, "_CACHE_DIR", tmp_path)
    with BlockSpool() as spool:
        slices = [spool.add(bytes([i]) * (i * 100)) for i in range(1, 6)]
        assert [s.read() for s in slices] == [bytes([i]) * (i * 100) for i in range(1, 6)]
        out = tmp_path / "out"
        write_atomic(out, [b"head", *slices[1:3], b"tail"], fsync=False)
        assert out.read_bytes() == b"head" + b"\x02" * 200 + b"\x03" * 300 + b"tail"
    records = RecordSpool()
    for i in range(3):
        records.add(("unit", [(f"<s{i}>", "<p>", "<o>")], i))
    assert [r[2] for r in records] == [0, 1, 2]
    assert [r[2] for r in records] == [0, 1, 2], "read back any number of times"
    records.close()
    assert not list(tmp_path.glob("tmp*")), "spool files are unlinked"


def test_a_killed_builds_scratch_folder_is_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(unitcache, "_CACHE_DIR", tmp_path)
    left = tmp_path / "scratch-999999999-abc"  # no such process
    left.mkdir()
    with scratch_folder() as folder:
        assert folder.is_dir() and not left.exists()
    assert not folder.exists()


def test_turtle_header_is_what_the_bodies_leave_out():
    body = turtle([("urn:a", "urn:b", "urn:c")])
    parsed = list(ox.parse(turtle_header() + body, format=ox.RdfFormat.TURTLE))
    assert [str(t.subject) for t in parsed] == ["<urn:a>"]


def test_a_forked_step_hands_back_its_result_its_progress_and_its_errors(monkeypatch):
    import pytest

    from parley.builder.forked import run_forked
    from parley.model import diskstore
    from parley.model.errors import UsageError

    monkeypatch.setattr(diskstore, "_opened", [False])  # the work below uses no RocksDB

    ticks = []

    def work(tick):
        for _ in range(1000):
            tick(1)
        return {"pid": os.getpid(), "data": b"x" * 300_000}

    result = run_forked(work, ticks.append)
    assert result["pid"] != os.getpid() and len(result["data"]) == 300_000
    assert sum(ticks) == 1000

    def fails(tick):
        raise UsageError("disk full — free some space")

    with pytest.raises(UsageError, match="disk full"):
        run_forked(fails)


def test_no_fork_once_a_disk_store_was_opened(tmp_path, monkeypatch):
    """A child forked after RocksDB started its threads could hang on its own disk store."""
    from parley.builder.forked import run_forked
    from parley.model import diskstore

    monkeypatch.setattr(diskstore, "_opened", [False])
    diskstore.open_disk_store(str(tmp_path / "store"))
    assert diskstore.disk_store_opened()
    assert run_forked(lambda tick: os.getpid()) == os.getpid()


BUILD_IN_FRESH_PROCESS = """
import sys
from pathlib import Path
from parley.builder import crossarticle, crossvalidate
from parley.builder.corpus import build
from parley.model.diskstore import open_disk_store
seeds, kg, first = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
if first == "disk-store-first":
    open_disk_store(str(kg.parent / (kg.name + "-other-store")))
crossarticle.FORK_FROM = 0
crossvalidate.MEMORY_QUADS = 0
build(seeds, kg)
"""


def test_the_forked_cross_article_work_finishes_after_a_disk_store(tmp_path):
    """Regression: with the work across articles forced into a child and its boundary store on
    disk, a process that had opened an on-disk store before hung for ever (the child's
    RocksDB waited for background threads that only the parent has). Both orders finish
    and give the same kg/ files. The timeout only stops a hang; it measures nothing."""
    import subprocess
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import generate

    seeds = tmp_path / "seeds"
    generate.generate(seeds, 4, seed=5)
    src = Path(__file__).resolve().parents[1] / "src"
    built = {}
    for first in ("fork", "disk-store-first"):
        kg = tmp_path / f"kg-{first}"
        env = dict(os.environ, PARLEY_CACHE=str(tmp_path / f"cache-{first}"), PYTHONPATH=str(src))
        subprocess.run(
            [sys.executable, "-c", BUILD_IN_FRESH_PROCESS, str(seeds), str(kg), first],
            env=env,
            check=True,
            timeout=600,
            capture_output=True,
        )
        built[first] = {p.name: p.read_bytes() for p in sorted(kg.iterdir()) if p.is_file()}
    assert built["fork"] and built["fork"] == built["disk-store-first"]
