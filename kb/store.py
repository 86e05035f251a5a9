"""Where index builds live on disk and which one is live.

    <index_dir>/CURRENT          name of the live build (replaced atomically)
    <index_dir>/LOCK             held by the one `kb index` allowed to run
    <index_dir>/builds/<name>/   a complete Whoosh storage (passages + documents) and meta.json

A build is never modified after CURRENT names it; updates write a new build beside it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from kb.errors import IndexCorrupt, IndexMissing

META = "meta.json"


@dataclass(frozen=True)
class Store:
    """The index directory and its live build."""

    root: Path

    @property
    def builds(self) -> Path:
        return self.root / "builds"

    @property
    def pointer(self) -> Path:
        return self.root / "CURRENT"

    @property
    def lockfile(self) -> Path:
        return self.root / "LOCK"

    def current_name(self) -> str | None:
        """Name of the live build, or None when nothing was ever published."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def current(self) -> Path:
        """Path of the live build; IndexMissing/IndexCorrupt with a clear message otherwise."""
        name = self.current_name()
        if name is None:
            raise IndexMissing(f"no index at {self.root}: run `kb index` to build it")
        path = self.builds / name
        if not (path / META).is_file():
            raise IndexCorrupt(
                f"the index at {self.root} names build {name!r}, which is missing or incomplete: "
                "run `kb index --rebuild` to repair it"
            )
        return path

    def meta(self, build: Path | None = None) -> dict:
        """The meta.json of a build (default: the live one)."""
        path = (build or self.current()) / META
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"cannot read {path}: {exc}") from exc

    def publish(self, name: str) -> None:
        """Make build `name` the live one, atomically (readers see the old or the new, never half)."""
        tmp = self.root / f".CURRENT.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(name + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.pointer)
        _fsync_dir(self.root)


def _fsync_dir(path: Path) -> None:
    """Persist a rename on POSIX filesystems (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
