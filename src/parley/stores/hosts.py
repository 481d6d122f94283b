"""Which hosts only this machine can reach: loopback addresses and `localhost`."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True when `host` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
