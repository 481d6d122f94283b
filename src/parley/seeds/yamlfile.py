"""Read YAML keeping the line of every mapping key and list item, for `file:line` errors."""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

import yaml

from parley.model.errors import InputError, Problem
from parley.model.kgio import MAX_TERM_BYTES, term_bytes
from parley.seeds.seedfile import read_seed

MAX_INT_DIGITS = 1000  # a longer whole number is refused (Python cannot print one of 4,300)
_MAX_INT_BITS = 3322  # 2 ** 3322 has 1,001 digits
_DEEP = "YAML nested too deeply"
_SHORT = 40  # parsing quotes at most this many characters of the file (a key, a value)


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


class _Shape(InputError):
    """A problem of the document's shape (nesting, aliases), not of its syntax: the same
    whichever parser found it, so the slow parser is not run again to find it (it takes
    seconds over a few kilobytes of nested brackets)."""


class _Document:
    """What `_convert` needs to know about the text: lines as editors count them, and how many
    more nodes it may build (aliases must not blow a small file up into millions of nodes, the
    "billion laughs" file, nor loop)."""

    def __init__(self, text: str, path: str):
        self.path = path
        # YAML also breaks lines at \r, U+0085, U+2028 and U+2029; editors and `grep -n` do not
        self.breaks = [m.start() for m in re.finditer("\n", text)]
        self.left = 2 * len(text) + 10_000  # a file without aliases has fewer nodes than chars
        self.open: set[int] = set()  # the collections being converted: an alias to one loops

    def line(self, mark: yaml.Mark | None) -> int | None:
        return bisect.bisect_left(self.breaks, mark.index) + 1 if mark else None

    def problem(self, node: yaml.Node, message: str, hint: str, kind=InputError) -> InputError:
        return kind(Problem(self.path, self.line(node.start_mark), message, hint))


def _convert(loader: yaml.SafeLoader, node: yaml.Node, doc: _Document) -> Any:
    doc.left -= 1
    if doc.left < 0:
        raise doc.problem(
            node,
            "YAML aliases expand to far more entries than the file holds",
            "write the entries out instead of nesting aliases (`*name`)",
            _Shape,
        )
    if not isinstance(node, yaml.CollectionNode):
        return _scalar(loader, node, doc)
    if id(node) in doc.open:
        raise doc.problem(
            node,
            "YAML alias refers to the entry that contains it (a loop)",
            "remove the alias (`*name`) or point it at another entry",
            _Shape,
        )
    doc.open.add(id(node))
    try:
        return _collection(loader, node, doc)
    finally:
        doc.open.discard(id(node))


def _collection(loader: yaml.SafeLoader, node: yaml.CollectionNode, doc: _Document) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = Node()
        out.line = doc.line(node.start_mark)
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _scalar(loader, key_node, doc)
            line = doc.line(key_node.start_mark)
            if not isinstance(key, str):
                raise doc.problem(key_node, f"key{_quoted(key_node)} is not text", "quote it")
            if key in out:
                raise doc.problem(
                    key_node, f"duplicate key{_quoted(key_node)}", "keep one of the two entries"
                )
            out[key] = _convert(loader, value_node, doc)
            out.key_lines[key] = line
        return out
    items = Items(_convert(loader, item, doc) for item in node.value)
    items.line = doc.line(node.start_mark)
    items.item_lines = [doc.line(item.start_mark) for item in node.value]
    return items


_STR = "tag:yaml.org,2002:str"


def _scalar(loader: yaml.SafeLoader, node: yaml.Node, doc: _Document) -> Any:
    """Construct a scalar; a value YAML cannot build (2007-02-30, `!!int x`), or text too long
    for the graph's files (`kgio.MAX_TERM_BYTES`), is a `Problem`."""
    if isinstance(node.value, str) and term_bytes(node.value) > MAX_TERM_BYTES:
        raise doc.problem(
            node,
            f"value too long: {term_bytes(node.value):,} bytes as RDF, the limit is "
            f"{MAX_TERM_BYTES:,} (what the graph's parsers can read in one piece)",
            "shorten it, or keep the long text in a file and refer to it",
        )
    if node.tag == _STR and type(node) is yaml.ScalarNode:
        return node.value  # what the safe loaders' construct_yaml_str returns, made faster
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError):
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # an impossible date stays text; the date checks report it
        if node.tag == _INT and len(node.value) > MAX_INT_DIGITS:
            raise _too_long(doc, node) from None
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise doc.problem(
            node,
            f"bad value{_quoted(node)} for {tag}",
            "correct the value, or quote it to make it text",
        ) from None
    if type(value) is int and value.bit_length() > _MAX_INT_BITS:
        raise _too_long(doc, node)  # 0x…, 0b…, 1:2:3… can be huge; Python cannot print them
    return value


_INT = "tag:yaml.org,2002:int"


def _too_long(doc: _Document, node: yaml.Node) -> InputError:
    return doc.problem(
        node,
        f"number of more than {MAX_INT_DIGITS} digits",
        "quote it to make it text, or write a smaller number",
    )


def _quoted(node: yaml.Node) -> str:
    """` 'value'` for a short one-line scalar; nothing for others (the line says where)."""
    value = node.value if isinstance(node, yaml.ScalarNode) else ""
    if not value or len(value) > _SHORT or "\n" in value:
        return ""
    return f" '{value}'"


def parse_yaml(text: str, path: str) -> Any:
    """Parse one YAML document into `Node`/`Items`/scalars; syntax errors become `InputError`.

    libyaml's parser (when PyYAML has it) reads well-formed files about ten times faster; any
    file it cannot read is read again by the pure-Python parser, whose messages are the ones
    reported.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return _parse(text, path, fast)
        except _Shape:
            raise
        except Exception:
            pass
    return _parse(text, path, yaml.SafeLoader)


def _parse(text: str, path: str, loader_class) -> Any:
    doc = _Document(text, path)
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as NUL
        raise InputError(
            Problem(
                path,
                text.count("\n", 0, exc.position) + 1,
                f"character U+{exc.character:04X} is not allowed in YAML",
                'remove it, or write it as an escape such as "\\x07" in a double-quoted string',
            )
        ) from None
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        return _convert(loader, root, doc)
    except yaml.MarkedYAMLError as exc:
        line = doc.line(exc.problem_mark or exc.context_mark)
        what = _UNQUOTE.sub("", (exc.problem or exc.context or "invalid YAML").strip())
        if "maximum nesting depth" in what:  # libyaml's limit (1,000 levels)
            raise _Shape(Problem(path, line, _DEEP, "flatten the structure")) from None
        raise InputError(
            Problem(path, line, f"YAML syntax error: {what}", "fix the indentation or quoting")
        ) from None
    except yaml.YAMLError:
        raise InputError(Problem(path, None, "YAML error", "fix the file")) from None
    except RecursionError:
        raise _Shape(
            Problem(path, None, "YAML nested too deeply", "flatten the structure")
        ) from None
    finally:
        loader.dispose()


# PyYAML quotes names it cannot resolve (an alias, a tag): the file's text, left out; single
# characters and its own token names ('<block end>') stay
_UNQUOTE = re.compile(r" ?'(?!<[a-z ]+>')[^']{2,}'| ?\"[^\"]{2,}\"")


def read_yaml(path: Path, shown: str, root: Path | None = None) -> Any:
    """Read (`seedfile.read_seed`: links out of the seeds folder `root` refused) and parse a
    YAML file; `shown` is the path used in error messages."""
    raw = read_seed(path, shown, root)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem(shown, line, "not valid UTF-8", "save the file as UTF-8")
        ) from None
    return parse_yaml(text, shown)
