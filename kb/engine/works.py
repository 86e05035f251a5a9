"""The works of a build: which document rows are a work's current text, and its versions."""

from __future__ import annotations

from collections import defaultdict

from kb.engine.doctable import DocTable


def work_rows(docs: DocTable) -> dict[str, list[int]]:
    """Work key → its document rows in source order, hidden duplicate copies left out
    (computed once per build)."""
    key = ("work_rows",)
    found = docs.cache.get(key)
    if found is None:
        rows: dict[str, list[int]] = defaultdict(list)
        for r in sorted(range(len(docs.ids)), key=lambda r: docs.records[r]["source"]):
            if not docs.duplicate[r]:
                rows[docs.records[r]["work_key"]].append(r)
        found = docs.cache[key] = dict(rows)
    return found


def current_rows(docs: DocTable) -> dict[str, list[int]]:
    """Work key → rows of its current version (parts such as 民法典's 编 in source order)."""
    out = {}
    for work, rows in work_rows(docs).items():
        current = [r for r in rows if docs.current[r]]
        if current:
            out[work] = current
    return out


def version_rows(docs: DocTable, work: str) -> list[list[int]]:
    """The rows of each version of a work, newest first."""
    by_date: dict[str, list[int]] = defaultdict(list)
    for r in work_rows(docs).get(work, ()):
        by_date[docs.records[r].get("version_date") or ""].append(r)
    return [by_date[d] for d in sorted(by_date, reverse=True)]
