"""The 对照 page (two versions side by side) and the 历次修改 page (one article in every version)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from kb.compare.model import (
    ABSENT,
    ADDED,
    CHANGED,
    DELETED,
    ORIGINAL,
    RENUMBERED,
    UNCHANGED,
    Comparison,
    Pair,
)
from kb.errors import BadQuery
from kb.library import Library
from kb.models import DocumentInfo, Passage, SearchResult
from web.api import ref_args
from web.compare_api import id_arg
from web.context import get_library

bp = Blueprint("compare", __name__)

# What the filter links show: a status, all changes, or everything.
SHOW = {
    "all": "全部",
    "changes": "仅看变化",
    CHANGED: "修改",
    ADDED: "新增",
    DELETED: "删除",
    RENUMBERED: "条号变动",
}
TAGS = {UNCHANGED: "未变", CHANGED: "修改", ADDED: "新增", DELETED: "删除", RENUMBERED: "条号变动"}
HISTORY_TAGS = {**TAGS, ORIGINAL: "收录的最早版本", ABSENT: "无此条"}
HEADING_TAGS = {
    "renamed": "标题修改",
    ADDED: "新增标题",
    DELETED: "删除标题",
    RENUMBERED: "标题序号变动",
}


@dataclass(frozen=True)
class HitLinks:
    """Where a search hit's article can be followed across versions."""

    history: str  # its 历次修改 page
    compare: str  # the comparison with the version before (or after), at its row


def shown(pair: Pair, show: str) -> bool:
    """Whether a pair passes the filter `show`."""
    if show == "all":
        return True
    if show == "changes":
        return pair.status != UNCHANGED
    return pair.status == show


@bp.app_template_global("compare_url")
def compare_url(old_id: str, new_id: str, anchor: str | None = None, **args) -> str:
    """URL of the comparison of two versions (args: show=…)."""
    return url_for("compare.page", _anchor=anchor, **{"from": old_id, "to": new_id}, **args)


@bp.app_template_global("article_url")
def article_url(p: Passage) -> str:
    """The article in its version's page, marked as the one asked for."""
    return url_for("documents.document", doc_id=p.doc_id, p=p.ordinal, _anchor=f"p{p.ordinal}")


@bp.app_template_global("side_runs")
def side_runs(diff, keep: str, label: str = "") -> list[tuple[str, str]]:
    """The runs of one side of a diff (= and `keep`), without the article number it opens with."""
    out, skip = [], len(label)
    for op, text in diff:
        if op not in ("=", keep):
            continue
        cut = min(skip, len(text))
        skip -= cut
        if text[cut:]:
            out.append((op, text[cut:]))
    if out and out[0][1][:1].isspace():
        out[0] = (out[0][0], out[0][1].lstrip())
    return [run for run in out if run[1]]


@bp.get("/compare")
def page() -> str | Response:
    """Two versions side by side; with only `from` (or `to`), the version next to it."""
    library = get_library()
    args = request.args
    if bool(args.get("from")) != bool(args.get("to")):
        return _neighbour(library, id_arg("from" if args.get("from") else "to"))
    show = args.get("show") or "all"
    if show not in SHOW:
        raise BadQuery(f"show must be one of {', '.join(SHOW)}")
    comparison = library.compare(id_arg("from"), id_arg("to"))
    return render_template(
        "compare.html",
        c=comparison,
        show=show,
        shows=SHOW,
        tags=TAGS,
        heading_tags=HEADING_TAGS,
        rows=_rows(comparison, show),
        others=_other_pairs(library, comparison),
    )


def _other_pairs(library: Library, c: Comparison) -> list[tuple[DocumentInfo, DocumentInfo]]:
    """The other consecutive versions of the work, to compare them instead."""
    versions = library.versions(c.new.document.id)
    shown_now = (c.old.document.id, c.new.document.id)
    return [
        (a, b) for a, b in zip(versions, versions[1:], strict=False) if (a.id, b.id) != shown_now
    ]


def _rows(c: Comparison, show: str) -> list[tuple[list, Pair | None]]:
    """(headings placed before it, pair or None when filtered out) for every row, then the end."""
    before: dict[int, list] = {}
    for h in c.headings:
        before.setdefault(h.before, []).append(h)
    rows = [(before.get(k, []), p if shown(p, show) else None) for k, p in enumerate(c.pairs)]
    rows.append((before.get(len(c.pairs), []), None))
    return [(hs, p) for hs, p in rows if hs or p is not None]


def _neighbour(library: Library, doc_id: str) -> Response:
    """Redirect to the comparison of a version with the one before it (or after, for the first)."""
    ids = [v.id for v in library.versions(doc_id)]
    if len(ids) < 2:
        raise BadQuery(f"document {doc_id!r} has no other version to compare with")
    at = ids.index(doc_id) if doc_id in ids else 0
    old, new = (ids[at - 1], ids[at]) if at else (ids[0], ids[1])
    return redirect(compare_url(old, new))


@bp.get("/history")
def history() -> str:
    """One article in every version of its work (by ?ref=代表法第四十四条 or ?passage=<id>)."""
    library = get_library()
    passage = (request.args.get("passage") or "").strip()
    if passage:
        found = library.passage_history(id_arg("passage", "passage"))
    else:
        ref, versions, as_of = ref_args()
        found = library.history(ref, versions=versions, as_of=as_of)
    return render_template("history.html", h=found, tags=HISTORY_TAGS)


def hit_links(library: Library, result: SearchResult) -> dict[str, HitLinks]:
    """For hits in works with several versions: their history and comparison links, by hit id."""
    versions: dict[str, tuple[DocumentInfo, ...]] = {}
    links: dict[str, HitLinks] = {}
    for hit in result.hits:
        doc_id = hit.document.id
        if doc_id not in versions:
            versions[doc_id] = library.versions(doc_id)
        ids = [v.id for v in versions[doc_id]]
        if len(ids) < 2 or doc_id not in ids:
            continue
        at = ids.index(doc_id)
        old, new = (ids[at - 1], doc_id) if at else (doc_id, ids[1])
        links[hit.id] = HitLinks(
            url_for("compare.history", passage=hit.id), compare_url(old, new, f"r-{hit.id}")
        )
    return links
