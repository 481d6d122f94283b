"""Regression tests for seed files that are not what they should be (issue 18, items 5 and 9).

One test per hole the outside probe found, each named after it: links followed out of the
seeds folder (and their targets' lines printed), named pipes that blocked the build, devices
read without end, folders, sockets, dangling and looping links, files and folders that cannot
be read, non-UTF-8 file names, files of the wrong kind quoted in messages, giant integers.
Cases that would hang or exhaust memory if the fix regressed run in a subprocess, with a
timeout and a memory limit. tests/test_fuzz_seed_files.py tries these kinds by the thousand.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzzkit import PROBLEM_LINE, snapshot

from parley.builder.corpus import build
from parley.cli.main import main
from parley.model.errors import InputError
from parley.seeds.seedfile import MAX_SEED_BYTES
from parley.seeds.yamlfile import parse_yaml

DATA = Path(__file__).parent / "data" / "annotations"
SRC = Path(__file__).parent.parent / "src"
SECRET = "PARLEY-SECRET-3b7e"
SHADOW = f"root:$6${SECRET}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
LINK_OUT = (
    "is a symbolic link (or inside one) that leads out of the seeds folder — copy the file into "
    "the seeds folder instead of linking to it"
)
TIMEOUT = 120  # seconds, for a command that takes one: only a hang comes near it


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """kg/ built from the tiny corpus, to compare with after each refused build."""
    kg = tmp_path_factory.mktemp("pristine") / "kg"
    build(DATA, kg)
    return kg


@pytest.fixture
def tree(tmp_path, pristine):
    """A copy of the tiny seeds, its built kg/, and a secret file outside the seeds folder."""
    seeds = tmp_path / "seeds"
    shutil.copytree(DATA, seeds)
    shutil.copytree(pristine, tmp_path / "kg")
    (tmp_path / "secret").write_text(SHADOW)
    return seeds


def cli_build(seeds: Path) -> tuple[list[str], str]:
    """`parley build` in this process: the error lines, after checking the exit code, that
    every line is `error: file[:line]: message`, and that kg/ is unchanged."""
    kg = seeds.parent / "kg"
    before = snapshot(kg)
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--kg", str(kg)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 2, result.output
    assert snapshot(kg) == before
    return check_lines(result.stderr), result.output


def check_lines(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    assert lines and "Traceback" not in stderr
    for line in lines:
        assert line.startswith("error: ") and PROBLEM_LINE.match(line[7:]), line
        line.encode("utf-8")  # strict: no raw undecodable byte of a file name
    return [line[7:] for line in lines]


def only(lines: list[str], path: Path | str, message: str) -> None:
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}: {message}"), lines[0]


def run_cli(*args, cwd: Path, memory: int | None = None, unprivileged: bool = False):
    """`parley ARGS` in a subprocess, with a timeout (a blocked read fails the test instead of
    hanging it), optionally a memory limit and, for root, no power to read any file."""

    def limit():
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if unprivileged:
            drop_root_read_powers()

    env = dict(os.environ, PYTHONPATH=str(SRC), PARLEY_CACHE=str(cwd / "cache"))
    code = "from parley.cli.main import main; main()"
    try:
        return subprocess.run(
            [sys.executable, "-c", code, *map(str, args)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            preexec_fn=limit,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`parley {' '.join(map(str, args))}` hung (over {TIMEOUT} s)")


def drop_root_read_powers() -> None:
    if os.geteuid() == 0:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH; 24: PR_CAPBSET_DROP
            prctl(24, capability, 0, 0, 0)


def modes_enforced(tmp_path: Path) -> bool:
    """Whether a child process made by `run_cli(unprivileged=True)` is refused a 000 file."""
    probe = tmp_path / "mode-probe"
    probe.write_text("x")
    probe.chmod(0)
    done = subprocess.run(
        ["cat", str(probe)], capture_output=True, preexec_fn=drop_root_read_powers
    )
    probe.chmod(0o600)
    return done.returncode != 0


# --- links --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "place",
    [
        "annotations/x.yaml",
        "annotations/001-tiny.yaml",
        "articles/001-tiny.txt",
        "registry/x.yaml",
        "links/decisions.yaml",
    ],
)
def test_link_out_of_the_seeds_folder_was_followed_and_its_lines_printed(tree, place):
    """Bug: `ln -s /etc/shadow seeds/annotations/x.yaml` printed each of its entries as an
    unknown field; now any seed file behind a link that leaves the seeds folder is refused."""
    path = tree / place
    path.parent.mkdir(exist_ok=True)
    if path.exists():
        path.unlink()
    path.symlink_to(tree.parent / "secret")
    lines, output = cli_build(tree)
    assert SECRET not in output
    assert f"{path}: {LINK_OUT}" in lines


def test_folder_linked_out_of_the_seeds_folder_is_refused(tree, tmp_path):
    outside = tmp_path / "elsewhere"
    (tree / "annotations").rename(outside)
    (outside / "secret.yaml").write_text(f"{SECRET}: 1\n")
    (tree / "annotations").symlink_to(outside)
    lines, output = cli_build(tree)
    assert SECRET not in output
    assert lines[0].startswith(f"{tree / 'annotations'}: is a symbolic link (or inside one)")


def test_links_inside_the_seeds_folder_still_work(tree):
    """A link that stays in the seeds folder is followed as before (a file or a folder)."""
    shared = tree / "shared"
    shared.mkdir()
    (tree / "annotations" / "001-tiny.yaml").rename(shared / "001-tiny.yaml")
    (tree / "annotations" / "001-tiny.yaml").symlink_to("../shared/001-tiny.yaml")
    (tree / "registry").rename(shared / "registry")
    (tree / "registry").symlink_to(shared / "registry")
    before = snapshot(tree.parent / "kg")
    result = CliRunner().invoke(
        main, ["build", "--seeds", str(tree), "--kg", str(tree.parent / "kg")]
    )
    assert result.exit_code == 0, result.output
    assert snapshot(tree.parent / "kg") == before  # the same graph


def test_kg_index_trusted_a_file_moved_out_and_linked_back(tree):
    """A rebuild knows unchanged files by their stat; a file moved out of the seeds folder
    and linked back keeps its size, time and inode, so a link is never trusted that way."""
    kg = tree.parent / "kg"
    args = ["build", "--seeds", str(tree), "--kg", str(kg)]
    os.utime(tree / "annotations" / "001-tiny.yaml", (1e9, 1e9))  # old enough for the index
    assert CliRunner().invoke(main, args).exit_code == 0
    moved = tree.parent / "moved.yaml"
    (tree / "annotations" / "001-tiny.yaml").rename(moved)
    (tree / "annotations" / "001-tiny.yaml").symlink_to(moved)
    lines, _ = cli_build(tree)
    only(lines, tree / "annotations" / "001-tiny.yaml", "is a symbolic link (or inside one)")


# --- files that are not regular files ------------------------------------------------------


def test_named_pipe_blocked_the_build(tree):
    """Bug: a FIFO named like a seed file blocked the build until something wrote to it."""
    for place in ("annotations/x.yaml", "registry/x.yaml"):
        os.mkfifo(tree / place)
    (tree / "articles" / "001-tiny.txt").unlink()
    os.mkfifo(tree / "articles" / "001-tiny.txt")
    done = run_cli("build", "--seeds", tree, "--kg", tree.parent / "kg", cwd=tree.parent)
    assert done.returncode == 2, done.stderr
    lines = check_lines(done.stderr)
    assert f"{tree / 'registry' / 'x.yaml'}: is a named pipe (FIFO), not a regular file" in lines[0]
    os.unlink(tree / "registry" / "x.yaml")  # the registry fails first; then the annotations
    done = run_cli("build", "--seeds", tree, "--kg", tree.parent / "kg", cwd=tree.parent)
    lines = sorted(check_lines(done.stderr))
    assert lines[0].startswith(f"{tree / 'annotations' / 'x.yaml'}: is a named pipe (FIFO)")
    assert lines[1].startswith(f"{tree / 'articles' / '001-tiny.txt'}: is a named pipe (FIFO)")


def test_device_was_read_until_memory_ran_out(tree):
    """Bug: a link to /dev/zero was read into memory without end; so would a device node in
    the seeds folder, or one named to `parley draft`."""
    (tree / "annotations" / "x.yaml").symlink_to("/dev/zero")
    zero = tree / "registry" / "zero.yaml"
    try:
        os.mknod(zero, stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except PermissionError:
        zero = None  # no CAP_MKNOD: the link and `parley draft /dev/zero` still run
    kg, memory = tree.parent / "kg", 2 << 30
    done = run_cli("build", "--seeds", tree, "--kg", kg, cwd=tree.parent, memory=memory)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = check_lines(done.stderr)
    if zero is not None:
        only(lines, zero, "is a character device, not a regular file")
        zero.unlink()
        done = run_cli("build", "--seeds", tree, "--kg", kg, cwd=tree.parent, memory=memory)
        lines = check_lines(done.stderr)
    only(
        lines, tree / "annotations" / "x.yaml", "is a symbolic link (or inside one) that leads out"
    )
    done = run_cli("draft", "/dev/zero", "--seeds", tree, cwd=tree.parent, memory=memory)
    assert done.returncode == 2
    only(check_lines(done.stderr), "/dev/zero", "is a character device, not a regular file")


def test_file_over_the_size_limit_was_read_whole(tree):
    """A sparse file of 64 GiB (no disk used) is refused from its size, unread."""
    big = tree / "annotations" / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(64 << 30)
    done = run_cli(
        "build", "--seeds", tree, "--kg", tree.parent / "kg", cwd=tree.parent, memory=2 << 30
    )
    assert done.returncode == 2
    only(check_lines(done.stderr), big, f"is larger than {MAX_SEED_BYTES >> 20} MiB")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.mkdir(), "is a folder, not a regular file"),
        (lambda p: p.symlink_to("nowhere.yaml"), "is a symbolic link to nothing"),
        (lambda p: p.symlink_to(p.name), "is a symbolic link loop"),
        (lambda p: _socket(p), "is a socket, not a regular file"),
    ],
    ids=["folder", "dangling-link", "link-loop", "socket"],
)
def test_entry_that_is_not_a_file_gave_a_traceback(tree, make, message):
    """Bug: IsADirectoryError, FileNotFoundError, OSError(ELOOP), OSError(ENXIO) tracebacks."""
    for folder in ("annotations", "registry"):
        path = tree / folder / "x.yaml"
        make(path)
        only(cli_build(tree)[0], path, message)
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def _socket(path: Path) -> None:
    short = Path("/tmp") / f"parley-test-{os.getpid()}.sock"  # AF_UNIX names are short
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(short))
    short.rename(path)


def test_non_utf8_file_name_gave_a_traceback(tree):
    """Bug: a file name that is not UTF-8 made `str.encode` fail (UnicodeEncodeError) while
    hashing it, and would have reached stderr as a raw byte; it is shown as `\\xff`."""
    name = os.fsdecode(b"\xff-bad.yaml")
    shutil.copy(tree / "registry" / "topics.yaml", tree / "registry" / name)
    lines, _ = cli_build(tree)
    assert lines[0].startswith(f"{tree / 'registry'}/\\xff-bad.yaml:2: duplicate id 'calm'")
    (tree / "registry" / name).unlink()
    shutil.copy(tree / "annotations" / "001-tiny.yaml", tree / "annotations" / name)
    lines, _ = cli_build(tree)
    assert lines == [
        f"{tree / 'annotations'}/\\xff-bad.yaml:4: article id '001-tiny' differs from the file "
        "name — name the file 001-tiny.yaml or set `id: \\xff-bad`"
    ]


# --- files and folders that cannot be read -------------------------------------------------


def test_unreadable_file_gave_a_traceback(tree, tmp_path):
    """Bug: a seed file with mode 000 gave a PermissionError traceback."""
    if not modes_enforced(tmp_path):
        pytest.skip("file modes do not apply to this process (root without dropping powers)")
    path = tree / "annotations" / "001-tiny.yaml"
    path.chmod(0)
    done = run_cli(
        "build", "--seeds", tree, "--kg", tree.parent / "kg", cwd=tree.parent, unprivileged=True
    )
    assert done.returncode == 2
    only(check_lines(done.stderr), path, "cannot read: Permission denied — check its permissions")


@pytest.mark.parametrize("folder", ["annotations", "articles", "registry", "links", "."])
def test_unreadable_seeds_folder_was_treated_as_empty(tree, tmp_path, folder):
    """Bug: a folder that cannot be listed was taken for an empty one: with annotations/
    unreadable, `parley build` wrote a graph of no article and said nothing."""
    if not modes_enforced(tmp_path):
        pytest.skip("file modes do not apply to this process (root without dropping powers)")
    path = tree / folder
    path.mkdir(exist_ok=True)
    if folder == "links":
        (path / "decisions.yaml").write_text("decisions: []\n")
    path.chmod(0)
    kg = tree.parent / "kg"
    before = snapshot(kg)
    try:
        done = run_cli("build", "--seeds", tree, "--kg", kg, cwd=tree.parent, unprivileged=True)
    finally:
        path.chmod(0o755)
    assert done.returncode == 2, done.stdout
    lines = check_lines(done.stderr)
    assert any("Permission denied" in line for line in lines), lines
    assert snapshot(kg) == before


# --- files of the wrong kind, giant numbers -------------------------------------------------


def test_file_of_the_wrong_kind_was_quoted(tree):
    """Bug: a file that is not a seed file had its keys (an /etc/shadow's entries) quoted in
    "unknown field" messages; a file that is not of its folder's kind is named, not quoted."""
    (tree / "annotations" / "x.yaml").write_text(f"{SECRET}: 1\nformat: {SECRET}\n")
    (tree / "annotations" / "y.yaml").write_text(SHADOW)
    (tree / "links").mkdir()
    (tree / "links" / "decisions.yaml").write_text(f"{SECRET}: 1\ndecisions: {SECRET}\n")
    lines, output = cli_build(tree)
    assert SECRET not in output
    assert lines == [
        f"{tree / 'links' / 'decisions.yaml'}:1: not a decisions file: it lacks a `decisions:` "
        "list — start it with `decisions:`, or move it out of links/"
    ]
    (tree / "links" / "decisions.yaml").unlink()
    (tree / "registry" / "x.yaml").write_text(f"{SECRET}: 1\npeeple: []\n")
    lines, output = cli_build(tree)
    assert SECRET not in output
    assert lines[0].startswith(f"{tree / 'registry' / 'x.yaml'}:1: unknown section (not a registry")
    assert lines[1].startswith(f"{tree / 'registry' / 'x.yaml'}:2: unknown section 'peeple'")
    (tree / "registry" / "x.yaml").unlink()
    lines, output = cli_build(tree)
    assert SECRET not in output
    assert lines == [
        f"{tree / 'annotations' / name}:{line}: not an annotation file: it lacks "
        "`format: parley-annotations/1` — start it with `format: parley-annotations/1`, or "
        "move it out of annotations/"
        for name, line in (("x.yaml", 2), ("y.yaml", 1))
    ]


def test_yaml_names_it_cannot_resolve_are_not_quoted():
    """PyYAML quotes an undefined alias or an unknown tag: the file's text, left out now."""
    for text in (f"a: *{SECRET}\n", f"a: !{SECRET} 1\n", f"a: !!{SECRET} 1\n"):
        with pytest.raises(InputError) as info:
            parse_yaml(text, "f.yaml")
        assert SECRET not in str(info.value) and str(info.value).startswith("f.yaml:1: ")


@pytest.mark.parametrize(
    "literal",
    [
        "0x" + "f" * 5000,
        "0b" + "1" * 20000,
        "0" + "7" * 6000,  # YAML 1.1 octal
        "-" + "9" * 5000,
        "1:" * 3000 + "0",  # YAML 1.1 base 60
        "!!int " + "9" * 4400,
    ],
    ids=["hex", "binary", "octal", "decimal", "sexagesimal", "tagged"],
)
def test_giant_integer_gave_a_traceback(literal):
    """Bug: `0x` + 5,000 digits built an int Python refuses to print (over 4,300 digits):
    a ValueError traceback wherever a message or a check turned it into text."""
    with pytest.raises(InputError) as info:
        parse_yaml(f"format: x\nround: {literal}\n", "f.yaml")
    assert str(info.value) == (
        "f.yaml:2: number of more than 1000 digits — quote it to make it text, or write a "
        "smaller number"
    )
    assert parse_yaml("n: 0x" + "f" * 800 + "\n", "f.yaml")["n"] == 16**800 - 1  # allowed


def test_giant_integer_in_seed_fields_through_the_cli(tree):
    """The same in the fields that print numbers: a claim's value, a round, a holder's start."""
    hex_ = "0x" + "f" * 5000
    for name, old, new in (
        ("annotations/001-tiny.yaml", "value: 27", f"value: {hex_}"),
        ("registry/meetings.yaml", "round: 2", f"round: {hex_}"),
        ("registry/posts.yaml", "start: 2020-05", f"start: {hex_}"),
    ):
        path = tree / name
        original = path.read_text()
        path.write_text(original.replace(old, new, 1))
        lines, _ = cli_build(tree)
        assert len(lines) == 1 and "number of more than 1000 digits" in lines[0], lines
        path.write_text(original)


# --- other readers of seeds/ ---------------------------------------------------------------


def test_draft_of_a_named_pipe_blocked(tree):
    """`parley draft` reads the article it is given through the same reader."""
    pipe = tree / "articles" / "099-new.txt"
    os.mkfifo(pipe)
    done = run_cli("draft", pipe, "--seeds", tree, cwd=tree.parent)
    assert done.returncode == 2
    only(check_lines(done.stderr), pipe, "is a named pipe (FIFO), not a regular file")
    (tree / "articles" / "099-link.txt").symlink_to(tree.parent / "secret")
    done = run_cli("draft", tree / "articles" / "099-link.txt", "--seeds", tree, cwd=tree.parent)
    assert done.returncode == 2 and SECRET not in done.stdout + done.stderr
    only(check_lines(done.stderr), tree / "articles" / "099-link.txt", "is a symbolic link")


def test_link_accept_blocked_on_a_named_pipe_review_file(tree):
    """`parley link accept` reads the entity's review file: a FIFO there blocked it."""
    review = tree / "links" / "review"
    review.mkdir(parents=True)
    os.mkfifo(review / "anna-smith.yaml")
    done = run_cli(
        "link", "accept", "anna-smith", "Q1", "--by", "t", "--seeds", tree, cwd=tree.parent
    )
    assert done.returncode == 2
    assert "Q1 is not among the reviewed candidates of 'anna-smith'" in done.stderr


def test_explain_blocked_on_a_named_pipe_article(tree):
    """`parley explain` and the report read the article texts again (analyst.sentences)."""
    pipe = tree / "articles" / "001-tiny.txt"
    pipe.unlink()
    os.mkfifo(pipe)
    code = (
        "from pathlib import Path; from parley.analyst.facts import ArticleInfo; "
        "from parley.analyst.sentences import article_text; import sys; "
        "info = ArticleInfo(**{f: None for f in ArticleInfo.__dataclass_fields__} | "
        "{'source_file': '001-tiny.txt'}); print(article_text(info, Path(sys.argv[1])))"
    )
    env = dict(os.environ, PYTHONPATH=str(SRC))
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(tree)],
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("article_text hung on a named pipe")
    assert done.returncode == 0 and done.stdout.strip() == "None", done.stderr


def test_import_brat_blocked_on_a_named_pipe_article(tmp_path):
    """`parley import-brat` compares the text with the article already in seeds/articles/:
    a FIFO there blocked it; it is now replaced, like any other file that differs."""
    root = Path(__file__).parent / "data" / "brat"
    seeds = tmp_path / "seeds"
    for folder in ("registry", "sources"):  # the registry cites entries of sources/
        shutil.copytree(Path(__file__).parent.parent / "seeds" / folder, seeds / folder)
    (seeds / "annotations").mkdir()
    (seeds / "articles").mkdir()
    os.mkfifo(seeds / "articles" / "005-brat-sample.txt")
    args = ["import-brat", root / "docs", "--mapping", root / "mapping.yaml", "--seeds", seeds]
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    article = seeds / "articles" / "005-brat-sample.txt"
    assert article.read_bytes() == (root / "docs" / "005-brat-sample.txt").read_bytes()
