"""The report's sections on what the sources say: statements, disagreements, the articles."""

from __future__ import annotations

from collections import defaultdict

from parley.analyst.alignment import Alignment, kind_alignment
from parley.analyst.facts import Facts, StatementFact
from parley.analyst.report_html import cite, esc, in_sentence_html, section
from parley.analyst.wording import property_words
from parley.model.iris import BASIS


def statements_section(facts: Facts, texts: dict[str, str | None]) -> str:
    kinds = kind_alignment()
    body = []
    by_article: dict[str, list[StatementFact]] = defaultdict(list)
    for s in facts.statements:
        by_article[s.article].append(s)
    for article in sorted(by_article):
        info = facts.articles.get(article)
        title = info.headline if info and info.headline else facts.article_label(article)
        body += [
            f'<article aria-labelledby="st-{esc(article)}-h">',
            f'<h3 id="st-{esc(article)}-h">{esc(title)}</h3>',
            f'<p class="meta">{cite(facts, article)}</p>',
            "<ol>",
            *(_statement_item(facts, s, kinds, texts.get(article)) for s in by_article[article]),
            "</ol>",
            "</article>",
        ]
    return section("statements", "Statements, in the sentences of their articles", body)


def _statement_item(
    facts: Facts, s: StatementFact, kinds: dict[str, Alignment], text: str | None
) -> str:
    kind = kinds[s.kind].label if s.kind in kinds else s.kind
    meta = [f"{'reported speech' if s.paraphrase else 'direct quotation'}", kind]
    if s.target:
        meta.append(f"to/about {facts.label(s.target)}")
    if s.meeting:
        meta.append(f"context: {facts.label(s.meeting)}")
    if s.date:
        meta.append(s.date)
    return (
        f"<li><p><strong>{esc(facts.label(s.speaker))}</strong></p>"
        f"<blockquote><p>{in_sentence_html(s.quote_span, s.quote, text)}"
        f'</p></blockquote><p class="meta">{esc(" · ".join(meta))}</p></li>'
    )


def conflicts_section(facts: Facts, texts: dict[str, str | None]) -> str:
    no_conflicts = '<tr><td colspan="5">No disagreements found.</td></tr>'
    body = [
        "<table>",
        "<caption>Facts that two or more sources state differently</caption>",
        '<thead><tr><th scope="col">About</th><th scope="col">What</th>'
        '<th scope="col">Value</th><th scope="col">Source</th>'
        '<th scope="col">In the source’s words</th></tr></thead>',
        "<tbody>",
        *(_conflict_rows(facts, texts) or [no_conflicts]),
        "</tbody></table>",
        "<table>",
        "<caption>Offices an article gives to someone the registry does not record as the "
        "holder</caption>",
        '<thead><tr><th scope="col">Person</th><th scope="col">Post, as stated</th>'
        '<th scope="col">Registry holder</th><th scope="col">Posts the registry gives the '
        'person</th><th scope="col">Source</th><th scope="col">Evidence</th></tr></thead>',
        "<tbody>",
        *(_office_rows(facts) or ['<tr><td colspan="6">None.</td></tr>']),
        "</tbody></table>",
    ]
    return section("conflicts", "Where sources disagree", body)


def _conflict_rows(facts: Facts, texts: dict[str, str | None]) -> list[str]:
    rows = []
    for c in facts.conflicts():
        for _, assertions in c.values:
            value = facts.value_label(assertions[0])
            for a in assertions:
                quote = in_sentence_html(a.evidence, "", texts.get(a.article)) if a.evidence else ""
                qual = f" ({a.qualifier})" if a.qualifier else ""
                rows.append(
                    f"<tr><td>{esc(facts.label(c.subject))}</td>"
                    f"<td>{esc(property_words(c.property))}</td>"
                    f"<td>{esc(value)}{esc(qual)}</td>"
                    f"<td>{cite(facts, a.article)}</td><td>{quote}</td></tr>"
                )
    return rows


def _office_rows(facts: Facts) -> list[str]:
    rows = []
    for oc in facts.office_conflicts():
        o = oc.office
        rows.append(
            f"<tr><td>{esc(facts.label(o.person))}</td><td>{esc(facts.label(o.post))}</td>"
            f"<td>{esc(', '.join(facts.label(h) for h in oc.registry_holders))}</td>"
            f"<td>{esc(', '.join(facts.label(p) for p in oc.person_posts) or '—')}</td>"
            f"<td>{cite(facts, o.article)}</td>"
            f"<td>{'“' + esc(o.evidence.exact) + '”' if o.evidence else ''}</td></tr>"
        )
    return rows


def sources_section(facts: Facts) -> str:
    rows = []
    for article, info in sorted(facts.articles.items(), key=lambda kv: (kv[1].date or "", kv[0])):
        basis = facts.label(str(BASIS[info.date_basis])) if info.date_basis else "unknown"
        rows.append(
            f'<tr id="src-{esc(article)}"><td>{esc(info.headline or "")}</td>'
            f"<td>{esc(facts.label(info.publisher) if info.publisher else 'not named')}</td>"
            f"<td>{esc(info.date or 'unknown')} ({esc(basis)})</td>"
            f"<td><code>{esc(info.source_file or '')}</code></td></tr>"
        )
    body = [
        "<table>",
        "<caption>The articles this report is built from</caption>",
        '<thead><tr><th scope="col">Headline</th>'
        '<th scope="col">Outlet</th><th scope="col">Date (how known)</th>'
        '<th scope="col">File</th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody></table>",
    ]
    return section("sources", "Sources", body)
