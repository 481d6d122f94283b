"""Where a SPARQL endpoint's credentials come from (environment or ~/.netrc), never from a URL.

Credentials come from PARLEY_ENDPOINT_USER / PARLEY_ENDPOINT_PASSWORD or `~/.netrc`, never from
a URL or the command line, and never appear in messages: `check_url` refuses a URL with a
user:password@ part and `redact` hides one.
"""

from __future__ import annotations

import netrc
import os
import urllib.parse
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
