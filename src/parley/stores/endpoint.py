"""A client for the SPARQL 1.1 Protocol and the SPARQL 1.1 Graph Store Protocol.

Queries are POSTed form-encoded (Virtuoso hangs on raw `application/sparql-query` bodies).
Credentials (see `parley.stores.credentials`) are sent with digest or basic auth, as the server
asks, and never appear in errors: every message leaving `_send` passes through `redact`, with the
password and the Authorization headers sent. Redirects are not followed (they would carry the
credentials to another host). Each request has `timeout` seconds in all (`bounded.Deadline`).

Idempotent requests (queries, PUT, DELETE, a POST of triples without blank nodes) are retried
with exponential back-off when the connection fails, times out or breaks, or the server answers
429, 502 or 503 (and 500 to a write; honouring Retry-After); `RetryPolicy` bounds the attempts,
and `Unavailable` says when it gave up.
"""

from __future__ import annotations

import collections
import datetime
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request

from parley.model.errors import UsageError
from parley.stores.bounded import Deadline, parse_json
from parley.stores.credentials import (
    PASSWORD_VAR,
    USER_VAR,
    Credentials,
    check_url,
    find_credentials,
    redact,
    secrets_of,
)
from parley.stores.httpauth import Authenticator
from parley.stores.retry import (
    NETWORK_ERRORS,
    Failure,
    RetryPolicy,
    Transient,
    network_failure,
    retry_after,
    send_with_retries,
)

RESULTS_JSON = "application/sparql-results+json"
USER_AGENT = "parley-kg (SPARQL 1.1 Protocol client)"
PROBE_ABOVE = 16_384  # bytes: larger bodies are only sent with credentials already attached
ERROR_BYTES = 65_536  # of an error answer read for its message (of which 200 characters shown)


class Endpoint:
    """One SPARQL endpoint (`query_url`) and, optionally, its graph store (`store_url`)."""

    def __init__(
        self,
        query_url: str,
        store_url: str | None = None,
        credentials: Credentials | None = None,
        timeout: float = 300.0,
        retry: RetryPolicy | None = None,
        sleep=time.sleep,
    ):
        self.query_url = check_url(query_url, "--endpoint")
        self.store_url = check_url(store_url, "--graph-store") if store_url else self.query_url
        self.timeout = timeout
        self.credentials = credentials
        self._auth = Authenticator(credentials.user, credentials.password) if credentials else None
        self._sent: collections.deque[str] = collections.deque(maxlen=4)  # Authorization headers
        self._probed: set[str] = set()
        self.retry = retry or RetryPolicy()
        self.sleep = sleep  # the wait between attempts (tests record it)
        self.retries = 0  # requests sent again after a transient failure
        self._reached = False  # whether the server ever answered
        self.software = ""  # the Server header of its last answer ("Oxigraph/0.5.13", …)

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
            statuses=QUERY_RETRY_STATUSES,
        )
        try:
            return parse_json(body)
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

    def graph_names(self, prefix: str = "", listed: bool = False) -> list[str]:
        """The named graphs in the store (whose IRI starts with `prefix`), sorted. `listed`:
        the store's own list of graphs (`GRAPH ?g {}`, which Oxigraph answers at once, where
        reading every triple takes minutes on millions; it may hold empty graphs)."""
        literal = prefix.replace("\\", "\\\\").replace('"', '\\"')
        where = f'FILTER (STRSTARTS(STR(?g), "{literal}"))' if prefix else ""
        pattern = "{ }" if listed else "{ ?s ?p ?o }"
        _, rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {pattern} {where} }}")
        return sorted(row["g"]["value"] for row in rows if row.get("g", {}).get("type") == "uri")

    # -- Graph Store Protocol -----------------------------------------------------------

    def put_graph(self, graph: str, turtle: bytes) -> None:
        """Replace the named graph `graph` with the given Turtle (or N-Triples) content."""
        self._send("PUT", self._graph_url(graph), turtle, _TURTLE)

    def post_graph(self, graph: str, turtle: bytes, idempotent: bool = False) -> None:
        """Add the given triples to the named graph `graph`.

        Retried only when the caller says the body is `idempotent` (no blank nodes: adding
        the same ground triples twice changes nothing); with blank nodes a POST that failed may
        still have been applied, and sending it again would duplicate them.
        """
        self._send("POST", self._graph_url(graph), turtle, _TURTLE, idempotent=idempotent)

    def post_dataset(self, nquads: bytes, bulk: bool = False) -> None:
        """Add N-Quads to the dataset: a POST to the graph store URL itself, which Oxigraph
        takes (`bulk`: through its bulk loader, `?no_transaction`). Retried: the caller sends
        ground quads only, which adding twice changes nothing."""
        url = self.store_url
        if bulk:
            url += ("&" if urllib.parse.urlsplit(url).query else "?") + "no_transaction"
        self._send("POST", url, nquads, {"Content-Type": "application/n-quads"})

    def update(self, url: str, text: str) -> None:
        """Run a SPARQL 1.1 Update (form-encoded) at `url`; retried, so it must be idempotent
        (such as `DROP SILENT GRAPH`)."""
        form = urllib.parse.urlencode([("update", text)]).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        self._send("POST", check_url(url, "the update URL"), form, headers)

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
        idempotent: bool = True,
        statuses: frozenset[int] = frozenset(),
    ) -> bytes:
        """Send a request; `statuses` are the HTTP answers retried (besides broken connections
        and timeouts); the default is RETRY_STATUSES. Its errors pass through `_hide`."""
        try:
            return self._send_once(method, url, data, headers, missing_ok, idempotent, statuses)
        except UsageError as exc:  # Unavailable too
            raise type(exc)(self._hide(exc.args[0] if exc.args else "")) from None

    def _send_once(self, method, url, data, headers, missing_ok, idempotent, statuses) -> bytes:
        statuses = statuses or RETRY_STATUSES
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
            self._retrying(method, url, b"", headers, where, missing_ok, True, statuses, True)
        return self._retrying(method, url, data, headers, where, missing_ok, idempotent, statuses)

    def _retrying(
        self, method, url, data, headers, where, missing_ok, idempotent, statuses, probe=False
    ) -> bytes:
        """Send one request; retry an idempotent one on transient failures, with back-off."""

        def attempt() -> bytes:
            answer = self._request(
                method, url, data, headers, where, missing_ok, statuses, probe=probe
            )
            self._reached = True
            return answer

        return send_with_retries(
            attempt,
            self.retry,
            self._pause,
            lambda failure: Unavailable(_give_up(where, method, failure, self.retry)),
            tries=self.retry.attempts if idempotent else 1,
            # A refused connection before the server ever answered means a wrong URL or a
            # server not started: say so at once rather than after every back-off.
            hopeless=lambda problem: problem.refused and not self._reached,
        )

    def _pause(self, seconds: float) -> None:
        """Wait before sending a request again, and count the retry."""
        self.retries += 1
        self.sleep(seconds)

    def _request(
        self, method, url, data, headers, where, missing_ok, statuses, probe=False
    ) -> bytes:
        """One exchange (plus one resend when a 401 taught the auth challenge)."""
        for resend in (True, False):
            signed = {"User-Agent": USER_AGENT, **headers}
            auth = self._auth.header(method, url) if self._auth is not None else None
            if auth is not None:
                signed["Authorization"] = auth
                self._sent.append(auth)
            request = urllib.request.Request(url, data=data, method=method, headers=signed)
            try:
                with Deadline(self.timeout) as limit:
                    try:
                        with limit.open(request, _NoRedirects()) as response:
                            self.software = response.headers.get("Server") or ""
                            return response.read()
                    except urllib.error.HTTPError as exc:
                        self._reached = True
                        answer = self._refused(
                            exc, method, where, missing_ok, statuses, probe, resend
                        )
                if answer is not None:
                    return answer
            except NETWORK_ERRORS as exc:
                raise network_failure(exc, self.timeout, _unreachable) from None
            except ValueError as exc:  # a header or URL http.client refuses to send
                raise UsageError(f"{where}: {method} cannot be sent: {exc}") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _refused(self, exc, method, where, missing_ok, statuses, probe, resend) -> bytes | None:
        """What an HTTP error answer means: b"" (nothing), None (a 401 taught a challenge and
        `resend` allows one more try, signed), or it raises `Transient` or `UsageError`."""
        learnt = False
        if exc.code == 401 and self._auth is not None:
            learnt = self._auth.learn(exc.headers.get_all("WWW-Authenticate") or [])
        if probe:  # only there to learn a challenge; any other answer is fine
            return b""
        if learnt and resend:
            return None
        if missing_ok and exc.code == 404:
            return b""
        problem = _http_problem(exc, self._secrets())
        if exc.code in statuses:
            raise Transient(problem, _retry_after(exc))
        raise UsageError(f"{where}: {method} failed: {problem}")

    def _secrets(self) -> tuple[str, ...]:
        return (*secrets_of(self.credentials), *self._sent)

    def _hide(self, message: str) -> str:
        """`message` with any credential replaced, should a server ever echo one back."""
        return redact(message, self._secrets())


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an error to report: following it would send the credentials elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Unavailable(UsageError):
    """The server could not be reached, or kept failing, after the allowed retries."""


def _give_up(where: str, method: str, failure: Failure, policy: RetryPolicy) -> str:
    """The one-line message of a request given up, with a hint at what to do."""
    attempts = failure.attempts
    took = f"{attempts} attempt{'s' if attempts > 1 else ''} in {failure.seconds:.1f} s"
    if failure.problem.refused and attempts == 1:
        hint = "is it running, is the URL right?"
    elif failure.wait > policy.max_retry_after and attempts < policy.attempts:
        hint = f"the server asks to wait {failure.wait:g} s; try again later"
    else:
        hint = "the server is down or keeps failing; try again later"
    return f"{where}: {method} failed after {took}: {failure.problem.reason} — {hint}"


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    """The Retry-After of an answer in seconds (delay or HTTP date), or None."""
    value = exc.headers.get("Retry-After") if exc.headers else None
    return retry_after(value, datetime.datetime.now(datetime.UTC))


def _unreachable(reason: BaseException) -> str:
    return f"cannot reach the server ({str(reason) or type(reason).__name__})"


_TURTLE = {"Content-Type": "text/turtle; charset=utf-8"}


# Answers worth sending a request again for. 504 is not: a query that timed out times out
# again. A query's 500 is not either: engines answer 500 to a query they refuse (Virtuoso: "the
# estimated execution time exceeds the limit"), while a 500 to a write may be a deadlock.
RETRY_STATUSES = frozenset({429, 500, 502, 503})
QUERY_RETRY_STATUSES = frozenset({429, 502, 503})


def _http_problem(exc: urllib.error.HTTPError, secrets: tuple[str, ...]) -> str:
    """One line about an HTTP error, with a hint for the usual causes, any secret hidden."""
    try:
        raw = exc.read(ERROR_BYTES)
    except (OSError, http.client.HTTPException):
        raw = b""
    detail = redact(raw.decode("utf-8", "replace"), secrets, cut=len(raw) == ERROR_BYTES)
    detail = " ".join(detail.split())[:200]
    reason = redact(str(exc.reason), secrets)
    text = f"HTTP {exc.code} {reason}" + (f": {detail}" if detail else "")
    if 300 <= exc.code < 400:
        location = redact(str(exc.headers.get("Location", "?")), secrets)
        return f"{text} — the server redirects to {location}; give that URL"
    if exc.code in (401, 403):
        return (
            f"{text} — set {USER_VAR} and {PASSWORD_VAR} (or add the host to ~/.netrc) for a "
            "user allowed to write; for Virtuoso use /sparql-graph-crud-auth"
        )
    if exc.code in (404, 405):
        return f"{text} — check the URL (--endpoint for queries, --graph-store for loading)"
    return text
