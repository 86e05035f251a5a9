"""Who may read what: the one access rule every read path asks.

Internal documents never enter the index anonymous callers search. The indexer builds two
indexes from the same files and the same code:

    <index_dir>/             the public index: every file that is not internal
    <index_dir>/all/         every file (only once some internal document exists)

A caller who may see internal documents reads the second, everyone else the first; so totals,
facets, suggestions, spelling, BM25 statistics, links and errors seen by an anonymous caller
are computed on public documents only, by construction, not by filtering.

A file is internal when an editor marked its source (<index_dir>/internal.json, written by
the collection room) or when it lies under a configured internal folder (KB_INTERNAL_DIRS).
"""

from kb.access.rules import (
    ANONYMOUS,
    EVERYTHING,
    MARKS,
    ROLES,
    Caller,
    Rules,
    everything_dir,
    marks_path,
    read_marks,
    rules_for,
)
from kb.access.shelves import Shelves

__all__ = [
    "ANONYMOUS",
    "EVERYTHING",
    "MARKS",
    "ROLES",
    "Caller",
    "Rules",
    "Shelves",
    "everything_dir",
    "marks_path",
    "read_marks",
    "rules_for",
]
