"""Virtuoso's SQL port through `isql-vt`, for `parley load --method virtuoso-bulk`.

The password never goes into argv: `isql-vt HOST:PORT USER` is started without one, tries an
empty password (one "Incorrect login" in Virtuoso's log), then asks for it on stdin, where it
is written. Only after "Connected" is the SQL sent, so a wrong password is never followed by
SQL read as more passwords: the process is stopped (by its PID) at the second refusal, since
Virtuoso shuts out an address for 60 s after 4 failed logins in a row. Errors come back as one
line (`UsageError`), the SQL port unreachable as `Unavailable`.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass

from parley.model.errors import UsageError
from parley.stores.credentials import LOGIN, Credentials, find_credentials, redact, secrets_of
from parley.stores.endpoint import Unavailable

BINARY = "isql-vt"
CONNECTED = "Connected to"
PROMPT = "Enter password for"
LOGIN_SECONDS = 30.0  # how long isql may take to connect and log in
ROW = "ROW|"  # the prefix of each row that `rows` reads: SELECT concat('ROW|', …)


def quote(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """`preexec_fn`: the isql child is killed when `parley load` is (Linux only)."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@dataclass(frozen=True)
class Isql:
    """`isql-vt` against Virtuoso's SQL port `host:port` (its ini's [Parameters] ServerPort)."""

    address: str
    credentials: Credentials
    binary: str

    @classmethod
    def of(cls, address: str) -> Isql:
        """The client for `address` (HOST:PORT), with the credentials found for that host."""
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise UsageError(f"--isql: '{address}' is not HOST:PORT (Virtuoso's SQL port: 1111)")
        binary = shutil.which(BINARY)
        if binary is None:
            raise UsageError(
                f"{BINARY} not found: --method virtuoso-bulk runs Virtuoso's isql — "
                "apt-get install virtuoso-opensource-7-bin (or put isql-vt on PATH)"
            )
        credentials = find_credentials(f"http://{host}/")
        if credentials is None:
            raise UsageError(f"--isql {address}: no credentials for Virtuoso's SQL port — {LOGIN}")
        return cls(address, credentials, binary)

    def start(self, sql: str) -> Session:
        """An isql session, logged in, running `sql` (not yet waited for)."""
        process = subprocess.Popen(
            [self.binary, self.address, self.credentials.user],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            preexec_fn=_die_with_parent,
        )
        session = Session(self, process)
        session.login()
        session.send(sql)
        return session

    def run(self, sql: str) -> str:
        """Run `sql` in one session; its output (`UsageError` on the first SQL error)."""
        return self.start(sql).wait()

    def rows(self, sql: str) -> list[list[str]]:
        """The rows that `sql` printed as `ROW|a|b…` lines, split on `|`."""
        out = self.run(sql)
        lines = (line.rstrip() for line in out.splitlines())
        return [line[len(ROW) :].split("|") for line in lines if line.startswith(ROW)]

    def hide(self, text: str) -> str:
        return redact(text, secrets_of(self.credentials))


@dataclass
class Session:
    isql: Isql
    process: subprocess.Popen

    def login(self) -> None:
        """Give the password (the first line isql reads when it asks); return once connected.
        It is written at once: isql's prompt ends no line, so it cannot be waited for."""
        self.process.stdin.write(self.isql.credentials.password + "\n")
        self.process.stdin.flush()
        out = self.process.stdout
        asked, seen = False, []
        # a port that is not Virtuoso's SQL port may accept and say nothing: stop waiting
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            self._stop()

        timer = threading.Timer(LOGIN_SECONDS, expire)
        timer.start()
        try:
            self._await_login(out, asked, seen, expired)
        finally:
            timer.cancel()

    def _await_login(self, out, asked: bool, seen: list[str], expired: threading.Event) -> None:
        while True:
            line = out.readline()
            seen.append(line)
            if not line and expired.is_set():
                self.process.wait()
                raise Unavailable(
                    f"--isql {self.isql.address}: no Virtuoso answered there within "
                    f"{LOGIN_SECONDS:.0f} s — is it the SQL port ([Parameters] ServerPort, "
                    "1111 by default), not the HTTP port?"
                )
            if not line:  # isql ended before connecting
                self.process.wait()
                self._refused("".join(seen))
            if CONNECTED in line:
                return
            if "Bad login" in line and asked:  # the password written was refused
                self._stop()
                raise UsageError(
                    f"--isql {self.isql.address}: Virtuoso refused the login of "
                    f"'{self.isql.credentials.user}' (credentials from "
                    f"{self.isql.credentials.source}): wrong password — {LOGIN}"
                )
            if PROMPT in line:
                asked = True

    def _refused(self, output: str) -> None:
        message = _first_error(output) or "isql-vt ended before connecting"
        if "CL033" in message or "Connect failed" in message:
            raise Unavailable(
                f"--isql {self.isql.address}: cannot reach Virtuoso's SQL port ("
                f"{self.isql.hide(message)}) — is the server running, and is --isql its "
                "[Parameters] ServerPort?"
            )
        raise UsageError(f"--isql {self.isql.address}: {self.isql.hide(message)}")

    def send(self, sql: str) -> None:
        stdin = self.process.stdin
        stdin.write("set ECHO off;\n" + sql.rstrip() + "\nexit;\n")
        stdin.close()

    def wait(self) -> str:
        """The session's output after login; `UsageError` on the first SQL error."""
        output = self.process.stdout.read()
        self.process.wait()
        error = _first_error(output)
        if error:
            raise UsageError(f"Virtuoso (--isql {self.isql.address}): {self.isql.hide(error)}")
        return output

    def _stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.wait()


def _first_error(output: str) -> str:
    """The first `*** Error …` of isql's output, on one line, with the line after it."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("*** Error"):
            return " ".join(part.strip() for part in lines[index : index + 1] if part.strip())
    return ""


def run_parallel(isql: Isql, statements: list[str]) -> list[str]:
    """Each of `statements` in its own session, all at once (logged in one after another);
    their outputs. The first error is raised once every session has ended."""
    sessions = [isql.start(sql) for sql in statements]
    results: list[str | BaseException] = [""] * len(sessions)

    def collect(index: int) -> None:
        try:
            results[index] = sessions[index].wait()
        except BaseException as exc:
            results[index] = exc

    threads = [threading.Thread(target=collect, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return [str(result) for result in results]
