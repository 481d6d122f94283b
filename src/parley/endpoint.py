"""A client for the SPARQL 1.1 Protocol and the SPARQL 1.1 Graph Store Protocol.

Queries are POSTed form-encoded (Virtuoso hangs on raw `application/sparql-query` bodies).
Credentials come from PARLEY_ENDPOINT_USER / PARLEY_ENDPOINT_PASSWORD or `~/.netrc`, never from
a URL or the command line; they are sent with digest or basic auth, as the server asks, and
never appear in errors.
"""

from __future__ import annotations

import json
import netrc
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .httpauth import Authenticator

USER_VAR = "PARLEY_ENDPOINT_USER"
PASSWORD_VAR = "PARLEY_ENDPOINT_PASSWORD"
RESULTS_JSON = "application/sparql-results+json"
USER_AGENT = "parley-kg (SPARQL 1.1 Protocol client)"
PROBE_ABOVE = 16_384  # bytes: larger bodies are only sent with credentials already attached


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    source: str  # where they came from, for messages: never the secret itself

    def __repr__(self) -> str:  # keep the password out of tracebacks and logs
        return f"Credentials(user={self.user!r}, source={self.source!r})"


def check_url(url: str, option: str = "--endpoint") -> str:
    """`url` when it is an http(s) URL without user or password in it; else `UsageError`."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option}: '{redact(url)}' is not an http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            f"{option}: '{redact(url)}' has credentials in it — remove them and set "
            f"{USER_VAR} and {PASSWORD_VAR}, or add the host to ~/.netrc"
        )
    return url


def redact(url: str) -> str:
    """The URL with any user:password@ part replaced, for messages."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"***@{host}"))


def find_credentials(url: str, environ=None, netrc_path: Path | None = None) -> Credentials | None:
    """Credentials for `url`: from the environment first, then `~/.netrc`; None when neither."""
    environ = os.environ if environ is None else environ
    user, password = environ.get(USER_VAR), environ.get(PASSWORD_VAR)
    if user or password:
        if not (user and password):
            missing = PASSWORD_VAR if user else USER_VAR
            raise UsageError(f"{missing} is not set — set both {USER_VAR} and {PASSWORD_VAR}")
        return Credentials(user, password, "environment")
    path = netrc_path or Path(os.path.expanduser("~/.netrc"))
    if not path.exists():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(urllib.parse.urlsplit(url).hostname or "")
    except (netrc.NetrcParseError, OSError) as exc:
        line = getattr(exc, "lineno", None)
        where = f"{path}:{line}" if line else str(path)
        raise UsageError(f"{where}: cannot read this netrc file — fix its syntax") from None
    if entry is None:
        return None
    login, _account, secret = entry
    if not login or not secret:
        return None
    return Credentials(login, secret, str(path))


class Endpoint:
    """One SPARQL endpoint (`query_url`) and, optionally, its graph store (`store_url`)."""

    def __init__(
        self,
        query_url: str,
        store_url: str | None = None,
        credentials: Credentials | None = None,
        timeout: float = 300.0,
    ):
        self.query_url = check_url(query_url, "--endpoint")
        self.store_url = check_url(store_url, "--graph-store") if store_url else self.query_url
        self.timeout = timeout
        self.credentials = credentials
        self._auth = Authenticator(credentials.user, credentials.password) if credentials else None
        self._opener = urllib.request.build_opener()
        self._probed: set[str] = set()

    @classmethod
    def connect(cls, query_url: str, store_url: str | None = None, **kwargs) -> Endpoint:
        """An endpoint with the credentials found for its store (or query) URL, if any."""
        target = check_url(store_url, "--graph-store") if store_url else query_url
        return cls(query_url, store_url, find_credentials(check_url(target)), **kwargs)

    # -- SPARQL 1.1 Protocol ------------------------------------------------------------

    def select(
        self,
        query: str,
        default_graphs: list[str] | tuple[str, ...] = (),
        named_graphs: list[str] | tuple[str, ...] = (),
    ) -> tuple[list[str], list[dict[str, dict]]]:
        """Run a SELECT query; return its variables and its JSON bindings."""
        doc = self._query(query, default_graphs, named_graphs)
        try:
            return list(doc["head"].get("vars", [])), list(doc["results"]["bindings"])
        except (KeyError, TypeError, AttributeError):
            raise UsageError(f"{self.query_url}: the answer is not SELECT results") from None

    def ask(self, query: str, default_graphs=(), named_graphs=()) -> bool:
        """Run an ASK query."""
        answer = self._query(query, default_graphs, named_graphs)
        if not isinstance(answer, dict) or not isinstance(answer.get("boolean"), bool):
            raise UsageError(f"{self.query_url}: the answer is not ASK results")
        return answer["boolean"]

    def _query(self, query: str, default_graphs, named_graphs) -> dict:
        form = [("query", query)]
        form += [("default-graph-uri", g) for g in default_graphs]
        form += [("named-graph-uri", g) for g in named_graphs]
        body = self._send(
            "POST",
            self.query_url,
            urllib.parse.urlencode(form).encode("utf-8"),
            {
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": RESULTS_JSON,
            },
        )
        try:
            return json.loads(body.decode("utf-8"))
        except ValueError:
            raise UsageError(
                f"{self.query_url}: the answer is not SPARQL JSON results — "
                "is this the SPARQL query URL of the server?"
            ) from None

    def count_triples(self, graphs: list[str]) -> dict[str, int]:
        """How many triples each of `graphs` holds in the store (0 for a missing graph)."""
        counts = dict.fromkeys(graphs, 0)
        for start in range(0, len(graphs), 200):
            chunk = graphs[start : start + 200]
            values = " ".join(f"<{g}>" for g in chunk)
            _, rows = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
            for row in rows:
                counts[row["g"]["value"]] = int(row["n"]["value"])
        return counts

    def graph_names(self, prefix: str = "") -> list[str]:
        """The named graphs in the store (whose IRI starts with `prefix`), sorted."""
        literal = prefix.replace("\\", "\\\\").replace('"', '\\"')
        where = f'FILTER (STRSTARTS(STR(?g), "{literal}"))' if prefix else ""
        _, rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {where} }}")
        return sorted(row["g"]["value"] for row in rows if row.get("g", {}).get("type") == "uri")

    # -- Graph Store Protocol -----------------------------------------------------------

    def put_graph(self, graph: str, turtle: bytes) -> None:
        """Replace the named graph `graph` with the given Turtle (or N-Triples) content."""
        self._send("PUT", self._graph_url(graph), turtle, _TURTLE)

    def post_graph(self, graph: str, turtle: bytes) -> None:
        """Add the given triples to the named graph `graph`."""
        self._send("POST", self._graph_url(graph), turtle, _TURTLE)

    def delete_graph(self, graph: str) -> None:
        """Drop the named graph `graph`; a missing graph is not an error."""
        self._send("DELETE", self._graph_url(graph), None, {}, missing_ok=True)

    def _graph_url(self, graph: str) -> str:
        separator = "&" if urllib.parse.urlsplit(self.store_url).query else "?"
        return self.store_url + separator + urllib.parse.urlencode({"graph": graph})

    # -- transport ------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        data: bytes | None,
        headers: dict[str, str],
        missing_ok: bool = False,
    ) -> bytes:
        where = redact(url.split("?", 1)[0])
        big = data is not None and len(data) > PROBE_ABOVE
        if (
            self._auth is not None
            and not self._auth.ready
            and big
            and url.split("?", 1)[0] not in self._probed
        ):
            # Learn the challenge with an empty body: a 401 in the middle of a large upload
            # arrives as a broken connection.
            self._probed.add(url.split("?", 1)[0])
            self._request(method, url, b"", headers, where, missing_ok, probe=True)
        return self._request(method, url, data, headers, where, missing_ok)

    def _request(
        self, method, url, data, headers, where, missing_ok, attempts=2, probe=False
    ) -> bytes:
        signed = dict(headers)
        auth = self._auth.header(method, url) if self._auth is not None else None
        if auth is not None:
            signed["Authorization"] = auth
        request = urllib.request.Request(
            url, data=data, method=method, headers={"User-Agent": USER_AGENT, **signed}
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if probe:  # only there to learn a challenge; any other answer is fine
                if exc.code == 401 and self._auth is not None:
                    self._auth.learn(exc.headers.get_all("WWW-Authenticate") or [])
                return b""
            if exc.code == 401 and self._auth is not None:
                learnt = self._auth.learn(exc.headers.get_all("WWW-Authenticate") or [])
                if learnt and attempts > 1:
                    return self._request(
                        method, url, data, headers, where, missing_ok, attempts - 1
                    )
            if missing_ok and exc.code == 404:
                return b""
            raise UsageError(f"{where}: {method} failed: {_http_problem(exc)}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, socket.timeout | TimeoutError):
                reason = f"no answer within {self.timeout:g} s"
            raise UsageError(
                f"{where}: cannot reach the server ({reason}) — is it running, is the URL right?"
            ) from None


_TURTLE = {"Content-Type": "text/turtle; charset=utf-8"}


def _http_problem(exc: urllib.error.HTTPError) -> str:
    """One line about an HTTP error, with a hint for the usual causes."""
    try:
        detail = exc.read(300).decode("utf-8", "replace")
    except OSError:
        detail = ""
    detail = " ".join(detail.split())[:200]
    text = f"HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
    if exc.code in (401, 403):
        return (
            f"{text} — set {USER_VAR} and {PASSWORD_VAR} (or add the host to ~/.netrc) for a "
            "user allowed to write; for Virtuoso use /sparql-graph-crud-auth"
        )
    if exc.code in (404, 405):
        return f"{text} — check the URL (--endpoint for queries, --graph-store for loading)"
    return text
