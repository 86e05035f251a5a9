"""The works of a build: which document rows are a work's current text, and its versions.

A work (代表法) has versions (its 2015 and 2025 texts); a large one is split into parts (民法典's
编, told apart by their subtitle), and a version may be held twice (the same file in two
folders: the copy is hidden as a duplicate). Every question about "the versions of a work"
is answered here, on document rows.
"""

from __future__ import annotations

from collections import defaultdict

from kb.engine.snapshot import Snapshot


def work_rows(snap: Snapshot) -> dict[str, list[int]]:
    """Work key → its document rows in source order, hidden duplicate copies left out
    (computed once per build)."""

    def group() -> dict[str, list[int]]:
        docs = snap.docs
        rows: dict[str, list[int]] = defaultdict(list)
        for r in sorted(range(len(docs.ids)), key=lambda r: docs.records[r]["source"]):
            if not docs.duplicate[r]:
                rows[docs.records[r]["work_key"]].append(r)
        return dict(rows)

    return snap.cached("work rows", group)


def current_rows(snap: Snapshot) -> dict[str, list[int]]:
    """Work key → rows of its current version (parts such as 民法典's 编 in source order)."""
    out = {}
    for work, rows in work_rows(snap).items():
        current = [r for r in rows if snap.docs.current[r]]
        if current:
            out[work] = current
    return out


def version_rows(snap: Snapshot, work: str) -> list[list[int]]:
    """The rows of each version of a work (all its parts), newest first."""
    by_date: dict[str, list[int]] = defaultdict(list)
    for r in work_rows(snap).get(work, ()):
        by_date[snap.docs.records[r].get("version_date") or ""].append(r)
    return [by_date[d] for d in sorted(by_date, reverse=True)]


def versions_of(snap: Snapshot, row: int) -> list[int]:
    """The versions of a document's work and part, oldest first, one copy of each: a hidden
    copy stands for the version it duplicates."""
    docs = snap.docs
    rec = docs.records[row]
    kept = docs.row.get(rec.get("duplicate_of") or "")
    rows = [
        r
        for r in work_rows(snap).get(rec["work_key"], ())
        if r != kept and docs.records[r].get("subtitle") == rec.get("subtitle")
    ]
    if docs.duplicate[row]:
        rows.append(row)
    return sorted(
        rows, key=lambda r: (docs.records[r].get("version_date") or "", docs.records[r]["source"])
    )


def version_parts(snap: Snapshot, row: int) -> list[int]:
    """The other parts of a document's version (民法典 2020's other 编), copies left out."""
    docs = snap.docs
    rec = docs.records[row]
    return [
        r
        for r in work_rows(snap).get(rec["work_key"], ())
        if docs.records[r].get("version_date") == rec.get("version_date")
        and docs.records[r].get("subtitle") != rec.get("subtitle")
    ]
