"""The two Libraries of an installation and the choice between them for each caller."""

from __future__ import annotations

from typing import Any

from kb.access.rules import Caller
from kb.errors import IndexMissing


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
