"""One `kb index` at a time: an exclusive lock on <index_dir>/LOCK, released if the process dies."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from kb.errors import IndexBusy, KBError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


def _try_lock(fd: int) -> bool:
    if fcntl is None:  # pragma: no cover - Windows: msvcrt locks one byte
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


@contextlib.contextmanager
def index_lock(path: Path, wait: float = 0.0, what: str = "`kb index`") -> Iterator[None]:
    """Hold the index lock; wait up to `wait` seconds, then raise IndexBusy naming the holder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        why = "not a folder" if path.parent.exists() and not path.parent.is_dir() else exc.strerror
        raise KBError(f"cannot use the index folder {path.parent}: {why or exc}") from exc
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                raise IndexBusy(
                    f"another {what} (pid {holder}) is updating {path.parent}; "
                    "wait for it to finish or use --wait SECONDS"
                )
            time.sleep(0.2)
        with contextlib.suppress(OSError):  # the pid is only shown to a waiting `kb index`
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
