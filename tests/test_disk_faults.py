"""A full disk, a read-only kg/ and the mode of written files (issue 18, items 6 and 9).

The full disk is real: a small tmpfs mounted for this module (the tests are skipped, saying
why, where mounting is not permitted), filled with a file that leaves N bytes free, for N
from 0 up to what the build needs, with kg/ and the cache on it together or apart. Each
`parley build` is a real process: one line on stderr, exit 2, no traceback, and kg/ exactly
as it was. The read-only kg/ is a read-only bind mount (root ignores file modes).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seedsets import four_and_five

ROOT = Path(__file__).parent.parent
PARLEY = [sys.executable, "-c", "from parley.cli.main import main; main()"]
DISK_BYTES = 24 * 1024 * 1024


def _mount(*args: str) -> str | None:
    """Run `mount ARGS`; the reason it failed, or None."""
    try:
        done = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return str(exc)
    return None if done.returncode == 0 else (done.stderr.strip() or f"exit {done.returncode}")


def _umount(path: Path) -> None:
    subprocess.run(["umount", str(path)], capture_output=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def disk(tmp_path_factory):
    """A tmpfs of 24 MB, mounted for this module."""
    path = tmp_path_factory.mktemp("disk")
    failed = _mount("-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(path))
    if failed:
        pytest.skip(f"cannot mount a small tmpfs here ({failed}): the full-disk tests need one")
    yield path
    _umount(path)


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PARLEY_CACHE": str(cache)}


def _build(seeds: Path, kg: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PARLEY, "build", "--seeds", str(seeds), "--kg", str(kg)],
        env=_env(cache),
        capture_output=True,
        text=True,
        timeout=600,
    )


def _snapshot(folder: Path) -> dict[str, bytes] | None:
    if not folder.exists():
        return None
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@contextlib.contextmanager
def _filled(disk: Path, free: int):
    """`disk` filled up to `free` bytes left (tmpfs counts whole pages)."""
    filler = disk / "filler"
    st = os.statvfs(disk)
    size = st.f_bavail * st.f_frsize - free
    if size > 0:
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.posix_fallocate(fd, 0, size)
        finally:
            os.close(fd)
    try:
        yield
    finally:
        filler.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    """Seeds of 4 articles (the old kg/) and of 5 (the build that meets the full disk)."""
    return four_and_five(tmp_path_factory.mktemp("seeds"))


MESSAGES: set[str] = set()
STAGES = {  # where a failing write was, by what its message names
    "/units/": "unit cache",
    "/store/": "build store",
    "tools-": "compiled tools",
    "/kg/.parley.trig": "kg/parley.trig",
    "/kg/parley.trig": "kg/parley.trig",
    "/kg/inferred.ttl": "kg/inferred.ttl",
    "/kg/.parley.commit": "commit record",
    "/kg/.parley.lock": "lock",
}


def _stage(line: str) -> str:
    return next((stage for key, stage in STAGES.items() if key in line), line)


LAYOUTS = {
    "kg and cache on the full disk": ("disk", "disk"),
    "kg on the full disk": ("disk", "roomy"),
    "cache on the full disk": ("roomy", "disk"),
}


def test_a_full_disk_is_one_line_exit_2_and_kg_untouched(disk, seeds, tmp_path):
    """For each layout and each amount of free space (0, 4 KB, then 4 times more) until the build
    fits: every failing build says so in one line and leaves kg/ as it was."""
    old, new = seeds
    tried = failed = 0
    for layout, (kg_on, cache_on) in LAYOUTS.items():
        places = {"disk": disk / layout.replace(" ", "-"), "roomy": tmp_path / layout}
        kg, cache = places[kg_on] / "kg", places[cache_on] / "cache"
        for fresh in (True, False):  # into a new kg/ folder, then over an old kg/
            if not fresh:
                assert _build(old, kg, cache).returncode == 0
            before = _snapshot(kg)
            free = 0
            while True:
                with _filled(disk, free):
                    done = _build(new, kg, cache)
                tried += 1
                where = f"{layout}, {'new' if fresh else 'old'} kg/, {free:,} bytes free"
                assert "Traceback" not in done.stderr, where + "\n" + done.stderr
                if done.returncode == 0:
                    break
                failed += 1
                assert done.returncode == 2, where + "\n" + done.stderr
                lines = done.stderr.splitlines()
                assert len(lines) == 1 and lines[0].startswith("error: "), where
                assert "No space left on device — free some space" in lines[0], where
                assert lines[0].endswith(f"{kg}/ is unchanged"), where
                assert _snapshot(kg) == before, where
                MESSAGES.add(_stage(lines[0]))
                free = free * 4 if free else 4096
            shutil.rmtree(places["disk"])
            shutil.rmtree(places["roomy"], ignore_errors=True)
    print(f"\nfull-disk builds: {tried} tried, {failed} failed cleanly, 0 tracebacks")
    print("  failing writes:", ", ".join(sorted(MESSAGES)))
    assert failed >= 15


@pytest.fixture
def read_only(tmp_path):
    """A folder made read-only by a read-only bind mount of itself (root ignores modes)."""
    folder = tmp_path / "ro"
    folder.mkdir()

    @contextlib.contextmanager
    def seal():
        failed = _mount("--bind", str(folder), str(folder)) or _mount(
            "-o", "remount,bind,ro", str(folder)
        )
        if failed:
            _umount(folder)
            pytest.skip(f"cannot make a read-only bind mount here ({failed})")
        try:
            yield
        finally:
            _umount(folder)

    return folder, seal


def test_a_read_only_kg_is_one_line_exit_2(read_only, seeds, tmp_path):
    """Build and reason into a read-only kg/: one line, exit 2; queries still answer."""
    folder, seal = read_only
    old, new = seeds
    kg, cache = folder / "kg", tmp_path / "cache"
    assert _build(old, kg, cache).returncode == 0
    (kg / "inferred.ttl").write_bytes(b"")  # `parley reason` has something to write
    with seal():
        before = _snapshot(kg)
        outcomes = {}
        for command in (
            ["build", "--seeds", str(new)],
            ["reason"],
            ["query", "articles"],
            ["validate"],
        ):
            done = subprocess.run(
                [*PARLEY, *command, "--kg", str(kg)],
                env=_env(cache),
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert "Traceback" not in done.stderr, done.stderr
            outcomes[command[0]] = (done.returncode, done.stderr.splitlines())
        assert _snapshot(kg) == before
    for command in ("build", "reason"):
        code, lines = outcomes[command]
        assert code == 2 and len(lines) == 1, (command, lines)
        assert "Read-only file system — make it writable" in lines[0], lines
    assert outcomes["query"][0] == 0
    assert outcomes["validate"][0] in (0, 1)  # 1: the 4 articles leave a registry entry unused


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_written_files_follow_the_umask(tmp_path, umask, monkeypatch):
    """Bug: write_atomic made every file 0600 (mkstemp), kg/ files included."""
    from parley.builder.corpus import build

    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "tests" / "data" / "annotations", seeds)
    old = os.umask(umask)
    try:
        build(seeds, tmp_path / "kg")
    finally:
        os.umask(old)
    for name in ("parley.trig", "inferred.ttl"):
        assert (tmp_path / "kg" / name).stat().st_mode & 0o777 == 0o666 & ~umask
