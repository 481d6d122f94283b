"""SPARQL text read without a parser: codepoint escapes, and keywords outside strings,
IRIs and comments. Linear in the length of the text, whatever the text."""

from __future__ import annotations

import re

ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")  # as the SPARQL spec says
# As rdflib reads them: \u or \U, then 4 or 8 hex digits (`\u00000053` is `S` to rdflib)
RDFLIB_ESCAPE = re.compile(r"\\[uU]([0-9A-Fa-f]{4}(?:[0-9A-Fa-f]{4})?)")
# What may hide a keyword: strings, IRIs (no spaces, braces or quotes inside) and comments.
# A string left open ends with its line (a long one with the text): it never fails to match
# once begun, so no text makes the scan start again and again.
HIDING = re.compile(
    r"'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)"
    r'|"""(?:[^"\\]|\\.|"(?!""))*(?:"""|\Z)'
    r"|'(?:[^'\\\n\r]|\\.)*(?:'|$)"
    r'|"(?:[^"\\\n\r]|\\.)*(?:"|$)'
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL | re.MULTILINE,
)


def views(text: str) -> list[str]:
    """The ways engines read `text`: as written (Oxigraph), with its codepoint escapes
    expanded first as the SPARQL spec says, and as rdflib expands them."""
    found = [text]
    for pattern in (ESCAPE, RDFLIB_ESCAPE):
        view = pattern.sub(_char, text)
        if view not in found:
            found.append(view)
    return found


def _char(match: re.Match) -> str:
    code = int(next(group for group in match.groups() if group), 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def keyword_count(text: str, word: str) -> int:
    """How many times the keyword `word` stands outside strings, IRIs and comments: not as
    part of a variable (?word), a prefixed name (ex:word, word:x) or a longer word."""
    keyword = re.compile(rf"(?<![\w?$:\-]){word}(?![\w:])", re.IGNORECASE)
    return len(keyword.findall(HIDING.sub(" ", text)))


def names_dataset(text: str) -> bool:
    """Whether the query picks its own dataset (`FROM`, `FROM NAMED`) in any of its `views`."""
    return any(keyword_count(view, "FROM") for view in views(text))
