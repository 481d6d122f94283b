"""Read YAML keeping the line of every mapping key and list item, for `file:line` errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem


class Node(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Items(list):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int
    item_lines: list[int]


class _Budget:
    """How many more nodes `_convert` may build: aliases must not expand a small file into
    millions of nodes (the "billion laughs" file), nor loop forever."""

    def __init__(self, text: str):
        self.left = 2 * len(text) + 10_000  # a file without aliases has fewer nodes than chars
        self.open: set[int] = set()  # the collections being converted: an alias to one loops

    def spend(self, node: yaml.Node, path: str) -> None:
        self.left -= 1
        if self.left < 0:
            raise InputError(
                Problem(
                    path,
                    node.start_mark.line + 1,
                    "YAML aliases expand to far more entries than the file holds",
                    "write the entries out instead of nesting aliases (`*name`)",
                )
            )


def _convert(loader: yaml.SafeLoader, node: yaml.Node, path: str, budget: _Budget) -> Any:
    budget.spend(node, path)
    if isinstance(node, yaml.CollectionNode):
        if id(node) in budget.open:
            raise InputError(
                Problem(
                    path,
                    node.start_mark.line + 1,
                    "YAML alias refers to the entry that contains it (a loop)",
                    "remove the alias (`*name`) or point it at another entry",
                )
            )
        budget.open.add(id(node))
        try:
            return _collection(loader, node, path, budget)
        finally:
            budget.open.discard(id(node))
    return _scalar(loader, node, path)


def _collection(loader: yaml.SafeLoader, node: yaml.Node, path: str, budget: _Budget) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = Node()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node, path)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise InputError(Problem(path, line, f"key {key!r} is not a string", "quote it"))
            if key in out:
                raise InputError(
                    Problem(path, line, f"duplicate key '{key}'", "keep one of the two entries")
                )
            out[key] = _convert(loader, value_node, path, budget)
            out.key_lines[key] = line
        return out
    if isinstance(node, yaml.SequenceNode):
        items = Items(_convert(loader, item, path, budget) for item in node.value)
        items.line = node.start_mark.line + 1
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items
    raise TypeError(f"unexpected YAML node {node!r}")


def _scalar(loader: yaml.SafeLoader, node: yaml.Node, path: str) -> Any:
    """Construct a scalar; a value YAML cannot build (2007-02-30, `!!int x`) is a `Problem`."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError) as exc:
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # an impossible date stays text; the date checks report it
        raise InputError(
            Problem(
                path,
                node.start_mark.line + 1,
                f"bad value {node.value!r}: {exc}",
                "correct the value, or quote it to make it text",
            )
        ) from None


def parse_yaml(text: str, path: str) -> Any:
    """Parse one YAML document into `Node`/`Items`/scalars; syntax errors become `InputError`."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(
            Problem(
                path,
                line,
                f"character U+{exc.character:04X} is not allowed in YAML",
                'remove it, or write it as an escape such as "\\x07" in a double-quoted string',
            )
        ) from None
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        return _convert(loader, root, path, _Budget(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(
            Problem(path, line, f"YAML syntax error: {what}", "fix the indentation or quoting")
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(path, None, f"YAML error: {exc}", "fix the file")) from None
    except RecursionError:
        raise InputError(
            Problem(path, None, "YAML nested too deeply", "flatten the structure")
        ) from None
    finally:
        loader.dispose()


def read_yaml(path: Path, shown: str) -> Any:
    """Read and parse a YAML file; `shown` is the path used in error messages."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(shown, None, f"cannot read file: {exc.strerror}", "")) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(shown, line, "not valid UTF-8", "save the file as UTF-8")
        ) from None
    return parse_yaml(text, shown)
