"""Pre-emptive HTTP digest (RFC 7616) and basic authentication.

A large upload must carry its credentials on the first try: a server that answers 401 while
the body is still being sent closes the connection (Virtuoso does), so the challenge is learnt
from a small request first and each later request is signed with it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.parse
import urllib.request

HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


class Authenticator:
    """Signs requests for one user once a challenge (`learn`) has been seen."""

    def __init__(self, user: str, password: str):
        self._user = user
        self._password = password
        self._scheme: str | None = None
        self._params: dict[str, str] = {}
        self._count = 0

    def __repr__(self) -> str:  # the password stays out of tracebacks
        return f"Authenticator(user={self._user!r}, scheme={self._scheme!r})"

    @property
    def ready(self) -> bool:
        return self._scheme is not None

    def learn(self, challenges: list[str]) -> bool:
        """Take the first usable WWW-Authenticate challenge (digest before basic)."""
        parsed = []
        for header in challenges:
            scheme, _, rest = header.strip().partition(" ")
            params = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
            parsed.append((scheme.lower(), params))
        for wanted in ("digest", "basic"):
            for scheme, params in parsed:
                algorithm = params.get("algorithm", "MD5").upper()
                if scheme == wanted and (scheme == "basic" or algorithm in HASHES):
                    self._scheme, self._params, self._count = scheme, params, 0
                    return True
        return False

    def header(self, method: str, url: str) -> str | None:
        """The Authorization header for this request, or None before any challenge."""
        if self._scheme == "basic":
            token = base64.b64encode(f"{self._user}:{self._password}".encode()).decode()
            return f"Basic {token}"
        if self._scheme != "digest":
            return None
        params = self._params
        algorithm = params.get("algorithm", "MD5").upper()

        def digest(text: str) -> str:
            return HASHES[algorithm](text.encode("utf-8")).hexdigest()

        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        realm, nonce = params.get("realm", ""), params.get("nonce", "")
        ha1 = digest(f"{self._user}:{realm}:{self._password}")
        ha2 = digest(f"{method}:{uri}")
        fields = {
            **_username(self._user),
            "realm": realm,
            "nonce": nonce,
            "uri": uri,
            "algorithm": algorithm,
        }
        qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
        if "auth" in qops:
            self._count += 1
            count, cnonce = f"{self._count:08x}", secrets.token_hex(8)
            fields["response"] = digest(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}")
            fields.update(qop="auth", nc=count, cnonce=cnonce)
        else:
            fields["response"] = digest(f"{ha1}:{nonce}:{ha2}")
        if "opaque" in params:
            fields["opaque"] = params["opaque"]
        unquoted = {"algorithm", "qop", "nc", "username*"}
        return "Digest " + ", ".join(
            f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in fields.items()
        )


def _username(user: str) -> dict[str, str]:
    """The digest user name: quoted, or as `username*` (RFC 7616, 3.4.4) when it holds
    characters a quoted Latin-1 header value cannot carry."""
    if all((" " <= c <= "~" or "\xa0" <= c <= "\xff") and c not in '"\\' for c in user):
        return {"username": user}
    return {"username*": "UTF-8''" + urllib.parse.quote(user, safe="")}
