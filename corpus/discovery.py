"""Finding document files in corpus folders: hidden entries, symlink loops, unreadable folders."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from corpus.loaders import SUPPORTED_SUFFIXES
from corpus.text import readable_path
from kb.models import Skipped

log = logging.getLogger(__name__)

# Suffixes of files that are documents we cannot read (reported), as opposed to stray files
# such as images or spreadsheets (ignored).
DOCUMENT_SUFFIXES = frozenset(
    {
        ".md",
        ".markdown",
        ".txt",
        ".html",
        ".htm",
        ".docx",
        ".pdf",
        ".doc",
        ".wps",
        ".rtf",
        ".odt",
        ".mht",
        ".mhtml",
        ".xml",
    }
)


def relative_source(path: Path, root: Path) -> str:
    """The corpus-relative, "/"-separated source of `path` (its name when outside `root`)."""
    try:
        return readable_path(path.relative_to(root).as_posix())
    except ValueError:
        return readable_path(path.name)


def discover_files(
    folders: list[Path] | tuple[Path, ...], skipped: list[Skipped] | None = None
) -> Iterator[tuple[Path, Path] | Skipped]:
    """Yield (root, path) for every supported file under `folders`, in sorted order.

    A folder argument may also be a single file. Unreadable folders and document files of an
    unsupported type become Skipped entries: appended to `skipped` when a list is given, else
    yielded in the stream (callers then check isinstance(entry, Skipped)). Hidden files and
    folders are ignored, and a folder reached twice through symlinks is walked once.
    """
    report: list[Skipped] = [] if skipped is None else skipped
    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            found = [(folder.parent, folder)] if _wanted(folder, folder.parent, report) else []
        else:
            found = _walk(folder, folder, set(), report)
        for entry in found:
            if skipped is None:
                yield from report
                report.clear()
            yield entry
        if skipped is None:
            yield from report
            report.clear()


def _wanted(path: Path, root: Path, skipped: list[Skipped]) -> bool:
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return True
    if suffix in DOCUMENT_SUFFIXES:
        skipped.append(Skipped(relative_source(path, root), f"unsupported file type {suffix}"))
    return False


def _walk(
    folder: Path, root: Path, seen: set[tuple[int, int]], skipped: list[Skipped]
) -> Iterator[tuple[Path, Path]]:
    try:
        stat = folder.stat()
        if (stat.st_dev, stat.st_ino) in seen:
            log.debug("already walked %s (symlink loop?)", folder)
            return
        seen.add((stat.st_dev, stat.st_ino))
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        source = relative_source(folder, root) if folder != root else str(folder)
        skipped.append(Skipped(source, f"cannot read folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            yield from _walk(path, root, seen, skipped)
        elif is_file and _wanted(path, root, skipped):
            yield root, path
        elif not is_file and entry.is_symlink() and path.suffix.lower() in DOCUMENT_SUFFIXES:
            skipped.append(Skipped(relative_source(path, root), "broken symbolic link"))
