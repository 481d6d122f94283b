"""Where the article we hold comes from: the site its copy was found on (a reprint or repost)
and the earlier publication it reproduces (`article.found_at`, `article.original`)."""

from __future__ import annotations

from parley.model.records import FoundAt, Original
from parley.seeds.annotation_context import AnnotationContext
from parley.seeds.yamlfile import Node


def read_found_at(ctx: AnnotationContext, article: Node) -> FoundAt | None:
    """`found_at: {site: ID or null, evidence: …, note: …}`. The evidence may quote site
    furniture: a site shows its name in its banners and footers."""
    found = _block(ctx, article, "found_at")
    if found is None:
        return None
    node, what = found
    ctx.check.keys(node, what, ("site", "evidence"), ("note",))
    site = None
    if node.get("site") is not None:
        site = ctx.ref(node, "site", what, ("organisation",))
        if site is None:
            return None
    span = ctx.evidence(node, "evidence", what, excluded=False, required=False)
    note = ctx.check.string(node, "note", what, required=False)
    return FoundAt(site=site, span=span, note=note) if span else None


def read_original(ctx: AnnotationContext, article: Node) -> Original | None:
    """`original: {outlet: ID or null, evidence: …, title: …, date: {…}, note: …}`: the
    evidence (the credit line) may quote site furniture, the title and date may not."""
    found = _block(ctx, article, "original")
    if found is None:
        return None
    node, what = found
    ctx.check.keys(node, what, ("outlet", "evidence"), ("title", "date", "note"))
    outlet = None
    if node.get("outlet") is not None:
        outlet = ctx.ref(node, "outlet", what, ("organisation",))
        if outlet is None:
            return None
    span = ctx.evidence(node, "evidence", what, excluded=False, required=False)
    title = ctx.evidence(node, "title", what, required=False)
    date = ctx.date_value(node, "date", what)
    if date is not None and ctx.article_date is not None and date.value > ctx.article_date:
        ctx.check.add(
            node.line_of("date"),
            f"{what}.date {date.value} is after the article's date {ctx.article_date}",
            "a reprint cannot come before its original: check both dates",
        )
        return None
    note = ctx.check.string(node, "note", what, required=False)
    if span is None:
        return None
    return Original(outlet=outlet, span=span, title=title, date=date, note=note)


def _block(ctx: AnnotationContext, article: Node, key: str) -> tuple[Node, str] | None:
    value = article.get(key)
    if value is None:
        return None
    node = ctx.check.mapping(value, article.line_of(key), f"article.{key}")
    return (node, f"article.{key}") if node is not None else None
