"""The API for assistants and other programs: suggestions while typing, citation checking."""

from __future__ import annotations

import time

from flask import Blueprint, Response, jsonify, request

from kb.config import DEFAULT_SUGGESTIONS, MAX_SUGGEST_CHARS, MAX_SUGGESTIONS, MAX_VERIFY_CHARS
from kb.errors import BadQuery
from kb.shapes.assist import SuggestEnvelope, VerifyEnvelope, suggest_envelope
from kb.shapes.params import SuggestQuery, VerifyBody
from kb.verify.checker import verify_envelope
from web.context import get_library
from web.form import whole
from web.openapi import operation

bp = Blueprint("assist", __name__, url_prefix="/api")

# A text of MAX_VERIFY_CHARS characters as JSON with \u escapes (6 bytes each) or as a form
# (9 bytes each, percent-encoded UTF-8), with room to spare.
MAX_VERIFY_BODY = MAX_VERIFY_CHARS * 9 + 16 * 1024
FLAGS = {"": False, "0": False, "false": False, "1": True, "true": True}


@bp.get("/suggest")
@operation(SuggestEnvelope, query=SuggestQuery, errors=(400,))
def suggest() -> Response:
    """Names of works and articles completing what is typed (选举 → 选举法; 代表法第四 → 第四条)."""
    started = time.perf_counter()
    typed = request.args.get("q") or ""
    if not typed.strip():
        raise BadQuery(
            "q is required: the start of a name or a citation, such as 选举 or 代表法第四"
        )
    if len(typed) > MAX_SUGGEST_CHARS:
        raise BadQuery(f"q is too long for suggestions: at most {MAX_SUGGEST_CHARS} characters")
    limit = whole((request.args.get("limit") or "").strip(), "limit", DEFAULT_SUGGESTIONS)
    if not 1 <= limit <= MAX_SUGGESTIONS:
        raise BadQuery(f"limit must be a whole number from 1 to {MAX_SUGGESTIONS}")
    found = get_library().suggest(typed, limit)
    took_ms = round((time.perf_counter() - started) * 1000, 2)
    return jsonify(suggest_envelope(typed, found, took_ms))


def flag(name: str) -> bool:
    """A yes/no query parameter (1/true, 0/false or absent); BadQuery otherwise."""
    value = (request.args.get(name) or "").strip().lower()
    if value not in FLAGS:
        raise BadQuery(f"{name} must be 1 or 0, not {value[:20]!r}")
    return FLAGS[value]


@bp.post("/verify")
@operation(VerifyEnvelope, body=VerifyBody, errors=(400,))
def verify() -> Response:
    """Every citation and attached quotation in a text, checked against the collection."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise BadQuery('send a JSON object such as {"text": "依照选举法第三十条……"}')
    return jsonify(verify_envelope(get_library().verify(body["text"])))


verify.max_body = MAX_VERIFY_BODY  # type: ignore[attr-defined]  (web.security.body_limit)
