"""Security headers on every response, and request-size limits checked before any work."""

from __future__ import annotations

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
    length = request.content_length
    if length is not None and length > current_app.config["MAX_CONTENT_LENGTH"]:
        abort(413)


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
