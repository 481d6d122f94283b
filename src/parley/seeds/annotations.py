"""Annotation files: load one, checked against its article and the registry; list articles
that have none."""

from __future__ import annotations

import hashlib
from pathlib import Path

from parley.model.errors import InputError, Problem
from parley.model.records import DATE_BASES, AnnotatedArticle, Article, Registry
from parley.seeds.annotation_context import AnnotationContext
from parley.seeds.annotation_entries import (
    read_claim,
    read_meeting,
    read_mentions,
    read_office,
    read_statement,
)
from parley.seeds.annotation_sources import read_found_at, read_original
from parley.seeds.checks import Checker, closest
from parley.seeds.seedfile import absent, read_seed, seed_names, try_seed_names
from parley.seeds.sources import check_citations
from parley.seeds.yamlfile import Node, read_yaml

FORMAT = "parley-annotations/1"
TOP_KEYS = (
    "format",
    "article",
    "draft",
    "unrecognised",
    "mentions",
    "meetings",
    "statements",
    "offices",
    "claims",
)


NO_ANNOTATION = "article has no annotation file"
DRAFT = "this annotation file is a draft written by `parley draft`"
UNRECOGNISED = (
    "`unrecognised:` lists what `parley draft` could not match to the registry, for review"
)


def is_unready(problem: Problem) -> bool:
    """Whether `problem` says an article is not ready to build: it has no annotation file,
    or its annotation file is a draft (`parley build --skip-unready` skips those)."""
    return problem.message in (NO_ANNOTATION, DRAFT)


def load_annotations(
    path: Path, articles_dir: Path, registry: Registry, allow_draft: bool = False
) -> AnnotatedArticle:
    """Load `path`, resolving every quote in its article; raise `InputError` with all problems.

    A file marked `draft: true` (written by `parley draft`) is refused unless `allow_draft`.
    The seeds folder is the parent of `articles_dir`: a link in it must not lead out of it.
    A file without `format: parley-annotations/1` is not one: one problem, quoting nothing.
    """
    shown = str(path)
    check = Checker(shown)
    ctx = AnnotationContext(check, registry)
    root = check.mapping(read_yaml(path, shown, articles_dir.parent), 1, "annotation file")
    if root is None:
        raise InputError(check.problems)
    if root.get("format") != FORMAT:
        raise InputError(
            Problem(
                shown,
                root.line_of("format"),
                f"not an annotation file: it lacks `format: {FORMAT}`",
                f"start it with `format: {FORMAT}`, or move it out of annotations/",
            )
        )
    check.keys(root, "annotation file", ("format", "article"), TOP_KEYS[2:])
    draft = root.get("draft", False)
    if not isinstance(draft, bool):
        check.add(root.line_of("draft"), "draft must be true or false", "write `draft: true`")
    elif draft and not allow_draft:
        check.add(
            root.line_of("draft"),
            DRAFT,
            "check every entry against the article, then delete the `draft: true` line",
        )
    _unrecognised(check, root, draft is True)
    article = _article(ctx, root, path, articles_dir)
    if article is None:
        raise InputError(check.problems or [Problem(shown, 1, "no article", "add `article:`")])
    result = AnnotatedArticle(
        article=article,
        mentions=read_mentions(ctx, root),
        meetings=tuple(read_meeting(ctx, n) for n, _ in ctx.items(root, "meetings")),
        statements=tuple(read_statement(ctx, n) for n, _ in ctx.items(root, "statements")),
        offices=tuple(read_office(ctx, n) for n, _ in ctx.items(root, "offices")),
        claims=tuple(read_claim(ctx, n) for n, _ in ctx.items(root, "claims")),
    )
    if check.problems:
        raise InputError(check.problems)
    return result


def _unrecognised(check: Checker, root: Node, draft: bool) -> None:
    """The drafter's `unrecognised:` section: allowed (unchecked, as a mapping) in a draft;
    a reviewed file must not keep it."""
    if "unrecognised" not in root:
        return
    line = root.line_of("unrecognised")
    if not draft:
        check.add(
            line,
            UNRECOGNISED,
            "register what is right (`parley draft --propose-registry FILE` writes entries), "
            "move resolved statements and meetings into their sections, then delete the "
            "`unrecognised:` section",
        )
    elif root["unrecognised"] is not None:
        check.mapping(root["unrecognised"], line, "unrecognised")


def _article(ctx: AnnotationContext, root: Node, path: Path, articles_dir: Path) -> Article | None:
    check = ctx.check
    node = check.mapping(root.get("article"), root.line_of("article"), "article")
    if node is None:
        return None
    what = "article"
    check.keys(
        node,
        what,
        ("id", "sha256", "date_basis"),
        (
            "title",
            "outlet",
            "outlet_evidence",
            "date",
            "date_note",
            "furniture",
            "found_at",
            "original",
        ),
    )
    ident = check.slug(node, "id", what)
    if ident is None:
        return None
    if ident != path.stem:
        check.add(
            node.line_of("id"),
            f"article id '{ident}' differs from the file name",
            f"name the file {ident}.yaml or set `id: {path.stem}`",
        )
    text_path = articles_dir / f"{ident}.txt"
    digest = _read_text(ctx, node, text_path, articles_dir)
    if digest is None:
        return None
    ctx.furniture = _furniture(ctx, node)
    title = ctx.evidence(node, "title", what, required=False)
    outlet = ctx.ref(node, "outlet", what, ("organisation",), required=False)
    outlet_span = ctx.evidence(node, "outlet_evidence", what, required=outlet is not None)
    date = check.date(node, "date", what) if node.get("date") is not None else None
    ctx.article_date = date
    basis = check.choice(node, "date_basis", what, DATE_BASES)
    note = check.string(node, "date_note", what, required=False)
    if note:
        where = node.line_of("date_note")
        check_citations(check, where, note, f"{what}.date_note", ctx.registry.sources)
    if basis in ("inferred", "dateline") and date is not None and not note:
        check.add(
            node.line_of("date_basis"),
            f"date_basis {basis} needs a date_note",
            "say how the date is known, e.g. 'same-day report of round 1 "
            "(seeds/sources/facts.yaml#round-1)'",
        )
    return Article(
        id=ident,
        file=text_path.name,
        sha256=digest,
        text=ctx.text,
        title=title,
        outlet=outlet,
        outlet_span=outlet_span,
        date=date,
        date_basis=basis or "unknown",
        date_note=note,
        furniture=tuple(ctx.furniture),
        found_at=read_found_at(ctx, node),
        original=read_original(ctx, node),
    )


def _read_text(ctx: AnnotationContext, node: Node, text_path: Path, articles_dir: Path):
    """Read the article text into `ctx.text`; its SHA-256 (None, with a problem, when it is
    missing, unreadable, edited or not UTF-8)."""
    check = ctx.check
    try:
        raw = read_seed(text_path, str(text_path), articles_dir.parent)
    except InputError as exc:
        if not absent(text_path):
            check.problems.extend(exc.problems)
        else:
            names = try_seed_names(articles_dir, ".txt", articles_dir.parent) or ()
            known = [name[:-4] for name in names]
            ident = text_path.stem
            check.add(node.line_of("id"), f"no article text {text_path}", closest(ident, known))
        return None
    digest = hashlib.sha256(raw).hexdigest()
    if node.get("sha256") != digest:
        check.add(
            node.line_of("sha256"),
            f"sha256 does not match {text_path.name} (the article was edited or the hash is wrong)",
            f"restore the published text, or re-check every quote and set sha256: {digest}",
        )
        return None
    try:
        ctx.text = raw.decode("utf-8")
    except UnicodeDecodeError:
        check.add(node.line_of("id"), f"{text_path.name} is not valid UTF-8", "save it as UTF-8")
        return None
    return digest


def _furniture(ctx: AnnotationContext, node: Node) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for item, _line in ctx.items(node, "furniture"):
        ctx.check.keys(item, "furniture", ("start",), ("end", "note"))
        start = ctx.evidence(item, "start", "furniture")
        if start is None:
            continue
        end = len(ctx.text)
        if item.get("end") is not None:
            span = ctx.span(item["end"], item.line_of("end"), "furniture.end")
            if span is None:
                continue
            if span.end <= start.start:
                ctx.check.add(
                    item.line_of("end"),
                    "furniture ends before it starts",
                    "the end quote must come after the start quote",
                )
                continue
            end = span.end
        out.append((start.start, end))
    return sorted(out)


def annotation_files(seeds: Path) -> list[Path]:
    """The annotation files of `seeds`, in name order (`seeds_problems` reports a folder that
    cannot be listed)."""
    folder = seeds / "annotations"
    return [folder / name for name in try_seed_names(folder, ".yaml", seeds) or ()]


def seeds_problems(seeds: Path) -> list[Problem]:
    """A missing seeds folder, folders that cannot be listed (or lead out of it), and article
    texts without an annotation file."""
    if not seeds.is_dir():
        return [
            Problem(
                str(seeds),
                None,
                "seeds folder not found",
                "pass --seeds DIR with articles/, annotations/ and registry/",
            )
        ]
    problems: list[Problem] = []
    listed = {}
    for folder, suffix in (("annotations", ".yaml"), ("articles", ".txt")):
        try:
            names = seed_names(seeds / folder, suffix, seeds)
            listed[folder] = [name[: -len(suffix)] for name in names]
        except InputError as exc:
            problems.extend(exc.problems)
            listed[folder] = []
    annotated = set(listed["annotations"])
    return problems + [
        Problem(
            str(seeds / "articles" / f"{stem}.txt"),
            None,
            NO_ANNOTATION,
            f"write {seeds / 'annotations' / (stem + '.yaml')}",
        )
        for stem in listed["articles"]
        if stem not in annotated
    ]
