"""The JSON API of version comparison: /api/compare (新旧对照) and /api/history (历次修改)."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

from flask import Blueprint, Response, jsonify, request

from kb.compare.model import Comparison
from kb.config import MAX_ID_CHARS
from kb.errors import BadQuery
from kb.shapes.compare import CompareEnvelope, HistoryEnvelope, compare_envelope, history_envelope
from kb.shapes.params import CitationQuery, CompareQuery
from web.api import ref_args
from web.context import get_library
from web.openapi import operation

bp = Blueprint("compare_api", __name__, url_prefix="/api")

# The JSON of recent comparisons: a large one is a megabyte that takes ~20 ms to serialise, while
# the comparison itself comes from the Library's cache. Kept with the Comparison it was made from
# and reused only for that very object, so a new build never gets an old answer.
_bodies: OrderedDict[tuple[str, str], tuple[Comparison, bytes]] = OrderedDict()
_bodies_lock = threading.Lock()
BODIES_KEPT = 8


@bp.get("/compare")
@operation(CompareEnvelope, query=CompareQuery, errors=(400, 404))
def compare() -> Response:
    """Two versions of one work aligned article by article, with every change (新旧对照)."""
    key = id_arg("from"), id_arg("to")
    comparison = get_library().compare(*key)
    with _bodies_lock:
        kept = _bodies.get(key)
    if kept is None or kept[0] is not comparison:
        body = json.dumps(compare_envelope(comparison), ensure_ascii=False, separators=(",", ":"))
        body = body.encode()
        kept = (comparison, body)
        with _bodies_lock:
            _bodies[key] = kept
            while len(_bodies) > BODIES_KEPT:
                _bodies.popitem(last=False)
    return Response(kept[1], mimetype="application/json")


@bp.get("/history")
@operation(HistoryEnvelope, query=CitationQuery, errors=(400, 404))
def history() -> Response:
    """The article a citation names, in every version of its work, oldest first (历次修改)."""
    ref, versions, as_of = ref_args()
    return jsonify(history_envelope(get_library().history(ref, versions=versions, as_of=as_of)))


def id_arg(name: str, what: str = "document") -> str:
    """A document (or passage) id given as a query parameter (BadQuery when missing or malformed)."""
    value = (request.args.get(name) or "").strip()
    if not value:
        raise BadQuery(f"{name} is required: a {what} id (see /api/{what}s/<id>)")
    if len(value) > MAX_ID_CHARS or not value.isprintable():
        raise BadQuery(f"{name} is not a {what} id: {value[:40]!r}")
    return value
