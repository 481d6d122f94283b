"""Federation: which remote services a SPARQL query would call (`SERVICE`), and whether it may.

Every engine Parley runs (rdflib, pyoxigraph, the Oxigraph server) sends a `SERVICE` clause
to the URL it names, and hands the answer back to whoever asked: an open door to any address
the machine can reach. So federation is off unless the caller allows hosts by name
(`--allow-service HOST`, or `--online` for the saved online queries), and a query is checked
before any engine sees it.

The check does not trust one reading of the text. A query that holds the letters `service`
anywhere, as written or with its `\\uXXXX` escapes expanded either way (the only way it can
call a service), is parsed by rdflib's SPARQL parser, whose algebra names each service; a
query it cannot parse is refused. Its text is also scanned for the keyword outside strings,
IRIs and comments (`stores.sparqltext`) in each reading: Oxigraph reads the text as written,
rdflib expands escapes first, and not quite as the SPARQL spec says. With federation off, a
service found by any reading refuses the query; with hosts allowed, the readings must agree,
the query hold no escapes, and each service be an http(s) IRI on an allowed host (a service
named by a variable is refused).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass

from parley.model.errors import UsageError
from parley.stores.sparqltext import RDFLIB_ESCAPE, keyword_count, views

LETTERS = re.compile(r"service", re.IGNORECASE)
SCHEMES = {"http": 80, "https": 443}  # the schemes a service may have, with their ports


@dataclass(frozen=True)
class Federation:
    """The hosts `SERVICE` may call: `HOST` (any port) or `HOST:PORT`; `anywhere` for all."""

    hosts: frozenset[str] = frozenset()
    anywhere: bool = False
    how: str = "--allow-service"  # the option that allows a host, named in refusals

    @classmethod
    def of(cls, hosts: Iterable[str], how: str = "--allow-service") -> Federation:
        return cls(frozenset(parse_host(h, how) for h in hosts), how=how)


OFF = Federation()
ANYWHERE = Federation(anywhere=True)


def parse_host(text: str, how: str = "--allow-service") -> str:
    """`HOST` or `HOST:PORT` (IPv6 in brackets), lower-cased; `UsageError` for anything else."""
    value = text.strip().lower()
    try:
        parts = urllib.parse.urlsplit(f"http://{value}")
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or parts.path or parts.query or parts.fragment or "@" in value:
        raise UsageError(
            f"{how} '{text}': give a host name or address, with a port if need be "
            "(e.g. query.wikidata.org or 127.0.0.1:8890), not a URL"
        )
    return _hostport(host, port)


def _hostport(host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host else host
    return host if port is None else f"{host}:{port}"


def check_services(text: str, federation: Federation = OFF, max_chars: int | None = None) -> None:
    """Raise `UsageError` unless every service `text` calls is allowed by `federation`.

    `max_chars` bounds the length of a query that has to be parsed (rdflib's parser can take
    seconds on a few kilobytes of contrived text): a longer one is refused.
    """
    if federation.anywhere or not any(LETTERS.search(view) for view in views(text)):
        return
    if max_chars is not None and len(text) > max_chars:
        raise UsageError(
            f"the query holds the word SERVICE and is too long to check ({len(text)} "
            f"characters, at most {max_chars}) — shorten it"
        )
    reason = refusal(text, federation)
    if reason is not None:
        raise UsageError(reason)


def refusal(text: str, federation: Federation) -> str | None:
    """Why `text` may not run under `federation`, or None when every service it calls may."""
    targets = parsed_services(text)
    if isinstance(targets, str):
        return (
            "the query holds the word SERVICE, and it cannot be parsed to check what it calls "
            f"({targets})"
        )
    seen = {keyword_count(view, "SERVICE") for view in views(text)}
    if not targets and seen == {0}:
        return None
    allowed = f"allow a host with {federation.how} HOST"
    if not federation.hosts:
        named = " ".join(sorted({_shown(t) for t in targets})) or "a remote service"
        hosts = [_service_host(t) for t in targets]
        if hosts and all(full for full, _ in hosts):
            shown = sorted({short for _, short in hosts})
            allowed = "pass " + " ".join(f"{federation.how} {h}" for h in shown) + " to allow it"
        return (
            f"the query calls SERVICE {named}, and federation is off (a query reaches no "
            f"other server unless allowed) — {allowed}"
        )
    if seen != {len(targets)} or RDFLIB_ESCAPE.search(text):
        return (
            "the query's SERVICE clauses cannot be told apart with certainty (write each "
            f"as SERVICE <http://host/…>, without \\u escapes) — {allowed}"
        )
    for target in targets:
        host, shown = _service_host(target)
        if host is None:
            return (
                f"SERVICE {_shown(target)}: only http and https services named by a full IRI "
                "can be allowed, not a variable or another scheme — write SERVICE <http://host/…>"
            )
        if not _allowed(host, federation.hosts):
            return (
                f"SERVICE <{target}> calls {shown}, which is not allowed — pass "
                f"{federation.how} {shown} to allow it"
            )
    return None


def parsed_services(text: str) -> list[str] | str:
    """The service of each `SERVICE` in rdflib's algebra of `text` (a `?variable` as such),
    or the parser's message when it cannot read the query."""
    from rdflib import Variable  # slow to import: only for a query that may call a service
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(text).algebra
    except Exception as exc:  # rdflib raises pyparsing errors of several kinds
        return " ".join(str(exc).split())[:200] or type(exc).__name__
    found: list[str] = []
    todo: list[object] = [algebra]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):  # CompValue is an OrderedDict
            if getattr(node, "name", None) == "ServiceGraphPattern":
                term = node.get("term")
                found.append(f"?{term}" if isinstance(term, Variable) else str(term))
            todo.extend(node.values())
        elif isinstance(node, list | tuple):
            todo.extend(node)
    return found


def _shown(target: str) -> str:
    return target if target.startswith("?") else f"<{target}>"


def _service_host(target: str) -> tuple[str | None, str]:
    """(HOST:PORT with the scheme's port filled in, the host as a user would write it)."""
    try:
        parts = urllib.parse.urlsplit(target)
        port = parts.port
    except ValueError:
        return None, ""
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        return None, ""
    host = parts.hostname.lower()
    default = SCHEMES[scheme]
    shown = None if port in (None, default) else port
    return _hostport(host, port or default), _hostport(host, shown)


def _allowed(hostport: str, hosts: frozenset[str]) -> bool:
    """`hostport` is allowed as itself, or by its host alone (any port)."""
    host = hostport.rsplit(":", 1)[0] if not hostport.endswith("]") else hostport
    return hostport in hosts or host in hosts
