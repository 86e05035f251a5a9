"""Shard writers in child processes: results over pipes, a dead child reported, none outliving us.

multiprocessing.Pool waits forever for a worker killed by the kernel (out of memory, kill -9), and
its workers outlive a killed parent until their shard is committed. Here each job runs in its own
process that Linux kills together with its parent (PR_SET_PDEATHSIG), and the parent watches
both the result pipe and the process: one that ends without answering fails the build at once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait as wait_any

from indexer.lifetime import die_with_parent
from kb.errors import KBError

log = logging.getLogger(__name__)


class WorkerDied(KBError):
    """A shard writer process ended without a result (killed, out of memory …)."""


def _child(target: Callable, args: tuple, conn, parent: int) -> None:
    """Body of a worker process: run the job and send (ok, result or exception) back."""
    die_with_parent(parent)
    try:
        answer = (True, target(*args))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        answer = (False, exc)
    try:
        try:
            conn.send(answer)
        except (TypeError, AttributeError, ValueError) as exc:  # an exception that won't pickle
            conn.send((False, KBError(f"{type(answer[1]).__name__}: {answer[1]} ({exc})")))
    except OSError:  # the parent is gone: nobody will use this result
        os._exit(1)
    finally:
        conn.close()


def run(
    target: Callable,
    jobs: Sequence[tuple],
    ctx,
    tick: Callable[[], None] | None = None,
    interval: float = 0.25,
) -> list:
    """target(*job) for every job, each in its own process; the results in job order.

    Raises a job's exception, or WorkerDied when a process ends without answering; processes
    still running then are killed before this returns or raises.
    """
    procs, conns = [], []
    try:
        for job in jobs:
            reader, writer = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(target, job, writer, os.getpid()), daemon=True)
            proc.start()
            writer.close()
            procs.append(proc)
            conns.append(reader)
        return _collect(procs, conns, tick, interval)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        for conn in conns:
            conn.close()


def _collect(procs: list, conns: list, tick, interval: float) -> list:
    """Wait for every answer, calling `tick` between waits."""
    results: list = [None] * len(procs)
    pending = set(range(len(procs)))
    while pending:
        ready = set(
            wait_any(
                [conns[i] for i in pending] + [procs[i].sentinel for i in pending], timeout=interval
            )
        )
        for i in sorted(pending):
            if conns[i] in ready or procs[i].sentinel in ready:
                results[i] = _receive(i, conns[i], procs[i])
                pending.discard(i)
        if tick:
            tick()
    return results


def _receive(i: int, conn, proc) -> object:
    """The answer of worker `i`: its result, its exception raised, or WorkerDied."""
    try:
        ok, value = conn.recv()
    except (EOFError, OSError):
        proc.join(timeout=5)
        code = proc.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        raise WorkerDied(
            f"shard writer {i} ended without a result ({how}); the previous index is unchanged"
        ) from None
    if not ok:
        raise value
    return value
