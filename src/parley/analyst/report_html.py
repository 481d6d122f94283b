"""The report's HTML building blocks: escaping, sections, citations, spans marked in sentences."""

from __future__ import annotations

from html import escape

from parley.analyst.facts import Evidence, Facts, local_name
from parley.analyst.sentences import in_sentence


def esc(value: object) -> str:
    """`value` as text escaped for HTML content and attribute values."""
    return escape(str(value), quote=True)


def section(ident: str, title: str, body: list[str]) -> str:
    """A labelled `<section>` of the report with its heading."""
    return "\n".join(
        [
            f'<section id="{ident}" aria-labelledby="{ident}-h">',
            f'<h2 id="{ident}-h">{esc(title)}</h2>',
            *body,
            "</section>",
        ]
    )


def meeting_anchor(iri: str) -> str:
    """The id of a meeting's entry in the report."""
    return "m-" + local_name(iri)


def cite(facts: Facts, article: str) -> str:
    """A link to the article in the source list, named by its outlet, headline and date."""
    if article not in facts.articles:
        return esc(article)
    return f'<a href="#src-{esc(article)}">{esc(facts.article_label(article))}</a>'


def in_sentence_html(span: Evidence | None, quote: str, text: str | None) -> str:
    """The span marked in its sentence (or `quote` marked alone, without a span)."""
    if span is None:
        return f"<mark>{esc(quote)}</mark>"
    before, exact, after = in_sentence(span, text)
    return f"{esc(before)}<mark>{esc(exact)}</mark>{esc(after)}"
