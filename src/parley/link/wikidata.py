"""A polite HTTP client for Wikidata: User-Agent, deadlines, bounded retries, on-disk cache.

Every answer is kept as one JSON file under the cache folder, named by a hash of the request, so
that reruns are reproducible and work with `offline=True` (cache only, never the network). Each
request has `timeout` seconds in all; an answer over `max_bytes` (after gzip) or nested deeper
than `bounded.MAX_DEPTH` is refused; messages pass through `credentials.redact`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from parley.model.errors import ParleyError
from parley.model.kgio import write_atomic
from parley.stores import bounded, retry
from parley.stores.credentials import check_url, redact

DEFAULT_API = "https://www.wikidata.org/w/api.php"
DEFAULT_CACHE = Path(".cache/wikidata")
CONTACT = "https://w3id.org/parley"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_BYTES = 64 * 2**20  # an answer larger than this, after gzip, is refused
CHUNK = 2**16


class WikidataError(ParleyError):
    """The service is unreachable or answered badly, or the cache lacks an answer offline."""


def user_agent(contact: str = CONTACT) -> str:
    """A User-Agent following the Wikimedia policy: client/version (contact) library/version."""
    try:
        version = metadata.version("parley-kg")
    except metadata.PackageNotFoundError:
        version = "0"
    python = ".".join(map(str, sys.version_info[:2]))
    return f"parley-kg/{version} ({contact}; Wikidata linker) Python-urllib/{python}"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Reply:
    """A parsed JSON answer and when it was retrieved from the service (ISO 8601, UTC)."""

    body: object
    retrieved: str
    url: str
    from_cache: bool


@dataclass
class Client:
    """Sends GET/POST requests for JSON, through the cache.

    `sleep` and `clock` are injectable so that tests can check the waits without waiting.
    """

    cache: Path | None = DEFAULT_CACHE
    offline: bool = False
    refresh: bool = False
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 300.0
    max_bytes: int = MAX_BYTES
    agent: str = field(default_factory=user_agent)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], dt.datetime] = utc_now
    sent: int = 0
    cached: int = 0

    def get(self, url: str, params: dict[str, str]) -> Reply:
        return self._answer("GET", url, params)

    def post(self, url: str, form: dict[str, str]) -> Reply:
        return self._answer("POST", url, form)

    def _answer(self, method: str, url: str, params: dict[str, str]) -> Reply:
        try:
            return self._through_cache(method, url, params)
        except WikidataError as exc:  # built from the URL and the answer: hide any secret
            raise WikidataError(redact(str(exc))) from None

    def _through_cache(self, method: str, url: str, params: dict[str, str]) -> Reply:
        check_url(url, "--api/--reconcile", "give the URL of a public service")
        params = {str(k): str(v) for k, v in sorted(params.items())}
        path = self.cache_path(method, url, params)
        if path is not None and not self.refresh and path.exists():
            self.cached += 1
            return _read_record(path)
        if self.offline:
            where = f" in {self.cache}" if self.cache else " (no cache folder given)"
            raise WikidataError(
                f"offline: no cached answer for {_describe(method, url, params)}{where} — "
                "run once without --offline to fill the cache"
            )
        body = self._fetch(method, url, params)
        retrieved = iso(self.clock())
        if path is not None:
            record = {
                "method": method,
                "url": url,
                "params": params,
                "retrieved": retrieved,
                "body": body,
            }
            write_atomic(path, _dump(record))
        return Reply(body=body, retrieved=retrieved, url=url, from_cache=False)

    def cache_path(self, method: str, url: str, params: dict[str, str]) -> Path | None:
        """The cache file of a request: a hash of method, URL and sorted parameters."""
        if self.cache is None:
            return None
        key = json.dumps([method, url, sorted(params.items())], ensure_ascii=False)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.cache / digest[:2] / f"{digest}.json"

    def _fetch(self, method: str, url: str, params: dict[str, str]) -> object:
        """The JSON answer of the service, sent again after 429, 5xx, timeouts and maxlag."""
        shown = _describe(method, url, params)
        policy = retry.RetryPolicy(
            attempts=self.retries + 1,
            base=self.backoff,
            cap=math.inf,
            max_retry_after=self.max_wait,
        )
        return retry.send_with_retries(
            lambda: self._exchange(method, url, params, shown),
            policy,
            self.sleep,
            lambda failure: WikidataError(self._give_up(failure, shown)),
        )

    def _exchange(self, method: str, url: str, params: dict[str, str], shown: str) -> object:
        """One request: its JSON answer, a `retry.Transient` failure, or `WikidataError`."""
        data = urllib.parse.urlencode(params)
        if method == "GET":
            target, payload = (url + ("&" if "?" in url else "?") + data) if data else url, None
        else:
            target, payload = url, data.encode("ascii")
        headers = {
            "User-Agent": self.agent,
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
        }
        if payload is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(target, data=payload, headers=headers, method=method)
        self.sent += 1
        try:
            with bounded.Deadline(self.timeout) as limit:
                try:
                    with limit.open(request) as response:
                        raw = _read(response, self.max_bytes, shown)
                        asked = response.headers.get("Retry-After")  # sent with maxlag
                except urllib.error.HTTPError as exc:
                    raise self._http_error(exc, shown) from None
        except retry.NETWORK_ERRORS as exc:
            raise retry.network_failure(exc, self.timeout, _cannot_connect) from None
        except ValueError as exc:  # a request http.client refuses to send
            raise WikidataError(f"{shown}: the request cannot be sent ({exc})") from None
        body = _json(raw, shown)
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return body
        code, info = error.get("code", "?"), error.get("info", "")
        if code != "maxlag":
            raise WikidataError(f"{shown}: the API reported error '{code}': {info}")
        raise retry.Transient(f"server lagging ({info})", retry.retry_after(asked, self.clock()))

    def _http_error(self, exc: urllib.error.HTTPError, shown: str) -> Exception:
        """A retried 429 or 5xx (with its Retry-After), else the error it is."""
        problem = f"HTTP {exc.code} {exc.reason}"
        if exc.code not in RETRY_STATUS:
            return WikidataError(
                f"{shown}: the service answered {problem} — check the URL and parameters"
            )
        asked = exc.headers.get("Retry-After")
        return retry.Transient(problem, retry.retry_after(asked, self.clock()))

    def _give_up(self, failure: retry.Failure, shown: str) -> str:
        """The message of a request given up: the service asks to wait too long, or kept failing."""
        if failure.too_long:
            wait = f"{failure.wait:g} s (Retry-After)"
            return f"{shown}: the service asks to wait {wait} — try again later"
        return (
            f"{shown}: gave up after {self.retries + 1} attempts, last: {failure.problem.reason} — "
            "check the network or --api/--reconcile URL, or use --offline to replay the cache"
        )


def _cannot_connect(reason: BaseException) -> str:
    return f"cannot connect ({reason})"


def _describe(method: str, url: str, params: dict[str, str]) -> str:
    short = {k: (v if len(v) <= 60 else v[:57] + "...") for k, v in params.items()}
    query = urllib.parse.urlencode(short)
    return f"{method} {url}" + (f"?{query}" if query else "")


def _read(response, limit: int, shown: str) -> bytes:
    """The body of `response`, gunzipped: at most `limit` bytes, else `WikidataError`."""
    too_large = WikidataError(
        f"{shown}: the answer is larger than {limit:,} bytes — ask for fewer items at a time"
    )
    length = response.headers.get("Content-Length") or ""
    if length.isdigit() and int(length) > limit:
        raise too_large
    parts, size = [], 0
    while size <= limit and (part := response.read(CHUNK)):
        parts.append(part)
        size += len(part)
    if size > limit:
        raise too_large
    raw = b"".join(parts)
    if (response.headers.get("Content-Encoding") or "").lower() != "gzip":
        return raw
    return _gunzip(raw, limit, shown)


def _gunzip(raw: bytes, limit: int, shown: str) -> bytes:
    """`raw` inflated, a piece at a time, up to `limit` bytes; else `WikidataError`."""
    inflater = zlib.decompressobj(wbits=47)  # a gzip or zlib header
    parts, size, pending = [], 0, raw
    try:
        while size <= limit:
            part = inflater.decompress(pending, CHUNK * 16)
            pending = inflater.unconsumed_tail
            parts.append(part)
            size += len(part)
            if not part and not pending:
                break
    except zlib.error:
        return raw  # not gzip after all: judged as it is
    if size > limit:
        raise WikidataError(
            f"{shown}: the answer inflates to more than {limit:,} bytes (gzip) — refused"
        )
    return b"".join(parts)


def _json(raw: bytes, shown: str) -> object:
    try:
        return bounded.parse_json(raw)
    except ValueError as exc:
        start = raw[:60].decode("utf-8", "replace")
        raise WikidataError(
            f"{shown}: the answer is not JSON Parley can read ({exc}; starts {start!r}) — "
            "is the URL a MediaWiki API or reconciliation service?"
        ) from None


def _dump(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _read_record(path: Path) -> Reply:
    try:
        record = bounded.parse_json(path.read_bytes())
        return Reply(
            body=record["body"],
            retrieved=str(record["retrieved"]),
            url=str(record["url"]),
            from_cache=True,
        )
    except (OSError, ValueError, KeyError, TypeError):
        raise WikidataError(
            f"{path}: damaged cache file — delete it and run again online"
        ) from None
