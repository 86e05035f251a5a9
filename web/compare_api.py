"""The JSON API of version comparison: /api/compare (新旧对照) and /api/history (历次修改)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from kb.compare.serialize import compare_envelope, history_envelope
from kb.errors import BadQuery
from web import get_library
from web.api import MAX_ID_CHARS, ref_args

bp = Blueprint("compare_api", __name__, url_prefix="/api")


@bp.get("/compare")
def compare() -> Response:
    """Two versions of one work aligned article by article, with every change."""
    from_id, to_id = id_arg("from"), id_arg("to")
    return jsonify(compare_envelope(get_library().compare(from_id, to_id)))


@bp.get("/history")
def history() -> Response:
    """The article a citation names, in every version of its work, oldest first."""
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
