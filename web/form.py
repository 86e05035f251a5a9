"""The search request as it arrives in a URL: parsed once for the page and the API alike."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from werkzeug.datastructures import MultiDict

from kb.config import DEFAULT_LIMIT, MAX_QUERY_CHARS, MAX_VALUES
from kb.errors import BadQuery

_WHOLE = re.compile(r"-?[0-9]{1,12}")


@dataclass(frozen=True)
class SearchForm:
    """Query and filters exactly as given, so the page can show them back and link variants."""

    q: str = ""
    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    versions: str = ""
    as_of: str = ""
    limit: str = ""
    offset: str = ""
    mode: str = ""

    @classmethod
    def from_args(cls, args: MultiDict) -> SearchForm:
        """Read q, kind, region, document, versions, as_of, limit and offset from query args."""

        def many(name: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))

        def one(name: str) -> str:
            return (args.get(name) or "").strip()

        return cls(
            one("q"),
            many("kind"),
            many("region"),
            many("document"),
            one("versions"),
            one("as_of"),
            one("limit"),
            one("offset"),
            one("mode"),
        )

    def search_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for Library.search; BadQuery for anything out of bounds."""
        if not self.q:
            raise BadQuery("q is required: the words, question or citation to search for")
        if len(self.q) > MAX_QUERY_CHARS:
            raise BadQuery(f"q is too long: at most {MAX_QUERY_CHARS} characters")
        for name in ("kinds", "regions", "documents"):
            if len(getattr(self, name)) > MAX_VALUES:
                raise BadQuery(f"too many {name[:-1]} values: at most {MAX_VALUES}")
        return {
            "q": self.q,
            "limit": whole(self.limit, "limit", DEFAULT_LIMIT),
            "offset": whole(self.offset, "offset", 0),
            "kinds": self.kinds,
            "regions": self.regions,
            "documents": self.documents,
            "versions": self.versions or "current",
            "as_of": self.as_of or None,
            "mode": self.mode or "auto",
        }

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the search."""
        return bool(
            self.kinds or self.regions or self.documents or self.as_of or self.versions == "all"
        )

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for a variant of this search (empty values left out)."""
        form = replace(self, **changes)
        names = {"kinds": "kind", "regions": "region", "documents": "document"}
        out: dict[str, Any] = {}
        for f in fields(form):
            value = getattr(form, f.name)
            if value not in ("", ()):
                out[names.get(f.name, f.name)] = list(value) if isinstance(value, tuple) else value
        return out


def whole(value: str, name: str, default: int) -> int:
    """A whole-number parameter (default when absent); BadQuery when it is not a number."""
    if value == "":
        return default
    if not _WHOLE.fullmatch(value):
        raise BadQuery(f"{name} must be a whole number, not {value[:20]!r}")
    return int(value)
