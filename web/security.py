"""Security headers on every response, and request-size limits checked before any work."""

from __future__ import annotations

import time

from flask import Flask, Response, abort, current_app, request

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# A body over the limit is read and thrown away, up to this much and for this long, before the
# 413 goes out (see discard_body).
DISCARD_BYTES = 16 * 1024 * 1024
DISCARD_SECONDS = 2.0

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def limit_request() -> None:
    """Refuse oversized query strings (414) and bodies (413) before routing or searching."""
    if len(request.query_string) > current_app.config["MAX_QUERY_STRING"]:
        abort(414)
    length, limit = request.content_length, body_limit()
    if length is not None and length > limit:
        discard_body(length)
        abort(413)
    request.max_content_length = limit


def discard_body(length: int) -> None:
    """Read a refused body away (up to DISCARD_BYTES, for DISCARD_SECONDS) before answering.

    A server closing a connection with unread bytes makes the kernel reset it, and a client
    still sending its body then gets the reset instead of the 413."""
    if length > DISCARD_BYTES:
        return  # not worth the time: that client gets the reset
    stream, left = request.environ["wsgi.input"], length
    deadline = time.monotonic() + DISCARD_SECONDS
    while left > 0 and time.monotonic() < deadline:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            break
        left -= len(chunk)


def body_limit() -> int:
    """Bytes of body a request may send: a view that reads a text (the citation check) says
    how much with a `max_body` attribute; everything else gets MAX_CONTENT_LENGTH."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "max_body", current_app.config["MAX_CONTENT_LENGTH"])


def add_headers(response: Response) -> Response:
    """Add the security headers (pages, API, errors and static files alike)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "application/json":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register(app: Flask) -> None:
    """Install the hooks on `app`."""
    app.before_request(limit_request)
    app.after_request(add_headers)
