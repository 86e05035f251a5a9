"""Corpus folders → a Collection of parsed documents with versions resolved, skips and anomalies."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from corpus.anomalies import find_anomalies
from corpus.discovery import discover_files, relative_source
from corpus.loaders import load_text
from corpus.parsers import parse_document
from corpus.versioning import apply_versions
from kb.errors import UnreadableDocument
from kb.models import Anomaly, Document, Skipped

__all__ = ["Collection", "discover_files", "parse_file", "load_collection"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (files done, files in total)
_CHUNK = 16


@dataclass(frozen=True)
class Collection:
    """Everything a corpus walk produced."""

    documents: list[Document]
    skipped: list[Skipped]
    anomalies: list[Anomaly]
    duplicates: dict[str, str] = field(default_factory=dict)  # hidden copy id → shown copy id
    roles: dict[str, dict[str, int]] = field(default_factory=dict)  # doc id → passages by role
    references: dict[str, dict] = field(default_factory=dict)  # doc id → references found


def parse_file(path: Path, root: Path) -> Document:
    """Load and parse one file (source relative to `root`); raises UnreadableDocument."""
    loaded = load_text(path, root)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(loaded.source, f"cannot read file: {exc.strerror}") from exc
    return parse_document(loaded, hashlib.sha256(data).hexdigest())


JobResult = tuple[Document | None, Skipped | None, list[Anomaly], dict, dict | None]


def _job(args: tuple[str, str, bool, Callable | None]) -> JobResult:
    """Parse one file for the pool: never raises, so one bad file cannot stop the run.

    With `keep` False the passages are dropped (only their counts by role come back): moving
    150,000 passages between processes costs more than parsing them. With `refs`, what that
    function finds in the document (its references) comes back too.
    """
    root, path, keep, refs = Path(args[0]), Path(args[1]), args[2], args[3]
    source = relative_source(path, root)
    try:
        document = parse_file(path, root)
    except UnreadableDocument as exc:
        return None, Skipped(exc.source, exc.reason), [], {}, None
    except Exception as exc:  # a parser bug must not abort the whole collection
        log.debug("unexpected error parsing %s", source, exc_info=True)
        return None, Skipped(source, f"parser error: {type(exc).__name__}: {exc}"), [], {}, None
    roles = dict(Counter(p.role for p in document.passages))
    return (
        (document if keep else replace(document, passages=())),
        None,
        find_anomalies(document),
        roles,
        refs(document) if refs else None,
    )


def _results(jobs: list[tuple], processes: int) -> Iterator[tuple]:
    """Parse results in job order, in this process or in a pool of `processes`."""
    if processes <= 1 or len(jobs) < 2 * processes:
        yield from map(_job, jobs)
        return
    chunk = max(1, min(_CHUNK, len(jobs) // (4 * processes)))
    with get_context("spawn").Pool(processes) as pool:
        yield from pool.imap(_job, jobs, chunksize=chunk)


def load_collection(
    folders: Iterable[Path],
    progress: Progress | None = None,
    processes: int = 1,
    keep_passages: bool = True,
    references: Callable[[Document], dict] | None = None,
) -> Collection:
    """Parse every supported file under `folders` and resolve versions.

    `processes` > 1 parses in a pool; it only pays off with keep_passages=False (a report such
    as `kb check` that needs counts, not passages). Collection.roles counts passages by role;
    `references` (a module-level function, for the pool) finds a document's references:
    Collection.references holds its result for each document.
    """
    skipped: list[Skipped] = []
    jobs = [
        (str(root), str(path), keep_passages, references)
        for root, path in discover_files(list(folders), skipped)
    ]
    documents: list[Document] = []
    anomalies: list[Anomaly] = []
    roles: dict[str, dict[str, int]] = {}
    found_refs: dict[str, dict] = {}
    for done, (document, skip, found, counts, refs) in enumerate(_results(jobs, processes), 1):
        if skip is not None:
            skipped.append(skip)
        elif document.id in roles:
            skipped.append(Skipped(document.source, "same path as a file in another folder"))
        else:
            roles[document.id] = counts
            documents.append(document)
            if refs is not None:
                found_refs[document.id] = refs
            anomalies.extend(found)
        if progress is not None:
            progress(done, len(jobs))
    documents, duplicates = apply_versions(documents)
    return Collection(documents, skipped, anomalies, duplicates, roles, found_refs)
