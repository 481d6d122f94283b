"""How the report and explain put the graph's terms in plain words: roles and properties."""

from __future__ import annotations

from parley.analyst.facts import local_name

ROLE_NAMES = {
    "host": "host",
    "head-of-delegation": "head of delegation",
    "deputy-head-of-delegation": "deputy head of delegation",
    "delegation-member": "delegation member",
    "attendee": "attendee",
    "mediator": "mediator",
    "observer": "observer",
}


def role_words(role: str) -> str:
    """A role slug in words (`head-of-delegation` -> `head of delegation`)."""
    return ROLE_NAMES.get(role, role)


def property_slug(prop: str) -> str:
    """A property IRI as a slug: `…#yearsSincePreviousTalks` -> `years-since-previous-talks`."""
    name = local_name(prop)
    return "".join("-" + ch.lower() if ch.isupper() else ch for ch in name)


def property_words(prop: str) -> str:
    """A property IRI in words: `…#yearsSincePreviousTalks` -> `years since previous talks`."""
    return property_slug(prop).replace("-", " ").strip()
