"""`kb serve`'s vector filler: a low-priority process that keeps the live build's vectors complete,
so the server answers lexically at once and turns hybrid by itself when they are."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from pathlib import Path

from indexer.embed import embed_build
from indexer.lifetime import die_with_parent
from kb.access import everything_dir
from kb.errors import IndexBusy, IndexMissing, KBError
from kb.semantic.encoder import Encoder

log = logging.getLogger(__name__)


def fill_forever(index_dir: Path, parent: int, interval: float = 10.0) -> None:
    """Keep the live build's vectors complete (run by `kb serve` in a low-priority process):
    embed what is missing, then look again every `interval` seconds for a newer build."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the group: kb serve stops us
    # … with SIGTERM: leave through SystemExit, so the workers are killed, the lock released and
    # the shared progress counter unlinked (no "leaked semaphore" warning at the server's exit)
    signal.signal(signal.SIGTERM, _leave)
    os.nice(10)
    try:
        encoder = Encoder()
    except KBError as exc:
        log.warning("vectors are not computed: %s", exc)
        return
    while True:
        # the public index first; the index of everything (internal documents) shares its
        # vector cache, so only the internal passages are embedded again
        for folder in (index_dir, everything_dir(index_dir)):
            _fill(folder, encoder)
        time.sleep(interval)


def _leave(_signum, frame) -> None:
    """SIGTERM's handler: SystemExit, but never half-way through starting an embedding worker
    (it would read half of its pickled job and print a traceback): then again a moment later."""
    if _starting_a_process(frame):
        threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM)).start()
        return
    sys.exit(0)


def _starting_a_process(frame) -> bool:
    """Whether `frame` runs inside multiprocessing's Process.start."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "start" and Path(code.co_filename).match("multiprocessing/process.py"):
            return True
        frame = frame.f_back
    return False


def _fill(index_dir: Path, encoder: Encoder) -> None:
    """One round for one index: embed what its live build lacks (errors only logged)."""
    try:
        stats = embed_build(index_dir, encoder)
        if stats.embedded:
            log.warning(
                "vectors of %s complete: %d passages embedded in %.0fs",
                stats.build,
                stats.embedded,
                stats.seconds,
            )
    except IndexBusy:  # a `kb index` is embedding them
        pass
    except IndexMissing:  # no build yet, or a damaged one: `kb index` will say
        pass
    except KBError as exc:
        log.warning("vectors not computed this round: %s", exc)


def start_filler(index_dir: Path):
    """Start fill_forever in its own process (it dies with this one)."""
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=fill_forever, args=(Path(index_dir), os.getpid()), name="kb-vectors")
    proc.start()
    return proc


def stop_filler(proc, timeout: float = 10.0) -> None:
    """Stop the filler (its embedding workers die with it; finished chunks are kept)."""
    proc.terminate()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
