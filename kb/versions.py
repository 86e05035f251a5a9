"""Versions of a work: which file is current, when each was in force, which files are copies.

Pure functions over plain records (dataclasses, objects or mappings with the fields below), so
the indexer and the search engine can both run them, e.g. when an index is opened.

A record has: id (or doc_id), work_key, version_date, effective_date, and optionally subtitle
and source. Files of one work with the same version_date form one version: the 编 files of
民法典 (different subtitles) are parts of it; files with the same subtitle too are copies of one
file in two folders — all of them keep the version's status, and every copy but the one with the
lexicographically first source is marked duplicate_of that one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kb.models import CURRENT, SUPERSEDED


@dataclass(frozen=True)
class VersionStatus:
    """Where one document stands among the versions of its work."""

    status: str  # current | superseded
    valid_from: str | None  # first day in force (ISO)
    valid_to: str | None  # first day no longer in force (exclusive); None while current
    duplicate_of: str | None = None  # id of the copy to show instead, for hidden duplicates


@dataclass(frozen=True)
class _Record:
    id: str
    work_key: str
    version_date: str | None
    effective_date: str | None
    subtitle: str | None
    source: str


def _get(record: Any, name: str, default: Any = None) -> Any:
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def _record(raw: Any) -> _Record:
    doc_id = _get(raw, "doc_id") or _get(raw, "id")
    return _Record(
        doc_id,
        _get(raw, "work_key", ""),
        _get(raw, "version_date"),
        _get(raw, "effective_date"),
        _get(raw, "subtitle"),
        _get(raw, "source") or doc_id,
    )


def valid_from(version_date: str | None, effective_date: str | None) -> str | None:
    """First day in force: the 施行 date unless it predates the version itself."""
    if effective_date and (version_date is None or effective_date >= version_date):
        return effective_date
    return version_date


def resolve_versions(records: Iterable[Any]) -> dict[str, VersionStatus]:
    """Status, validity interval and duplicate marking for every record, keyed by id."""
    works: dict[str, list[_Record]] = defaultdict(list)
    for raw in records:
        record = _record(raw)
        works[record.work_key or record.id].append(record)
    result: dict[str, VersionStatus] = {}
    for members in works.values():
        result.update(_resolve_work(members))
    return result


def _resolve_work(members: list[_Record]) -> dict[str, VersionStatus]:
    """One work: order its versions by date and give each file its version's place."""
    versions: dict[str, list[_Record]] = defaultdict(list)
    for record in members:
        versions[record.version_date or ""].append(record)
    dates = sorted(versions)
    starts = [_version_start(versions[d]) for d in dates]
    result: dict[str, VersionStatus] = {}
    for index, date in enumerate(dates):
        current = index == len(dates) - 1
        until = None if current else (starts[index + 1] or dates[index + 1] or None)
        kept = _kept_copies(versions[date])
        for record in versions[date]:
            result[record.id] = VersionStatus(
                CURRENT if current else SUPERSEDED,
                starts[index],
                until,
                None if kept[record.subtitle] == record.id else kept[record.subtitle],
            )
    return result


def _version_start(files: list[_Record]) -> str | None:
    starts = [s for s in (valid_from(f.version_date, f.effective_date) for f in files) if s]
    return min(starts) if starts else None


def _kept_copies(files: list[_Record]) -> dict[str | None, str]:
    """For each subtitle (part), the id of the copy with the first source path."""
    kept: dict[str | None, _Record] = {}
    for record in sorted(files, key=lambda r: r.source):
        kept.setdefault(record.subtitle, record)
    return {subtitle: record.id for subtitle, record in kept.items()}


def duplicates(records: Iterable[Any]) -> dict[str, str]:
    """Only the hidden copies: id → id of the copy to show instead."""
    return {
        doc_id: info.duplicate_of
        for doc_id, info in resolve_versions(records).items()
        if info.duplicate_of
    }
