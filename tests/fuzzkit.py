"""Shared Hypothesis strategies for the fuzz tests: hostile text, values and YAML mutations.

Not a test module. `COUNTS` records how many generated inputs each fuzz test fed to Parley;
tests/conftest.py prints the total at the end of the run (the figure in docs/reliability.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import unicodedata
from collections import Counter
from pathlib import Path

import yaml
from hypothesis import strategies as st

from parley.model.errors import InputError

COUNTS: Counter[str] = Counter()
ACCEPTED: Counter[str] = Counter()  # inputs the loader accepted (then mapped)
NOTES: list[str] = []  # more figures of the fuzz tests, one line each, printed at the end

# One-line problem as `Problem.__str__` renders it: `file:line: message` or `file: message`.
PROBLEM_LINE = re.compile(r"^(?P<file>[^\n]+?)(?::(?P<line>[0-9]+))?: (?P<message>.+)$")

# Pieces of text known to upset parsers, serialisers, regexes and terminals.
PIECES = [
    "e\u0301",  # combining acute
    "\u0336\u0336\u0336",  # combining long strokes
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u2067",  # right-to-left isolate
    "سلام",  # Arabic
    "שלום",  # Hebrew
    "🤝",
    "👩\u200d👩\u200d👧",  # ZWJ sequence
    "🇮🇷",  # flag (two regional indicators)
    "\ufe0f",
    "\x00",
    "\x01",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    ".*",
    "(",
    ")",
    "[a-z]+",
    "\\",
    "\\1",
    "$",
    "^",
    "|",
    "?",
    "(?P<x>",
    "{2,}",
    '"""',
    "'''",
    '"',
    "'",
    ">",
    "<",
    "}",
    "{",
    " ; DROP ALL",
    "@en",
    "^^",
    ": ",
    "- ",
    "#",
    "&a",
    "*a",
    "!!",
    "%",
    "`",
    "’",
    "“",
    "”",
    "—",
    " ",
    "\n",
    "ǅ",
    "İ",
    "ß",
    "ﬁ",
]

hostile_text = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=6).map("".join),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1, 2**31, 2**63, 10**100]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    hostile_text,
)

values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(hostile_text, st.integers(), st.booleans()), inner, max_size=4),
    ),
    max_leaves=8,
)


def _slots(tree, out, parent=None, key=None, seen=None):
    """Every (container, key) pair in `tree`, depth first; (None, None) is the root.

    A container met again (a shared or self-referencing alias) is listed but not entered.
    """
    seen = set() if seen is None else seen
    out.append((parent, key))
    if isinstance(tree, dict | list):
        if id(tree) in seen:
            return out
        seen.add(id(tree))
    if isinstance(tree, dict):
        for k in list(tree):
            _slots(tree[k], out, tree, k, seen)
    elif isinstance(tree, list):
        for i in range(len(tree)):
            _slots(tree[i], out, tree, i, seen)
    return out


def text_slice(data, text: str) -> str:
    """A piece of `text` (a real quote, a near miss, or an empty string)."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 80)))
    return text[start:end]


def quote_value(data, text: str):
    """Evidence as a string or as a {quote, prefix, suffix, occurrence} mapping."""
    quote = text_slice(data, text)
    if data.draw(st.booleans()):
        return quote
    spec: dict = {"quote": quote}
    if data.draw(st.booleans()):
        spec["prefix"] = data.draw(st.one_of(st.just(text_slice(data, text)), values))
    if data.draw(st.booleans()):
        spec["suffix"] = data.draw(st.one_of(st.just(text_slice(data, text)), values))
    if data.draw(st.booleans()):
        spec["occurrence"] = data.draw(
            st.one_of(st.integers(-3, 6), st.sampled_from([0, 2**63, 10**40]), values)
        )
    return spec


def mutate_tree(data, tree, text: str = "", steps: int = 4):
    """Apply 1..`steps` random edits to a copy of a YAML tree; return the new tree."""
    tree = copy.deepcopy(tree)
    for _ in range(data.draw(st.integers(1, steps))):
        slots = _slots(tree, [])
        parent, key = data.draw(st.sampled_from(slots))
        current = tree if parent is None else parent[key]
        op = data.draw(
            st.sampled_from(["delete", "replace", "extra", "dup", "alias", "self", "quote", "wrap"])
        )
        new = current
        if op == "delete" and parent is not None:
            del parent[key]
            continue
        if op == "replace":
            new = data.draw(values)
        elif op == "extra" and isinstance(current, dict):
            current[data.draw(hostile_text)] = data.draw(values)
        elif op == "dup" and isinstance(current, list) and current:
            current.append(copy.deepcopy(data.draw(st.sampled_from(current))))
        elif op == "alias" and isinstance(current, list) and current:
            current.append(data.draw(st.sampled_from(current)))  # same object: `*id001`
        elif op == "self" and isinstance(current, list | dict):
            if isinstance(current, list):
                current.append(current)  # a list holding itself: a recursive alias
            else:
                current["loop"] = current
        elif op == "quote" and text:
            new = quote_value(data, text)
        elif op == "wrap":
            new = [current]
        if new is not current:
            if parent is None:
                tree = new
            else:
                parent[key] = new
    return tree


def dump(data, tree, exact: bool = False) -> str:
    """YAML text of `tree`, in block or flow style.

    `exact`: escape every non-ASCII character, so that the text reads back exactly (PyYAML
    writes U+0085 raw in single-quoted scalars with allow_unicode, and reads it as a space).
    """
    try:
        return yaml.safe_dump(
            tree,
            allow_unicode=False if exact else data.draw(st.booleans()),
            sort_keys=False,
            default_flow_style=data.draw(st.sampled_from([False, None, True])),
            width=data.draw(st.sampled_from([80, 10**6])),
        )
    except (yaml.YAMLError, RecursionError, ValueError):
        return "format: [unclosed\n"  # the generator cannot write it: still a malformed input


YAML_NOISE = [*PIECES, "\n  ", "\n- ", ":", "[", "]", "{", "}", ",", "&x ", "*x", "!!int ", "? "]


def mutate_text(data, text: str, edits: int = 4) -> str:
    """Apply 1..`edits` character-level edits: insertions, deletions, duplications, swaps."""
    for _ in range(data.draw(st.integers(1, edits))):
        at = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["insert", "delete", "dup-line", "indent", "truncate"]))
        if op == "insert":
            piece = data.draw(st.one_of(st.sampled_from(YAML_NOISE), st.text(max_size=5)))
            text = text[:at] + piece + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
        elif op == "dup-line":
            lines = text.split("\n")
            i = data.draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif op == "indent":
            lines = text.split("\n")
            i = data.draw(st.integers(0, len(lines) - 1))
            lines[i] = data.draw(st.sampled_from([" ", "\t", "   "])) + lines[i]
            text = "\n".join(lines)
        else:
            text = text[:at]
    return text


def encode(data, text: str) -> bytes:
    """UTF-8 bytes of `text`, sometimes with a BOM or an invalid byte sequence spliced in."""
    raw = text.encode("utf-8", "surrogatepass")
    choice = data.draw(st.sampled_from(["plain", "plain", "plain", "bom", "bad-bytes"]))
    if choice == "bom":
        return b"\xef\xbb\xbf" + raw
    if choice == "bad-bytes":
        at = data.draw(st.integers(0, len(raw)))
        return raw[:at] + data.draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80"])) + raw[at:]
    return raw


def check_input_error(exc: InputError, shown: str | None = None, lines: int | None = None) -> None:
    """Every problem renders as one `file:line: message` line, without control characters,
    and a line number, when given, lies inside the file."""
    assert exc.problems, "an InputError without problems"
    for problem in exc.problems:
        rendered = str(problem)
        assert len(rendered.splitlines()) == 1, f"a problem spans several lines: {rendered!r}"
        bad = [c for c in rendered if unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs")]
        assert not bad, f"control characters {bad!r} in {rendered!r}"
        assert PROBLEM_LINE.match(rendered), f"not a `file:line: message` line: {rendered!r}"
        if shown is not None and problem.file == shown and problem.line is not None:
            assert problem.line >= 1, rendered
            if lines is not None:
                assert problem.line <= lines + 1, f"line {problem.line} beyond the file: {rendered}"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones included) with its content."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }
