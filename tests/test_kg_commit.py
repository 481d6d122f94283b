"""kg/'s files change as one (issue 18, item 3): a build killed at any write boundary leaves
kg/ holding one build's files, and the next reader or build finds it so.

The build is a real `parley build` process killed from outside by strace (`--inject` a
SIGKILL on entry to its Nth `rename` or `unlink`: the call is not made), once for every
rename of an incremental rebuild (old kg/ of 4 articles, new seeds of 5: the unit cache,
the store, the manifest, the index and kg/) and every unlink of a file in kg/ (strace counts
calls per thread, and the store's threads remove files of their own). After each kill the
files on disk are compared with the two generations, byte for byte; then, in this process, a
query, `validate` and a rebuild run over what the kill left.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from seedsets import four_and_five

from parley import api
from parley.model.kgcommit import COMMIT_NAME, LOCK_NAME

ROOT = Path(__file__).parent.parent
PARLEY = [sys.executable, "-c", "from parley.cli.main import main; main()"]
BOUNDARIES = ("rename", "unlink")  # the calls that change what a folder holds
KG_PATHS = ("parley.trig", "inferred.ttl", ".parley.commit", ".parley.lock")  # for unlinks
KG_FILES = ("parley.trig", "inferred.ttl")
STRACE = shutil.which("strace")


def _env(cache: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "PARLEY_CACHE": str(cache),
        "PYTHONDONTWRITEBYTECODE": "1",  # no __pycache__ renames among the counted calls
        "PYTHONHASHSEED": "0",
    }


def _files(kg: Path) -> tuple[bytes | None, ...]:
    return tuple((kg / n).read_bytes() if (kg / n).exists() else None for n in KG_FILES)


def _resolved(kg: Path) -> tuple[bytes | None, ...]:
    """What kg/ holds once a commit record found there is applied (the record decides)."""
    import json

    files = json.loads((kg / COMMIT_NAME).read_text())["files"]
    out = []
    for name in KG_FILES:
        tmp = kg / files[name] if name in files else None
        path = tmp if tmp is not None and tmp.exists() else kg / name
        out.append(path.read_bytes())
    return tuple(out)


@pytest.fixture(scope="module")
def rebuild(tmp_path_factory):
    """Seeds of 4 and 5 articles; kg/ and the cache after building the 4 (at the paths every
    run uses, so that the rebuild is incremental), and the files of both generations."""
    base = tmp_path_factory.mktemp("commit")
    old_seeds, new_seeds = four_and_five(base)
    work = base / "work"
    kg, cache = work / "kg", work / "cache"
    for seeds in (old_seeds, new_seeds):
        done = subprocess.run(
            [*PARLEY, "build", "--seeds", str(seeds), "--kg", str(kg)],
            env=_env(cache),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        if seeds is old_seeds:
            old = _files(kg)
            shutil.copytree(work, base / "old-state", symlinks=True)
    new = _files(kg)
    assert old[0] != new[0] and old[1] != new[1]  # both files change
    return {"base": base, "work": work, "seeds": new_seeds, "old": old, "new": new}


def _restore(rebuild) -> tuple[Path, Path]:
    work = rebuild["work"]
    shutil.rmtree(work)
    shutil.copytree(rebuild["base"] / "old-state", work, symlinks=True)
    return work / "kg", work / "cache"


def _traced_build(rebuild, call: str, inject: str = "") -> subprocess.CompletedProcess:
    """The rebuild under strace, tracing `call` (unlinks: only of kg/'s files)."""
    kg, cache = rebuild["work"] / "kg", rebuild["work"] / "cache"
    log = rebuild["base"] / "strace.log"
    command = [STRACE, "-f", "-qq", "-o", str(log), "-e", f"trace={call}", "-e", "signal=none"]
    if call == "unlink":
        command += [arg for name in KG_PATHS for arg in ("-P", str(kg / name))]
    if inject:
        command += ["-e", f"inject={inject}"]
    command += [*PARLEY, "build", "--seeds", str(rebuild["seeds"]), "--kg", str(kg)]
    return subprocess.run(command, env=_env(cache), capture_output=True, text=True, timeout=600)


def _main_thread_calls(rebuild, call: str) -> int:
    """How many traced `call`s the build's main thread makes (strace counts per thread, so
    `when=N` names the Nth call of the main thread)."""
    _restore(rebuild)
    done = _traced_build(rebuild, call)
    if done.returncode != 0 and "ptrace" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    lines = (rebuild["base"] / "strace.log").read_text().splitlines()
    main = str(min(int(line.split()[0]) for line in lines))  # the first process started
    return sum(1 for line in lines if re.match(rf"{main} +{call}\(", line))


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (make system-deps)")
def test_a_build_killed_at_every_write_boundary_leaves_one_generation(rebuild, monkeypatch):
    calls = {call: _main_thread_calls(rebuild, call) for call in BOUNDARIES}
    expected = {}
    for name in ("old", "new"):
        kg = rebuild["base"] / f"answers-{name}"
        kg.mkdir()
        for file, data in zip(KG_FILES, rebuild[name], strict=True):
            (kg / file).write_bytes(data)
        monkeypatch.setenv("PARLEY_CACHE", str(rebuild["base"] / "answers-cache"))
        answer = b"".join(api.answer_query("articles", kg, backend="memory").chunks())
        expected[name] = (answer, api.validate(kg).conforms)
    states = {"old": 0, "new": 0, "committed, renames pending": 0}
    kills = 0
    for call, count in calls.items():
        for n in range(1, count + 1):
            kg, cache = _restore(rebuild)
            done = _traced_build(rebuild, call, f"{call}:signal=KILL:when={n}")
            assert done.returncode in (-9, 137), f"{call} #{n} not killed: {done.stderr[-500:]}"
            assert "Traceback" not in done.stderr
            kills += 1
            state = _state(rebuild, kg)
            assert state is not None, f"kg/ mixes two builds after a kill at {call} #{n}"
            states[state] += 1
            monkeypatch.setenv("PARLEY_CACHE", str(cache))
            _read_then_rebuild(rebuild, kg, expected, f"{call} #{n}")
    print(f"\nkills at write boundaries: {kills} ({calls}); kg/ states: {states}")
    assert kills == sum(calls.values()) and kills >= 15
    assert states["old"] and states["new"] and states["committed, renames pending"]


def _state(rebuild, kg: Path) -> str | None:
    """Which generation kg/ holds right after the kill, or None when it mixes two."""
    if (kg / COMMIT_NAME).exists():
        return "committed, renames pending" if _resolved(kg) == rebuild["new"] else None
    files = _files(kg)
    return "old" if files == rebuild["old"] else "new" if files == rebuild["new"] else None


def _read_then_rebuild(rebuild, kg: Path, expected: dict, where: str) -> None:
    """A reader gets the answer of the generation kg/ holds (completing a pending commit),
    and so does validate; a rebuild then leaves exactly the new files, no temporary or lock file."""
    answer = b"".join(api.answer_query("articles", kg).chunks())
    assert not (kg / COMMIT_NAME).exists(), where
    generation = "old" if _files(kg) == rebuild["old"] else "new"
    assert _files(kg) == rebuild[generation], where
    assert (answer, api.validate(kg).conforms) == expected[generation], where
    api.build(rebuild["seeds"], kg)
    assert sorted(p.name for p in kg.iterdir()) == sorted(KG_FILES), where
    assert _files(kg) == rebuild["new"], where
    assert b"".join(api.answer_query("articles", kg).chunks()) == expected["new"][0], where
    cache_kg = next((Path(os.environ["PARLEY_CACHE"]) / "kg").iterdir())
    assert not list(cache_kg.glob(".*.tmp")), where


def test_a_reader_completes_a_commit_left_by_a_dead_writer(tmp_path, monkeypatch):
    """A record and one renamed file, as a kill between the two renames leaves them: `parley
    query` and `validate` complete the commit and answer from the new files."""
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))
    kg = tmp_path / "kg"
    kg.mkdir()
    shutil.copy(ROOT / "kg" / "parley.trig", kg / "parley.trig")
    (kg / "inferred.ttl").write_bytes(b"")  # the old file: nothing inferred
    pending = kg / ".inferred.ttl.0123456789ab.tmp"
    shutil.copy(ROOT / "kg" / "inferred.ttl", pending)
    (kg / COMMIT_NAME).write_text(
        '{"files": {"inferred.ttl": ".inferred.ttl.0123456789ab.tmp", '
        '"parley.trig": ".parley.trig.ba9876543210.tmp"}}'
    )
    (kg / LOCK_NAME).write_text("999999\n")  # a dead writer's lock file
    done = subprocess.run(
        [*PARLEY, "query", "articles", "--kg", str(kg), "--backend", "memory"],
        env=_env(tmp_path / "cache"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in kg.iterdir()) == ["inferred.ttl", "parley.trig"]
    assert (kg / "inferred.ttl").read_bytes() == (ROOT / "kg" / "inferred.ttl").read_bytes()
    assert api.validate(kg).conforms


def test_a_build_removes_a_killed_builds_temporary_files(tmp_path, monkeypatch):
    """Temporary files of kg/'s files (no record: never committed) and a stale lock file are
    removed by the next build; another program's temporary file is left alone."""
    monkeypatch.setenv("PARLEY_CACHE", str(tmp_path / "cache"))
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "tests" / "data" / "annotations", seeds)
    kg = tmp_path / "kg"
    api.build(seeds, kg)
    before = _files(kg)
    stale = [".parley.trig.a1b2c3d4e5f6.tmp", ".inferred.ttl.abc_12de.tmp", "..parley.commit.x.tmp"]
    for name in stale:
        (kg / name).write_bytes(b"half a file")
    (kg / LOCK_NAME).write_text("999999\n")
    (kg / ".wikidata.trig.a1b2c3d4e5f6.tmp").write_bytes(b"parley enrich at work")
    api.build(seeds, kg)
    assert sorted(p.name for p in kg.iterdir()) == sorted(
        [*KG_FILES, ".wikidata.trig.a1b2c3d4e5f6.tmp"]
    )
    assert _files(kg) == before
