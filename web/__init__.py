"""web — SearchResult → HTML page and JSON API (Flask factory, blueprints, templates)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from kb.config import load_settings
from kb.library import Library

log = logging.getLogger(__name__)

# Request limits: refused before any search work (see web.security).
# Bytes of the URL's query string as sent (percent-encoded): room for the longest valid search
# (a 500-character q is up to 6 KB encoded, plus filters); more is refused with 414.
MAX_QUERY_STRING = 16 * 1024
MAX_CONTENT_LENGTH = 16 * 1024  # bytes of a request body (the app only reads GETs)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app: kb.config defaults, then KB_* variables, then `config`."""
    app = Flask(__name__)
    settings = load_settings()
    app.config.from_mapping(
        INDEX_DIR=str(settings.index_dir),
        MAX_QUERY_STRING=MAX_QUERY_STRING,
        MAX_CONTENT_LENGTH=MAX_CONTENT_LENGTH,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        LIBRARY=None,  # tests may pass a ready Library
    )
    app.config.from_prefixed_env("KB")
    app.config.update(config or {})
    app.config.update(DEBUG=False, PROPAGATE_EXCEPTIONS=False)  # never show a traceback
    app.json.ensure_ascii = False  # Chinese stays readable in the API
    app.json.sort_keys = False  # keys in the documented order (and faster)
    library = app.config["LIBRARY"] or Library(Path(app.config["INDEX_DIR"]))
    app.extensions["kb.library"] = library
    _register(app)
    _keep(app, settings, library)
    log.info("app ready on index %s", library.store.root)
    return app


def _keep(app: Flask, settings, library: Library) -> None:
    """Staff features (sign-in, uploads, internal documents) once the collection has an
    account or a token; without any, nothing of them exists (not even their routes) until
    the first is made (web.first_account)."""
    from dataclasses import replace

    from collection.db import has_accounts
    from collection.places import Places

    settings = replace(settings, index_dir=Path(app.config["INDEX_DIR"]).resolve())
    if app.config.get("CORPUS_DIRS"):
        dirs = tuple(Path(p).resolve() for p in app.config["CORPUS_DIRS"])
        settings = replace(settings, corpus_dirs=dirs)
    places = Places(settings)
    if not has_accounts(places.database):
        from web.first_account import FirstAccountWatch

        config = {**app.config, "LIBRARY": library}  # the same index, already open
        app.wsgi_app = FirstAccountWatch(app, places.database, lambda: create_app(config))
        return
    from kb.access import Shelves
    from web import auth, keep

    everything = app.config.get("LIBRARY_ALL") or Library(places.everything)
    app.extensions["kb.shelves"] = Shelves(library, everything)
    app.extensions["kb.settings"] = settings
    auth.install(app, places)
    keep.register(app)


def _register(app: Flask) -> None:
    """Blueprints, error handlers, security hooks and template filters."""
    from web import (
        api,
        assist_api,
        document_page,
        errors,
        filters,
        links_page,
        search_page,
        security,
        verify_page,
    )
    from web.compare_api import bp as compare_api_bp
    from web.compare_page import bp as compare_page_bp

    app.register_blueprint(api.bp)
    app.register_blueprint(assist_api.bp)
    app.register_blueprint(compare_api_bp)
    app.register_blueprint(compare_page_bp)
    app.register_blueprint(search_page.bp)
    app.register_blueprint(document_page.bp)
    app.register_blueprint(verify_page.bp)
    app.register_blueprint(links_page.bp)
    errors.register(app)
    security.register(app)
    filters.register(app)
