"""Where a SPARQL endpoint's credentials come from (environment or ~/.netrc), never from a URL.

Credentials come from PARLEY_ENDPOINT_USER / PARLEY_ENDPOINT_PASSWORD or `~/.netrc`, never from
a URL or the command line, and never appear in messages: `check_url` refuses a URL with a
user:password@ part, and `redact` is the one function every message built from a URL, a
server's answer or request headers passes through.
"""

from __future__ import annotations

import base64
import json
import netrc
import os
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from parley.model.errors import UsageError

USER_VAR = "PARLEY_ENDPOINT_USER"
PASSWORD_VAR = "PARLEY_ENDPOINT_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str
    source: str  # where they came from, for messages: never the secret itself

    def __repr__(self) -> str:  # keep the password out of tracebacks and logs
        return f"Credentials(user={self.user!r}, source={self.source!r})"


LOGIN = f"set {USER_VAR} and {PASSWORD_VAR}, or add the host to ~/.netrc"


def check_url(url: str, option: str = "--endpoint", login: str = LOGIN) -> str:
    """`url` when it is an http(s) URL without user or password in it; else `UsageError`
    (`login` says where credentials go instead)."""
    try:
        parts = urllib.parse.urlsplit(url)
        usable = parts.scheme in ("http", "https") and parts.hostname and parts.port != 0
    except ValueError:  # a broken IPv6 address, a port out of range
        usable = False
    if not usable:
        raise UsageError(f"{option}: '{redact(url)}' is not an http(s) URL")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise UsageError(
            f"{option}: '{redact(url)}' has spaces or control characters in it — "
            "percent-encode them (%20)"
        )
    if parts.username is not None or parts.password is not None:
        raise UsageError(
            f"{option}: '{redact(url)}' has credentials in it — remove them and {login}"
        )
    return url


HIDDEN = "***"
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s?#]*@")
_QUOTED = r'\\?"[^"]*?\\?"'  # "value", or \"value\" inside JSON
_PARAM = rf"[\w-]+\*?\s*=\s*(?:{_QUOTED}|[^\s,\"\\]+)"
_DIGEST = re.compile(rf"(?i)\b(Digest)\s+{_PARAM}(?:\s*,\s*{_PARAM})*")
_TOKEN = re.compile(r"(?i)\b(Basic|Bearer|Negotiate|NTLM)\s+[A-Za-z0-9+/=._~-]+")
_HEADER = re.compile(
    r"(?i)\b((?:proxy-)?authorization\b[\"']?\s*[:=]\s*[\"']?)(?:[A-Za-z][\w-]*\s+)?[^\s\"',;\\]+"
)


def redact(text: str, secrets: Iterable[str] = (), cut: bool = False) -> str:
    """`text` fit for a message: what could be a credential replaced by `***`.

    That is the user:password@ part of any URL, the value of any Authorization header (Basic,
    Digest, Bearer…), and each of `secrets` (a password, user:password, a header sent) as it
    is, base64-encoded, URL-encoded, JSON- or Python-escaped, or read as Latin-1; also each
    piece of a secret 16 characters or longer. With `cut` (`text` is the start of a longer
    answer), a secret's beginning at the very end of `text` is dropped too.
    """
    forms = sorted({f for secret in secrets for f in _forms(secret)}, key=len, reverse=True)
    if cut and forms:
        text = text[: max(0, len(text) - len(forms[0]) + 1)]
    for form in forms:
        text = text.replace(form, HIDDEN)
    text = _USERINFO.sub(rf"\1{HIDDEN}@", text)
    text = _DIGEST.sub(rf"\1 {HIDDEN}", text)
    text = _TOKEN.sub(rf"\1 {HIDDEN}", text)
    return _HEADER.sub(rf"\1{HIDDEN}", text)


def _forms(secret: str) -> set[str]:
    """The ways `secret` (and each long piece of it) can come back in a server's answer."""
    pieces = {secret} | {p for p in re.split(r'[\s,="]+', secret) if len(p) >= 16}
    coded = base64.b64encode(secret.encode("utf-8")).decode("ascii")
    plain = {*pieces, coded, coded.rstrip("=")}
    plain |= {p.encode("utf-8").decode("latin-1") for p in plain}
    out: set[str] = set()
    for p in plain:
        out |= {p, urllib.parse.quote(p, safe=""), urllib.parse.quote_plus(p), repr(p)[1:-1]}
        out |= {json.dumps(p)[1:-1], json.dumps(p, ensure_ascii=False)[1:-1]}
    return {f for f in out if f}


def secrets_of(credentials: Credentials | None) -> tuple[str, ...]:
    """What of `credentials` must never be shown: the password and user:password."""
    if credentials is None or not credentials.password:
        return ()
    return (credentials.password, f"{credentials.user}:{credentials.password}")


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
