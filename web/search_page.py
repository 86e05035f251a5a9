"""The search page: one box, filters in the URL, result cards, helpful empty and error states."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for

from kb.config import MAX_OFFSET
from kb.errors import BadQuery
from kb.library import Library
from kb.models import KINDS, SearchResult, VersionInfo
from web.compare_page import hit_links
from web.context import get_library
from web.form import SearchForm

bp = Blueprint("search", __name__)

EXAMPLES = (
    "选举法第三十条",
    "代表法 第44条",
    "人大代表如何联系选民",
    "常委会任免程序",
    '"选民登记"',
)
LIMITS = (10, 20, 50)


@dataclass(frozen=True)
class Pager:
    """Where this page sits among the result pages (offsets capped by the search limit)."""

    page: int
    pages: int
    prev_offset: int | None
    next_offset: int | None
    numbers: tuple[tuple[int, int], ...]  # (page number, offset) around the current page


def paginate(result: SearchResult) -> Pager:
    """Pages for a result: previous/next and up to seven numbered pages."""
    size, total = result.limit, min(result.total, MAX_OFFSET + result.limit)
    pages = max(1, -(-total // size))
    page = result.offset // size + 1
    prev_offset = max(0, result.offset - size) if result.offset > 0 else None
    nxt = result.offset + size
    next_offset = nxt if nxt < total and nxt <= MAX_OFFSET else None
    first = max(1, min(page - 3, pages - 6))
    numbers = tuple(
        (n, (n - 1) * size)
        for n in range(first, min(pages, first + 6) + 1)
        if (n - 1) * size <= MAX_OFFSET
    )
    return Pager(page, pages, prev_offset, next_offset, numbers)


def suggestions(form: SearchForm) -> list[tuple[str, dict]]:
    """Ways to widen a search that found nothing: (label, query args) pairs."""
    out = [
        (f"去掉类别「{k}」", form.args(kinds=tuple(x for x in form.kinds if x != k), offset=""))
        for k in form.kinds
    ]
    out += [
        (f"去掉地区「{r}」", form.args(regions=tuple(x for x in form.regions if x != r), offset=""))
        for r in form.regions
    ]
    if form.documents:
        out.append(("在全部文件中搜索", form.args(documents=(), offset="")))
    if form.as_of:
        out.append((f"不限日期（去掉 {form.as_of}）", form.args(as_of="", offset="")))
    elif form.versions != "all":
        out.append(("包括已修改的旧版本", form.args(versions="all", offset="")))
    return out


def superseded(library: Library, result: SearchResult) -> dict[str, VersionInfo]:
    """Validity of the superseded versions among the hits, by document id."""
    ids = {h.document.id for h in result.hits if h.document.status != "current"}
    return {doc_id: library.version(doc_id) for doc_id in ids}


def local_articles(library: Library, result: SearchResult) -> dict[str, tuple]:
    """For each national article among the hits, the local articles implementing it."""
    found = {}
    for hit in result.hits:
        if hit.document.region or hit.article is None:
            continue
        implemented = library.links(hit.id).implemented_by
        if implemented:
            found[hit.id] = implemented
    return found


def ordered_facets(facets: dict) -> dict:
    """Kinds in the order of kb.models.KINDS, regions by document count."""
    kinds = facets.get("kinds", {})
    regions = facets.get("regions", {})
    return {
        "kinds": {k: kinds[k] for k in sorted(kinds, key=_kind_rank)},
        "regions": dict(sorted(regions.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def _kind_rank(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), kind)


@bp.get("/")
def index() -> tuple[str, int]:
    """The search form, and the results when there is a query."""
    library = get_library()
    form = SearchForm.from_args(request.args)
    context = {
        "form": form,
        "facets": ordered_facets(library.facets()),
        "examples": EXAMPLES,
        "limits": LIMITS,
        "result": None,
        "error": None,
    }
    if not form.q:
        return render_template("search.html", **context), 200
    try:
        result = library.search(**form.search_kwargs())
    except BadQuery as exc:
        return render_template("search.html", **{**context, "error": str(exc)}), 400
    context.update(
        why=_why(library, result, form),
        result=result,
        pager=paginate(result),
        versions=superseded(library, result),
        links=hit_links(library, result),
        local=local_articles(library, result),
        suggestions=suggestions(form) if not result.hits else [],
    )
    return render_template("search.html", **context), 200


def _why(library: Library, result: SearchResult, form: SearchForm) -> dict[str, dict]:
    """Why each hit matched (kb.search.explain), by hit id, for the page's 为什么 disclosures."""
    if not result.hits:
        return {}
    explained = library.explain(result=result, **form.search_kwargs())
    return {hit.id: why for hit, why in zip(result.hits, explained, strict=True)}


@bp.app_template_global("search_url")
def search_url(form: SearchForm, **changes) -> str:
    """URL of a variant of the current search (another page, one filter less …)."""
    if changes.get("offset") == 0:
        changes["offset"] = ""
    return url_for("search.index", **form.args(**{k: _text(v) for k, v in changes.items()}))


def _text(value):
    """Form fields are strings (tuples for repeatable ones)."""
    return value if isinstance(value, (str, tuple)) else str(value)
