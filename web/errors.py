"""One error path: the JSON envelope under /api, an HTML page elsewhere; never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kb.errors import KBError
from kb.shapes.search import error_envelope

log = logging.getLogger(__name__)

# Page titles for the statuses a visitor may meet.
TITLES = {
    400: "查询有误",
    401: "请先登录",
    403: "没有权限",
    404: "未找到",
    405: "不支持的请求方式",
    409: "索引正在更新",
    413: "请求内容过大",
    414: "查询过长",
    415: "不支持的文件",
    422: "无法读取文件",
    429: "尝试过于频繁",
    503: "索引尚未建立",
}


def describe(exc: Exception) -> tuple[int, str]:
    """HTTP status and a message safe to show for any exception."""
    if isinstance(exc, KBError):
        return exc.status, str(exc)
    if isinstance(exc, HTTPException):
        return exc.code or 500, exc.description or exc.name
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return 500, "internal error: the server could not answer this request"


def wants_json() -> bool:
    """API paths answer errors with the JSON envelope."""
    return request.path == "/api" or request.path.startswith("/api/")


def handle(exc: Exception) -> tuple[Response | str, int]:
    """Render any error as the envelope or the error page, with the right status."""
    status, message = describe(exc)
    if status >= 500 and isinstance(exc, KBError):
        log.warning("%s on %s: %s", type(exc).__name__, request.path, message)
    if wants_json():
        response = jsonify(error_envelope(message, status))
    else:
        title = TITLES.get(status, "出错了" if status < 500 else "服务器错误")
        response = Response(
            render_template("error.html", status=status, title=title, message=message),
            mimetype="text/html",
        )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="kb"'
    if isinstance(exc, HTTPException) and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response, status


def register(app: Flask) -> None:
    """Route every exception (HTTP errors, KBError, anything else) through `handle`."""
    app.register_error_handler(Exception, handle)
