"""The one way to read a file or list a folder of the seeds tree: regular files only, never
through a symbolic link that leads out of the seeds folder, at most `MAX_SEED_BYTES`.

A named pipe cannot block the reader (the type is checked before opening, and the file is
opened non-blocking), a device cannot feed it forever, and a refused file is named in one line
that never quotes its content (nor where a link points).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from parley.model.errors import InputError, Problem

MAX_SEED_BYTES = 16 * 1024 * 1024  # a seed file (YAML or article text) over this is refused

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)


def read_seed(path: Path, shown: str | None = None, root: Path | None = None) -> bytes:
    """The bytes of the regular file `path`; `InputError` (one line naming `shown`) when it is
    anything else, is a link out of `root` (the seeds folder, when `path` is inside it),
    cannot be read, or is larger than `MAX_SEED_BYTES`."""
    shown = str(path) if shown is None else shown
    target = _contained(path, shown, root)
    try:
        before = os.stat(target)
        _check_kind(before, shown)
        fd = os.open(target, _FLAGS | (os.O_NOFOLLOW if target != path else 0))
    except OSError as exc:
        raise _unreadable(path, shown, exc) from None
    try:
        now = os.fstat(fd)  # the file may have been swapped since the stat above
        _check_kind(now, shown)
        if (now.st_dev, now.st_ino) != (before.st_dev, before.st_ino):
            raise _problem(shown, "changed while it was being read", "run the command again")
        data = _read_at_most(fd, MAX_SEED_BYTES + 1)
    except OSError as exc:
        raise _unreadable(path, shown, exc) from None
    finally:
        os.close(fd)
    if len(data) > MAX_SEED_BYTES:
        raise _too_large(shown)
    return data


def try_read_seed(path: Path, root: Path | None = None) -> bytes | None:
    """`read_seed`, or None when the file is refused (the loaders report why)."""
    try:
        return read_seed(path, str(path), root)
    except InputError:
        return None


def absent(path: Path) -> bool:
    """Whether nothing is at `path` (also when a folder on the way is a file); False when that
    cannot be told (a folder that cannot be searched): reading it then says why."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def seed_names(folder: Path, suffix: str, root: Path | None = None) -> list[str]:
    """The names in `folder` that end with `suffix`, sorted; none when the folder does not
    exist; `InputError` when it is not a folder, cannot be listed, or is a link out of
    `root`."""
    if absent(folder):
        return []
    shown = str(folder)
    target = _contained(folder, shown, root)
    try:
        names = os.listdir(target)
    except NotADirectoryError:
        raise _problem(shown, "is not a folder", "replace it with a folder") from None
    except OSError as exc:
        raise _unreadable(folder, shown, exc, "cannot list the folder") from None
    return sorted(name for name in names if name.endswith(suffix))


def try_seed_names(folder: Path, suffix: str, root: Path | None = None) -> list[str] | None:
    """`seed_names`, or None when the folder is refused (the loaders report why)."""
    try:
        return seed_names(folder, suffix, root)
    except InputError:
        return None


def _contained(path: Path, shown: str, root: Path | None) -> Path:
    """`path` with its links resolved when it lies in `root`; refused when it leads out."""
    if root is None or not _inside(os.path.abspath(path), os.path.abspath(root)):
        return path
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as exc:
        raise _unreadable(path, shown, exc) from None
    if not _inside(real, os.path.realpath(root)):
        raise _problem(
            shown,
            "is a symbolic link (or inside one) that leads out of the seeds folder",
            "copy the file into the seeds folder instead of linking to it",
        )
    return Path(real)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _check_kind(st: os.stat_result, shown: str) -> None:
    if stat.S_ISREG(st.st_mode):
        if st.st_size > MAX_SEED_BYTES:
            raise _too_large(shown)
        return
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
    raise _problem(shown, f"is {kind}, not a regular file", "replace it with a file, or remove it")


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = os.read(fd, min(1 << 20, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _unreadable(path: Path, shown: str, exc: OSError, what: str = "cannot read") -> InputError:
    if exc.errno == errno.ELOOP:
        return _problem(shown, "is a symbolic link loop", "remove the link or point it at a file")
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return _problem(shown, "is a symbolic link to nothing", "remove the link or fix it")
    if exc.errno == errno.ENXIO:
        return _problem(shown, "is a socket, not a regular file", "remove it")
    hint = "check its permissions" if exc.errno in (errno.EACCES, errno.EPERM) else ""
    return _problem(shown, f"{what}: {exc.strerror or exc}", hint)


def _too_large(shown: str) -> InputError:
    return _problem(
        shown,
        f"is larger than {MAX_SEED_BYTES // (1024 * 1024)} MiB, the limit for a seed file",
        "split it into smaller files",
    )


def _problem(shown: str, message: str, hint: str) -> InputError:
    return InputError(Problem(shown, None, message, hint))
