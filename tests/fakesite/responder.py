"""Low-level response writing: request log records, bounded streaming, disconnect detection."""

from __future__ import annotations

import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

# A streaming or hanging response never outlives this, whatever the query asks for.
MAX_STREAM_S = 60.0


@dataclass
class RequestRecord:
    """One request the site received; status and bytes_sent fill in as the response goes out."""

    outlet: str
    method: str
    path: str  # path with its query string
    headers: dict[str, str]  # names lower-cased
    time: float  # time.time() when the request arrived
    tick: int
    status: int | None = None  # None while no status line was sent (or never: hang, drop)
    bytes_sent: int = 0  # body bytes on the wire (compressed when gzip was used)
    done: bool = False
    notes: list[str] = field(default_factory=list)  # e.g. "304", "gzip", "client-gone"


class Responder:
    """Write one response for a handler, noting what was sent in its record."""

    def __init__(
        self, handler: BaseHTTPRequestHandler, record: RequestRecord, stop: threading.Event
    ) -> None:
        self.handler = handler
        self.record = record
        self.stop = stop
        self.head_only = handler.command == "HEAD"
        self.started = time.monotonic()

    def start(self, status: int, headers: list[tuple[str, str]]) -> None:
        """Send the status line and headers."""
        # Recorded before the bytes leave: a client may read the log as soon as it has them.
        self.record.status = status
        self.handler.send_response(status)
        for name, value in headers:
            self.handler.send_header(name, value)
        self.handler.end_headers()

    def write(self, data: bytes) -> bool:
        """Send body bytes; return False once the client is gone, the site stops, or HEAD."""
        if self.head_only or self.stop.is_set():
            return False
        self.record.bytes_sent += len(data)
        try:
            self.handler.wfile.write(data)
            self.handler.wfile.flush()
        except (OSError, ValueError):
            self.record.bytes_sent -= len(data)
            self.gone()
            return False
        return True

    def send(
        self, status: int, body: bytes, headers: list[tuple[str, str]], no_body: bool = False
    ) -> None:
        """Send a complete response with a Content-Length."""
        if not no_body:
            headers = [*headers, ("Content-Length", str(len(body)))]
        self.start(status, headers)
        if body and not no_body:
            self.write(body)

    def gone(self) -> None:
        self.handler.close_connection = True
        if "client-gone" not in self.record.notes:
            self.record.notes.append("client-gone")

    def client_gone(self) -> bool:
        """Tell whether the client closed its end (a readable socket with nothing to read)."""
        sock: socket.socket = self.handler.connection
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                return False
            return sock.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def linger(self, seconds: float, step: float = 0.1) -> bool:
        """Wait up to ``seconds``; return False early if the client leaves or the site stops."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            if self.stop.wait(min(step, remaining)) or self.client_gone():
                self.gone()
                return False
