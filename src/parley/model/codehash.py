"""Hashes of Parley's own code and of installed engines, for cache keys.

A cache key names whole sub-packages (every `.py` file under them, found by walking the
folder), never lists of file names: a module added to a sub-package changes the key by itself.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from parley.model.layout import package_root


def tree_digest(
    packages: tuple[str, ...],
    data: tuple[str, ...] = (),
    engines: tuple[str, ...] = (),
    root: Path | None = None,
) -> str:
    """SHA-256 over the `.py` files of `packages` (sub-package folders of `root`, by default
    the installed package), every file directly in the `data` folders, and the installed
    `engines`' versions."""
    root = root or package_root()
    files: list[Path] = []
    for name in packages:
        files.extend(sorted((root / name).rglob("*.py")))
    for name in data:
        files.extend(sorted(path for path in (root / name).glob("*") if path.is_file()))
    digest = hashlib.sha256()
    for path in files:
        relative = path.relative_to(root).as_posix()
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    for engine in engines:
        try:
            installed = version(engine)
        except PackageNotFoundError:
            installed = "absent"
        digest.update(f"{engine}={installed}\0".encode())
    return digest.hexdigest()
