"""Waitress's own refusals (headers or body over its limits, a malformed request) in our shape.

Waitress answers some requests itself, before the app sees them, with a text/plain body and no
headers of ours. Its channel here answers them with the JSON error envelope and the same
security headers as every response of the app.
"""

from __future__ import annotations

import json
import logging
import socket
import time

from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from kb.shapes.search import error_envelope
from web.security import HEADERS

log = logging.getLogger(__name__)
LINGER_SECONDS = 2.0  # how long a refused client may go on sending before the socket closes
LINGER_BYTES = 16 * 1024 * 1024  # … and how much of it is read and thrown away


def refusal(code: int, reason: str, detail: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """Status line, headers and JSON body for a request waitress refused."""
    message = f"{reason}: {detail}" if detail else reason
    body = json.dumps(error_envelope(message, code), ensure_ascii=False, separators=(",", ":"))
    body += "\n"
    headers = [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-store"),
        *HEADERS.items(),
    ]
    return f"{code} {reason}", headers, body.encode("utf-8")


class EnvelopeErrorTask(ErrorTask):
    """An error response written by waitress, as the envelope with the security headers."""

    def execute(self) -> None:
        """Write the refusal and close the connection (the request was not read to its end)."""
        error = self.request.error
        status, headers, body = refusal(error.code, error.reason, str(error.body or ""))
        log.info("refused by the server: %s (%s)", status, error.body)
        self.status = status
        self.response_headers.extend(headers)
        self.set_close_on_finish()
        self.channel.linger_on_close = True
        self.content_length = len(body)
        self.write(body)


class EnvelopeChannel(HTTPChannel):
    """Waitress's HTTP channel with its error responses in the API's shape.

    After a refusal the request was not read to its end. Closing the socket with unread bytes
    makes the kernel send a reset, which can reach the client before it has read the refusal
    (it is still sending its body). So the channel closes gently ("lingering close", as
    Apache and nginx do): it ends its own side after the answer, then reads and discards what
    the client still sends, for a short while, before closing.
    """

    error_task_class = EnvelopeErrorTask
    linger_on_close = False
    linger_until: float | None = None
    drained = 0

    def handle_close(self) -> None:
        """Close now, or first half-close and drain after a refusal (see the class)."""
        if not self.linger_on_close or self.linger_until is not None or self.total_outbufs_len:
            super().handle_close()
            return
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            super().handle_close()
            return
        self.linger_until = time.monotonic() + LINGER_SECONDS
        self.will_close = self.close_when_flushed = False

    def readable(self) -> bool:
        """While lingering: read until the client stops, or close once the time is up."""
        if self.linger_until is None:
            return super().readable()
        if time.monotonic() > self.linger_until or self.drained > LINGER_BYTES:
            super().handle_close()
            return False
        return True

    def writable(self) -> bool:
        """Nothing more is written once lingering."""
        return self.linger_until is None and super().writable()

    def handle_read(self) -> None:
        """While lingering, discard what arrives; at its end (or an error) close the socket."""
        if self.linger_until is None:
            super().handle_read()
            return
        try:
            data = self.socket.recv(self.adj.recv_bytes)
        except OSError:
            data = b""
        self.drained += len(data)
        if not data:
            super().handle_close()


def use_envelope_errors(server: object) -> None:
    """Make a server from waitress.create_server answer its own refusals with the envelope."""
    # One listening socket gives one server; several give a MultiSocketServer whose map holds them.
    for each in [server, *getattr(server, "map", {}).values()]:
        if hasattr(each, "channel_class"):
            each.channel_class = EnvelopeChannel
