"""The entries of an annotation file: mentions, meetings, statements, offices and claims."""

from __future__ import annotations

from parley.model.records import (
    AGENT_KINDS,
    CLAIM_PROPERTIES,
    HOLDING_STATUSES,
    LEVELS,
    PARTY_KINDS,
    QUALIFIERS,
    ROLES,
    STATEMENT_KINDS,
    Claim,
    MeetingReport,
    Mention,
    OfficeClaim,
    Participation,
    Statement,
)
from parley.seeds.annotation_context import AnnotationContext
from parley.seeds.checks import closest
from parley.seeds.quotes import in_any, make_span, word_occurrences
from parley.seeds.yamlfile import Node


def read_mentions(ctx: AnnotationContext, root: Node) -> tuple[Mention, ...]:
    """The `mentions:` section: where each listed spelling of an entity occurs in the text."""
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
    kept = _longest_first(found)
    return tuple(Mention(entity=e, span=make_span(ctx.text, s, t)) for s, t, e in kept)


def _longest_first(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The (start, end, entity) hits that remain, in text order, when the longest match wins
    where spellings overlap ("Ryan Crocker" over "Crocker")."""
    kept: list[tuple[int, int, str]] = []
    for start, end, entity_id in sorted(found, key=lambda h: (-(h[1] - h[0]), h[0], h[2])):
        if not any(start < k_end and k_start < end for k_start, k_end, _ in kept):
            kept.append((start, end, entity_id))
    return sorted(kept)


def read_meeting(ctx: AnnotationContext, node: Node) -> MeetingReport | None:
    """One `meetings:` entry with its participants (None when it is unusable)."""
    check = ctx.check
    what = f"meeting '{node.get('event', '?')}'"
    check.keys(
        node,
        what,
        ("event", "evidence"),
        ("date", "duration", "place", "venue", "host", "participants"),
    )
    event = ctx.ref(node, "event", what, ("meeting",))
    span = ctx.evidence(node, "evidence", what)
    date = ctx.date_value(node, "date", what)
    duration = ctx.duration_value(node, "duration", what)
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
        duration=duration,
    )


def _participant(ctx: AnnotationContext, node: Node, event: str) -> Participation | None:
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


def read_statement(ctx: AnnotationContext, node: Node) -> Statement | None:
    """One `statements:` entry (None when it is unusable)."""
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
    topics = _topics(ctx, node, what)
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


def _topics(ctx: AnnotationContext, node: Node, what: str) -> list[str]:
    """The statement's known topic ids (problems for a non-list or an unknown topic)."""
    topics: list[str] = []
    value = node.get("topics")
    if value is None:
        return topics
    if not isinstance(value, list):
        ctx.check.add(node.line_of("topics"), f"{what}.topics must be a list", "e.g. [militias]")
        return topics
    for topic in value:
        entity = ctx.registry.get(topic) if isinstance(topic, str) else None
        if entity is None or entity.kind != "topic":
            known = [e.id for e in ctx.registry.of_kind("topic")]
            ctx.check.add(
                node.line_of("topics"),
                f"{what}: unknown topic '{topic}'",
                closest(str(topic), known),
            )
        else:
            topics.append(topic)
    return topics


def read_office(ctx: AnnotationContext, node: Node) -> OfficeClaim | None:
    """One `offices:` entry: a person holding a post, now or formerly, with the start and end
    the text gives (None when it is unusable)."""
    what = f"office of '{node.get('person', '?')}'"
    ctx.check.keys(node, what, ("person", "post", "evidence"), ("status", "start", "end", "note"))
    person = ctx.ref(node, "person", what, ("person",))
    post = ctx.ref(node, "post", what, ("post",))
    span = ctx.evidence(node, "evidence", what)
    status = "current"
    if node.get("status") is not None:
        status = ctx.check.choice(node, "status", what, HOLDING_STATUSES)
    start = ctx.partial_date_value(node, "start", what)
    end = ctx.partial_date_value(node, "end", what)
    if start and end and _before(end.value, start.value):
        ctx.check.add(
            node.line_of("end"),
            f"{what}: end {end.value} is before start {start.value}",
            "check both against the text",
        )
    if person is None or post is None or span is None or status is None:
        return None
    note = ctx.check.string(node, "note", what, required=False)
    return OfficeClaim(
        person=person, post=post, span=span, note=note, status=status, start=start, end=end
    )


def _before(end: str, start: str) -> bool:
    """Whether `end` comes before `start`, compared at the precision of the less precise of
    the two (2006 and 2006-05 do not conflict), as the holding-dates check compares them."""
    n = min(len(end), len(start))
    return end[:n] < start[:n]


def read_claim(ctx: AnnotationContext, node: Node) -> Claim | None:
    """One `claims:` entry: a property of an entity (None when it is unusable)."""
    check = ctx.check
    what = f"claim '{node.get('property', '?')}' about '{node.get('about', '?')}'"
    check.keys(node, what, ("about", "property", "value", "evidence"), ("qualifier", "note"))
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
    elif kind == "year":
        value = check.year(node, "value", what, ctx.latest)
    note = check.string(node, "note", what, required=False)
    if about is None or prop is None or span is None or value is None:
        return None
    return Claim(about=about, property=prop, value=value, span=span, qualifier=qualifier, note=note)
