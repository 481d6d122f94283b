"""Parsing a brat standoff `.ann` file (T, E, R, A/M, N lines) against its `.txt` text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parley.model.errors import InputError, Problem
from parley.seeds.seedfile import read_seed


@dataclass
class Ann:
    """One parsed .ann file."""

    path: Path
    text: str
    spans: dict[str, tuple[str, int, int, int]] = field(default_factory=dict)  # T -> type,s,e,line
    events: dict[str, tuple[str, str, list[tuple[str, str]], int]] = field(default_factory=dict)
    relations: list[tuple[str, str, dict[str, str], int]] = field(default_factory=list)
    attributes: dict[str, dict[str, object]] = field(default_factory=dict)  # target -> name->val
    norms: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # T -> db, id, line


def parse_ann(path: Path, text: str) -> Ann:
    """Parse one .ann file; raise `InputError` with `file:line` for malformed lines."""
    ann = Ann(path=path, text=text)
    problems = []
    shown = str(path)
    for lineno, line in enumerate(read_seed(path).decode("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            problems += _read_line(ann, line, lineno)
        except (ValueError, IndexError) as exc:
            problems.append(
                Problem(
                    shown,
                    lineno,
                    f"cannot read brat line {line[:40]!r}: {exc}",
                    "use brat standoff syntax: ID<TAB>TYPE ARGS[<TAB>TEXT]",
                )
            )
    if problems:
        raise InputError(problems)
    return ann


def _read_line(ann: Ann, line: str, lineno: int) -> list[Problem]:
    """Add one annotation line to `ann`; the problems of a T line whose text differs from
    the .txt. Raises ValueError or IndexError for a line it cannot read."""
    parts = line.split("\t")
    ident = parts[0]
    text = ann.text
    problems = []
    if ident.startswith("T"):
        typ, _, offsets = parts[1].partition(" ")
        fragments = [tuple(map(int, f.split())) for f in offsets.split(";")]
        start, end = fragments[0][0], fragments[-1][1]
        if not (0 <= start < end <= len(text)):
            raise ValueError(f"offsets {start}-{end} outside the text")
        if len(parts) > 2 and len(fragments) == 1 and text[start:end] != parts[2]:
            problems.append(
                Problem(
                    str(ann.path),
                    lineno,
                    f"{ident} text {parts[2]!r} differs from the .txt "
                    f"at {start}-{end} ({text[start:end]!r})",
                    "fix the offsets or re-export from brat",
                )
            )
        ann.spans[ident] = (typ, start, end, lineno)
    elif ident.startswith("E"):
        head, *args = parts[1].split()
        typ, _, trigger = head.partition(":")
        ann.events[ident] = (typ, trigger, [tuple(a.split(":", 1)) for a in args], lineno)
    elif ident.startswith("R"):
        typ, *args = parts[1].split()
        ann.relations.append((typ, ident, dict(a.split(":", 1) for a in args), lineno))
    elif ident.startswith(("A", "M")):
        name, target, *value = parts[1].split()
        ann.attributes.setdefault(target, {})[name] = value[0] if value else True
    elif ident.startswith("N"):
        _, target, ref = parts[1].split()
        db, _, rid = ref.partition(":")
        ann.norms[target] = (db, rid, lineno)
    else:
        raise ValueError(f"unknown annotation type '{ident[:1]}'")
    return problems
