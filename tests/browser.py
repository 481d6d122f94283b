"""Headless Chromium driven through the DevTools protocol over a pipe (no port, no driver).

Chromium comes from Debian (`scripts/ensure-chromium.sh`, run by `make test`). It starts with
a fresh profile, no background networking, and a host resolver that finds nothing but
127.0.0.1 (and the names a test maps to it): a page can reach no other machine.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
WAIT = 120.0


class Chromium:
    """One headless Chromium with one page; `events` keeps every event it sent."""

    def __init__(self, profile: Path, mapped: tuple[str, ...] = ()):
        rules = [f"MAP {name} 127.0.0.1" for name in mapped] + [
            "MAP * ~NOTFOUND",
            "EXCLUDE 127.0.0.1",
        ]
        commands, self._to_browser = os.pipe()
        self._from_browser, replies = os.pipe()

        def as_fds_3_and_4() -> None:  # where --remote-debugging-pipe reads and writes
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.process = subprocess.Popen(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--host-resolver-rules={', '.join(rules)}",
                "--window-size=1280,1000",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(profile)},
            preexec_fn=as_fds_3_and_4,
            pass_fds=(3, 4),
        )
        os.close(commands)
        os.close(replies)
        self._buffer, self._id, self.events = b"", 0, []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.page(f"{domain}.enable")

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + WAIT
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def page(self, method: str, params: dict | None = None) -> dict:
        return self.send(method, params, self.session)

    def evaluate(self, expression: str) -> object:
        result = self.page(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = WAIT) -> object:
        """The value of `expression` once it is truthy, polled; AssertionError at `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"not true within {timeout} s: {expression}")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed, released) in the middle of the element."""
        box = self.wait_for(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return null; e.scrollIntoView(); const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.page(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box[0], "y": box[1], "button": "left", "clickCount": 1},
            )

    def navigate(self, url: str) -> None:
        self.page("Page.navigate", {"url": url})

    def screenshot(self, path: Path) -> None:
        data = self.page("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def statuses(self) -> list[tuple[str, int | None]]:
        """(URL, HTTP status) of every request the page sent; None when no answer came. The
        status is read from the raw response, which Chromium reports even for answers it then
        keeps from the page (Cross-Origin-Resource-Policy)."""
        urls, status = {}, {}
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Network.requestWillBeSent":
                urls.setdefault(params["requestId"], params["request"]["url"])
            elif method == "Network.responseReceivedExtraInfo":
                status[params["requestId"]] = params["statusCode"]
            elif method == "Network.responseReceived":
                status.setdefault(params["requestId"], params["response"]["status"])
        return [(url, status.get(request)) for request, url in urls.items()]

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions of the page."""
        found = []
        for e in self.events:
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error":
                found.append(e["params"]["entry"]["text"])
            elif e.get("method") == "Runtime.exceptionThrown":
                found.append(json.dumps(e["params"]["exceptionDetails"])[:500])
            elif e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error":
                found.append(json.dumps(e["params"]["args"])[:500])
        return found

    def pump(self, seconds: float) -> None:
        """Collect the events of the next `seconds`."""
        deadline = time.monotonic() + seconds
        with contextlib.suppress(TimeoutError):
            while True:
                self.events.append(self._read(deadline))

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from Chromium")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 16)
                if not chunk:
                    raise EOFError("Chromium closed its pipe")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError, TimeoutError, RuntimeError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()  # the process this helper started, by its PID
            self.process.wait(timeout=30)
        os.close(self._to_browser)
        os.close(self._from_browser)
