"""Staff features on the app: their blueprints, the 内部 badge, the keeper kept running."""

from __future__ import annotations

from flask import Flask, Request, Response, current_app, g

from collection import jobs
from collection.keeper import ensure_running


def register(app: Flask) -> None:
    """Blueprints and hooks of the staff features (web.create_app calls this with accounts)."""
    from web import accounts_api, accounts_page, keep_api, keep_pages

    app.request_class = UploadRequest
    for blueprint in (keep_api.bp, keep_pages.bp, accounts_api.bp, accounts_page.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["is_internal"] = is_internal
    app.jinja_env.globals["caller"] = _caller
    app.after_request(_mark_internal)
    with app.app_context():
        if jobs.pending(app.extensions["kb.places"].database):  # left by a killed keeper
            ensure_running(app.extensions["kb.settings"])


class UploadRequest(Request):
    """A request that closes every temporary file its form parser made, even those of a body
    cut off mid-way (Werkzeug drops them unclosed when the client goes away)."""

    def _get_file_stream(self, *args, **kwargs):
        stream = super()._get_file_stream(*args, **kwargs)
        self.__dict__.setdefault("_kb_streams", []).append(stream)
        return stream

    def close(self) -> None:
        for stream in self.__dict__.pop("_kb_streams", ()):
            stream.close()
        super().close()


def _caller():
    """For the pages' header: who is signed in (an error page for a bad token shows nobody)."""
    from kb.access import ANONYMOUS
    from kb.errors import KBError
    from web.auth import current_caller

    try:
        return current_caller()
    except KBError:
        return ANONYMOUS


def internal_ids() -> frozenset[str]:
    """Ids of internal documents, for callers who see them (none for everyone else)."""
    from web.auth import current_caller

    if not current_caller().sees_internal:
        return frozenset()
    return current_app.extensions["kb.shelves"].internal_ids()


def is_internal(doc_id: str) -> bool:
    """For the pages: does this document get the 内部 badge?"""
    if "kb_internal" not in g:
        g.kb_internal = internal_ids()
    return doc_id in g.kb_internal


def _mark_internal(response: Response) -> Response:
    """JSON answers to callers who see internal documents say which ones are (`"internal":
    true` beside their id); an anonymous answer is never touched."""
    caller = g.get("kb_caller")
    if response.mimetype != "application/json" or caller is None or not caller.sees_internal:
        return response
    ids = internal_ids()
    if not ids:
        return response
    body = response.get_json(silent=True)
    if body is not None and _walk(body, ids):
        response.set_data(current_app.json.dumps(body))
    return response


def _walk(value, ids: frozenset[str]) -> bool:
    """Add internal: true to every object naming an internal document; True when any did."""
    found = False
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and value["id"] in ids and "title" in value:
            value["internal"] = found = True
        for item in value.values():
            found = _walk(item, ids) or found
    elif isinstance(value, list):
        for item in value:
            found = _walk(item, ids) or found
    return found
