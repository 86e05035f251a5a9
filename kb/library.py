"""The searchable library: the live build, swapped for a newer one as soon as it is published."""

from __future__ import annotations

import functools
import logging
import pickle
import struct
import threading
import time
from pathlib import Path

from whoosh.query import And, Term
from whoosh.reading import CorruptIndexError

from kb import search as search_mod
from kb.compare import same_article
from kb.compare import service as compare_service
from kb.compare.lookup import find_version
from kb.compare.model import ArticleHistory, Comparison
from kb.config import vectors_enabled
from kb.engine.citations import resolve
from kb.engine.doc_questions import header_for_id
from kb.engine.hits import load_passage, make_hit
from kb.engine.policy import POLICY, Policy
from kb.engine.snapshot import Snapshot
from kb.engine.works import version_parts, versions_of
from kb.errors import BadQuery, IndexCorrupt, IndexMissing, KBError, NotFound
from kb.links.reading import passages as links_mod
from kb.links.reading.document import DocumentLinks
from kb.links.reading.table import link_table
from kb.links.reading.view import PassageLinks
from kb.models import DocumentInfo, DocumentView, Hit, Passage, SearchResult, VersionInfo
from kb.query.parse import parse_query
from kb.records import document_from_record
from kb.schema import article_key
from kb.semantic.retriever import SemanticLayer
from kb.store import Store, reason

log = logging.getLogger(__name__)
READ_ERRORS = (CorruptIndexError, OSError, EOFError, struct.error, pickle.UnpicklingError)
RETRY_SECONDS = 30.0  # a published build that could not be opened is tried again after this


def _reading(method):
    """Report a damaged or deleted index file met while answering as IndexCorrupt (503)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except READ_ERRORS as exc:
            raise IndexCorrupt(
                f"the index build {self._name} cannot be read ({reason(exc)}): "
                "run `kb index --rebuild` to repair it"
            ) from exc

    return wrapper


class Library:
    """Thread-safe entry point for searching; cheap to share across a server's threads."""

    def __init__(
        self,
        index_dir: Path,
        policy: Policy = POLICY,
        recheck_seconds: float = 1.0,
        vectors: bool | None = None,
    ):
        self.store = Store(Path(index_dir))
        self.semantic = SemanticLayer(
            Path(index_dir),
            enabled=vectors_enabled() if vectors is None else vectors,
            finder=same_article.finder_in_every_version,
        )
        self.policy = policy
        self._recheck = recheck_seconds
        self._snap: Snapshot | None = None
        self._name: str | None = None
        self._checked = 0.0
        self._failed: tuple[str | None, float] = (None, 0.0)  # a build that failed to open, when
        self._reload = threading.Lock()

    def snapshot(self) -> Snapshot:
        """The live build, reopened when `kb index` has published a newer one."""
        now = time.monotonic()
        if self._snap is None or now - self._checked >= self._recheck:
            # one thread reopens; the others keep answering from the build they have
            if self._reload.acquire(blocking=self._snap is None):
                try:
                    self._checked = now
                    self._refresh()
                finally:
                    self._reload.release()
        if self._snap is None:
            raise IndexMissing(f"no index at {self.store.root}: run `kb index` to build it")
        return self._snap

    def _refresh(self) -> None:
        """Open the live build if it is not the one open; keep the open one if it cannot be."""
        name = None
        try:
            name = self.store.current_name()
            retry = name != self._failed[0] or time.monotonic() - self._failed[1] > RETRY_SECONDS
            if self._snap is not None and (name == self._name or not retry):
                return
            self._snap = Snapshot(self.store.current(), self.policy)
            self._name = self._snap.path.name
        except KBError as exc:
            if self._snap is None:
                raise
            if name != self._failed[0]:
                log.error("still answering from build %s: %s", self._name, exc)
            self._failed = (name, time.monotonic())

    @_reading
    def warm(self, terms: int = 2000) -> None:
        """Load what first queries would otherwise wait for: texts and the commonest postings."""
        snap = self.snapshot()
        snap.texts()
        link_table(snap)
        links_mod.warm_related(self)
        snap.text.warm(terms)
        snap.heading.warm(terms // 4)
        self.suggest("代表法第四")  # the article table and the names of the build
        self.verify("宪法第二条规定：“中华人民共和国的一切权力属于人民。”")
        same_article.warm(snap)  # articles paired across versions (earlier wording, links)
        self.semantic.warm(snap)

    @_reading
    def search(self, q: str, **params) -> SearchResult:
        """Ranked, cited passages; see SearchParams for the parameters."""
        snap, params = self.snapshot(), search_mod.SearchParams(q, **params)
        return search_mod.search(snap, params, self.policy, self.semantic)

    @_reading
    def explain(self, q: str, result: SearchResult, **params) -> list[dict]:
        """Why each hit of `result` (a page of `search(q, **params)`) matched; see kb.search.explain."""
        from kb.search.explain import explain_hits

        params = search_mod.SearchParams(q, **params)
        return explain_hits(self.snapshot(), params, result.hits, self.policy)

    @_reading
    def suggest(self, typed: str, limit: int = 8) -> list:
        """Names and citations completing what is being typed; see kb.search.suggest."""
        from kb.search.suggest import suggester

        return suggester(self.snapshot()).suggest(typed, limit)

    @_reading
    def verify(self, text: str):
        """Every citation in `text` checked against the collection; see kb.verify.checker."""
        from kb.verify.checker import verify_text

        return verify_text(self.snapshot(), text)

    @_reading
    def passage(self, passage_id: str) -> Hit:
        """One passage by id, as a Hit with its citation and document."""
        snap = self.snapshot()
        docnum = snap.docnum_of(passage_id) if isinstance(passage_id, str) else None
        if docnum is None:
            header = header_for_id(snap, passage_id) if isinstance(passage_id, str) else None
            if header:
                return header
            raise NotFound(f"no passage with id {passage_id!r}")
        return make_hit(snap, docnum, 0.0, [], "id")

    @_reading
    def cite(self, ref: str, versions: str = "current", as_of: str | None = None) -> Hit:
        """Resolve a citation such as 选举法第三十条第二款 to its passage (NotFound otherwise)."""
        snap = self.snapshot()
        q = parse_query(ref, snap.aliases(), snap.region_names())
        if not q.citations:
            raise BadQuery(f"{ref!r} is not a citation such as 选举法第三十条")
        if not any(c.works for c in q.citations):
            raise NotFound(f"no law or regulation named in {ref!r}")
        params = search_mod.SearchParams(ref, versions=versions, as_of=as_of)
        found = resolve(snap, q.citations[:1], params)
        if not found:
            raise NotFound(f"no passage found for {ref!r}")
        n, c = found[0]
        return make_hit(snap, n, 1.0, [], "citation", c.paragraph, c.item)

    @_reading
    def document(self, doc_id: str) -> DocumentView:
        """A document with all its passages, its work's versions and its version's other parts."""
        snap = self.snapshot()
        row = snap.row_of(doc_id)
        rec = snap.docs.records[row]
        nums = sorted(snap.searcher().docs_for_query(Term("doc", doc_id)))
        passages = tuple(
            sorted((load_passage(snap, n) for n in nums if snap.alive[n]), key=lambda p: p.ordinal)
        )
        versions, parts = (
            tuple(_version_info(snap.docs.records[r]) for r in reversed(rows))
            for rows in (versions_of(snap, row), version_parts(snap, row))
        )
        return DocumentView(document_from_record(rec, passages), versions, parts)

    @_reading
    def article_in(self, doc_id: str, article: int, suffix: int = 0) -> Passage:
        """The passage of article `article` (之`suffix`) in `doc_id`, for switching versions."""
        snap = self.snapshot()
        snap.row_of(doc_id)  # NotFound for an unknown document
        query = And([Term("doc", doc_id), Term("art", article_key(article, suffix))])
        nums = sorted(n for n in snap.searcher().docs_for_query(query) if snap.alive[n])
        if not nums:
            raise NotFound(f"document {doc_id!r} has no article {article_key(article, suffix)}")
        return load_passage(snap, nums[0])

    @_reading
    def same_article_in(self, passage_id: str, doc_id: str) -> Passage | None:
        """The article paired with a passage in version `doc_id` of its work, for switching
        versions (None where it has none: see kb.compare.same_article); NotFound for bad ids."""
        snap = self.snapshot()
        if snap.docnum_of(passage_id) is None or doc_id not in snap.docs.row:
            raise NotFound(f"no passage {passage_id!r} or no document {doc_id!r}")
        found = same_article.counterpart_in(snap, passage_id, doc_id)
        return None if found is None else load_passage(snap, snap.docnum_of(found))

    @_reading
    def links(self, passage_id: str) -> PassageLinks:
        """What a passage cites, what cites it, the local articles implementing it (and, for a
        bulletin paragraph, related rules found by searching its text); NotFound for bad ids."""
        return links_mod.links_of(self, passage_id)

    @_reading
    def document_links(self, doc_id: str) -> DocumentLinks:
        """A document's links for its page: reference spans, per-article counts, relations."""
        return links_mod.document_links_of(self, doc_id)

    @_reading
    def version(self, doc_id: str) -> VersionInfo:
        """Where one document stands among its work's versions (status and validity dates)."""
        snap = self.snapshot()
        return _version_info(snap.docs.records[snap.row_of(doc_id)])

    @_reading
    def compare(self, from_id: str, to_id: str) -> Comparison:
        """Two versions of one work aligned article by article (BadQuery for two works)."""
        return compare_service.compare(self.snapshot(), from_id, to_id)

    @_reading
    def history(
        self, ref: str, versions: str = "current", as_of: str | None = None
    ) -> ArticleHistory:
        """The article a citation names, through every version of its work (ArticleHistory)."""
        return self.passage_history(self.cite(ref, versions=versions, as_of=as_of).id)

    @_reading
    def passage_history(self, passage_id: str) -> ArticleHistory:
        """The article of a passage through every version of its work, oldest first."""
        return compare_service.passage_history(self.snapshot(), passage_id)

    @_reading
    def find_version(self, text: str) -> str:
        """The document id `text` names: an id, 代表法 (current), 代表法2015, 代表法 2015-08-29."""
        return find_version(self.snapshot(), text)

    @_reading
    def versions(self, doc_id: str) -> tuple[DocumentInfo, ...]:
        """The versions of a document's work (its own part), oldest first."""
        return compare_service.versions(self.snapshot(), doc_id)

    @_reading
    def facets(self) -> dict:
        """Kinds and regions present, with document counts (for the page's filters)."""
        docs = self.snapshot().docs
        count = lambda col, names: {n: int((col == i).sum()) for i, n in enumerate(names) if n}  # noqa: E731
        return {"kinds": count(docs.kind, docs.kinds), "regions": count(docs.region, docs.regions)}

    @_reading
    def health(self) -> dict:
        """Which build is live and how big it is."""
        snap = self.snapshot()
        return {
            "build": snap.path.name,
            "created": _created(self.store, snap.path),
            "documents": len(snap.docs.ids),
            "passages": snap.live_count,
            "vectors": self.semantic.status_of(snap.path, snap.size),
        }


@functools.lru_cache(maxsize=8)
def _created(store: Store, build: Path) -> str | None:
    """When a build was made (its meta.json lists every file: read it once, not per request)."""
    return store.meta(build).get("created")


def _version_info(r: dict) -> VersionInfo:
    """VersionInfo from a DocTable record."""
    return VersionInfo(
        r["id"],
        r["title"],
        r.get("subtitle"),
        r.get("version_label") or "",
        r.get("version_date"),
        r.get("effective_date"),
        r["status"],
        r.get("valid_from"),
        r.get("valid_to"),
        r["source"],
    )
