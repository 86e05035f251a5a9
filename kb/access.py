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

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from kb.errors import IndexCorrupt, IndexMissing

ROLES = ("reader", "editor", "admin")  # lowest first: each may do what the ones before it may
MARKS = "internal.json"
EVERYTHING = "all"


@dataclass(frozen=True)
class Caller:
    """Who is asking: anonymous, or an account (session) or API token with a role."""

    name: str | None = None
    role: str | None = None
    via: str = "anonymous"  # anonymous | session | token

    @property
    def signed_in(self) -> bool:
        return self.role in ROLES

    @property
    def sees_internal(self) -> bool:
        """Readers and above read internal documents."""
        return self.signed_in

    def may(self, role: str) -> bool:
        """True when the caller's role is `role` or above it."""
        return self.signed_in and ROLES.index(self.role) >= ROLES.index(role)


ANONYMOUS = Caller()


def everything_dir(index_dir: Path) -> Path:
    """Where the index of every document (internal ones too) lives."""
    return Path(index_dir) / EVERYTHING


def marks_path(index_dir: Path) -> Path:
    """The file naming the sources an editor marked internal."""
    return Path(index_dir) / MARKS


def read_marks(index_dir: Path) -> frozenset[str]:
    """Sources marked internal (none when the file is missing; a damaged file is an error:
    guessing 'none' would publish internal documents)."""
    path = marks_path(index_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"cannot read the internal marks {path}: {exc}") from exc
    return frozenset(str(s) for s in data.get("internal", ()))


@dataclass(frozen=True)
class Rules:
    """Which sources are internal: marked ones and those under the internal folders."""

    marked: frozenset[str] = frozenset()
    folders: tuple[str, ...] = ()

    def internal(self, source: str) -> bool:
        parts = PurePosixPath(source).parts
        return source in self.marked or any(
            parts[: len(f)] == f for f in (PurePosixPath(d).parts for d in self.folders) if f
        )


def rules_for(index_dir: Path, folders: tuple[str, ...] = ()) -> Rules:
    """The rules in force for the index at `index_dir`."""
    return Rules(read_marks(index_dir), tuple(folders))


class Shelves:
    """The two Libraries and the rule choosing between them (duck-typed: kb.library sits
    above this floor). `public` reads <index_dir>, `everything` reads <index_dir>/all."""

    def __init__(self, public: Any, everything: Any = None):
        self.public = public
        self.everything = everything

    def for_caller(self, caller: Caller) -> Any:
        """The Library `caller` may read: the public one unless the caller sees internal
        documents and an index of everything exists."""
        if not caller.sees_internal or self.everything is None:
            return self.public
        try:
            self.everything.snapshot()
        except IndexMissing:  # no internal document was ever indexed: both are the same
            return self.public
        return self.everything

    def internal_ids(self) -> frozenset[str]:
        """Ids of the documents only the index of everything holds (for the 内部 badge)."""
        if self.everything is None:
            return frozenset()
        try:
            every, public = self.everything.snapshot(), self.public.snapshot()
        except IndexMissing:
            return frozenset()
        key = (every.path.name, public.path.name)
        if getattr(self, "_ids_key", None) != key:
            self._ids = frozenset(every.docs.ids) - frozenset(public.docs.ids)
            self._ids_key = key
        return self._ids
