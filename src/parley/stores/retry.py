"""Sending an HTTP request again after a transient failure: bounded attempts, back-off, Retry-After.

The one retry loop of Parley's HTTP clients (the SPARQL endpoint and Wikidata): a client sends
one attempt, turns what is worth retrying into `Transient`, and formats its own message when
`send_with_retries` gives up.
"""

from __future__ import annotations

import datetime
import email.utils
import http.client
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# What a failed exchange raises below HTTP: no connection, a timeout, a dropped or garbled
# answer (urllib's URLError is an OSError; http.client's BadStatusLine and IncompleteRead are not)
NETWORK_ERRORS = (OSError, http.client.HTTPException)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently an idempotent request is retried.

    Waits double from `base` up to `cap` seconds (0.5, 1, 2, 4 s by default: 7.5 s in all
    over 5 attempts); a `Retry-After` from the server replaces the wait, up to
    `max_retry_after` seconds (a longer one gives up at once).
    """

    attempts: int = 5  # tries per request, the first one included
    base: float = 0.5
    cap: float = 8.0
    max_retry_after: float = 120.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        return min(self.cap, self.base * 2 ** (attempt - 1))


class Transient(Exception):
    """A failure worth retrying: no connection, a timeout, a dropped answer, a 5xx/429."""

    def __init__(self, reason: str, retry_after: float | None = None, refused: bool = False):
        super().__init__(reason)
        self.reason, self.retry_after, self.refused = reason, retry_after, refused


@dataclass(frozen=True)
class Failure:
    """A request given up: its last problem, the attempts made, their time, the next wait."""

    problem: Transient
    attempts: int
    seconds: float
    wait: float  # what the next wait would have been (the server's Retry-After, or the back-off)
    too_long: bool  # the server asked to wait longer than the policy allows


def send_with_retries(
    attempt: Callable[[], T],
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    give_up: Callable[[Failure], Exception],
    tries: int | None = None,
    hopeless: Callable[[Transient], bool] = lambda problem: False,
) -> T:
    """What `attempt()` returns, calling it again after each `Transient` it raises.

    Between attempts `sleep` waits the back-off of `policy` or the server's Retry-After. After
    `tries` attempts (`policy.attempts` by default), on a Retry-After over
    `policy.max_retry_after`, or on a problem the caller calls `hopeless`, the exception that
    `give_up` makes of the `Failure` is raised. Other exceptions pass through at once.
    """
    tries = policy.attempts if tries is None else tries
    started = time.monotonic()
    for number in range(1, tries + 1):
        try:
            return attempt()
        except Transient as problem:
            asked = problem.retry_after
            wait = policy.delay(number) if asked is None else asked
            too_long = asked is not None and asked > policy.max_retry_after
            if number == tries or too_long or hopeless(problem):
                took = time.monotonic() - started
                raise give_up(Failure(problem, number, took, wait, too_long)) from None
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def network_failure(
    exc: BaseException, timeout: float, unreachable: Callable[[BaseException], str]
) -> Transient:
    """The `Transient` of an exchange that failed below HTTP (one of `NETWORK_ERRORS`).

    A timeout (a socket's, or a `bounded.Deadline` in all) says so with `timeout`; any other
    failure is described by `unreachable(reason)`.
    """
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
        return Transient(f"no complete answer within {timeout:g} s")
    return Transient(unreachable(reason), refused=isinstance(reason, ConnectionRefusedError))


def retry_after(value: str | None, now: datetime.datetime) -> float | None:
    """A Retry-After header in seconds from `now` (a delay or an HTTP date), or None."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, (when - now).total_seconds())
