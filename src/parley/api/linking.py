"""The Wikidata commands of the API: propose links, record decisions, enrich kg/."""

from __future__ import annotations

from pathlib import Path

from parley.link.enrich import enrich  # the API as the library has it
from parley.link.linking import decide, link  # the API as the library has it
from parley.link.wikidata import Client, user_agent

__all__ = ["decide", "enrich", "link", "wikidata_client"]


def wikidata_client(
    cache: Path, offline: bool, refresh: bool, timeout: float, retries: int, contact: str
) -> Client:
    """A polite Wikidata client: cached answers under `cache`, a User-Agent naming `contact`."""
    return Client(
        cache=cache,
        offline=offline,
        refresh=refresh,
        timeout=timeout,
        retries=retries,
        agent=user_agent(contact),
    )
