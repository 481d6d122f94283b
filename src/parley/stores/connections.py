"""The HTTP server under `parley serve`'s guard: few connections at once, none held for long.

A thread answers each connection, so each one costs a thread: at most `MAX_CONNECTIONS` are
answered at once, and one more is told `503` and closed at once. A client has
`REQUEST_SECONDS` to send its whole request (headers and body), however slowly it trickles
in, and then the query's time limit plus `ANSWER_SECONDS` to take the answer; a connection
past its deadline is shut down by a watcher thread, whatever its handler is waiting for.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from http.server import ThreadingHTTPServer

MAX_CONNECTIONS = 32
REQUEST_SECONDS = 10.0
ANSWER_SECONDS = 60.0
WATCH_EVERY = 0.25
BUSY_MESSAGE = (
    f"parley serve: too many connections at once (more than {MAX_CONNECTIONS}) — try again\n"
).encode()
BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Retry-After: 2\r\nConnection: close\r\n"
    + f"Content-Length: {len(BUSY_MESSAGE)}\r\n\r\n".encode()
    + BUSY_MESSAGE
)


class BoundedServer(ThreadingHTTPServer):
    """A threading HTTP server with a bound on connections and a deadline for each."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type) -> None:
        super().__init__(address, handler)
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.deadlines: dict[socket.socket, float] = {}
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.watcher = threading.Thread(target=self._watch, name="parley-guard-watch", daemon=True)
        self.watcher.start()

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.setblocking(False)
                request.send(BUSY)
            self.shutdown_request(request)
            return
        self.give(request, REQUEST_SECONDS)
        try:
            super().process_request(request, client_address)
        except BaseException:  # the thread could not start: the slot is free again
            self._release(request)
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release(request)

    def give(self, request: socket.socket, seconds: float) -> None:
        """The connection `request` is shut down `seconds` from now unless done by then."""
        with self.lock:
            self.deadlines[request] = time.monotonic() + seconds

    def _release(self, request: socket.socket) -> None:
        with self.lock:
            self.deadlines.pop(request, None)
        self.slots.release()

    def _watch(self) -> None:
        while not self.closing.wait(WATCH_EVERY):
            now = time.monotonic()
            with self.lock:
                late = [sock for sock, deadline in self.deadlines.items() if deadline <= now]
                for sock in late:
                    del self.deadlines[sock]
            for sock in late:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def server_close(self) -> None:
        self.closing.set()
        super().server_close()

    def handle_error(self, request, client_address) -> None:
        pass  # a client that went away or was cut off; nothing to report
