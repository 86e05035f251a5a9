"""Fault injection for crash tests: `kb index` kills itself with SIGKILL at a named point.

Inert unless the environment variable KB_FAULT_POINT names a point; tests/faults/ and
bench/faults.py set it to check that a build killed anywhere leaves the live index intact and the
next `kb index` completes. The points, in the order a run passes them:

    locked, scanned                          both modes, after taking the lock / scanning files
    shard-mid, shard-commit                  in a shard writer: half its files added / committed
    shard-crash                              as shard-mid, but the shard writer kills itself
    shards-written                           full build: every shard written
    cloned-mid, cloned                       incremental: half the live build linked / all of it
    deleted                                  incremental: old passages deleted from the first shard
    documents-written, meta-written          documents index written / meta.json written
    publish-tmp, published                   new CURRENT written beside the old / swapped in
    embed-chunk                              vectors: a worker has stored its second chunk

A point reached in a shard-writer process kills the `kb index` process (its parent), not itself:
that is what a `kill -9` of `kb index` looks like to the workers, which must then exit by
themselves. Only shard-crash kills the writer itself (as the kernel's out-of-memory killer
would); where a shard is written in the `kb index` process (updates, one core) that is the same.
"""

from __future__ import annotations

import os
import signal

ENV = "KB_FAULT_POINT"


def point(name: str, target: int | None = None) -> None:
    """SIGKILL `target` (default: this process) when KB_FAULT_POINT is `name`; else nothing."""
    if os.environ.get(ENV) != name:
        return
    os.kill(target or os.getpid(), signal.SIGKILL)
    if target is None or target == os.getpid():  # pragma: no cover - the signal is not caught
        os._exit(137)
