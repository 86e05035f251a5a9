"""Things computed once per index build and shared by every thread that searches it.

Every per-build table, index and answer worth keeping (texts, article tables, the suggester,
version alignments, a build's links) is kept here, one cache per Snapshot, so a newer build
starts empty and an old one's values go with it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class BuildCache:
    """Values by key, each computed once under a lock of its own.

    Threads asking for a value being computed wait for it; values of other keys are computed
    meanwhile (a value may need another one: the checker needs the article table). A key is
    a string or a tuple; with `keep`, only the `keep` most recently used values of the keys
    sharing its first element are kept (comparisons: large, and asked for a few at a time).
    """

    def __init__(self) -> None:
        self._values: dict[Hashable, object] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._recent: dict[Hashable, OrderedDict] = {}  # kind → its keys, least recent first
        self._lock = threading.Lock()  # guards the three dicts (never held while computing)

    def get(self, key: Hashable, compute: Callable[[], T], keep: int | None = None) -> T:
        """The value of `key`, from `compute()` the first time it is asked for."""
        found = self._values.get(key, _MISSING)
        if found is _MISSING:
            with self._lock:
                lock = self._locks.setdefault(key, threading.Lock())
            with lock:
                found = self._values.get(key, _MISSING)
                if found is _MISSING:
                    found = compute()
                    with self._lock:
                        self._values[key] = found
                        self._locks.pop(key, None)
        if keep is not None:
            self._touch(key, keep)
        return found  # type: ignore[return-value]

    def _touch(self, key: Hashable, keep: int) -> None:
        """Mark a bounded key as just used; drop the least recent of its kind beyond `keep`."""
        kind = key[0] if isinstance(key, tuple) else key
        with self._lock:
            recent = self._recent.setdefault(kind, OrderedDict())
            recent[key] = None
            recent.move_to_end(key)
            while len(recent) > keep:
                old, _ = recent.popitem(last=False)
                self._values.pop(old, None)


_MISSING = object()
