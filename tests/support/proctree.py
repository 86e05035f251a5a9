"""The processes below a test's server, read from Linux /proc (zombies count as gone)."""

from __future__ import annotations

from pathlib import Path


def living() -> dict[int, int]:
    """Every living process: pid → parent pid."""
    parent_of = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parent_of[int(stat.parent.name)] = int(fields[1])
    return parent_of


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
