"""What a request reads from the app it runs in: the Library this caller may read."""

from __future__ import annotations

from flask import current_app

from kb.library import Library


def get_library() -> Library:
    """The app's shared, thread-safe Library for this request's caller: with accounts, the
    one kb.access chooses (internal documents only for those who may see them)."""
    shelves = current_app.extensions.get("kb.shelves")
    if shelves is None:  # no account at all: the public collection for everyone
        return current_app.extensions["kb.library"]
    from web.auth import current_caller

    return shelves.for_caller(current_caller())
