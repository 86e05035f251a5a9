"""What is on disk now: every supported file under the corpus folders, with its content hash."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from corpus.collection import discover_files
from corpus.discovery import relative_source
from kb.models import Skipped

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceFile:
    """One file of the collection: its corpus folder, path, relative source and sha256."""

    root: Path
    path: Path
    source: str
    sha256: str
    size: int


def scan(folders: tuple[Path, ...]) -> tuple[dict[str, SourceFile], list[Skipped]]:
    """Map source → SourceFile for every readable file; unreadable ones are returned as Skipped."""
    files: dict[str, SourceFile] = {}
    skipped: list[Skipped] = []
    for entry in discover_files(folders):
        if isinstance(entry, Skipped):
            skipped.append(entry)
            continue
        root, path = entry
        source = relative_source(path, root)
        if source in files:
            skipped.append(
                Skipped(source, f"same relative path already indexed from {files[source].root}")
            )
            continue
        try:
            digest, size = _sha256(path)
        except OSError as exc:
            skipped.append(Skipped(source, f"cannot read file: {exc.strerror or exc}"))
            continue
        files[source] = SourceFile(root, path, source, digest, size)
    return files, skipped


def _sha256(path: Path) -> tuple[str, int]:
    """Hex sha256 and size of a file, read in blocks (an enormous file never sits in memory)."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
