"""Read and check one annotation file against its article and the registry."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from parley.model.errors import InputError, Problem
from parley.model.records import (
    AGENT_KINDS,
    CLAIM_PROPERTIES,
    DATE_BASES,
    LEVELS,
    PARTY_KINDS,
    QUALIFIERS,
    ROLES,
    STATEMENT_KINDS,
    AnnotatedArticle,
    Article,
    Claim,
    DateValue,
    MeetingReport,
    Mention,
    OfficeClaim,
    Participation,
    Ref,
    Registry,
    Span,
    Statement,
)
from parley.seeds.checks import Checker, closest
from parley.seeds.quotes import QuoteError, QuoteSpec, in_any, resolve, word_occurrences
from parley.seeds.yamlfile import Items, Node, read_yaml

FORMAT = "parley-annotations/1"
TOP_KEYS = (
    "format",
    "article",
    "draft",
    "mentions",
    "meetings",
    "statements",
    "offices",
    "claims",
)


class _Context:
    """State shared while reading one file: the text, furniture, registry and problems."""

    def __init__(self, check: Checker, registry: Registry):
        self.check = check
        self.registry = registry
        self.text = ""
        self.furniture: list[tuple[int, int]] = []

    def evidence(self, node: Node, key: str, what: str, required: bool = True) -> Span | None:
        if key not in node or node[key] is None:
            if required:
                self.check.add(node.line, f"{what} lacks '{key}'", "add the supporting quote")
            return None
        return self.span(node[key], node.line_of(key), f"{what}.{key}")

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
        value = node.get(key)
        if value is None:
            return None
        sub = self.check.mapping(value, node.line_of(key), f"{what}.{key}")
        if sub is None:
            return None
        where = f"{what}.{key}"
        self.check.keys(sub, where, ("value", "basis"), ("text", "note"))
        day = self.check.date(sub, "value", where) if "value" in sub else None
        basis = self.check.choice(sub, "basis", where, DATE_BASES) if "basis" in sub else None
        span = self.evidence(sub, "text", where, required=basis in ("stated", "relative"))
        if day is None or basis is None:
            return None
        return DateValue(value=day, basis=basis, span=span)

    def attr_ref(self, node: Node, key: str, what: str, kinds: tuple[str, ...]) -> Ref | None:
        value = node.get(key)
        if value is None:
            return None
        sub = self.check.mapping(value, node.line_of(key), f"{what}.{key}")
        if sub is None:
            return None
        where = f"{what}.{key}"
        self.check.keys(sub, where, ("ref", "evidence"), ())
        ident = self.ref(sub, "ref", where, kinds)
        span = self.evidence(sub, "evidence", where)
        return Ref(id=ident, span=span) if ident and span else None


def load_annotations(
    path: Path, articles_dir: Path, registry: Registry, allow_draft: bool = False
) -> AnnotatedArticle:
    """Load `path`, resolving every quote in its article; raise `InputError` with all problems.

    A file marked `draft: true` (written by `parley draft`) is refused unless `allow_draft`.
    """
    shown = str(path)
    check = Checker(shown)
    ctx = _Context(check, registry)
    root = check.mapping(read_yaml(path, shown), 1, "annotation file")
    if root is None:
        raise InputError(check.problems)
    check.keys(root, "annotation file", ("format", "article"), TOP_KEYS[2:])
    draft = root.get("draft", False)
    if not isinstance(draft, bool):
        check.add(root.line_of("draft"), "draft must be true or false", "write `draft: true`")
    elif draft and not allow_draft:
        check.add(
            root.line_of("draft"),
            "this annotation file is a draft written by `parley draft`",
            "check every entry against the article, then delete the `draft: true` line",
        )
    if root.get("format") != FORMAT:
        check.add(
            root.line_of("format"),
            f"format must be '{FORMAT}'",
            f"start the file with `format: {FORMAT}`",
        )
    article = _article(ctx, root, path, articles_dir)
    if article is None:
        raise InputError(check.problems or [Problem(shown, 1, "no article", "add `article:`")])
    result = AnnotatedArticle(
        article=article,
        mentions=_mentions(ctx, root),
        meetings=tuple(_meeting(ctx, n) for n, _ in ctx.items(root, "meetings")),
        statements=tuple(_statement(ctx, n) for n, _ in ctx.items(root, "statements")),
        offices=tuple(_office(ctx, n) for n, _ in ctx.items(root, "offices")),
        claims=tuple(_claim(ctx, n) for n, _ in ctx.items(root, "claims")),
    )
    if check.problems:
        raise InputError(check.problems)
    return result


def _article(ctx: _Context, root: Node, path: Path, articles_dir: Path) -> Article | None:
    check = ctx.check
    node = check.mapping(root.get("article"), root.line_of("article"), "article")
    if node is None:
        return None
    what = "article"
    check.keys(
        node,
        what,
        ("id", "sha256", "date_basis"),
        ("title", "outlet", "outlet_evidence", "date", "date_note", "furniture"),
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
    try:
        raw = text_path.read_bytes()
    except OSError:
        known = [p.stem for p in articles_dir.glob("*.txt")]
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
    ctx.furniture = _furniture(ctx, node)
    title = ctx.evidence(node, "title", what, required=False)
    outlet = ctx.ref(node, "outlet", what, ("organisation",), required=False)
    outlet_span = ctx.evidence(node, "outlet_evidence", what, required=outlet is not None)
    date = check.date(node, "date", what) if node.get("date") is not None else None
    basis = check.choice(node, "date_basis", what, DATE_BASES)
    note = check.string(node, "date_note", what, required=False)
    if basis in ("inferred", "dateline") and date is not None and not note:
        check.add(
            node.line_of("date_basis"),
            f"date_basis {basis} needs a date_note",
            "say how the date is known, e.g. 'FACTS.md: same-day report of round 1'",
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
    )


def _furniture(ctx: _Context, node: Node) -> list[tuple[int, int]]:
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


def _mentions(ctx: _Context, root: Node) -> tuple[Mention, ...]:
    value = root.get("mentions")
    if value is None:
        return ()
    node = ctx.check.mapping(value, root.line_of("mentions"), "mentions")
    if node is None:
        return ()
    owner: dict[str, str] = {}
    found: list[tuple[int, int, str]] = []
    for entity_id, spellings in node.items():
        line = node.line_of(entity_id)
        entity = ctx.registry.get(entity_id)
        if entity is None:
            ctx.check.add(
                line,
                f"mentions: unknown entity '{entity_id}'",
                closest(entity_id, ctx.registry.entities),
            )
            continue
        if (
            not isinstance(spellings, list)
            or not spellings
            or not all(isinstance(s, str) and s.strip() for s in spellings)
        ):
            ctx.check.add(
                line,
                f"mentions.{entity_id} must be a list of spellings",
                f'e.g. {entity_id}: ["{entity.label}"]',
            )
            continue
        for spelling in spellings:
            if spelling in owner and owner[spelling] != entity_id:
                ctx.check.add(
                    line,
                    f"spelling '{spelling}' is listed for both "
                    f"'{owner[spelling]}' and '{entity_id}'",
                    "keep it for one entity",
                )
                continue
            owner[spelling] = entity_id
            hits = [
                h
                for h in word_occurrences(ctx.text, spelling)
                if not in_any(h[0], h[1], ctx.furniture)
            ]
            if not hits:
                ctx.check.add(
                    line,
                    f"spelling '{spelling}' of '{entity_id}' does not occur "
                    "(as a whole word, outside furniture)",
                    "copy the spelling exactly from the article, or remove it",
                )
            found.extend((s, e, entity_id) for s, e in hits)
    # longest match wins where spellings overlap ("Ryan Crocker" over "Crocker")
    found.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2]))
    kept: list[tuple[int, int, str]] = []
    for start, end, entity_id in sorted(found, key=lambda h: (-(h[1] - h[0]), h[0], h[2])):
        if not any(start < k_end and k_start < end for k_start, k_end, _ in kept):
            kept.append((start, end, entity_id))
    from parley.seeds.quotes import make_span

    return tuple(Mention(entity=e, span=make_span(ctx.text, s, t)) for s, t, e in sorted(kept))


def _meeting(ctx: _Context, node: Node) -> MeetingReport | None:
    check = ctx.check
    what = f"meeting '{node.get('event', '?')}'"
    check.keys(
        node, what, ("event", "evidence"), ("date", "place", "venue", "host", "participants")
    )
    event = ctx.ref(node, "event", what, ("meeting",))
    span = ctx.evidence(node, "evidence", what)
    date = ctx.date_value(node, "date", what)
    place = ctx.attr_ref(node, "place", what, ("place",))
    venue = ctx.attr_ref(node, "venue", what, ("place",))
    host = ctx.attr_ref(node, "host", what, AGENT_KINDS)
    participants = []
    seen: dict[str, int] = {}
    for item, line in ctx.items(node, "participants"):
        part = _participant(ctx, item, event or "?")
        if part is None:
            continue
        if part.key in seen:
            check.add(
                line,
                f"participant '{part.key}' listed twice in {what}",
                f"merge with the entry at line {seen[part.key]}",
            )
            continue
        seen[part.key] = line
        participants.append(part)
    if event is None or span is None:
        return None
    return MeetingReport(
        event=event,
        span=span,
        date=date,
        place=place,
        venue=venue,
        host=host,
        participants=tuple(participants),
    )


def _participant(ctx: _Context, node: Node, event: str) -> Participation | None:
    what = f"participant '{node.get('person') or node.get('for', '?')}'"
    ctx.check.keys(node, what, ("for", "role", "evidence"), ("person", "note"))
    person = ctx.ref(node, "person", what, ("person",), required=False)
    party = ctx.ref(node, "for", what, PARTY_KINDS)
    role = ctx.check.choice(node, "role", what, ROLES)
    span = ctx.evidence(node, "evidence", what)
    note = ctx.check.string(node, "note", what, required=False)
    if party is None or role is None or span is None:
        return None
    return Participation(meeting=event, person=person, party=party, role=role, span=span, note=note)


def _statement(ctx: _Context, node: Node) -> Statement | None:
    check = ctx.check
    what = f"statement by '{node.get('speaker', '?')}'"
    check.keys(
        node,
        what,
        ("speaker", "quote", "kind"),
        ("paraphrase", "attribution", "date", "meeting", "target", "topics", "note"),
    )
    speaker = ctx.ref(node, "speaker", what, AGENT_KINDS)
    quote = ctx.evidence(node, "quote", what)
    paraphrase = node.get("paraphrase", False)
    if not isinstance(paraphrase, bool):
        check.add(node.line_of("paraphrase"), f"{what}.paraphrase must be true or false", "")
        paraphrase = False
    kind = check.choice(node, "kind", what, STATEMENT_KINDS)
    attribution = ctx.evidence(node, "attribution", what, required=False)
    date = ctx.date_value(node, "date", what)
    meeting = ctx.ref(node, "meeting", what, ("meeting",), required=False)
    target = ctx.ref(node, "target", what, ctx.registry.kinds, required=False)
    topics = []
    value = node.get("topics")
    if value is not None:
        if not isinstance(value, list):
            check.add(node.line_of("topics"), f"{what}.topics must be a list", "e.g. [militias]")
        else:
            for topic in value:
                entity = ctx.registry.get(topic) if isinstance(topic, str) else None
                if entity is None or entity.kind != "topic":
                    known = [e.id for e in ctx.registry.of_kind("topic")]
                    check.add(
                        node.line_of("topics"),
                        f"{what}: unknown topic '{topic}'",
                        closest(str(topic), known),
                    )
                else:
                    topics.append(topic)
    if speaker is None or quote is None or kind is None:
        return None
    return Statement(
        speaker=speaker,
        quote=quote,
        paraphrase=paraphrase,
        kind=kind,
        attribution=attribution,
        date=date,
        meeting=meeting,
        target=target,
        topics=tuple(sorted(set(topics))),
        note=check.string(node, "note", what, required=False),
    )


def _office(ctx: _Context, node: Node) -> OfficeClaim | None:
    what = f"office of '{node.get('person', '?')}'"
    ctx.check.keys(node, what, ("person", "post", "evidence"), ("note",))
    person = ctx.ref(node, "person", what, ("person",))
    post = ctx.ref(node, "post", what, ("post",))
    span = ctx.evidence(node, "evidence", what)
    if person is None or post is None or span is None:
        return None
    note = ctx.check.string(node, "note", what, required=False)
    return OfficeClaim(person=person, post=post, span=span, note=note)


def _claim(ctx: _Context, node: Node) -> Claim | None:
    check = ctx.check
    what = f"claim '{node.get('property', '?')}' about '{node.get('about', '?')}'"
    check.keys(node, what, ("about", "property", "value", "evidence"), ("qualifier",))
    about = ctx.ref(node, "about", what, ctx.registry.kinds)
    prop = check.choice(node, "property", what, CLAIM_PROPERTIES)
    span = ctx.evidence(node, "evidence", what)
    qualifier = None
    if node.get("qualifier") is not None:
        qualifier = check.choice(node, "qualifier", what, QUALIFIERS)
    value = node.get("value")
    line = node.line_of("value")
    kind = CLAIM_PROPERTIES.get(prop or "")
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            check.add(line, f"{what}: value must be a whole number", "e.g. value: 27")
            value = None
    elif kind == "level":
        value = check.choice(node, "value", what, LEVELS)
    elif kind == "ref":
        value = ctx.ref(node, "value", what, AGENT_KINDS)
    if about is None or prop is None or span is None or value is None:
        return None
    return Claim(about=about, property=prop, value=value, span=span, qualifier=qualifier)


def seeds_problems(seeds: Path) -> list[Problem]:
    """A missing seeds folder, or article texts without an annotation file."""
    if not seeds.is_dir():
        return [
            Problem(
                str(seeds),
                None,
                "seeds folder not found",
                "pass --seeds DIR with articles/, annotations/ and registry/",
            )
        ]
    annotated = {name[:-5] for name in _names(seeds / "annotations") if name.endswith(".yaml")}
    texts = sorted(name[:-4] for name in _names(seeds / "articles") if name.endswith(".txt"))
    return [
        Problem(
            str(seeds / "articles" / f"{stem}.txt"),
            None,
            "article has no annotation file",
            f"write {seeds / 'annotations' / (stem + '.yaml')}",
        )
        for stem in texts
        if stem not in annotated
    ]


def _names(folder: Path) -> list[str]:
    """The names in `folder` (none when it is missing): no Path object per file."""
    try:
        return os.listdir(folder)
    except OSError:
        return []
