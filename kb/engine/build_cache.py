"""Things computed once per index build and shared by every thread that searches it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from kb.engine.snapshot import Snapshot

T = TypeVar("T")
_LOCK = threading.RLock()  # a table made under it may need another (the checker: articles)


def per_build(snap: Snapshot, key: str, make: Callable[[Snapshot], T]) -> T:
    """`make(snap)`, made on first use and kept in the build's DocTable cache (one per
    snapshot, so a newer build gets its own)."""
    found = snap.docs.cache.get(key)
    if found is None:
        with _LOCK:
            found = snap.docs.cache.get(key)
            if found is None:
                found = snap.docs.cache[key] = make(snap)
    return found
