"""The staff features arrive without a restart: an app made before the collection had any
account watches for the first one (`kb users add`, `kb tokens add`) and, once it exists,
hands every request to an app built with the staff features (sign-in, uploads, internal
documents), sharing the open library. Until then it is the public service and nothing else."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from collection.db import has_accounts

CHECK_SECONDS = 1.0  # how often a request may look at the database (a stat, mostly)


class FirstAccountWatch:
    """WSGI middleware for an app without accounts: passes requests through until `database`
    holds an account or a token, then to the app `rebuild()` makes (once, for all threads)."""

    def __init__(self, app: Flask, database: Path, rebuild: Callable[[], Flask]):
        self.public = app.wsgi_app
        self.database = database
        self.rebuild = rebuild
        self.staff: Flask | None = None
        self.every = float(app.config.get("ACCOUNTS_CHECK_SECONDS", CHECK_SECONDS))
        self.next_check = 0.0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        staff = self.staff or self._arrived()
        return (staff.wsgi_app if staff else self.public)(environ, start_response)

    def _arrived(self) -> Flask | None:
        """The staff app once the first account exists (checked at most every `every` s)."""
        now = time.monotonic()
        if now < self.next_check:
            return None
        with self.lock:
            if self.staff is None and now >= self.next_check:
                self.next_check = now + self.every
                if self.database.is_file() and has_accounts(self.database):
                    self.staff = self.rebuild()
        return self.staff
