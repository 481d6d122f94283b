"""What reading one annotation file shares: its article text, furniture, registry and problems,
and the readers of quotes, registry references and dated values built on them."""

from __future__ import annotations

import datetime as dt

from parley.model.records import (
    DATE_BASES,
    QUALIFIERS,
    DateValue,
    Duration,
    PartialDate,
    Ref,
    Registry,
    Span,
)
from parley.seeds.checks import Checker, closest
from parley.seeds.quotes import QuoteError, QuoteSpec, resolve
from parley.seeds.yamlfile import Items, Node


class AnnotationContext:
    """State shared while reading one file: the text, furniture, registry and problems."""

    def __init__(self, check: Checker, registry: Registry):
        self.check = check
        self.registry = registry
        self.text = ""
        self.furniture: list[tuple[int, int]] = []
        self.article_date: dt.date | None = None

    @property
    def latest(self) -> dt.date:
        """The latest date the text can speak of: the article's date, or today."""
        return self.article_date or dt.date.today()

    def evidence(
        self, node: Node, key: str, what: str, required: bool = True, excluded: bool = True
    ) -> Span | None:
        """The span of the quote under `key`; `excluded=False` lets it lie in site furniture
        (for what the page says about itself: the site it is on, the source it credits)."""
        if key not in node or node[key] is None:
            if required:
                self.check.add(node.line, f"{what} lacks '{key}'", "add the supporting quote")
            return None
        return self.span(node[key], node.line_of(key), f"{what}.{key}", excluded)

    def span(self, value: object, line: int, what: str, excluded: bool = True) -> Span | None:
        spec = self.quote_spec(value, line, what)
        if spec is None:
            return None
        try:
            return resolve(self.text, spec, self.furniture if excluded else ())
        except QuoteError as exc:
            self.check.add(line, f"{what}: {exc}", exc.hint)
            return None

    def quote_spec(self, value: object, line: int, what: str) -> QuoteSpec | None:
        if isinstance(value, str):
            value = Node(quote=value)
            value.line, value.key_lines = line, {}
        node = self.check.mapping(value, line, what)
        if node is None:
            return None
        self.check.keys(node, what, ("quote",), ("prefix", "suffix", "occurrence"))
        quote = node.get("quote")
        if not isinstance(quote, str) or not quote:
            self.check.add(line, f"{what}: the quote must be non-empty text", "quote the words")
            return None
        parts = {}
        for key in ("prefix", "suffix"):
            part = node.get(key, "")
            if not isinstance(part, str):
                self.check.add(node.line_of(key), f"{what}.{key} must be text", "quote it")
                return None
            parts[key] = part
        occurrence = node.get("occurrence")
        if occurrence is not None and (
            not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1
        ):
            self.check.add(
                node.line_of("occurrence"),
                f"{what}.occurrence must be 1 or more",
                "1 is the first match",
            )
            return None
        return QuoteSpec(quote=quote, occurrence=occurrence, **parts)

    def ref(
        self, node: Node, key: str, what: str, kinds: tuple[str, ...], required: bool = True
    ) -> str | None:
        ident = self.check.slug(node, key, what, required)
        if ident is None:
            if required and key not in node:
                self.check.add(node.line, f"{what} lacks '{key}'", f"add `{key}:`")
            return None
        entity = self.registry.get(ident)
        if entity is None or entity.kind not in kinds:
            known = [e.id for e in self.registry.of_kind(*kinds)]
            self.check.add(
                node.line_of(key),
                f"{what}.{key}: unknown {'/'.join(kinds)} '{ident}'",
                closest(ident, known),
            )
            return None
        return ident

    def items(self, root: Node, key: str) -> list[tuple[Node, int]]:
        value = root.get(key)
        if value is None:
            return []
        if not isinstance(value, Items):
            self.check.add(root.line_of(key), f"'{key}' must be a list", "use `- …` items")
            return []
        out = []
        for item, line in zip(value, value.item_lines, strict=True):
            node = self.check.mapping(item, line, f"{key} item")
            if node is not None:
                out.append((node, line))
        return out

    def date_value(self, node: Node, key: str, what: str) -> DateValue | None:
        found = self._sub_mapping(node, key, what)
        if found is None:
            return None
        sub, where = found
        self.check.keys(sub, where, ("value", "basis"), ("text", "note"))
        day = self.check.date(sub, "value", where) if "value" in sub else None
        basis = self.check.choice(sub, "basis", where, DATE_BASES) if "basis" in sub else None
        span = self.evidence(sub, "text", where, required=basis in ("stated", "relative"))
        if day is None or basis is None:
            return None
        return DateValue(value=day, basis=basis, span=span)

    def partial_date_value(self, node: Node, key: str, what: str) -> PartialDate | None:
        """`{value: 2006-05, text: …}`: a date, year-month or year the text gives, not after
        the article's date."""
        found = self._sub_mapping(node, key, what)
        if found is None:
            return None
        sub, where = found
        self.check.keys(sub, where, ("value", "text"), ())
        value = self.check.partial_date(sub, "value", where) if "value" in sub else None
        span = self.evidence(sub, "text", where, required=False)
        if value is not None and _first_day(value) > self.latest:
            self.check.add(
                sub.line_of("value"),
                f"{where}.value {value} is after {self.latest.isoformat()}, "
                + ("the article's date" if self.article_date else "today (the article has none)"),
                "give the date the text states",
            )
            return None
        return PartialDate(value=value, span=span) if value and span else None

    def duration_value(self, node: Node, key: str, what: str) -> Duration | None:
        """`{value: PT4H, text: "four-hour", qualifier: over}`: how long, with the words."""
        found = self._sub_mapping(node, key, what)
        if found is None:
            return None
        sub, where = found
        self.check.keys(sub, where, ("value", "text"), ("qualifier",))
        value = self.check.duration(sub, "value", where) if "value" in sub else None
        span = self.evidence(sub, "text", where, required=False)
        qualifier = None
        if sub.get("qualifier") is not None:
            qualifier = self.check.choice(sub, "qualifier", where, QUALIFIERS)
        if value is None or span is None:
            return None
        return Duration(value=value, span=span, qualifier=qualifier)

    def attr_ref(self, node: Node, key: str, what: str, kinds: tuple[str, ...]) -> Ref | None:
        found = self._sub_mapping(node, key, what)
        if found is None:
            return None
        sub, where = found
        self.check.keys(sub, where, ("ref", "evidence"), ())
        ident = self.ref(sub, "ref", where, kinds)
        span = self.evidence(sub, "evidence", where)
        return Ref(id=ident, span=span) if ident and span else None

    def _sub_mapping(self, node: Node, key: str, what: str) -> tuple[Node, str] | None:
        """The mapping under `key` and its name in messages (None: absent or not a mapping)."""
        value = node.get(key)
        if value is None:
            return None
        where = f"{what}.{key}"
        sub = self.check.mapping(value, node.line_of(key), where)
        if sub is None:
            return None
        return sub, where


def _first_day(value: str) -> dt.date:
    """The first day of a date, year-month (`2006-05`) or year (`2006`)."""
    return dt.date.fromisoformat((value + "-01-01")[:10])
