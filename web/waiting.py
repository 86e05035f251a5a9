"""A request waiting for the keeper's answer (it never does the keeper's work itself)."""

from __future__ import annotations

from flask import current_app

from collection import jobs
from collection.keeper import ensure_running


def wait_for(job: int, seconds: float) -> dict | None:
    """The finished job (restarting the keeper while waiting if it died), or None."""
    settings = current_app.extensions["kb.settings"]
    ensure_running(settings)
    database = current_app.extensions["kb.places"].database
    return jobs.wait(database, job, seconds, poke=lambda: ensure_running(settings))
