"""Small shared checks on YAML values, reporting `Problem`s with lines and hints."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable

from parley.model.errors import Problem
from parley.seeds.yamlfile import Node

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID = re.compile(r"^Q[1-9][0-9]*$")
PARTIAL_DATE = re.compile(r"^[0-9]{4}(?:-(?:0[1-9]|1[0-2]))?$")
# an xsd:duration (ISO 8601 without weeks), not negative: PT4H, P2D, P1Y2M, PT1H30M, PT90S
DURATION = re.compile(
    r"^P(?=[0-9T])(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+D)?"
    r"(?:T(?=[0-9])(?:[0-9]+H)?(?:[0-9]+M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?$"
)


def closest(word: str, choices: Iterable[str], n: int = 3, list_up_to: int = 12) -> str:
    """A hint naming the closest choices, or all of them when at most `list_up_to`."""
    choices = sorted(set(choices))
    if not choices:
        return "none of that kind is defined yet: add it first"
    near = difflib.get_close_matches(str(word), choices, n=n, cutoff=0.5)
    if near:
        return "did you mean " + " or ".join(f"'{c}'" for c in near) + "?"
    if len(choices) <= list_up_to:
        return "allowed: " + ", ".join(choices)
    return f"no close match among {len(choices)} known ids"


class Checker:
    """Collects problems for one file."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, line, message, hint))

    def mapping(self, value: object, line: int, what: str) -> Node | None:
        if isinstance(value, Node):
            return value
        self.add(line, f"{what} must be a mapping, not {type(value).__name__}", "use `key: value`")
        return None

    def keys(self, node: Node, what: str, required: Iterable[str], optional: Iterable[str]):
        required, optional = tuple(required), tuple(optional)
        for key in required:
            if key not in node:
                self.add(node.line, f"{what} lacks '{key}'", f"add `{key}:`")
        for key in node:
            if key not in required and key not in optional:
                self.add(
                    node.line_of(key),
                    f"unknown field '{key}' in {what}",
                    closest(key, required + optional),
                )

    def string(self, node: Node, key: str, what: str, required: bool = True) -> str | None:
        value = node.get(key)
        if value is None:
            if required and key in node:
                self.add(node.line_of(key), f"{what}.{key} is empty", "give a value")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(node.line_of(key), f"{what}.{key} must be text", "quote the value")
            return None
        text = str(value).strip()
        if not text:
            self.add(node.line_of(key), f"{what}.{key} is empty", "give a value")
            return None
        if any(ord(c) < 32 and c not in "\t\n" for c in text):
            self.add(node.line_of(key), f"{what}.{key} contains control characters", "remove them")
            return None
        return text

    def slug(self, node: Node, key: str, what: str, required: bool = True) -> str | None:
        value = self.string(node, key, what, required)
        if value is not None and not SLUG.match(value):
            self.add(
                node.line_of(key),
                f"{what}.{key} '{value}' is not a valid id",
                "use lower-case letters, digits and single hyphens, e.g. 'ryan-crocker'",
            )
            return None
        return value

    def choice(self, node: Node, key: str, what: str, allowed: Iterable[str]) -> str | None:
        value = self.string(node, key, what)
        allowed = tuple(allowed)
        if value is not None and value not in allowed:
            self.add(
                node.line_of(key),
                f"unknown {key} '{value}' in {what}",
                closest(value, allowed, list_up_to=len(allowed)),
            )
            return None
        return value

    def date(self, node: Node, key: str, what: str) -> dt.date | None:
        value = node.get(key)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.add(
            node.line_of(key),
            f"bad date {value!r} in {what}.{key}",
            "write an ISO calendar date such as 2007-05-28",
        )
        return None

    def partial_date(self, node: Node, key: str, what: str) -> str | None:
        """A date, year-month or year, as an ISO string (None when absent)."""
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:04d}"
        if isinstance(value, str) and PARTIAL_DATE.match(value.strip()):
            return value.strip()
        self.add(
            node.line_of(key),
            f"bad date {value!r} in {what}.{key}",
            "write 2007-05-28, 2007-05 or 2007",
        )
        return None

    def duration(self, node: Node, key: str, what: str) -> str | None:
        """An ISO 8601 duration as xsd:duration writes it (`PT4H`), not zero."""
        value = node.get(key)
        if isinstance(value, str) and DURATION.match(value.strip()):
            if re.search(r"[1-9]", value):
                return value.strip()
            self.add(
                node.line_of(key),
                f"{what}.{key} {value!r} is a duration of zero",
                "give how long it lasted, e.g. PT4H",
            )
            return None
        self.add(
            node.line_of(key),
            f"bad duration {value!r} in {what}.{key}",
            "write an ISO 8601 duration such as PT4H (four hours), PT1H30M or P2D "
            "(weeks as days: P14D)",
        )
        return None

    def year(self, node: Node, key: str, what: str, latest: dt.date) -> int | None:
        """A year of four digits, not after `latest` (the article's date, or today)."""
        value = node.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1000 <= value <= 9999:
            self.add(
                node.line_of(key),
                f"bad year {value!r} in {what}.{key}",
                "write the year the text names, as four digits, e.g. 1979",
            )
            return None
        if value > latest.year:
            self.add(
                node.line_of(key),
                f"year {value} in {what}.{key} is after {latest.isoformat()}, "
                "the article's date (or today when it has none)",
                "write the year the text names, e.g. 1979 for “the first … since 1979”",
            )
            return None
        return value
