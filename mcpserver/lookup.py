"""The passage a tool's `citation` argument names: a passage id, or a citation."""

from __future__ import annotations

import re

from kb.library import Library
from kb.models import Hit

_PASSAGE_ID = re.compile(r"[0-9a-f]{6,40}-\d{1,6}")


def find_passage(
    library: Library, citation: str, versions: str = "current", as_of: str | None = None
) -> Hit:
    """The passage a passage id or a citation names (NotFound when none)."""
    citation = citation.strip()
    if _PASSAGE_ID.fullmatch(citation):
        return library.passage(citation)
    return library.cite(citation, versions=versions, as_of=as_of)
