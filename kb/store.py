"""Where index builds live on disk and which one is live.

    <index_dir>/CURRENT          name of the live build (replaced atomically)
    <index_dir>/LOCK             held by the one `kb index` allowed to run
    <index_dir>/builds/<name>/   a complete Whoosh storage (passages + documents) and meta.json

A build is never modified after CURRENT names it; updates write a new build beside it. Every
file kb writes whole (CURRENT, meta.json, links, vectors) goes through write_atomic.
"""

from __future__ import annotations

import json
import os
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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
        except OSError as exc:  # an unreadable folder or file
            raise IndexCorrupt(f"cannot read {self.pointer}: {exc.strerror or exc}") from exc
        except ValueError:  # not UTF-8
            name = "/"
        if name and (name.startswith(".") or "/" in name or "\\" in name or len(name) > 200):
            raise IndexCorrupt(
                f"{self.pointer} is damaged (it names no build): run `kb index` to repair it"
            )
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
        return read_meta(build or self.current())

    def publish(self, name: str, before_swap: Callable[[], None] | None = None) -> None:
        """Make build `name` the live one, atomically (readers see the old or the new, never half).

        `before_swap` runs once the new pointer is written beside the old one (a test hook).
        """
        write_atomic(self.pointer, name + "\n", before_rename=before_swap)


def write_atomic(
    path: Path,
    content: str | bytes | Callable[[BinaryIO], object],
    *,
    before_rename: Callable[[], None] | None = None,
) -> None:
    """Replace `path` with `content`, whole or not at all, durably: written to a temp file in
    the same folder, fsynced, renamed over `path`, then the folder fsynced (the new entry
    survives a power cut). Readers see the old file or the new one, never part of one.

    `content` is text (written as UTF-8), bytes, or a function writing to the open binary file
    (np.save). `before_rename` runs once the temp file is complete (a test hook). A failure
    removes the temp file and raises; a hard link to the old file is replaced, not written through.
    """
    path = Path(path)
    # hidden and unique per thread: never a name a reader globs for, never shared by two writers
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as f:
            if callable(content):
                content(f)
            else:
                f.write(content.encode("utf-8") if isinstance(content, str) else content)
            f.flush()
            os.fsync(f.fileno())
        if before_rename:
            before_rename()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_dir(path.parent)


def read_meta(build: Path) -> dict:
    """The meta.json of the build at `build`; IndexCorrupt when it is missing or garbage."""
    path = build / META
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(
            f"cannot read {path}: {reason(exc)}: run `kb index --rebuild` to repair it"
        ) from exc
    if not isinstance(meta, dict):
        raise IndexCorrupt(f"{path} is damaged: run `kb index --rebuild` to repair it")
    return meta


def check_files(build: Path, meta: dict) -> None:
    """IndexCorrupt unless every index file listed in meta.json is there, whole and unchanged."""
    for name, (size, crc) in (meta.get("segments") or {}).items():
        try:
            found = (build / name).stat().st_size
            if found == size and file_crc(build / name) != crc:
                found = "checksum mismatch"
        except OSError as exc:
            found = exc.strerror or "unreadable"
        if found != size:
            shown = f"{found} bytes instead of {size}" if isinstance(found, int) else found
            raise IndexCorrupt(
                f"index build {build.name} is damaged ({name}: {shown}): "
                "run `kb index` to repair it"
            )


def file_crc(path: Path) -> int:
    """CRC-32 of a file's bytes (about 1 s per GB)."""
    crc = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            crc = zlib.crc32(block, crc)
    return crc


def reason(exc: BaseException) -> str:
    """The human part of an exception: an OSError's strerror and file name, else its text."""
    strerror, filename = getattr(exc, "strerror", None), getattr(exc, "filename", None)
    if strerror:
        return f"{strerror}: {Path(filename).name}" if filename else strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def sync_dir(path: Path) -> None:
    """Make the entries of a folder durable (renames, new files) on POSIX filesystems; a no-op
    where folders cannot be opened or synced (Windows)."""
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
