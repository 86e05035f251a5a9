"""The per-build cache (kb/engine/build_cache.py): each value computed once however many threads
ask at the same time, values of other keys meanwhile, bounded kinds dropping the least recent."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from kb.engine.build_cache import BuildCache


def test_a_value_is_computed_once_for_threads_asking_together():
    cache, calls = BuildCache(), []

    def slow() -> list[int]:
        calls.append(1)
        time.sleep(0.2)
        return [len(calls)]

    with ThreadPoolExecutor(8) as pool:
        found = list(pool.map(lambda _i: cache.get("table", slow), range(8)))
    assert calls == [1]
    assert all(x is found[0] for x in found)


def test_another_key_is_computed_while_one_is_being_computed():
    cache, started, release = BuildCache(), threading.Event(), threading.Event()

    def blocked() -> str:
        started.set()
        release.wait(5)
        return "slow"

    worker = threading.Thread(target=cache.get, args=("slow", blocked))
    worker.start()
    started.wait(5)
    # a value needing another one (the checker needs the article table) does not wait on it
    assert cache.get("outer", lambda: cache.get("inner", lambda: 1) + 1) == 2
    release.set()
    worker.join(5)
    assert cache.get("slow", lambda: "again") == "slow"


def test_a_bounded_kind_keeps_the_most_recently_used():
    cache = BuildCache()
    for k in range(3):
        cache.get(("comparison", k), lambda k=k: k, keep=2)
    cache.get(("comparison", 1), lambda: -1, keep=2)  # used: now the most recent
    cache.get(("comparison", 3), lambda: 3, keep=2)
    assert cache.get(("comparison", 1), lambda: -1, keep=2) == 1
    assert cache.get(("comparison", 2), lambda: -2, keep=2) == -2  # dropped, computed again
    assert cache.get(("comparison", 0), lambda: -3, keep=2) == -3
    assert cache.get("other", lambda: "kept") == cache.get("other", lambda: "new") == "kept"
