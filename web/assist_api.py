"""The API for assistants and other programs: suggestions while typing, citation checking."""

from __future__ import annotations

import time

from flask import Blueprint, Response, jsonify, request

from kb.errors import BadQuery
from kb.search.suggest import MAX_SUGGEST_CHARS
from kb.verify.checker import MAX_VERIFY_CHARS, verify_envelope
from web.context import get_library
from web.form import whole

bp = Blueprint("assist", __name__, url_prefix="/api")

MAX_SUGGESTIONS = 20
# A text of MAX_VERIFY_CHARS characters as JSON with \u escapes (6 bytes each) or as a form
# (9 bytes each, percent-encoded UTF-8), with room to spare.
MAX_VERIFY_BODY = MAX_VERIFY_CHARS * 9 + 16 * 1024
FLAGS = {"": False, "0": False, "false": False, "1": True, "true": True}


@bp.get("/suggest")
def suggest() -> Response:
    """Names of works and articles completing what is being typed in the search box."""
    started = time.perf_counter()
    typed = request.args.get("q") or ""
    if not typed.strip():
        raise BadQuery(
            "q is required: the start of a name or a citation, such as 选举 or 代表法第四"
        )
    if len(typed) > MAX_SUGGEST_CHARS:
        raise BadQuery(f"q is too long for suggestions: at most {MAX_SUGGEST_CHARS} characters")
    limit = whole((request.args.get("limit") or "").strip(), "limit", 8)
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise BadQuery(f"limit must be a whole number from 1 to {MAX_SUGGESTIONS}")
    found = get_library().suggest(typed, limit)
    return jsonify(
        {
            "ok": True,
            "query": typed,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
            "suggestions": [
                {
                    "kind": s.kind,
                    "text": s.text,
                    "label": s.label,
                    "detail": s.detail,
                    "document": s.document,
                }
                for s in found
            ],
        }
    )


def flag(name: str) -> bool:
    """A yes/no query parameter (1/true, 0/false or absent); BadQuery otherwise."""
    value = (request.args.get(name) or "").strip().lower()
    if value not in FLAGS:
        raise BadQuery(f"{name} must be 1 or 0, not {value[:20]!r}")
    return FLAGS[value]


@bp.post("/verify")
def verify() -> Response:
    """Every citation and attached quotation in a text, checked against the collection."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise BadQuery('send a JSON object such as {"text": "依照选举法第三十条……"}')
    return jsonify(verify_envelope(get_library().verify(body["text"])))


verify.max_body = MAX_VERIFY_BODY  # type: ignore[attr-defined]  (web.security.body_limit)
