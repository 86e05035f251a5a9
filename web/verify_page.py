"""The 核对引用 page: paste a text, see every citation in it checked (no JavaScript needed)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from kb.config import MAX_VERIFY_CHARS
from kb.errors import BadQuery
from web.assist_api import MAX_VERIFY_BODY
from web.context import get_library

bp = Blueprint("verify", __name__)

VERDICT_LABELS = {
    "ok": "准确",
    "not_found": "未收录",
    "no_such_article": "无此条款",
    "superseded": "非现行",
    "misquoted": "引文有误",
    "wrong_article": "张冠李戴",
}
EXAMPLE = (
    "依照《中华人民共和国宪法》第二条规定：“中华人民共和国的一切权力属于人民。”"
    "选举法第三十条第二款规定了选举工作的主持。"
)


@bp.route("/verify", methods=["GET", "POST"])
def page() -> tuple[str, int]:
    """The form, and the checked citations when a text was sent."""
    text = request.form.get("text", "") if request.method == "POST" else ""
    context = {
        "text": text,
        "limit": MAX_VERIFY_CHARS,
        "labels": VERDICT_LABELS,
        "example": EXAMPLE,
        "result": None,
        "error": None,
    }
    if request.method == "GET":
        return render_template("verify.html", **context), 200
    try:
        context["result"] = get_library().verify(text)
    except BadQuery as exc:
        return render_template("verify.html", **{**context, "error": str(exc)}), 400
    return render_template("verify.html", **context), 200


page.max_body = MAX_VERIFY_BODY  # type: ignore[attr-defined]  (web.security.body_limit)
