"""The keeper: the one background process that reads uploads and changes the collection and
its indexes (requests only add jobs and wait for them, as `kb serve`'s vector filler does).

Any server process may start it when it adds a job; an exclusive lock lets one run at a
time. It dies with the process that started it, leaves when idle, and a job a killed keeper
left running is done again by the next one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

from collection import actions, jobs
from collection.db import opened
from collection.places import Places
from indexer.lifetime import die_with_parent
from indexer.lock import _try_lock
from kb.config import Settings
from kb.errors import KBError

log = logging.getLogger(__name__)
IDLE_SECONDS = float(os.environ.get("KB_KEEPER_IDLE", "60"))
_started: dict[Path, multiprocessing.Process] = {}


def run(settings: Settings, parent: int) -> None:
    """The keeper's life: take the lock (or leave: one runs already), then do jobs until idle."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    places = Places(settings)
    places.keep_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(places.keeper_lock, os.O_RDWR | os.O_CREAT, 0o644)
    if not _try_lock(fd):
        return
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    _clear_parts(places)
    held = actions.Held(places)
    idle_since = time.monotonic()
    with opened(places.database) as conn:
        while time.monotonic() - idle_since < IDLE_SECONDS:
            batch = jobs.claim(conn)
            if not batch:
                time.sleep(0.1)
                continue
            _do(places, held, batch)
            idle_since = time.monotonic()


def _do(places: Places, held: actions.Held, batch: list[dict]) -> None:
    """One batch of jobs of one kind; a failure is recorded on its jobs, never kills the keeper."""
    kind = batch[0]["kind"]
    try:
        if kind == "preview":
            for job in batch:
                try:
                    actions.preview(places, held, job)
                    actions.finish(places, job, {"upload": job["target"]})
                except KBError as exc:
                    actions.finish(places, job, error=exc)
        elif kind == "publish":
            actions.publish(places, held, batch)
        else:
            actions.change(places, held, batch)
    except Exception as exc:  # noqa: BLE001 - a bug must fail the jobs, not stop the keeper
        log.exception("keeper failed on %s jobs", kind)
        error = KBError(f"{kind} failed: {type(exc).__name__}: {exc}")
        for job in batch:
            actions.finish(places, job, error=error)


def _clear_parts(places: Places) -> None:
    """Remove what uploads and publishes killed mid-way left: staged .part files, and hidden
    temporaries in the managed folder (the indexer never reads them; this one holds the lock,
    so no publish is writing one now)."""
    for part in places.staged.glob("*.part") if places.staged.is_dir() else ():
        if time.time() - part.stat().st_mtime > 3600:
            part.unlink(missing_ok=True)
    for tmp in places.managed.rglob(".*.tmp") if places.managed.is_dir() else ():
        tmp.unlink(missing_ok=True)


def ensure_running(settings: Settings) -> None:
    """Start a keeper unless this process's own is alive (a keeper finding another one running
    leaves at once, so starting one too many is harmless)."""
    places = Places(settings)
    proc = _started.get(places.keep_dir)
    if proc is not None and proc.is_alive():
        return
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=run, args=(settings, os.getpid()), name="kb-keeper", daemon=False)
    proc.start()
    _started[places.keep_dir] = proc
