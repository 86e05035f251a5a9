"""Plain data classes that flow between the layers: documents, passages, citations, results."""

from __future__ import annotations

from dataclasses import dataclass, field

# Document kinds, in the order facets show them.
KINDS: tuple[str, ...] = (
    "宪法",
    "法律",
    "行政法规",
    "监察法规",
    "司法解释",
    "部门规章",
    "地方性法规",
    "工作简报",
    "其他",
)

CURRENT = "current"
SUPERSEDED = "superseded"


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a document's history: adoption, amendment, promulgation or entry into force."""

    date: str | None  # ISO date, e.g. "2025-03-11"
    body: str  # who acted, e.g. "第十四届全国人民代表大会第三次会议"
    event: str  # 通过 / 修正 / 修订 / 公布 / 施行 / 批准 / 发布 / 废止 …
    text: str  # the line as written


@dataclass(frozen=True)
class Heading:
    """A 编/分编/章/节 heading (or a bulletin section heading) in document order."""

    level: int  # 1 = 编, 2 = 分编, 3 = 章, 4 = 节 (bulletins: 1 = 一、, 2 = （一）)
    text: str  # "第一章 总则"
    first_passage: int  # ordinal of the first passage under it


@dataclass(frozen=True)
class Item:
    """A 项 (（一）…) inside a paragraph, with its 目 (1. 2. …) if any."""

    number: int
    text: str
    subitems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """A 款 of an article: its lead text and the 项 listed under it."""

    number: int
    text: str
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Citation:
    """What a person needs to find and check a passage."""

    title: str  # full title, e.g. 中华人民共和国全国人民代表大会和地方各级人民代表大会选举法
    version: str  # e.g. "2020年修正"; "" when unknown
    article: int | None  # 30 for 第三十条; item number for 一、二、 interpretations
    article_label: str  # "第三十条", "第三十条之一", "一、" or "" (bulletin paragraphs)
    paragraph: int | None  # 款, when the citation points at one
    item: int | None  # 项, when the citation points at one
    heading_path: tuple[str, ...]
    label: str  # 《…》（2020年修正）第三十条第二款 ; bulletins: 《title》section


@dataclass(frozen=True)
class Passage:
    """The unit of retrieval: one article (条) with its 款/项, or one bulletin paragraph."""

    id: str  # stable: "<doc_id>-<ordinal>"
    doc_id: str
    ordinal: int  # position in the document, from 0
    text: str  # exact text, paragraphs joined by "\n"
    article: int | None  # 30 for 第三十条 (None for prose)
    article_suffix: int  # 1 for 第三十条之一, else 0
    label: str  # "第三十条之一", "一、", "" …
    heading_path: tuple[str, ...]
    paragraphs: tuple[Paragraph, ...]
    citation: Citation
    role: str = "article"  # article | item | preamble | paragraph | editor_note


@dataclass(frozen=True)
class Document:
    """One file's worth of official text, parsed into passages."""

    id: str
    title: str
    subtitle: str | None  # e.g. 民法典's 编 ("合同编")
    kind: str  # one of KINDS
    issuer: str | None
    region: str | None  # province (上海, 广东 …) for local documents
    city: str | None  # city within the province, when the title names one
    version_date: str | None  # latest adoption/amendment, ISO
    effective_date: str | None  # 施行 date when stated
    version_label: str  # "2020年修正", "2024年度第2期" …
    history: tuple[HistoryEntry, ...]
    headings: tuple[Heading, ...]
    passages: tuple[Passage, ...]
    source: str  # path relative to its corpus folder, "/"-separated
    work_key: str  # versions of one work share it
    content_hash: str  # sha256 of the file bytes
    issue: str | None = None  # bulletins: "2024年度第2期"
    recipients: tuple[str, ...] = ()  # bulletins: 抄送/分送 lines
    status: str = CURRENT  # current | superseded (set by resolve_versions)
    valid_from: str | None = None  # first day in force, ISO
    valid_to: str | None = None  # first day no longer in force (exclusive), ISO


@dataclass(frozen=True)
class Skipped:
    """A file that could not be read, and why."""

    source: str
    reason: str


@dataclass(frozen=True)
class Anomaly:
    """A structural oddity found while parsing (numbering gap, empty article …)."""

    source: str
    detail: str


@dataclass(frozen=True)
class Snippet:
    """Passage text cut around the matches, with highlight ranges [start, end) into `text`."""

    text: str
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class DocumentInfo:
    """The document metadata a hit carries."""

    id: str
    title: str
    kind: str
    region: str | None
    source: str
    version_date: str | None
    effective_date: str | None
    status: str
    version_label: str = ""
    subtitle: str | None = None


@dataclass(frozen=True)
class Retrieval:
    """How a hit was found when a semantic pass ran: by which retrievers, at which ranks."""

    found_by: tuple[str, ...]  # "lexical", "semantic", "memory" (a remembered question's answer)
    lexical_rank: int | None
    semantic_rank: int | None
    semantic_score: float | None  # cosine of question and passage
    semantic_share: float | None = None  # the semantic features' part of a learned fusion score


@dataclass(frozen=True)
class Hit:
    """One ranked, cited passage."""

    id: str
    score: float
    text: str
    article: int | None
    paragraph: int | None
    heading_path: tuple[str, ...]
    snippet: Snippet
    document: DocumentInfo
    citation: Citation
    url: str
    matched: str = "text"  # text | citation | phrase
    retrieval: Retrieval | None = None  # when a semantic pass ran
    earlier_version_of: str | None = None  # the current article this one is the earlier wording of


@dataclass(frozen=True)
class SearchResult:
    """A page of hits for one query, with what the query was understood to mean."""

    query: str
    total: int
    limit: int
    offset: int
    took_ms: float
    hits: tuple[Hit, ...]
    understood: dict = field(default_factory=dict)  # citation, expansions, filters applied


@dataclass(frozen=True)
class VersionInfo:
    """One version (or part) of a work, for version lists and switching."""

    id: str
    title: str
    subtitle: str | None
    version_label: str
    version_date: str | None
    effective_date: str | None
    status: str
    valid_from: str | None
    valid_to: str | None
    source: str


@dataclass(frozen=True)
class DocumentView:
    """A document with its passages, the versions of its work, and the other parts of its version."""

    document: Document
    versions: tuple[VersionInfo, ...]
    parts: tuple[VersionInfo, ...] = ()
