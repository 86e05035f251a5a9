"""What requests take: the parameters of /api and of the MCP tools, bounded by kb.config's limits.

The types (QueryText, Limit, Offset …) are shared by the API's request models below and the
MCP tools' arguments, so both publish and accept the same bounds.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from kb.config import (
    DEFAULT_LIMIT,
    DEFAULT_SUGGESTIONS,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    MAX_SUGGEST_CHARS,
    MAX_SUGGESTIONS,
    MAX_VALUES,
    MAX_VERIFY_CHARS,
)
from kb.models import KINDS
from kb.semantic.fusion import MODES
from kb.shapes.base import Request

QueryText = Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS)]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET)]
VerifyText = Annotated[str, Field(min_length=1, max_length=MAX_VERIFY_CHARS)]
Kinds = Annotated[list[Literal[KINDS]], Field(max_length=MAX_VALUES)]
Values = Annotated[list[str], Field(max_length=MAX_VALUES)]  # regions, document ids
Versions = Literal["current", "all"]
Mode = Literal[MODES]
MODE_HELP = (
    "auto: a semantic pass for questions in words, lexical for citations, phrases and titles; "
    "hybrid, lexical or semantic to choose (semantic needs its vectors)"
)
VersionsParam = Annotated[
    Versions,
    Field(description="current: versions in force now; all: superseded versions too"),
]
AsOfParam = Annotated[
    date | None,
    Field(description="Only versions in force on this date (YYYY-MM-DD); overrides versions"),
]
CitationParam = Annotated[
    QueryText,
    Field(description="A citation such as 选举法第三十条第二款", examples=["选举法第三十条第二款"]),
]


class SearchQuery(Request):
    """GET /api/search."""

    q: QueryText = Field(
        description="Words, a question, or a citation such as 选举法第三十条",
        examples=["选举法第三十条"],
    )
    limit: Limit = Field(DEFAULT_LIMIT, description="Hits per page")
    offset: Offset = Field(0, description="Hits to skip")
    kind: Kinds = Field([], description="Only documents of this kind (repeatable)")
    region: Values = Field([], description="Only documents of this province (repeatable)")
    document: Values = Field([], description="Only these document ids (repeatable)")
    versions: VersionsParam = "current"
    as_of: AsOfParam = None
    mode: Mode = Field("auto", description=MODE_HELP)
    explain: Literal["0", "1", "true", "false"] = Field(
        "0", description="1: add `explain` to every hit of the page (why it matched)"
    )


class CitationQuery(Request):
    """GET /api/cite and /api/history."""

    ref: CitationParam
    versions: VersionsParam = "current"
    as_of: AsOfParam = None


class CompareQuery(Request):
    """GET /api/compare."""

    from_: str = Field(
        alias="from",
        min_length=1,
        description="The older version's document id",
        examples=["b0294960f2e5"],
    )
    to: str = Field(
        min_length=1, description="The newer version's document id", examples=["5c72d24d3df2"]
    )


class SuggestQuery(Request):
    """GET /api/suggest."""

    q: str = Field(
        min_length=1,
        max_length=MAX_SUGGEST_CHARS,
        description="What has been typed so far",
        examples=["代表法第四"],
    )
    limit: int = Field(
        DEFAULT_SUGGESTIONS, ge=1, le=MAX_SUGGESTIONS, description="Most suggestions"
    )


class VerifyBody(Request):
    """POST /api/verify: the text whose citations to check."""

    text: VerifyText = Field(examples=["依照《选举法》第三十条的规定"])


class PassageId(Request):
    """A passage named in the path."""

    id: str = Field(description="Passage id")


class DocumentId(Request):
    """A document named in the path."""

    id: str = Field(description="Document id")
