"""Hostile seed trees for tests/test_fuzz_seed_files.py (issue 18, items 5 and 9). Not a test
module: the test runs it as a script, in a child process with a memory limit and a timeout,
so that a regression (a named pipe read until a writer comes, /dev/zero read into memory)
fails the test instead of hanging the suite or the machine.

`python seedprobe.py WORK` copies the tiny corpus of tests/data/annotations into WORK, builds
kg/ from it, then feeds every case: an entry of some kind (regular files of the wrong kind,
folders, named pipes, sockets, devices, dangling, looping and escaping symbolic links, files
that cannot be read, files over the size limit, deep YAML, giant numbers) at some place of the
seeds tree under some name, through `parley build` (CliRunner, in this process) and
`load_corpus`; the draft place also through `parley draft`. It prints one JSON summary.

Each case must end in exit code 0 or 2 (never a traceback), with stderr made of
`error: file[:line]: message` lines only; a refused build leaves kg/ byte-identical; `SECRET`,
planted only in files outside the seeds folder, never appears in any output; `WRONG`, planted
in files of the wrong kind inside it, never appears in a build's output.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import shutil
import socket
import stat
import sys
from collections import Counter
from pathlib import Path

SECRET = "PARLEY-OUTSIDE-SECRET-5d1f"
WRONG = "PARLEY-WRONG-KIND-9c2e"
DATA = Path(__file__).parent / "data" / "annotations"
MEMORY_LIMIT = 3 << 30  # bytes of address space: a file read whole into memory hits it

# --- the entries ---------------------------------------------------------------------------


class Env:
    """The folders of one run: seeds/, a mirror inside it, files outside it, kg/."""

    def __init__(self, work: Path):
        self.work = work
        self.seeds = work / "seeds"
        self.outside = work / "outside"
        self.kg = work / "kg"
        self.pristine = work / "pristine-kg"
        self.stash = work / "stash"
        self.mirror = self.seeds / ".mirror"  # copies of seed files, for links inside seeds/
        self.fifo = self.outside / "pipe"

    def setup(self) -> None:
        shutil.copytree(DATA, self.seeds)
        shutil.copytree(DATA, self.mirror)
        (self.mirror / "links").mkdir()
        (self.mirror / "links" / "decisions.yaml").write_text("decisions: []\n")
        self.outside.mkdir()
        self.stash.mkdir()
        shutil.copytree(DATA, self.outside / "seeds")  # a good tree, with the secret in it
        people = self.outside / "seeds" / "registry" / "people.yaml"
        people.write_text(people.read_text().replace("Anna Smith", SECRET, 1))
        (self.outside / "seeds" / "links").mkdir()
        (self.outside / "seeds" / "links" / "decisions.yaml").write_text(
            f"decisions:\n  - entity: {SECRET.lower()}\n    qid: Q1\n"
        )
        (self.outside / "secret.yaml").write_text(secret_yaml(SECRET))
        (self.outside / "secret.txt").write_text(f"root:{SECRET}:19000:0:99999:7:::\n" * 3)
        os.mkfifo(self.fifo)


def secret_yaml(marker: str) -> str:
    """A YAML file of the wrong kind: the marker as keys, values, list items, deep and long."""
    return (
        f"{marker}: {marker}\n"
        f"password: {marker}\n"
        f"format: {marker}\n"
        f"people: {marker}\n"
        f"decisions: {marker}\n"
        f"nested: {{a: [{marker}, {{b: {marker}}}]}}\n"
        f"long: {marker * 20}\n"
        f"'{marker} key with spaces': 1\n"
    )


def _text(marker: str) -> bytes:
    return f"root:{marker}:19000:0:99999:7:::\ndaemon:*:{marker}\n".encode()


def _link(target):
    return lambda path, env: os.symlink(target(env) if callable(target) else target, path)


def _write(data):
    return lambda path, env: path.write_bytes(data(env) if callable(data) else data)


def _mirror_of(path: Path, env: Env) -> Path:
    """The copy, in seeds/.mirror/, of the seed file at `path` (or of a sibling of its kind)."""
    relative = path.relative_to(env.seeds)
    same = env.mirror / relative
    if same.exists():
        return same
    siblings = {"annotations": "001-tiny.yaml", "articles": "001-tiny.txt"}
    return env.mirror / relative.parent / siblings.get(relative.parts[0], "people.yaml")


def _unreadable(path: Path, env: Env) -> None:
    path.write_text(secret_yaml(WRONG))
    path.chmod(0)


def _socket(path: Path, env: Env) -> None:
    short = env.work / "s"  # AF_UNIX addresses are short: bind here, then move it
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(short))
    os.rename(short, path)


def _chardev(path: Path, env: Env) -> None:
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 5))  # a /dev/zero of the seeds folder


def _folder(path: Path, env: Env) -> None:
    path.mkdir()
    (path / "inside.yaml").write_text(secret_yaml(WRONG))


def _hardlink(path: Path, env: Env) -> None:
    target = env.outside / "hard.yaml"  # a hard link is a file of the seeds folder too
    if not target.exists():
        target.write_text(secret_yaml(WRONG))
    os.link(target, path)


def _chain(path: Path, env: Env) -> None:
    middle = env.seeds / ".chain"
    if not os.path.lexists(middle):
        os.symlink(env.outside / "secret.yaml", middle)
    os.symlink(os.path.relpath(middle, path.parent), path)


def _relative_escape(path: Path, env: Env) -> None:
    os.symlink(os.path.relpath(env.outside / "secret.yaml", path.parent), path)


def _loop(path: Path, env: Env) -> None:
    os.symlink(path.name, path)


KINDS = {
    "wrong-kind-yaml": _write(secret_yaml(WRONG).encode()),
    "wrong-kind-text": _write(_text(WRONG)),
    "wrong-kind-json": _write(f'{{"password": "{WRONG}", "list": ["{WRONG}"]}}'.encode()),
    "binary": _write(b"\x7fELF\x00\x01" + WRONG.encode() + bytes(range(256))),
    "not-utf8": _write(WRONG.encode() + b": \xe9t\xe9 \xff\n"),
    "empty": _write(b""),
    "huge-sparse": lambda path, env: os.truncate(_touch(path), (16 << 20) + 1),
    "folder": _folder,
    "fifo": lambda path, env: os.mkfifo(path),
    "socket": _socket,
    "chardev": _chardev,
    "unreadable": _unreadable,
    "hardlink": _hardlink,
    "dangling-link": _link("no-such-file"),
    "link-loop": _loop,
    "link-out-file": _link(lambda env: env.outside / "secret.yaml"),
    "link-out-text": _link(lambda env: env.outside / "secret.txt"),
    "link-out-folder": _link(lambda env: env.outside / "seeds"),
    "link-out-dev-zero": _link("/dev/zero"),
    "link-out-fifo": _link(lambda env: env.fifo),
    "link-out-environ": _link("/proc/self/environ"),
    "link-relative-escape": _relative_escape,
    "link-chain-out": _chain,
    "link-in-seeds-copy": lambda path, env: os.symlink(_mirror_of(path, env), path),
}


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _folder_kinds() -> dict:
    def link_out(path: Path, env: Env) -> None:
        os.symlink(env.outside / "seeds" / path.name, path)

    def link_in(path: Path, env: Env) -> None:
        os.symlink(env.mirror / path.name, path)

    return {
        "file-not-folder": _write(secret_yaml(WRONG).encode()),
        "fifo": KINDS["fifo"],
        "socket": KINDS["socket"],
        "dangling-link": KINDS["dangling-link"],
        "link-loop": KINDS["link-loop"],
        "link-out-folder": link_out,
        "link-out-file": KINDS["link-out-file"],
        "link-in-seeds-folder": link_in,
        "unreadable-folder": None,  # the folder itself, chmod 000 (`Probe._unreadable_folder`)
    }


FOLDER_KINDS = _folder_kinds()

# --- the places and names ------------------------------------------------------------------

FREE = ("annotations/{}.yaml", "registry/{}.yaml", "articles/{}.txt")  # new files
FIXED = (
    "annotations/001-tiny.yaml",
    "articles/001-tiny.txt",
    "registry/people.yaml",
    "links/decisions.yaml",
)  # the entry replaces the file there (or adds it)
FOLDERS = ("annotations", "articles", "registry", "links")
NAMES = (
    "x",
    os.fsdecode(b"bad-\xff\xfe-utf8"),  # not UTF-8: a surrogate-escaped str
    "new\nline",
    "\x1b[31mred\x1b[0m",
    "\u202eevil",
    "l" * 240,
    ".hidden",
    'it\'s "quoted"',
    "e\u0301",
    "-rf",
    "001-TINY",
    "a b\tc",
)

# giant numbers and impossible dates in every numeric (or date) field
NUMBERS = (
    "0x" + "f" * 5000,
    "-0x" + "F" * 4000,
    "0b" + "1" * 20000,
    "0o" + "7" * 6000,
    "9" * 5000,
    "-" + "9" * 4301,
    "9" * 1001,
    "9" * 999,
    "1_" * 3000 + "0",
    "1:" * 3000 + "0",
    "1:" * 2000 + "0.5",
    "1e99999",
    "-1e99999",
    ".nan",
    "1." + "0" * 100000 + "1",
    "!!int 0x" + "a" * 5000,
    "!!float 1e99999",
    "!!int " + "7" * 5000,
    "0000-01-01",
    "9999-12-31",
    "2024-02-30",
    "9999-12-31T23:59:59.999999999+99:99",
    "2024-03-04T00:00:00." + "9" * 10000,
    "[0x" + "f" * 5000 + "]",
)
FIELDS = (
    ("annotations/001-tiny.yaml", "  date: 2024-03-04", "  date: {}"),
    ("annotations/001-tiny.yaml", "value: 2024-03-04,", "value: {},"),
    ("annotations/001-tiny.yaml", "occurrence: 2}", "occurrence: {}}"),
    ("annotations/001-tiny.yaml", "    value: 27", "    value: {}"),
    ("annotations/001-tiny.yaml", "    paraphrase: false", "    paraphrase: {}"),
    ("annotations/001-tiny.yaml", "  sha256: ", "  sha256: {}\n  x-old: "),
    ("registry/meetings.yaml", "    round: 1", "    round: {}"),
    ("registry/meetings.yaml", "    date: 2024-03-04", "    date: {}"),
    ("registry/posts.yaml", "        start: 2020-05", "        start: {}"),
    ("registry/posts.yaml", "        end: null", "        end: {}"),
)
DECISION = (
    "decisions:\n"
    "  - {{entity: anna-smith, qid: Q1, decision: accepted, by: t, at: {at}, score: {score}}}\n"
)
NESTING_PLACES = ("annotations/001-tiny.yaml", "registry/x.yaml", "links/decisions.yaml")


def nested(shape: str, depth: int) -> str:
    if shape == "flow-list":
        return "[" * depth + "]" * depth
    if shape == "flow-map":
        return "{a: " * depth + "1" + "}" * depth
    if shape == "block-map":
        return "".join(" " * i + "a:\n" for i in range(depth)) + " " * depth + "1\n"
    if shape == "block-list":
        return "".join(" " * (2 * i) + "-\n" for i in range(depth)) + " " * (2 * depth) + "1\n"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]  # aliases that expand to 10 ** depth
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, depth)]
    return "\n".join(lines) + "\n"


NESTINGS = [
    (shape, depth)
    for shape in ("flow-list", "flow-map", "block-map", "block-list")
    for depth in (100, 1000, 3000, 20000)
    if not (shape.startswith("block") and depth > 3000)
] + [("aliases", 9), ("aliases", 30)]


def cases() -> list[tuple]:
    """Every case, in a fixed order."""
    out: list[tuple] = []
    for place, name, kind in itertools.product(FREE, NAMES, KINDS):
        out.append(("file", place.format(name), kind))
    for place, kind in itertools.product(FIXED, KINDS):
        out.append(("file", place, kind))
    out.extend(("file", place, "huge-dense") for place in FIXED)
    for folder, kind in itertools.product(FOLDERS, FOLDER_KINDS):
        out.append(("folder", folder, kind))
    for (path, old, new), value in itertools.product(FIELDS, NUMBERS):
        out.append(("number", path, old, new.replace("{}", value)))
    for at, score in itertools.product(NUMBERS[:12], ("0.5", NUMBERS[0])):
        out.append(("decision", at, score))
    for place, (shape, depth) in itertools.product(NESTING_PLACES, NESTINGS):
        out.append(("nesting", place, shape, depth))
    for kind in KINDS:
        out.append(("draft", "articles/099-probe.txt", kind))
    return out


# --- running one case ----------------------------------------------------------------------


def remove(path: Path) -> None:
    if not os.path.lexists(path):
        return
    if path.is_dir() and not path.is_symlink():
        for folder, dirs, _ in os.walk(path):
            for d in dirs:
                os.chmod(os.path.join(folder, d), 0o700)
        os.chmod(path, 0o700)
        shutil.rmtree(path)
    else:
        os.unlink(path)


class Probe:
    def __init__(self, env: Env, privileged: bool):
        self.env = env
        self.privileged = privileged
        self.failures: list[str] = []
        self.outcomes: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()  # the cases that built (or drafted)

    def plant(self, case: tuple):
        """Make the case's entry; return (undo, expected outcome: "ok", "error" or "any")."""
        env = self.env
        what = case[0]
        if what == "folder" and case[2] == "unreadable-folder":
            return self._unreadable_folder(env.seeds / case[1]), self.expected(case)
        if what in ("file", "draft", "folder"):
            path = env.seeds / case[1]
            stashed = env.stash / "entry"
            path.parent.mkdir(exist_ok=True)
            if os.path.lexists(path):
                os.rename(path, stashed)
            if case[2] == "huge-dense":
                path.write_bytes((WRONG.encode() + b"\n") * ((16 << 20) // len(WRONG) + 1))
            else:
                (FOLDER_KINDS if what == "folder" else KINDS)[case[2]](path, env)

            def undo():
                remove(path)
                if os.path.lexists(stashed):
                    os.rename(stashed, path)
                tidy_links(env)

            return undo, self.expected(case)
        if what == "nesting":
            path = env.seeds / case[1]
            path.parent.mkdir(exist_ok=True)
            original = path.read_bytes() if path.exists() else None
            path.write_text(nested(case[2], case[3]))
            return self._restore(path, original), "error"
        if what == "decision":
            path = env.seeds / "links" / "decisions.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(DECISION.format(at=case[1], score=case[2]))
            return self._restore(path, None), "any"
        path = env.seeds / case[1]
        original = path.read_bytes()
        text = original.decode()
        assert case[2] in text, case
        path.write_text(text.replace(case[2], case[3], 1))
        return self._restore(path, original), "any"

    def _restore(self, path: Path, original: bytes | None):
        def undo():
            if original is None:
                remove(path)
                tidy_links(self.env)
            else:
                path.write_bytes(original)

        return undo

    def _unreadable_folder(self, path: Path):
        created = not path.exists()
        if created:
            path.mkdir()
        path.chmod(0)

        def undo():
            path.chmod(0o755)
            if created:
                path.rmdir()

        return undo

    def expected(self, case: tuple) -> str:
        what, place, kind = case
        if what == "draft":
            regular = kind.startswith(("wrong-kind", "empty", "hardlink", "link-in-seeds"))
            if kind == "unreadable":
                return "any" if self.privileged else "error"
            return "any" if regular else "error"
        if what == "folder":
            if place == "links" and kind not in ("link-out-folder", "unreadable-folder"):
                return "ok" if kind == "link-in-seeds-folder" else "any"
            if kind == "link-in-seeds-folder" or (kind == "unreadable-folder" and self.privileged):
                return "ok"
            return "error"
        if kind == "link-in-seeds-copy" and place in FIXED:
            return "ok"
        return "error"

    def run(self, case: tuple) -> None:
        try:
            undo, expected = self.plant(case)
        except PermissionError:  # mknod without CAP_MKNOD
            self.skipped[case[2]] += 1
            return
        try:
            problems = self.check(case, expected)
            if case[0] != "draft":
                problems += self.check_library()
        finally:
            undo()
        self.failures.extend(f"{_show(case)}: {problem}" for problem in problems)

    def check(self, case: tuple, expected: str) -> list[str]:
        """Run the case through the CLI; what is wrong with the result."""
        from click.testing import CliRunner
        from fuzzkit import PROBLEM_LINE

        from parley.cli.main import main

        env = self.env
        if case[0] == "draft":
            args = ["draft", str(env.seeds / case[1]), "--seeds", str(env.seeds)]
        else:
            args = ["build", "--seeds", str(env.seeds), "--kg", str(env.kg)]
        result = CliRunner().invoke(main, args)
        outcome = {0: "ok", 2: "error"}.get(result.exit_code, f"exit {result.exit_code}")
        self.outcomes[outcome] += 1
        if outcome == "ok":
            self.accepted[f"{case[0]} {case[1] if case[0] == 'folder' else case[-1]}"[:40]] += 1
        problems = []
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(f"traceback {result.exception!r}")
        if expected != "any" and outcome != expected:
            problems.append(f"{outcome}, expected {expected}: {result.output[-300:]!r}")
        if SECRET in result.output or (WRONG in result.output and case[0] != "draft"):
            problems.append(f"a planted marker in the output: {result.output[-300:]!r}")
        if outcome == "error":
            for line in result.stderr.splitlines():
                body = line.removeprefix("error: ")
                if line == body or not PROBLEM_LINE.match(body):
                    problems.append(f"not an error line: {line!r}")
                line.encode("utf-8")  # no lone surrogate (a raw non-UTF-8 file name)
            if case[0] != "draft" and snapshot(env.kg) != self.kg_files:
                problems.append("kg/ changed")
        elif outcome == "ok" and case[0] != "draft":
            if SECRET.encode() in b"".join(snapshot(env.kg).values()):
                problems.append("a planted marker reached kg/")
            restore_kg(env)
        return problems

    def check_library(self) -> list[str]:
        """`load_corpus` (every loader of seeds/) returns or raises `InputError`."""
        from parley.builder.corpus import load_corpus
        from parley.model.errors import InputError

        try:
            load_corpus(self.env.seeds)
        except InputError as exc:
            if SECRET in str(exc) or WRONG in str(exc):
                return ["load_corpus quoted a planted marker"]
        except Exception as exc:  # any other exception is the bug
            return [f"traceback from load_corpus: {exc!r}"]
        return []


def tidy_links(env: Env) -> None:
    """The pristine tree has no links/ folder: remove the one a case made."""
    links = env.seeds / "links"
    if links.is_dir() and not links.is_symlink() and not any(links.iterdir()):
        links.rmdir()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def restore_kg(env: Env) -> None:
    shutil.rmtree(env.kg)
    shutil.copytree(env.pristine, env.kg)


def _show(case: tuple) -> str:
    return " ".join(repr(x)[:60] for x in case)


def _privileged() -> bool:
    """Whether this process reads files whatever their mode (root with CAP_DAC_OVERRIDE)."""
    probe = Path(os.environ["PARLEY_PROBE_WORK"]) / "mode-probe"
    probe.write_text("x")
    probe.chmod(0)
    try:
        probe.read_text()
        return True
    except PermissionError:
        return False
    finally:
        probe.unlink()


def main(work: Path) -> dict:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    os.environ["PARLEY_PROBE_WORK"] = str(work)
    os.environ["PARLEY_CACHE"] = str(work / "cache")
    env = Env(work)
    env.setup()
    from parley.builder.corpus import build

    build(env.seeds, env.pristine)
    shutil.copytree(env.pristine, env.kg)
    probe = Probe(env, _privileged())
    probe.kg_files = snapshot(env.kg)
    progress = work / "progress"
    every = cases()
    for i, case in enumerate(every):
        progress.write_text(f"{i} {_show(case)}")  # the case a timed-out run was at
        probe.run(case)
    groups = Counter(case[0] for case in every)
    return {
        "cases": len(every) - sum(probe.skipped.values()),
        "groups": dict(groups),
        "outcomes": dict(probe.outcomes),
        "accepted": dict(probe.accepted),
        "skipped": dict(probe.skipped),
        "privileged": probe.privileged,
        "failures": probe.failures,
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
