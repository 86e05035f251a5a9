"""The processes below a test's server or of its process group, read from Linux /proc (zombies
count as gone)."""

from __future__ import annotations

import time
from pathlib import Path


def _stats() -> dict[int, list[str]]:
    """Every living process: pid → the fields of /proc/PID/stat after the command name."""
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            stats[int(stat.parent.name)] = fields
    return stats


def living() -> dict[int, int]:
    """Every living process: pid → parent pid."""
    return {pid: int(fields[1]) for pid, fields in _stats().items()}


def children(pid: int) -> set[int]:
    """The living processes whose parent is `pid`."""
    return {p for p, parent in living().items() if parent == pid}


def descendants(pid: int) -> set[int]:
    """Every living process below `pid`."""
    parent_of, found, todo = living(), set(), [pid]
    while todo:
        up = todo.pop()
        kids = {p for p, parent in parent_of.items() if parent == up}
        found |= kids
        todo += kids
    return found


def group_members(pgid: int) -> list[int]:
    """The living processes of process group `pgid`."""
    return sorted(pid for pid, fields in _stats().items() if int(fields[2]) == pgid)


def wait_group_gone(pgid: int, seconds: float = 10.0) -> list[int]:
    """Wait until process group `pgid` is empty; returns what is left after `seconds`."""
    deadline = time.monotonic() + seconds
    while (left := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left
