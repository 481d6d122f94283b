"""Outputs are written atomically and two builds cannot interleave in kg/ (issue 8, item 2).

The lock tests use real processes: the test process itself holds `kg/.parley.lock` with
`fcntl.flock` (as a running build would) and runs `parley build` in a subprocess, or starts
two builds at once, or kills a lock holder with SIGKILL. The audit test reads the library's
source and finds every call that writes a file: only `kgio.write_atomic` may write outputs.
"""

from __future__ import annotations

import ast
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.builder.corpus import build
from parley.model.kgcommit import LOCK_NAME

DATA = Path(__file__).parent / "data" / "annotations"
SRC = Path(__file__).parent.parent / "src" / "parley"
PARLEY = [sys.executable, "-c", "from parley.cli.main import main; main()"]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def built(tmp_path):
    """Tiny seeds and a kg/ folder built from them."""
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA, seeds)
    kg = tmp_path / "kg"
    build(seeds, kg)
    return seeds, kg


def run_build(seeds: Path, kg: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*PARLEY, "build", "--seeds", str(seeds), "--kg", str(kg)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_second_build_fails_at_once_while_kg_is_locked(built):
    """Another writer holds the lock: exit 2, one clear line naming its pid, kg/ unchanged."""
    seeds, kg = built
    with open(kg / LOCK_NAME, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write(f"{os.getpid()}\n")
        held.flush()
        before = snapshot(kg)
        process = run_build(seeds, kg)
        out, err = process.communicate(timeout=300)
        after = snapshot(kg)
    assert process.returncode == 2, err
    assert err == (
        f"error: another parley build is writing {kg}/ (pid {os.getpid()}) — "
        "wait for it to finish\n"
    )
    assert out == "" and "Traceback" not in err
    assert after == before


def test_build_after_the_lock_is_released_succeeds_and_leaves_no_lock_file(built):
    seeds, kg = built
    before = snapshot(kg)
    with open(kg / LOCK_NAME, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    process = run_build(seeds, kg)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert snapshot(kg) == before  # the same graph, and the stale lock file is gone


def test_two_builds_at_once_leave_one_complete_graph(built, tmp_path):
    """Two real builds into a fresh folder: each finishes or is refused; kg/ is whole."""
    seeds, reference = built
    kg = tmp_path / "kg-race"
    first, second = run_build(seeds, kg), run_build(seeds, kg)
    results = [(p.wait(timeout=300), p.stderr.read(), p.stdout.read()) for p in (first, second)]
    for p in (first, second):
        p.stderr.close()
        p.stdout.close()
    for code, err, _ in results:
        assert code in (0, 2), err
        if code == 2:
            assert "another parley build is writing" in err and "Traceback" not in err
    assert any(code == 0 for code, _, _ in results)
    assert snapshot(kg) == snapshot(reference)  # no temp file, no lock file, no torn file


def test_killed_lock_holder_does_not_block_the_next_build(built, tmp_path):
    """A writer killed with SIGKILL leaves its lock file; the next build proceeds."""
    seeds, kg = built
    ready = tmp_path / "ready"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib\n"
            "from parley.model.kgcommit import kg_lock\n"
            "with kg_lock(pathlib.Path(sys.argv[1])):\n"
            "    pathlib.Path(sys.argv[2]).write_text('locked')\n"
            "    time.sleep(600)\n",
            str(kg),
            str(ready),
        ]
    )
    try:
        while not ready.exists():
            assert holder.poll() is None, "the lock holder exited early"
            time.sleep(0.05)
        assert (kg / LOCK_NAME).read_text().strip() == str(holder.pid)
        refused = run_build(seeds, kg)
        _, err = refused.communicate(timeout=300)
        assert refused.returncode == 2 and f"(pid {holder.pid})" in err
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    assert (kg / LOCK_NAME).exists()  # SIGKILL: no clean-up ran
    process = run_build(seeds, kg)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert not (kg / LOCK_NAME).exists()


def test_failed_build_creates_no_kg_folder(tmp_path):
    """Bad seeds fail before the lock: no kg/ folder, no lock file."""
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA, seeds)
    (seeds / "annotations" / "001-tiny.yaml").write_text("format: [\n", encoding="utf-8")
    kg = tmp_path / "kg"
    process = run_build(seeds, kg)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 2 and "YAML syntax error" in err
    assert not kg.exists()


# --- audit: no direct writes in the library --------------------------------------------------

# (module, function) pairs allowed to write directly, each with the reason.
ALLOWED = {
    ("model/kgio.py", "write_atomic"): "the atomic writer itself: renames its temporary file",
    ("model/kgio.py", "write_temp"): "part of write_atomic: writes its temporary file",
    ("model/kgio.py", "_create"): "part of write_atomic: creates its temporary file",
    ("model/kgio.py", "_copy_slice"): "part of write_atomic: copies into its temporary file",
    ("model/kgio.py", "fsync_dir"): "opens a folder read-only to flush its renames",
    ("model/kgcommit.py", "_apply"): "renames temporary files of write_temp into kg/ (commit)",
    ("model/kgcommit.py", "_acquire"): "creates the lock file, which holds no output",
    ("model/kgcommit.py", "kg_lock"): "writes the holder's pid into the lock file",
    ("model/kgcommit.py", "writer_active"): "opens the lock file read-only to test the lock",
    ("builder/unitindex.py", "__init__"): "opens the last build's kg files read-only (O_RDONLY)",
    ("authoring/brat.py", "_check_with_loader"): "scratch copies in a TemporaryDirectory",
    ("authoring/drafteval.py", "_one"): "scratch drafts in a TemporaryDirectory",
    ("stores/serve.py", "running"): "the server log in a temporary folder",
    ("builder/crossvalidate.py", "write"): "BoundaryQuads: N-Quads files in a scratch_folder()",
    ("builder/spool.py", "add"): "appends to an unlinked TemporaryFile (a spool, no output)",
    ("seeds/seedfile.py", "read_seed"): "opens a seed file read-only (O_RDONLY|O_NONBLOCK)",
    ("stores/bulkload.py", "_writable"): "an empty probe file in --bulk-dir, removed at once",
    ("stores/bulkload.py", "_open"): "the loader's staging files in --bulk-dir: parley-bulk.json "
    "is removed before they are written and written last (atomically), so --resume rewrites "
    "files a kill left half-written",
}
WRITE_CALLS = {"write_text", "write_bytes", "copyfile", "copy", "copy2", "copytree", "move"}


def _writes(path: Path) -> list[tuple[int, str, str]]:
    """(line, enclosing function, call) of every call in `path` that writes a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    owner: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for sub in ast.walk(node):
                owner.setdefault(id(sub), node.name)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        on_os = isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "os"
        modes = [*node.args[:2], *(k.value for k in node.keywords if k.arg == "mode")]
        writes_mode = any(
            isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wax+")
            for m in modes
        )
        if (
            name in WRITE_CALLS
            or (name in ("open", "fdopen") and (writes_mode or on_os))
            or (on_os and name in ("replace", "rename", "write", "pwrite"))
            or name in ("mkstemp", "NamedTemporaryFile")
        ):
            found.append((node.lineno, owner.get(id(node), "<module>"), name))
    return found


def test_every_library_writer_goes_through_write_atomic():
    """A direct write outside the allowed scratch/lock places is a non-atomic output."""
    direct = [
        f"src/parley/{path.relative_to(SRC)}:{line}: {call}() in {function}()"
        for path in sorted(SRC.rglob("*.py"))
        for line, function, call in _writes(path)
        if (path.relative_to(SRC).as_posix(), function) not in ALLOWED
    ]
    assert not direct, "write these through parley.model.kgio.write_atomic:\n" + "\n".join(direct)


def test_the_audit_finds_a_direct_write(tmp_path):
    """The audit is not blind: it reports a plain write_text."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def save(p, data):\n    p.write_text(data)\n    open(p, 'wb').write(b'')\n", "utf-8"
    )
    assert [(line, fn) for line, fn, _ in _writes(sample)] == [(2, "save"), (3, "save")]


def test_write_atomic_copies_file_slices_between_bytes(tmp_path):
    """Slices of other files are copied where they stand among the chunks (adjacent slices of
    one file in one copy), so a rebuild can take unchanged blocks from the old kg files."""
    import os

    from parley.builder.unitindex import FileSlice
    from parley.model.kgio import write_atomic

    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"0123456789")
    b.write_bytes(b"abcdefghij")
    fa, fb = os.open(a, os.O_RDONLY), os.open(b, os.O_RDONLY)
    try:
        chunks = [
            b"<",
            FileSlice(fa, 2, 3),
            FileSlice(fa, 5, 2),  # adjacent: one copy of 5 bytes
            FileSlice(fb, 0, 2),
            FileSlice(fa, 0, 0),
            b"|",
            FileSlice(fa, 9, 1),
            b">",
        ]
        write_atomic(tmp_path / "out", chunks)
    finally:
        os.close(fa)
        os.close(fb)
    assert (tmp_path / "out").read_bytes() == b"<23456ab|9>"
