"""The links of one passage as a page: the side panel's content for browsers without scripts."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from kb.config import MAX_ID_CHARS
from web.context import get_library

bp = Blueprint("links", __name__)


@bp.get("/passages/<passage_id>/links")
def passage(passage_id: str) -> str:
    """引用, 被引用 and 地方实施 (by region) of one passage."""
    if len(passage_id) > MAX_ID_CHARS:
        abort(404)
    library = get_library()
    links = library.links(passage_id)
    hit = library.passage(passage_id)
    return render_template("links.html", hit=hit, links=links, by_region=by_region)


def by_region(links) -> list[tuple[str, list]]:
    """Links grouped by the region of their document (national documents first)."""
    groups: dict[str, list] = {}
    for link in links:
        groups.setdefault(link.passage.document.region or "", []).append(link)
    return sorted(groups.items(), key=lambda kv: (kv[0] != "", kv[0]))
