"""Waitress's own refusals (headers or body over its limits, a malformed request) in our shape.

Waitress answers some requests itself, before the app sees them, with a text/plain body and no
headers of ours. Its channel here answers them with the JSON error envelope and the same
security headers as every response of the app.
"""

from __future__ import annotations

import json
import logging

from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

from kb.serialize import error_envelope
from web.security import HEADERS

log = logging.getLogger(__name__)


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
        self.content_length = len(body)
        self.write(body)


class EnvelopeChannel(HTTPChannel):
    """Waitress's HTTP channel with its error responses in the API's shape."""

    error_task_class = EnvelopeErrorTask


def use_envelope_errors(server: object) -> None:
    """Make a server from waitress.create_server answer its own refusals with the envelope."""
    # One listening socket gives one server; several give a MultiSocketServer whose map holds them.
    for each in [server, *getattr(server, "map", {}).values()]:
        if hasattr(each, "channel_class"):
            each.channel_class = EnvelopeChannel
