"""Who may use `parley serve`: requests that name this server, and not from another site.

- **Host.** The `Host` header must name this server on its port: an IP address, `localhost`,
  the name given to `--host`, or (listening beyond loopback) this machine's own names. A web
  page whose domain was made to resolve to 127.0.0.1 (DNS rebinding) sends its own domain,
  and is refused.
- **Cross-site.** A browser says where a request comes from: `Sec-Fetch-Site` other than
  `same-origin` or `none` (typed by the user), or an `Origin` other than this server's own,
  is refused, so that a page on another site (or on another port of this machine) cannot
  make the browser query the server, or read its answers.

Clients that are not browsers (curl, `parley query --endpoint`) send neither header and pass.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from email.message import Message

from parley.stores.hosts import is_loopback

SAFE_FETCH_SITES = ("same-origin", "none")


class Callers:
    """The checks for a server listening on `host:port`."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host.strip("[]").lower(), port
        names = {"localhost", self.host}
        if not is_loopback(self.host):  # the machine's own name (no DNS lookup here)
            names.add(socket.gethostname().lower())
        self.names = frozenset(names)
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.home = f"http://{shown}:{port}/"

    def refusal(self, headers: Message) -> tuple[int, str] | None:
        """(status, message) when the request may not be answered, else None."""
        given = headers.get_all("Host") or []
        if len(given) != 1:
            return 400, "parley serve: a request needs one Host header (HTTP/1.1)"
        host = _host_port(given[0])
        if host is None or host[1] != self.port or not self._names_us(host[0]):
            return 403, (
                f"parley serve: the Host header '{given[0][:100]}' does not name this server "
                f"— open {self.home} (a page on another site cannot use it)"
            )
        site = (headers.get("Sec-Fetch-Site") or "").strip().lower()
        if site and site not in SAFE_FETCH_SITES:
            return 403, self._cross_site(f"Sec-Fetch-Site: {site[:40]}")
        origins = headers.get_all("Origin") or []
        for origin in origins:
            if _origin(origin) != ("http", *host):
                return 403, self._cross_site(f"Origin: {origin[:100]}")
        return None

    def _names_us(self, name: str) -> bool:
        if name in self.names:
            return True
        try:
            ipaddress.ip_address(name)  # an address cannot be re-pointed by DNS
        except ValueError:
            return False
        return True

    def _cross_site(self, what: str) -> str:
        return (
            f"parley serve: a request from another site ({what}) is refused — open "
            f"{self.home} itself, or send the query from a program (curl, parley query)"
        )


def _host_port(value: str) -> tuple[str, int] | None:
    """(host, port) of a Host header value; port 80 when it has none."""
    value = value.strip()
    if not value or any(c in value for c in "/?#@ \t"):
        return None
    try:
        parts = urllib.parse.urlsplit(f"http://{value}")
        return (parts.hostname or "").lower(), parts.port or 80
    except ValueError:
        return None


def _origin(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an Origin header; None for `null` or anything malformed."""
    try:
        parts = urllib.parse.urlsplit(value.strip())
        default = {"http": 80, "https": 443}.get(parts.scheme.lower(), 0)
        if parts.path or parts.query or not parts.hostname:
            return None
        return parts.scheme.lower(), parts.hostname.lower(), parts.port or default
    except ValueError:
        return None
