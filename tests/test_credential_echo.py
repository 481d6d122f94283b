"""No credential in any message, whatever a hostile server echoes (issue 18, item 7).

`parley load` and `parley query --endpoint` run (click's CliRunner, in this process) with the
credentials in the environment against a fault proxy on 127.0.0.1 that asks for Basic or
Digest authentication (its own challenge, or a real Virtuoso's) and then echoes the signed
request's headers back: in the body as text or as JSON, in the reason phrase, as the status
line (not HTTP: retried, then given up), in a 503 body (retried, then given up), or that
redirects elsewhere. Every output is searched for the password, its base64 form, base64 of
user:password, each Authorization header the proxy saw and the hashes in a Digest one; none
may be there, and every run ends with one `error:` line and exit 2, never a traceback.
"""

from __future__ import annotations

import base64
import re
import secrets
from pathlib import Path

import pytest
from click.testing import CliRunner
from faultproxy import Demand, Echo, FaultProxy, Redirect, Status

from parley.cli.main import main
from parley.stores.credentials import redact

pytest_plugins = ["servers"]

PASSWORDS = {
    "plain": lambda: "s3cret-" + secrets.token_hex(6),
    "odd characters": lambda: 'p@ss:w/rd "q" \\ é+%20&=' + secrets.token_hex(3),
    "passphrase": lambda: "correct horse battery staple " + secrets.token_hex(4),
}
ECHOES = {
    "body": Echo(400, "body"),
    "json": Echo(400, "json"),
    "reason": Echo(400, "reason"),
    "status line": Echo(400, "status"),
    "503 body": Echo(503, "body"),
}
TRIG = b"""<https://w3id.org/parley/graph/x> { <http://example.org/s> <http://example.org/p> "o" . }
"""


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kg")
    (folder / "parley.trig").write_bytes(TRIG)
    return folder


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def needles(user: str, password: str, proxy: FaultProxy) -> set[str]:
    """What must not be shown: the password, its base64 forms, every Authorization sent."""
    found = {password, b64(password), b64(f"{user}:{password}")}
    for seen in proxy.log:
        if seen.authorization:
            found |= {seen.authorization, seen.authorization.partition(" ")[2]}
            found |= set(re.findall(r'(?:response|cnonce)="?([0-9a-f]{16,})', seen.authorization))
    return found


def run(args: list[str], user: str, password: str):
    env = {"PARLEY_ENDPOINT_USER": user, "PARLEY_ENDPOINT_PASSWORD": password}
    env["HOME"] = "/nonexistent"  # no ~/.netrc
    return CliRunner().invoke(main, args, env=env)


def assert_nothing_shown(result, user: str, password: str, proxy: FaultProxy) -> str:
    """One `error:` line, exit 2, no traceback, no secret; the line."""
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, result.output
    text = result.output + result.stderr
    assert "Traceback" not in text
    assert [s for s in proxy.log if s.authorization], "the client never signed a request"
    for needle in needles(user, password, proxy):
        assert needle not in text, f"{needle!r} is shown"
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def load_args(kg: Path, base: str) -> list[str]:
    store = f"{base}/store"
    return ["load", "--kg", str(kg), "--endpoint", f"{base}/query", "--graph-store", store,
            "--retries", "1", "--timeout", "30"]  # fmt: skip


@pytest.mark.parametrize("password", PASSWORDS, ids=list(PASSWORDS))
@pytest.mark.parametrize("echo", ECHOES, ids=list(ECHOES))
@pytest.mark.parametrize("scheme", ["Basic", "Digest"])
def test_load_shows_no_credential_whatever_is_echoed(kg, scheme, echo, password):
    user, secret = "alice", PASSWORDS[password]()
    with FaultProxy("127.0.0.1:9", lambda *_: Demand(scheme, ECHOES[echo])) as proxy:
        result = run(load_args(kg, proxy.base), user, secret)
    line = assert_nothing_shown(result, user, secret, proxy)
    assert "***" in line or echo == "status line"


@pytest.mark.parametrize("echo", ["body", "json", "reason"])
@pytest.mark.parametrize("scheme", ["Basic", "Digest"])
def test_query_shows_no_credential_whatever_is_echoed(kg, scheme, echo):
    user, secret = "bob", PASSWORDS["odd characters"]()
    with FaultProxy("127.0.0.1:9", lambda *_: Demand(scheme, ECHOES[echo])) as proxy:
        args = ["query", "who-met-whom", "--kg", str(kg), "--endpoint", f"{proxy.base}/query"]
        result = run(args, user, secret)
    assert "HTTP 400" in assert_nothing_shown(result, user, secret, proxy)


@pytest.mark.parametrize("echo", ["body", "json", "reason"])
def test_virtuoso_digest_echoed_shows_no_credential(virtuoso_server, kg, echo):
    """Virtuoso's own digest challenge; the proxy echoes the signed request."""
    srv = virtuoso_server
    upstream = srv.query_url.split("/")[2]
    user, secret = srv.credentials.user, srv.credentials.password
    with FaultProxy(upstream, lambda *_: ECHOES[echo]) as proxy:
        args = load_args(kg, proxy.base)
        args[args.index("--graph-store") + 1] = f"{proxy.base}/sparql-graph-crud-auth"
        result = run(args, user, secret)
    assert any(s.authorization.startswith("Digest ") for s in proxy.log)
    assert "HTTP 400" in assert_nothing_shown(result, user, secret, proxy)


@pytest.mark.parametrize("scheme", ["Basic", "Digest"])
def test_a_redirect_is_not_followed_with_the_credentials(kg, scheme):
    """A signed request redirected to another host: reported, never sent there."""
    user, secret = "carol", PASSWORDS["plain"]()
    with FaultProxy("127.0.0.1:9", lambda *_: Status(200, text="{}")) as elsewhere:
        target = f"{elsewhere.base}/sparql?from=redirect"
        with FaultProxy("127.0.0.1:9", lambda *_: Demand(scheme, Redirect(target))) as proxy:
            args = ["query", "who-met-whom", "--kg", str(kg), "--endpoint", f"{proxy.base}/q"]
            result = run(args, user, secret)
    line = assert_nothing_shown(result, user, secret, proxy)
    assert "HTTP 303" in line and f"redirects to {target}" in line
    assert not elsewhere.log  # not even without the credentials


@pytest.mark.parametrize(
    ("user", "sent"),
    [
        ("Zoë", 'username="Zoë"'),
        ("用户", "username*=UTF-8''%E7%94%A8%E6%88%B7"),
        ('a"b', "username*=UTF-8''a%22b"),
        ("x\ny", "username*=UTF-8''x%0Ay"),
    ],
)
def test_a_user_name_digest_cannot_quote_is_sent_as_username_star(kg, user, sent):
    """RFC 7616 3.4.4; was a UnicodeEncodeError or ValueError traceback holding the header."""
    secret = PASSWORDS["plain"]()
    with FaultProxy("127.0.0.1:9", lambda *_: Demand("Digest", ECHOES["body"])) as proxy:
        result = run(load_args(kg, proxy.base), user, secret)
    assert "HTTP 400" in assert_nothing_shown(result, user, secret, proxy)
    assert [s for s in proxy.log if sent in s.authorization]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Authorization: Basic YWxpY2U6c2VjcmV0", "Authorization: ***"),
        ('{"authorization": "Basic YWxpY2U6c2VjcmV0"}', '{"authorization": "***"}'),
        ('Authorization: Digest username="a b", realm="x y", response="0f"', "Authorization: ***"),
        ('"Digest username=\\"a\\", realm=\\"x y\\", response=\\"0f\\""', '"Digest ***"'),
        ("proxy-authorization=Bearer abc.def", "proxy-authorization=***"),
        ("see http://bob:s3cr@t@host:1/x?q", "see http://***@host:1/x?q"),
        ("Basic authentication needed", "Basic *** needed"),  # a word too many, never one short
    ],
)
def test_redact_hides_authorization_values_in_any_text(text, shown):
    assert redact(text) == shown


def test_redact_hides_a_secret_in_its_encodings_and_cut_short():
    secret = 'pa ss"wörd\\' + "x" * 20
    for form in (secret, b64(secret), b64("u:" + secret), repr(secret)[1:-1]):
        shown = redact(f"before {form} after", [secret, "u:" + secret])
        assert form not in shown and shown == "before *** after"
    answer = "the answer goes on " + "and on " * 20 + "and ends with pa ss"
    shown = redact(answer, [secret], cut=True)
    assert "pa ss" not in shown and shown.startswith("the answer goes on and on")
