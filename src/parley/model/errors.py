"""Errors a user can fix: each renders as one line `where: what — how to fix`."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters escaped (`\\n`, `\\x00`, `\\u2028`);
    the undecodable bytes of a file name (lone surrogates) as `\\xff`."""
    return "".join(_escaped(c) if unicodedata.category(c) in _ESCAPED else c for c in text)


_ESCAPED = ("Cc", "Zl", "Zp", "Cs")


def _escaped(c: str) -> str:
    if 0xDC80 <= ord(c) <= 0xDCFF:  # os.fsdecode's stand-in for a byte that is not UTF-8
        return f"\\x{ord(c) - 0xDC00:02x}"
    return c.encode("unicode_escape").decode("ascii")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file."""

    file: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        # user text quoted in a message must not break the one-line format (or the terminal)
        return one_line(f"{where}: {self.message}" + (f" — {self.hint}" if self.hint else ""))


class ParleyError(Exception):
    """Base class of errors caused by user input (CLI exit code 2)."""


class InputError(ParleyError):
    """One or more problems in input files; `problems` lists them in file order."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ParleyError):
    """A bad option value or an impossible request (one line, whatever text it quotes)."""

    def __str__(self) -> str:
        return one_line(super().__str__())
