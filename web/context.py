"""What a request reads from the app it runs in: the shared Library."""

from __future__ import annotations

from flask import current_app

from kb.library import Library


def get_library() -> Library:
    """The app's shared, thread-safe Library."""
    return current_app.extensions["kb.library"]
