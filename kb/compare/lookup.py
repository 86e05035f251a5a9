"""A version named the way people type it: a document id, 代表法, 代表法2015, 代表法 2015-08-29."""

from __future__ import annotations

import re

from kb.compare.texts import version_records
from kb.engine.snapshot import Snapshot
from kb.engine.works import work_rows
from kb.errors import BadQuery, NotFound
from kb.numerals import NUM_CLASS

_DATE = re.compile(r"(\d{4})(?:\s*[-.年/]\s*(\d{1,2}))?(?:\s*[-.月/]\s*(\d{1,2}))?\s*日?")
_NOISE = re.compile(rf"[\s@()（）《》]|年?(?:修正|修订|版本?|文本)|第{NUM_CLASS}条.*$")


def find_version(snap: Snapshot, text: str) -> str:
    """The id of the document `text` names: an id, or a work's name with an optional date.

    Without a date the current version is meant; a year or a date prefix picks the version
    adopted then (代表法2015 → the 2015 amendment).
    """
    text = (text or "").strip()
    if text in snap.docs.row:
        return text
    m = _DATE.search(text)
    date = "-".join(f"{int(g):02d}" if i else g for i, g in enumerate(m.groups()) if g) if m else ""
    name = _NOISE.sub("", text[: m.start()] + text[m.end() :] if m else text)
    works = snap.aliases().lookup(name) if name else set()
    if len(works) != 1:
        found = "several works" if works else "no document or work"
        raise NotFound(f"{found} named {name or text!r}: give a document id or a law's name")
    first = work_rows(snap)[next(iter(works))][0]  # its first file (a part of 民法典: 总则)
    versions = version_records(snap, snap.docs.ids[first])
    if not date:
        return versions[-1]["id"]
    dated = [r for r in versions if (r.get("version_date") or "").startswith(date)]
    if not dated:
        known = "、".join(r.get("version_date") or "?" for r in versions)
        raise BadQuery(f"{name} has no version of {date}; its versions: {known}")
    return dated[-1]["id"]


def default_pair(ids: list[str], old_id: str) -> tuple[str, str]:
    """(older, newer) when only one version is named: it and the one before it (or, for the
    first version, the one after it); `ids` are the work's versions, oldest first."""
    at = ids.index(old_id) if old_id in ids else 0
    return (ids[at - 1], old_id) if at else (old_id, ids[min(1, len(ids) - 1)])


def compare_named(library, old: str, new: str | None = None):
    """library.compare of two versions named as people type them (see find_version); with
    only `old`, the pair default_pair makes."""
    old_id = library.find_version(old)
    if new is None:
        old_id, new_id = default_pair([v.id for v in library.versions(old_id)], old_id)
    else:
        new_id = library.find_version(new)
    return library.compare(old_id, new_id)
