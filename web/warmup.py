"""Warm a worker before it accepts requests: open the index, run a few representative searches."""

from __future__ import annotations

import logging
import time

from flask import Flask

from kb.analysis import segmenter
from kb.config import vectors_enabled
from kb.errors import KBError

log = logging.getLogger(__name__)

# A citation, a question, short words, a phrase and filters, through the page and the API.
WARM_URLS = (
    "/api/search?q=选举法第三十条",
    "/api/search?q=人大代表应当怎样向原选区选民报告履职情况",
    "/api/search?q=常委会&versions=all&limit=20",
    "/api/search?q=代表建议&kind=法律&as_of=2020-01-01",
    '/api/search?q="选民登记"',
    "/?q=代表法第四十四条",
    "/",
)


WARM_QUERY = "人大代表的权利"


def warm(app: Flask) -> float:
    """Open the Library's snapshot and answer WARM_URLS once; returns the seconds it took."""
    started = time.monotonic()
    library = app.extensions["kb.library"]
    try:
        library.snapshot()
        library.warm()  # passage texts and the commonest postings
    except KBError as exc:  # no index yet: the worker still serves, /api/health says 503
        log.warning("not warmed: %s", exc)
        return 0.0
    client = app.test_client()
    for url in WARM_URLS:
        status = client.get(url).status_code
        if status != 200:
            log.warning("warm-up %s answered %d", url, status)
    seconds = time.monotonic() - started
    log.info("worker warmed in %.2fs", seconds)
    return seconds


def warm_shared() -> None:
    """Load what every worker needs alike and that holds no open file: the word dictionary and
    (with KB_VECTORS on) the question encoder. Done in the server's master before it forks, its
    memory is shared by the workers, whose own apps find both loaded."""
    segmenter()
    if vectors_enabled():
        from kb.semantic.encoder import shared_encoder  # a layer that is off never loads it

        try:
            shared_encoder().load_question_side()
        except KBError as exc:  # the workers say so again when they warm
            log.debug("encoder not loaded: %s", exc)


def warm_thread(app: Flask) -> None:
    """Open this thread's index readers with one search (errors only logged)."""
    try:
        app.extensions["kb.library"].search(WARM_QUERY)
    except KBError as exc:
        log.debug("thread not warmed: %s", exc)
