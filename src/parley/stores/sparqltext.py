"""SPARQL text read without a parser: codepoint escapes, and keywords outside strings,
IRIs and comments. Linear in the length of the text, whatever the text."""

from __future__ import annotations

import re

ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
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


def expand_escapes(text: str) -> str:
    """`text` with SPARQL's codepoint escapes (`\\u0053`, `\\U00000053`) expanded, as rdflib
    reads a query (Oxigraph reads the text as written)."""

    def char(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return ESCAPE.sub(char, text)


def keyword_count(text: str, word: str) -> int:
    """How many times the keyword `word` stands outside strings, IRIs and comments: not as
    part of a variable (?word), a prefixed name (ex:word, word:x) or a longer word."""
    keyword = re.compile(rf"(?<![\w?$:\-]){word}(?![\w:])", re.IGNORECASE)
    return len(keyword.findall(HIDING.sub(" ", text)))


def names_dataset(text: str) -> bool:
    """Whether the query picks its own dataset (`FROM`, `FROM NAMED`), as written or with its
    escapes expanded."""
    return any(keyword_count(view, "FROM") for view in (text, expand_escapes(text)))
