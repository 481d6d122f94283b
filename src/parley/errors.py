"""Errors a user can fix: each renders as one line `where: what — how to fix`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file."""

    file: str
    line: int | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}" + (f" — {self.hint}" if self.hint else "")


class ParleyError(Exception):
    """Base class of errors caused by user input (CLI exit code 2)."""


class InputError(ParleyError):
    """One or more problems in input files; `problems` lists them in file order."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ParleyError):
    """A bad option value or an impossible request."""
